"""What `/healthz` checks: the database and the task broker, each with its latency.

Load balancers call it often and unauthenticated, so it says only "ok" or what kind of
failure, never a connection string, host name or exception text.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

BROKER_TIMEOUT_S = 2.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_S) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)


def _timed(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception:  # noqa: BLE001 — any failure is "down"; the details stay in the server log
        return {"ok": False, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def health_report() -> tuple[bool, dict]:
    """(healthy, report). With eager tasks (the embedded default) there is no broker to ask."""
    checks = {"database": _timed(_database)}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = {"ok": True, "eager": True}
    else:
        checks["broker"] = _timed(_broker)
    healthy = all(c["ok"] for c in checks.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}
