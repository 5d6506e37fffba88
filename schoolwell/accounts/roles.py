"""Who a user is at which school, derived from their grants: the data behind `gate`.

The grants are django-guardian object permissions on School (through per-school groups,
or directly), on District and on Class, plus the GuardianLink rows of a parent. Only the
codenames below mean anything here; any other permission (a built-in `view_school`, say)
grants nothing. Ask `schoolwell.accounts.gate` what a user may do, not this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    COUNSELLOR = "counsellor", _("Counsellor")
    PARENT = "parent", _("Parent or guardian")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


STAFF_ROLES = frozenset({Role.TEACHER, Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})

# The grant codenames, and the only ones that mean anything (see `_compute_scope`).
COUNSEL_SCHOOL = "counsel_school"
ADMINISTER_SCHOOL = "administer_school"
ADMINISTER_DISTRICT = "administer_district"
TEACH_CLASS = "teach_class"

# A scope is recomputed when the user's grants_version moves (every grant service bumps it).
# The expiry only bounds changes that are not grants of the user's own: a school added to
# their district, a class of theirs deactivated by an import.
SCOPE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class AccessScope:
    """The ids a user's grants reach. Small sets: a user has few schools, classes, children."""

    counsel_school_ids: frozenset[int] = frozenset()
    admin_school_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    district_school_ids: frozenset[int] = frozenset()
    class_ids: frozenset[int] = frozenset()
    is_guardian: bool = False
    is_superuser: bool = False
    user_id: int | None = None

    @property
    def roles(self) -> frozenset[Role]:
        roles = set()
        if self.class_ids:
            roles.add(Role.TEACHER)
        if self.counsel_school_ids:
            roles.add(Role.COUNSELLOR)
        if self.admin_school_ids:
            roles.add(Role.SCHOOL_ADMIN)
        if self.district_ids or self.is_superuser:
            roles.add(Role.DISTRICT_ADMIN)
        if self.is_guardian:
            roles.add(Role.PARENT)
        return frozenset(roles)

    @property
    def administered_school_ids(self) -> frozenset[int]:
        """Schools whose roster, settings and records the user administers."""
        return self.admin_school_ids | self.district_school_ids

    @property
    def staff_school_ids(self) -> frozenset[int]:
        """Schools all of whose students the user may see (counsellors and administrators)."""
        return self.counsel_school_ids | self.administered_school_ids

    def has(self, role: Role) -> bool:
        return role in self.roles


def access_scope(user) -> AccessScope:
    """The user's scope: kept on the user object for this request and in the cache across
    requests, under the user's grants version, so a grant change is seen at the next request."""
    if not getattr(user, "is_authenticated", False):
        return AccessScope()
    cached = getattr(user, "_schoolwell_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = _compute_scope(user)  # one query, and must see a school created a moment ago
    else:
        key = _cache_key(user)
        scope = cache.get(key)
        if scope is None:
            scope = _compute_scope(user)
            cache.set(key, scope, SCOPE_CACHE_SECONDS)
    user._schoolwell_scope = scope
    return scope


def _cache_key(user) -> str:
    # date_joined guards against a reused primary key (SQLite reuses freed rowids).
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"schoolwell:scope:{user.pk}:{joined}:{user.grants_version}"


def _compute_scope(user) -> AccessScope:
    from schoolwell.roster.models import (
        ClassUserObjectPermission,
        DistrictGroupObjectPermission,
        DistrictUserObjectPermission,
        GuardianLink,
        School,
        SchoolGroupObjectPermission,
        SchoolUserObjectPermission,
    )

    if user.is_superuser:
        return AccessScope(
            district_school_ids=frozenset(School.objects.values_list("pk", flat=True)),
            is_superuser=True,
            user_id=user.pk,
        )
    school_codenames = [COUNSEL_SCHOOL, ADMINISTER_SCHOOL]
    school_grants = (
        SchoolUserObjectPermission.objects.filter(
            user=user, permission__codename__in=school_codenames
        )
        .values_list("content_object_id", "permission__codename")
        .union(
            SchoolGroupObjectPermission.objects.filter(
                group__user=user, permission__codename__in=school_codenames
            ).values_list("content_object_id", "permission__codename")
        )
    )
    counsel, admin = set(), set()
    for school_id, codename in school_grants:
        # Only the two school codenames count: any other permission grants nothing.
        (counsel if codename == COUNSEL_SCHOOL else admin).add(school_id)
    district_ids = frozenset(
        DistrictUserObjectPermission.objects.filter(
            user=user, permission__codename=ADMINISTER_DISTRICT
        )
        .values_list("content_object_id", flat=True)
        .union(
            DistrictGroupObjectPermission.objects.filter(
                group__user=user, permission__codename=ADMINISTER_DISTRICT
            ).values_list("content_object_id", flat=True)
        )
    )
    district_school_ids = (
        frozenset(School.objects.filter(district_id__in=district_ids).values_list("pk", flat=True))
        if district_ids
        else frozenset()
    )
    class_ids = frozenset(
        ClassUserObjectPermission.objects.filter(
            user=user, permission__codename=TEACH_CLASS, content_object__active=True
        ).values_list("content_object_id", flat=True)
    )
    return AccessScope(
        counsel_school_ids=frozenset(counsel),
        admin_school_ids=frozenset(admin),
        district_ids=district_ids,
        district_school_ids=district_school_ids,
        class_ids=class_ids,
        is_guardian=GuardianLink.objects.filter(guardian=user).exists(),
        user_id=user.pk,
    )


def forget_scope(user) -> None:
    """Drop the scope kept on this user object (the cross-request cache is keyed by version)."""
    user.__dict__.pop("_schoolwell_scope", None)


def grants_changed(*, users: Iterable = (), user_ids: Iterable[int] = ()) -> None:
    """Bump the grants version of these users, so every process recomputes their scope at
    their next request. Grant services call it inside their own transaction."""
    from schoolwell.accounts.models import User

    users = [u for u in users if u is not None]
    ids = {u.pk for u in users} | set(user_ids)
    if not ids:
        return
    User.objects.filter(pk__in=ids).update(grants_version=F("grants_version") + 1)
    for user in users:
        user.grants_version += 1
        forget_scope(user)
