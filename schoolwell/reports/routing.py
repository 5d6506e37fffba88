"""Reports may read from a replica: set `REPORTS_DATABASE_URL` (a streaming read replica of
the main database) and the dashboards' read queries go there, so a heavy dashboard does not
compete with teachers saving check-ins on the primary.

Only code inside `replica_reads()` is routed: a router cannot tell a dashboard's query from
a service's, and a service must read what it (or the request before) just wrote. Writes
always go to the primary. Who may see what is decided before the block (the user's scope
is read from the primary and kept on the user for the request), so replica lag can delay
a figure by a moment but never widen anyone's access.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "reports"
_reading = contextvars.ContextVar("schoolwell_reports_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the reports replica when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReportsReplicaRouter:
    """DATABASE_ROUTERS entry, installed by settings when REPORTS_DATABASE_URL is set."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica follows the primary's schema; it is never migrated itself.
        return False if db == REPLICA else None
