"""Who must pass the second sign-in step, and who may reset someone else's.

Counsellors and administrators read suicide-risk answers and whole schools' records, so with
REQUIRE_2FA_FOR_STAFF on they must use a second factor. Anyone else who enrolled (a teacher
may, voluntarily) is asked for it too: a second factor that could be skipped protects nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwell.accounts.roles import Role, access_scope

REQUIRED_ROLES = frozenset({Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
# Session flag written at sign-in: the user had a confirmed device then, so must verify.
ENROLLED_SESSION_KEY = "schoolwell_2fa_enrolled"


def second_factor_required(user) -> bool:
    """Must this user have a second factor? (Their role, with the setting on.)"""
    return settings.REQUIRE_2FA_FOR_STAFF and bool(access_scope(user).roles & REQUIRED_ROLES)


def second_step(request) -> str | None:
    """The page a signed-in user must pass before any other: enrol or verify (None: none)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if second_factor_required(user):
        return "accounts:two_factor_verify" if is_enrolled(user) else "accounts:two_factor_enrol"
    if request.session.get(ENROLLED_SESSION_KEY):
        return "accounts:two_factor_verify"
    return None


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def may_reset_second_factor(actor, target) -> bool:
    """An administrator may reset the second factor of staff wholly inside what they administer.

    Never their own (that would let a stolen password replace the factor). A school
    administrator reaches staff whose every school is one they administer, so nobody with a
    wider reach (another school, the district) can be reset from a narrower one; a district
    administrator reaches the staff of their district's schools and its other administrators.
    """
    if actor.pk == target.pk or not actor.is_active:
        return False
    mine, theirs = access_scope(actor), access_scope(target)
    if theirs.is_superuser:
        return mine.is_superuser
    if not (theirs.roles - {Role.PARENT}):
        return False  # not staff: guardians never enrol
    if mine.is_superuser:
        return True
    if theirs.district_ids and not theirs.district_ids <= mine.district_ids:
        return False
    return _staff_school_ids(theirs) <= mine.administered_school_ids


def _staff_school_ids(scope) -> frozenset[int]:
    from schoolwell.roster.models import Class

    taught = frozenset(
        Class.objects.filter(pk__in=scope.class_ids).values_list("school_id", flat=True)
    )
    return scope.staff_school_ids | taught


def enrolled_staff(user) -> QuerySet[TOTPDevice]:
    """The enrolled staff within an administrator's schools (and district), for resetting.

    Listing is by reach; the reset itself asks `may_reset_second_factor`, which also
    refuses people who work beyond the administrator's schools.
    """
    from schoolwell.accounts.models import User
    from schoolwell.roster.models import (
        ClassUserObjectPermission,
        DistrictGroupObjectPermission,
        DistrictUserObjectPermission,
        SchoolGroupObjectPermission,
        SchoolUserObjectPermission,
    )

    scope = access_scope(user)
    schools = scope.administered_school_ids
    # Everyone whose grants touch those schools or districts (no ordering: a compound query).
    staff = (
        User.objects.filter(
            groups__in=SchoolGroupObjectPermission.objects.filter(
                content_object_id__in=schools
            ).values("group_id")
        )
        .order_by()
        .values_list("pk", flat=True)
        .union(
            SchoolUserObjectPermission.objects.filter(content_object_id__in=schools)
            .order_by()
            .values_list("user_id", flat=True),
            ClassUserObjectPermission.objects.filter(
                content_object__school_id__in=schools, content_object__active=True
            )
            .order_by()
            .values_list("user_id", flat=True),
            DistrictUserObjectPermission.objects.filter(content_object_id__in=scope.district_ids)
            .order_by()
            .values_list("user_id", flat=True),
            User.objects.filter(
                groups__in=DistrictGroupObjectPermission.objects.filter(
                    content_object_id__in=scope.district_ids
                ).values("group_id")
            )
            .order_by()
            .values_list("pk", flat=True),
        )
    )
    return (
        TOTPDevice.objects.filter(confirmed=True, user_id__in=list(staff))
        .exclude(user=user)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
