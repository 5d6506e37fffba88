"""What every benchmark reports beside its figure: wall and CPU time (the machine is shared,
so CPU is the steadier figure), the PostgreSQL backend's CPU when the server runs on this
machine, peak RSS and the load average."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0
    backend_cpu: float | None = None

    def __str__(self) -> str:
        backend = "" if self.backend_cpu is None else f", {self.backend_cpu:.1f} s database CPU"
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU{backend}"

    @property
    def all_cpu(self) -> float:
        """This process's CPU and the database backend's, where it was read."""
        return self.cpu + (self.backend_cpu or 0)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) process `pid` of this machine has used so far, from
    /proc; None when there is no such process (ended, or on another machine)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields of stat(5), counted after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu(connection) -> float | None:
    """CPU seconds of the PostgreSQL backend serving `connection`, from /proc; None when
    the server is elsewhere (or the database is not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    return process_cpu(connection.connection.info.backend_pid)


@contextmanager
def timed(connection=None) -> Iterator[Timing]:
    """Times the block; the Timing is filled in when it ends."""
    timing = Timing()
    backend = backend_cpu(connection) if connection is not None else None
    wall, cpu = time.perf_counter(), time.process_time()
    yield timing
    timing.wall = time.perf_counter() - wall
    timing.cpu = time.process_time() - cpu
    if backend is not None:
        timing.backend_cpu = backend_cpu(connection) - backend


def setup_django(db_path: str) -> None:
    """Django on DATABASE_URL (else a SQLite file at `db_path`), migrated, DEBUG off."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # as in production: no per-query debug state
    call_command("migrate", verbosity=0)
