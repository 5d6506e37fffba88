"""Bounds on what one import file may cost (issue 10), so a hostile file is refused within
seconds and in bounded memory instead of tying up a worker for minutes.

A zip's central directory declares each member's size: that is checked first, without
decompressing anything. Declared sizes can lie, so every member is also counted while it is
streamed, and the import stops the moment a member passes its limit. Rows and time are
checked as rows are read. The limits are settings (see settings/base.py) read per import.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ImportRejected

# Decompressed bytes read at a time when scanning a workbook's members.
SCAN_CHUNK = 1024 * 1024


@dataclass
class ImportBudget:
    member_bytes: int
    total_bytes: int
    workbook_bytes: int
    rows: int
    seconds: float
    started: float = field(default_factory=time.monotonic)
    # Rows read so far over every file, and who is told every 1,000 (a background job).
    rows_read: int = 0
    on_rows: Callable[[int], None] | None = None

    @classmethod
    def from_settings(cls) -> ImportBudget:
        return cls(
            member_bytes=settings.ROSTER_IMPORT_MAX_MEMBER_BYTES,
            total_bytes=settings.ROSTER_IMPORT_MAX_TOTAL_BYTES,
            workbook_bytes=settings.ROSTER_IMPORT_MAX_WORKBOOK_BYTES,
            rows=settings.ROSTER_IMPORT_MAX_ROWS,
            seconds=settings.ROSTER_IMPORT_MAX_SECONDS,
        )

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise ImportRejected.single(
                _(
                    "Reading the file took longer than %(seconds)d seconds, so it was stopped; "
                    "nothing was saved. Split it into smaller files."
                )
                % {"seconds": self.seconds}
            )

    def check_rows(self, file: str, number: int) -> None:
        """Called with each row number: a file of empty rows costs time too."""
        self._check_count(file, number)
        self.rows_read += 1
        if number % 1000 == 0:
            self.check_time()
            if self.on_rows:
                self.on_rows(self.rows_read)

    def check_block(self, file: str, number: int, rows: int) -> None:
        """check_rows for `rows` rows read at once, the last numbered `number` (a file
        copied to the database as it is, a block at a time). Whoever is told the rows read
        is not told here: the connection is busy with the COPY (see `tell`)."""
        self._check_count(file, number)
        self.rows_read += rows
        self.check_time()

    def tell(self) -> None:
        if self.on_rows:
            self.on_rows(self.rows_read)

    def _check_count(self, file: str, number: int) -> None:
        if number > self.rows:
            raise ImportRejected.single(
                _("The file has more than %(max)s rows; nothing was saved.")
                % {"max": f"{self.rows:,}"},
                file,
            )

    def check_declared(self, archive: zipfile.ZipFile, *, member: int, total: int) -> None:
        """Refuse from the central directory alone, before decompressing anything."""
        size = 0
        for info in archive.infolist():
            if info.file_size > member:
                raise too_large(info.filename, member)
            size += info.file_size
        if size > total:
            raise ImportRejected.single(
                _("The file would be %(size)s once uncompressed; at most %(max)s is accepted.")
                % {"size": filesizeformat(size), "max": filesizeformat(total)}
            )


def too_large(name: str, limit: int) -> ImportRejected:
    return ImportRejected.single(
        _("This part of the file is larger than %(max)s once uncompressed; nothing was saved.")
        % {"max": filesizeformat(limit)},
        name.rsplit("/", 1)[-1],
    )


_current: ContextVar[ImportBudget | None] = ContextVar("roster_import_budget", default=None)


@contextmanager
def import_budget(
    *, timed: bool = True, on_rows: Callable[[int], None] | None = None
) -> Iterator[ImportBudget]:
    """The budget of the import running in this context (its clock starts now). The write
    pass runs untimed: it only ever reads a file the timed check pass accepted, and stopping
    it late would only waste the work done."""
    budget = ImportBudget.from_settings()
    budget.on_rows = on_rows
    if not timed:
        budget.seconds = float("inf")
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def current_budget() -> ImportBudget:
    """The running import's budget; outside an import (a reader used alone), a fresh one."""
    return _current.get() or ImportBudget.from_settings()


class _CountingReader(io.RawIOBase):
    """A zip member's stream that stops at `limit` decompressed bytes whatever the headers
    say, and checks the clock as it goes."""

    def __init__(self, raw: IO[bytes], name: str, limit: int, budget: ImportBudget) -> None:
        self.raw, self.name, self.limit, self.budget = raw, name, limit, budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.raw.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            # e.g. a CRC mismatch: a header that understated the member's size.
            raise ImportRejected.single(
                _("The zip archive is damaged (%(error)s); nothing was saved.") % {"error": exc},
                self.name.rsplit("/", 1)[-1],
            ) from None
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(self.name, self.limit)
        self.budget.check_time()
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_member(archive: zipfile.ZipFile, name: str) -> io.BufferedReader:
    budget = current_budget()
    raw = archive.open(name)
    return io.BufferedReader(_CountingReader(raw, name, budget.member_bytes, budget))


def check_workbook(path) -> None:
    """An XLSX is a zip of XML parts that openpyxl partly holds in memory (shared strings):
    its parts are bounded together, declared and counted, before openpyxl opens it."""
    budget = current_budget()
    limit = budget.workbook_bytes
    try:
        with zipfile.ZipFile(path) as archive:
            budget.check_declared(archive, member=limit, total=limit)
            count = 0
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(SCAN_CHUNK):
                        count += len(chunk)
                        if count > limit:
                            raise too_large(info.filename, limit)
                        budget.check_time()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        # Includes a CRC mismatch: a member whose header understated its size.
        raise ImportRejected.single(_("The file is not a readable XLSX workbook.")) from None
