"""The production stack, started as README says (`dev.py stack` → deploy/stack.py) on this
machine: gunicorn, a Celery worker and beat under the production settings, against a fresh
PostgreSQL database, Redis and a real local SMTP server. A teacher saves a check-in with a
self-harm concern through gunicorn; the real worker delivers the on-call alert by email;
the stack then stops cleanly on SIGTERM.

Marked `smoke`: .ci/run runs it as its own stage (it needs PostgreSQL and Redis)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "schoolwell_smoke"
BROKER = "redis://127.0.0.1:6379/12"  # a spare Redis database of its own
START_TIMEOUT_S = 300
ALERT_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _require_services() -> None:
    missing = [
        name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not _reachable(port)
    ]
    if missing:
        why = f"{' and '.join(missing)} not reachable on 127.0.0.1"
        if os.environ.get("SCHOOLWELL_CI") == "1":
            pytest.fail(f"CI must run the smoke test, but {why}", pytrace=False)
        pytest.skip(why)


def _fresh_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DATABASE}")


class Mailbox:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(
            {"to": envelope.rcpt_tos, "body": envelope.content.decode("utf-8", "replace")}
        )
        return "250 OK"


class Browser:
    """Just enough of a browser behind a TLS-terminating proxy: cookies (including Secure
    ones, which urllib's jar would withhold over plain HTTP) and the proxy's headers."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {
            "X-Forwarded-Proto": "https",  # what the reverse proxy adds (SECURE_PROXY_SSL_HEADER)
            "Referer": self.base.replace("http://", "https://") + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, response.read().decode("utf-8", "replace")

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_healthy(base: str, stack: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            pytest.fail(f"the stack exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                return json.loads(response.read())
        except (OSError, urllib.error.URLError):
            time.sleep(1)
    pytest.fail(f"/healthz never answered 200:\n{log.read_text()[-4000:]}")


def test_production_stack_delivers_a_critical_alert_and_stops_cleanly(tmp_path):
    _require_services()
    import redis
    from aiosmtpd.controller import Controller

    _fresh_database()
    redis.Redis.from_url(BROKER).flushdb()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        "STATE_DIR": str(tmp_path / "state"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
    }
    log = tmp_path / "stack.log"
    with log.open("w") as out:
        stack = subprocess.Popen(
            [sys.executable, "deploy/stack.py"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        health = _wait_healthy(base, stack, log)
        assert health["status"] == "ok"
        assert health["checks"]["broker"]["ok"] is True  # a real broker, not eager tasks

        setup = subprocess.run(
            [sys.executable, "tests/deploy/smoke_setup.py"],
            cwd=ROOT,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "schoolwell.settings.production",
                "SMOKE_PASSWORD": password,
            },
            capture_output=True,
            text=True,
        )
        assert setup.returncode == 0, setup.stderr[-4000:]
        ids = json.loads(setup.stdout.strip().splitlines()[-1])

        browser = Browser(base)
        status, html = browser.request("/accounts/login/")
        assert status == 200
        status, _ = browser.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": browser.csrf(html), "username": "smoke-teacher",
             "password": password},
        )  # fmt: skip
        assert status == 302, "the teacher could not sign in through gunicorn"

        path = f"/screening/classes/{ids['class']}/checkin/"
        status, html = browser.request(path)
        assert status == 200
        sid = ids["student"]
        saved_at = time.monotonic()
        status, _ = browser.request(
            path,
            {"csrfmiddlewaretoken": browser.csrf(html), f"w-{sid}": "1",
             f"tags-{sid}": "self_harm_concern"},
        )  # fmt: skip
        assert status in (200, 302), f"check-in save answered {status}"

        while time.monotonic() - saved_at < ALERT_TIMEOUT_S:
            alerts = [m for m in mailbox.messages if "oncall@smoke.example" in m["to"]]
            if alerts:
                break
            time.sleep(0.25)
        else:
            pytest.fail(f"no alert email within {ALERT_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")
        latency = time.monotonic() - saved_at
        body = alerts[0]["body"]
        assert "Sam" not in body and "Smoke," not in body  # emails never name the student
        assert re.search(r"https?://127\.0\.0\.1:\d+/referrals/\d+/", body), body
        print(f"\ncritical check-in saved → alert email delivered by the worker: {latency:.2f} s")
    finally:
        stack.send_signal(signal.SIGTERM)
        try:
            code = stack.wait(timeout=90)
        except subprocess.TimeoutExpired:
            stack.kill()
            code = "killed"
        smtp.stop()
    text = log.read_text()
    assert code == 0, f"the stack did not stop cleanly ({code}):\n{text[-4000:]}"
    assert "stack: stopped" in text
