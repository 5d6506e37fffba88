"""Import of a OneRoster 1.1 CSV export (a zip) into a district.

Two passes over the zip, streaming each CSV straight out of it: pass 1 validates every
file and keeps only ids (`OneRosterCheck`); pass 2 writes in batches (`OneRosterWrite`).
Both run in one transaction, so a bad file is rejected whole with nothing written, and a
good one is written whole or not at all.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction

from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ErrorLog, ImportResult
from schoolwell.roster.importing.limits import import_budget
from schoolwell.roster.importing.oneroster_check import OneRosterCheck
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_write import OneRosterWrite
from schoolwell.roster.importing.parsing import open_zip
from schoolwell.roster.importing.scope import import_scope
from schoolwell.roster.importing.writer import guarded_write
from schoolwell.roster.models import District

logger = logging.getLogger(__name__)


def roster_import_oneroster(
    *, path: str | Path, district: District, by: User | None, dry_run: bool = False
) -> ImportResult:
    """Import the zip at `path` into `district`, as `by` (None: the command line).

    Raises ImportRejected (nothing written) with row-numbered errors for a bad file, or
    when `by` does not administer what the file touches.
    """
    errors = ErrorLog()
    result = ImportResult(format="oneroster", dry_run=dry_run)
    with open_zip(path) as archive:
        # Pass 1 runs before the write transaction opens: on SQLite that transaction holds
        # the database's only write lock, which every other user's page waits for.
        with import_budget():
            scope = import_scope(district=district, by=by)
            source = OneRosterZip.open(archive, errors)
            errors.raise_if_any()
            catalogue = OneRosterCheck(source, scope, errors).run()
            errors.raise_if_any()
        with import_budget(timed=False), transaction.atomic():
            # One import per district at a time (PostgreSQL; SQLite serialises writers
            # anyway). Anything that changed since pass 1 and clashes is refused by the
            # database, which guarded_write turns into a rejection with nothing saved.
            District.objects.select_for_update().filter(pk=district.pk).first()
            with guarded_write():
                OneRosterWrite(source, scope, catalogue, result).run()
            if dry_run:
                transaction.set_rollback(True)
    logger.info("roster OneRoster import into %s: %s", district.code, result.log_line())
    return result
