"""Roster import: OneRoster 1.1 CSV zips and the SchoolWell template (XLSX or CSV).

Both formats are validated whole before anything is written (a bad file changes nothing
and every error is reported by file, row and column), and are idempotent on re-import.
"""

from schoolwell.roster.importing.errors import ImportRejected, ImportResult, RowError
from schoolwell.roster.importing.oneroster import roster_import_oneroster
from schoolwell.roster.importing.template import roster_import_template

__all__ = [
    "ImportRejected",
    "ImportResult",
    "RowError",
    "roster_import_oneroster",
    "roster_import_template",
]
