"""Start SchoolWell's production stack on one machine: gunicorn, a Celery worker and beat.

    python3.11 dev.py stack        # or: .venv/bin/python deploy/stack.py

Reads the production settings from the environment (README, "Configuration"): at least
DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS, SITE_URL and CELERY_BROKER_URL (Redis).
Before starting it migrates, syncs the instruments, collects static files and runs
`check --deploy`; then it supervises the three processes: if one dies the others are
stopped and the exit status says so, and SIGINT/SIGTERM stop all three cleanly (gunicorn
finishes its requests, the worker its tasks). On several machines, run the same three
commands under systemd instead (deploy/systemd/).

Standard library only: it runs before anything is imported from the project.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
STOP_GRACE_S = 30


def _env() -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schoolwell.settings.production"}
    missing = [
        k for k in ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL") if not env.get(k)
    ]
    if missing:
        sys.exit(f"stack: set {', '.join(missing)} in the environment (README, Configuration).")
    return env


def _prepare(env: dict[str, str]) -> None:
    for args in (
        ["migrate", "--noinput", "--verbosity", "1"],
        ["load_instruments"],  # instruments and concern tags are data: synced on every start
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["check", "--deploy", "--fail-level", "WARNING"],
    ):
        print("stack: manage.py", " ".join(args), flush=True)
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _commands(env: dict[str, str]) -> dict[str, list[str]]:
    bind = env.get("BIND", "127.0.0.1:8000")
    web = env.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1))
    state = Path(env.get("STATE_DIR", ROOT / "var"))
    state.mkdir(parents=True, exist_ok=True)
    celery = [PY, "-m", "celery", "-A", "schoolwell"]
    return {
        "web": [PY, "-m", "gunicorn", "schoolwell.wsgi", "--bind", bind, "--workers", web]
        + ["--timeout", "60", "--graceful-timeout", "20"],
        "worker": [*celery, "worker", "--loglevel", "INFO"]
        + ["--concurrency", env.get("WORKER_CONCURRENCY", "2")],
        "beat": [*celery, "beat", "--loglevel", "INFO"]
        + ["--schedule", str(state / "celerybeat-schedule")],
    }


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"stack: {name} did not stop in {STOP_GRACE_S} s; killing it", flush=True)
            process.kill()
            process.wait()


def main() -> int:
    env = _env()
    _prepare(env)
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for name, command in _commands(env).items():
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        print(f"stack: started {name} (pid {processes[name].pid})", flush=True)
    status = 0
    while not stopping:
        dead = [n for n, p in processes.items() if p.poll() is not None]
        if dead:
            print(f"stack: {', '.join(dead)} exited; stopping the rest", flush=True)
            status = 1
            break
        time.sleep(0.5)
    _stop(processes)
    print("stack: stopped", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
