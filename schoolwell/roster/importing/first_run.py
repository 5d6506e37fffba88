"""First run: a fresh install has no district yet; the OneRoster file names its own."""

from __future__ import annotations

from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ErrorLog, ImportRejected
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_rows import org_record
from schoolwell.roster.importing.parsing import open_zip
from schoolwell.roster.models import District
from schoolwell.roster.services import district_create


def district_from_oneroster(*, path: str | Path) -> District:
    """Create the district that the zip's orgs.csv describes (its one type=district row):
    code from its identifier (else its name), name and sourcedId from the row. Call it
    only when no district exists; the import then fills the district's schools."""
    errors = ErrorLog()
    found = []
    with open_zip(path) as archive:
        source = OneRosterZip.open(archive, errors)
        errors.raise_if_any()
        for row in source.rows("orgs", errors):
            record = org_record(row)
            if record["type"] == "district" and record["sid"]:
                found.append(record)
    errors.raise_if_any()
    if len(found) != 1:
        raise ImportRejected.single(
            _("orgs.csv must hold exactly one org of type district to create the district from."),
            "orgs.csv",
        )
    record = found[0]
    code = slugify(record["identifier"] or record["name"])[:64] or slugify(record["sid"])[:64]
    return district_create(code=code, name=record["name"], sourced_id=record["sid"])
