"""Import of a OneRoster 1.1 CSV export (a zip) into a district.

Two passes, streaming each CSV straight out of the zip: pass 1 validates every file and
keeps only ids (`OneRosterCheck`); pass 2 writes. On SQLite pass 2 reads the zip again and
writes in batches (`OneRosterWrite`); on PostgreSQL pass 1 also stages each parsed row in
temporary tables (enrollments.csv usually by COPY of the file itself), so every CSV is
parsed once, compares them with the database, and pass 2 writes them with set-based SQL
(`OneRosterSqlWrite`).
Both run in one transaction, so a bad file is rejected whole with nothing written, and a
good one is written whole or not at all.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ErrorLog, ImportResult
from schoolwell.roster.importing.limits import import_budget
from schoolwell.roster.importing.oneroster_check import OneRosterCheck
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_sql import OneRosterSqlWrite, check_staged
from schoolwell.roster.importing.oneroster_stage import CopyStage
from schoolwell.roster.importing.oneroster_write import OneRosterWrite
from schoolwell.roster.importing.parsing import open_zip
from schoolwell.roster.importing.scope import import_scope
from schoolwell.roster.importing.writer import guarded_write
from schoolwell.roster.models import District
from schoolwell.roster.services import districts_consent_changed

logger = logging.getLogger(__name__)


@contextmanager
def _staging(stage: CopyStage | None) -> Iterator[None]:
    if stage:
        stage.open()
    try:
        yield
    finally:
        if stage:
            stage.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the file is read and written. An import makes
    a few containers per row (~1.5 million for a district) and keeps hundreds of thousands
    (the catalogue, the agent links); the collector, run every 700 allocations, kept
    walking them: 2.5 s of a 50,000-student re-import's 7.7 s of CPU. The import makes no
    reference cycles of its own; any made meanwhile are collected once it resumes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def roster_import_oneroster(
    *,
    path: str | Path,
    district: District,
    by: User | None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Import the zip at `path` into `district`, as `by` (None: the command line).

    `progress(stage, rows read)` is told how far the check pass is (every 1,000 rows) and
    when the write pass starts (a background job shows it).

    Raises ImportRejected (nothing written) with row-numbered errors for a bad file, or
    when `by` does not administer what the file touches.
    """
    errors = ErrorLog()
    result = ImportResult(format="oneroster", dry_run=dry_run)
    # PostgreSQL: pass 1 also stages every parsed row for COPY, and pass 2 writes them with
    # set-based SQL (oneroster_sql); SQLite: pass 2 reads the zip again, in batches.
    stage = CopyStage() if connection.vendor == "postgresql" else None
    with _collector_paused(), open_zip(path) as archive, _staging(stage):
        # Pass 1 runs before the write transaction opens: on SQLite that transaction holds
        # the database's only write lock, which every other user's page waits for.
        on_rows = (lambda rows: progress("checking", rows)) if progress else None
        with import_budget(on_rows=on_rows):
            scope = import_scope(district=district, by=by)
            source = OneRosterZip.open(archive, errors)
            errors.raise_if_any()
            catalogue = OneRosterCheck(source, scope, errors, stage).run()
            if stage:
                with connection.cursor() as cursor:
                    stage.load(cursor)
                    # A file with problems is rejected here, its clashes with records held
                    # reported with them; a clean file's clashes are looked for once, under
                    # the district lock below (twice cost a re-import 1.4 s).
                    if errors:
                        check_staged(cursor, scope=scope, errors=errors)
            errors.raise_if_any()
        if progress:
            progress("writing", 0)
        with import_budget(timed=False), transaction.atomic():
            # One import per district at a time (PostgreSQL; SQLite serialises writers
            # anyway). Anything that changed since pass 1 and clashes is refused by the
            # database, which guarded_write turns into a rejection with nothing saved.
            District.objects.select_for_update().filter(pk=district.pk).first()
            if stage:
                # The upserts update whatever row holds a sourcedId they meet, so the
                # clashes with records held are checked again under the lock: another
                # school's import may have committed its students since pass 1.
                with connection.cursor() as cursor:
                    check_staged(cursor, scope=scope, errors=errors)
                errors.raise_if_any()
            with guarded_write():
                if stage:
                    OneRosterSqlWrite(stage, scope, catalogue, result, source).run()
                else:
                    OneRosterWrite(source, scope, catalogue, result).run()
            if dry_run:
                transaction.set_rollback(True)
            else:
                districts_consent_changed(district_ids=[district.pk])
    logger.info("roster OneRoster import into %s: %s", district.code, result.log_line())
    return result
