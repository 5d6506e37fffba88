"""Rule 4 end to end: a critical answer saved on a screener opens an urgent referral whose
alert a real Celery worker delivers through the real Redis broker, by email and in-app,
within seconds. Prints the latency from saving the answer to the email being written."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from schoolwell.alerts.models import Delivery, State
from schoolwell.celery import app
from schoolwell.referrals.models import Notification, Priority, Referral

from .conftest import grant_screening_consent, record_critical_phqa

pytestmark = [
    pytest.mark.redis,
    # The worker is another process: it needs the test data committed, in a database it
    # can reach (PostgreSQL; the SQLite test database lives in this process's memory).
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/1"  # a spare database: other test runs use 0 and 5


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A real `celery -A schoolwell worker` (solo pool) on a spare Redis database."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.referrals.worker_settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "SCHOOLWELL_TEST_MAIL_DIR": str(mail_dir),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "schoolwell",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    _forget_connections()  # eager calls earlier in this process opened pools to the default
    try:
        _wait_ready(tmp_path / "worker.log", process)
        yield mail_dir
    finally:
        app.conf.update(saved)
        _forget_connections()
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def _wait_ready(log_path: Path, process, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("worker exited:\n" + log_path.read_text())
        if " ready." in log_path.read_text():
            return
        time.sleep(0.1)
    pytest.fail("worker did not start:\n" + log_path.read_text())


def test_critical_answer_alert_is_delivered_by_a_real_worker(
    worker, rules_a, student_a, teacher, on_call, capsys
):
    grant_screening_consent(student_a)
    started = time.time()
    record_critical_phqa(student_a, teacher)  # commits; the referral's on_commit enqueues
    referral = Referral.objects.get(student=student_a, priority=Priority.URGENT)
    # The outbox rows were committed with the referral; the worker marks each one sent
    # once the email file is written and closed, or the notification created.
    rows = Delivery.objects.filter(recipient=on_call, referral=referral)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and rows.exclude(state=State.SENT).exists():
        time.sleep(0.02)
    log = (worker.parent / "worker.log").read_text()
    assert sorted(rows.values_list("channel", "state")) == [
        ("email", State.SENT),
        ("in_app", State.SENT),
    ], "no alert within 20 s; worker log:\n" + log
    assert Notification.objects.filter(user=on_call, referral=referral).count() == 1
    files = list(worker.iterdir())
    assert len(files) == 1
    latency = files[0].stat().st_mtime - started
    message = files[0].read_text()
    assert on_call.email in message
    assert f"http://testserver/referrals/{referral.pk}/" in message  # absolute (SITE_URL)
    with capsys.disabled():
        print(f"\nalert latency through the real worker: {latency * 1000:.0f} ms")
    assert latency < 10
