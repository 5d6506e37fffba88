#!/usr/bin/env python3
"""SchoolWell's two commands, for a fresh machine with only Python 3.11.

    python3.11 dev.py run    # .venv, install, migrate, seed the demo district, serve on :8000
    python3.11 dev.py test   # .venv, install, lint, migration check, the whole test suite

Both are idempotent: the virtualenv is created once and re-synced only when
requirements.txt or requirements-dev.txt changes. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
REQUIREMENTS = ROOT / "requirements.txt"  # what production installs
DEV_REQUIREMENTS = ROOT / "requirements-dev.txt"  # that, plus the test and lint tools
STAMP = VENV / ".requirements.sha256"


def sh(*args: str | Path, env: dict | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(
            f"SchoolWell needs Python 3.11 (Django 5.2 LTS); this is {sys.version.split()[0]}."
        )
    if not PY.exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + DEV_REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        sh(PY, "-m", "pip", "install", "--quiet", "-r", DEV_REQUIREMENTS)
        STAMP.write_text(digest)


def run() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schoolwell.settings.dev"}
    sh(PY, "manage.py", "migrate", "--verbosity", "0", env=env)
    sh(PY, "manage.py", "seed_demo", env=env)
    print("\nSchoolWell is at http://127.0.0.1:8000/ (Ctrl-C to stop)\n", flush=True)
    sh(PY, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def test(pytest_args: list[str]) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schoolwell.settings.test"}
    sh(PY, "-m", "ruff", "check", ".", env=env)
    sh(PY, "-m", "ruff", "format", "--check", ".", env=env)
    sh(PY, "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    sh(PY, "manage.py", "check", env=env)
    # pytest exits 5 when it collects nothing, and that non-zero status fails this command.
    sh(PY, "-m", "pytest", *pytest_args, env=env)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.exit(__doc__)
    ensure_venv()
    if sys.argv[1] == "run":
        run()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
