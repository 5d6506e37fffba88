"""Who may import into what: an administrator only ever writes into schools they administer."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from schoolwell.accounts.roles import access_scope
from schoolwell.roster.importing.errors import ImportRejected
from schoolwell.roster.models import District, School


@dataclass(frozen=True)
class ImportScope:
    district: District
    # Existing schools of the district the import may write into.
    school_ids: frozenset[int]
    # District administrators (and the command line) may also add schools and name
    # district administrators; a school administrator may not.
    district_wide: bool


def import_scope(*, district: District, by) -> ImportScope:
    """`by` None is the command line, run by whoever operates the server."""
    district_schools = frozenset(
        School.objects.filter(district=district).values_list("pk", flat=True)
    )
    if by is None:
        return ImportScope(district, district_schools, True)
    scope = access_scope(by)
    district_wide = scope.is_superuser or district.pk in scope.district_ids
    school_ids = district_schools if district_wide else scope.admin_school_ids & district_schools
    if not school_ids and not district_wide:
        raise ImportRejected.single(_("You do not administer any school of this district."))
    return ImportScope(district, school_ids, district_wide)
