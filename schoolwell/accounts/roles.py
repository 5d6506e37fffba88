"""Who a user is at which school, derived once per request from their grants.

The grants are django-guardian object permissions on School (through per-school groups,
or directly), on District and on Class, plus the GuardianLink rows of a parent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    COUNSELLOR = "counsellor", _("Counsellor")
    PARENT = "parent", _("Parent or guardian")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


STAFF_ROLES = frozenset({Role.TEACHER, Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})


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
    """The user's scope, computed once and kept on the user object for this request."""
    if not getattr(user, "is_authenticated", False):
        return AccessScope()
    cached = getattr(user, "_schoolwell_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._schoolwell_scope = scope
    return scope


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
        )
    school_grants = (
        SchoolUserObjectPermission.objects.filter(user=user)
        .values_list("content_object_id", "permission__codename")
        .union(
            SchoolGroupObjectPermission.objects.filter(group__user=user).values_list(
                "content_object_id", "permission__codename"
            )
        )
    )
    counsel, admin = set(), set()
    for school_id, codename in school_grants:
        (counsel if codename == "counsel_school" else admin).add(school_id)
    district_ids = frozenset(
        DistrictUserObjectPermission.objects.filter(
            user=user, permission__codename="administer_district"
        )
        .values_list("content_object_id", flat=True)
        .union(
            DistrictGroupObjectPermission.objects.filter(
                group__user=user, permission__codename="administer_district"
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
            user=user, permission__codename="teach_class", content_object__active=True
        ).values_list("content_object_id", flat=True)
    )
    return AccessScope(
        counsel_school_ids=frozenset(counsel),
        admin_school_ids=frozenset(admin),
        district_ids=district_ids,
        district_school_ids=district_school_ids,
        class_ids=class_ids,
        is_guardian=GuardianLink.objects.filter(guardian=user).exists(),
    )


def forget_scope(user) -> None:
    """Drop the cached scope after the user's grants change."""
    user.__dict__.pop("_schoolwell_scope", None)
