"""Reading import files as streams of rows, and parsing their values.

Nothing here holds a whole file: CSV rows are streamed straight out of the zip (or file)
and XLSX rows out of openpyxl's read-only mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.db import reset_queries
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ErrorLog, ImportRejected
from schoolwell.roster.importing.limits import current_budget

BATCH_SIZE = 1000

Row = dict[str, str]


def chunks(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
        if settings.DEBUG:
            # DEBUG keeps each SQL statement (up to 9,000 of them): with 1,000-row inserts
            # that alone would take gigabytes during a district import in development.
            reset_queries()


def open_zip(path: str | Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ImportRejected.single(_("The file is not a zip archive.")) from None
    budget = current_budget()
    try:
        # A zip bomb guard (the files of a 50,000-student district are ~100 MB uncompressed);
        # members are counted again while they are read (limits.open_member).
        budget.check_declared(archive, member=budget.member_bytes, total=budget.total_bytes)
    except ImportRejected:
        archive.close()
        raise
    return archive


def zip_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """file name (lower case, without folders) → member name; exports often add a folder."""
    members = {}
    for name in archive.namelist():
        if not name.endswith("/") and not name.startswith("__MACOSX/"):
            members.setdefault(name.rsplit("/", 1)[-1].lower(), name)
    return members


def header_positions(header: list[str], columns: Iterable[str]) -> dict[str, int]:
    """Our column name → its position in `header` (the first of repeated titles)."""
    known = {name.lower(): name for name in columns}
    positions = {}
    for index, title in enumerate(header):
        name = known.get(title.strip().lstrip("\ufeff").lower())
        if name is not None and name not in positions:
            positions[name] = index
    return positions


def csv_rows(
    stream: io.TextIOBase,
    *,
    file: str,
    columns: Iterable[str],
    required: Iterable[str],
    errors: ErrorLog,
) -> Iterator[tuple[int, Row]]:
    """(row number, row) for each data row, keys being our column names.

    Lenient about column order, letter case, surrounding spaces and extra columns; strict
    about required columns (a missing one rejects the file, and no rows are read).
    """
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        errors.add(file, 1, "", _("Cannot read the header: %(error)s") % {"error": exc})
        return
    if header is None:
        errors.add(file, 1, "", _("The file is empty (no header row)."))
        return
    positions = header_positions(header, columns)
    missing = [name for name in required if name not in positions]
    for name in missing:
        errors.add(file, 1, name, _("Required column is missing."))
    if missing:
        return
    number = 1
    budget = current_budget()
    names = tuple(positions)
    # Called for each of a district's ~500,000 rows: one C-level pick of the known columns
    # (the extra index makes itemgetter return a tuple even for one column; zip drops it).
    pick = itemgetter(*positions.values(), 0)
    width = max(positions.values()) + 1
    try:
        for values in reader:
            number += 1
            budget.check_rows(file, number)
            joined = "".join(values)
            if not joined.strip():
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            row = dict(zip(names, map(str.strip, pick(values)), strict=False))
            if "\x00" in joined:
                _refuse_nul(row, file=file, number=number, errors=errors)
            yield number, row
    except (csv.Error, UnicodeDecodeError) as exc:
        errors.add(file, number + 1, "", _("Cannot read this row: %(error)s") % {"error": exc})


def _refuse_nul(row: Row, *, file: str, number: int, errors: ErrorLog) -> None:
    """A NUL is no text (PostgreSQL refuses it): each cell holding one is reported, and
    read without it, so the row's other problems are found as usual."""
    for name, value in row.items():
        if "\x00" in value:
            errors.add(file, number, name, _("This value holds a NUL character (not text)."))
            row[name] = value.replace("\x00", "")


def text_stream(binary) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheet programs save CSV with a byte-order mark.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def parse_date(value: str) -> dt.date:
    """YYYY-MM-DD (OneRoster) — a date-time is accepted and its date kept."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from None


def parse_datetime(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date and time (ISO 8601).") % {"value": value}
        ) from None


GRADE_CODES = {"PK": -1, "TK": 0, "KG": 0, "K": 0}


def parse_grade(value) -> int:
    """CEDS grade codes: PK → -1, KG → 0, 01…12 → 1…12 (13 for a post-secondary year)."""
    text = str(value).strip().upper()
    if text in GRADE_CODES:
        return GRADE_CODES[text]
    if text.isdigit() and 1 <= int(text) <= 13:
        return int(text)
    raise ValueError(_("“%(value)s” is not a grade (use PK, KG or 01–12).") % {"value": value})


TRUE_WORDS = {"true", "yes", "y", "1", "sí", "si"}
FALSE_WORDS = {"false", "no", "n", "0"}


def parse_bool(value, *, default: bool) -> bool:
    text = str(value).strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s” is not yes/no (true/false).") % {"value": value})


def split_ids(value: str) -> list[str]:
    if "," not in value:
        # Most cells name one id (328,000 calls in a district's users.csv).
        value = value.strip()
        return [value] if value else []
    return [part.strip() for part in value.split(",") if part.strip()]
