"""Who may import into what: an administrator only ever writes into schools they administer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ImportRejected
from schoolwell.roster.models import (
    ClassGroupObjectPermission,
    ClassUserObjectPermission,
    District,
    DistrictGroupObjectPermission,
    DistrictUserObjectPermission,
    GuardianLink,
    School,
    SchoolGroupObjectPermission,
    SchoolUserObjectPermission,
)


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
    district_wide = gate.may(by, "district.administer", district)
    school_ids = (
        district_schools
        if district_wide
        else gate.school_ids(by, "roster.import") & district_schools
    )
    if not school_ids and not district_wide:
        raise ImportRejected.single(_("You do not administer any school of this district."))
    return ImportScope(district, school_ids, district_wide)


def accounts_beyond(
    user_ids: Iterable[int],
    *,
    school_ids: frozenset[int],
    district_ids: frozenset[int] = frozenset(),
    as_guardian: bool,
) -> set[int]:
    """Of `user_ids`, the accounts an import limited to `school_ids` must neither rename nor
    grant anything to (issue 10): Django staff and superusers; anyone holding a right or a
    child outside those schools; and, when the import would make them a guardian, anyone
    holding a staff grant at all, since a parent link must never be a way into a staff
    account (nor a staff account a way to a child's parent access)."""
    ids = set(user_ids)
    if not ids:
        return set()
    staff_grants = {
        SchoolUserObjectPermission: Q(user_id__in=ids),
        SchoolGroupObjectPermission: Q(group__user__in=ids),
        ClassUserObjectPermission: Q(user_id__in=ids),
        ClassGroupObjectPermission: Q(group__user__in=ids),
        DistrictUserObjectPermission: Q(user_id__in=ids),
        DistrictGroupObjectPermission: Q(group__user__in=ids),
    }
    holder = {
        SchoolGroupObjectPermission: "group__user",
        ClassGroupObjectPermission: "group__user",
        DistrictGroupObjectPermission: "group__user",
    }
    beyond = set(
        User.objects.filter(Q(is_superuser=True) | Q(is_staff=True), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    for model, condition in staff_grants.items():
        grants = model.objects.filter(condition)
        if not as_guardian:
            if model in (SchoolUserObjectPermission, SchoolGroupObjectPermission):
                grants = grants.exclude(content_object_id__in=school_ids)
            elif model in (ClassUserObjectPermission, ClassGroupObjectPermission):
                grants = grants.exclude(content_object__school_id__in=school_ids)
            else:
                grants = grants.exclude(content_object_id__in=district_ids)
        beyond.update(grants.values_list(holder.get(model, "user_id"), flat=True))
    beyond.update(
        GuardianLink.objects.filter(guardian_id__in=ids)
        .exclude(student__school_id__in=school_ids)
        .values_list("guardian_id", flat=True)
    )
    return beyond & ids
