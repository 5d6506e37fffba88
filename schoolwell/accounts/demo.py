"""Demo two-step sign-in: some staff enrolled and one earlier reset, so the administrators'
staff page and the records have rows.

The five demo logins stay unenrolled: with REQUIRE_2FA_FOR_STAFF off (development) they sign
in with the password alone, whereas anyone enrolled is always asked for a code.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwell.accounts.models import SecondFactorEvent, User
from schoolwell.accounts.services import RECOVERY_NAME, TOTP_NAME
from schoolwell.roster.models import ClassUserObjectPermission

SECONDARY = "riverside-secondary"


def _enrol(user) -> None:
    TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=recovery, token=StaticToken.random_token()) for _ in range(10)
    )
    SecondFactorEvent.objects.create(user=user, kind=SecondFactorEvent.Kind.ENROLLED, by=user)


@transaction.atomic
def seed_second_factor(district, rng, stdout) -> None:
    if SecondFactorEvent.objects.filter(user__username="counsellor.elem").exists():
        return
    # The elementary's counsellor and administrator, as their roles ask; two secondary
    # teachers voluntarily (they appear on schooladmin's staff page, with a Reset button).
    for user in User.objects.filter(username__in=["counsellor.elem", "admin.elem"]):
        _enrol(user)
    teacher_ids = (
        ClassUserObjectPermission.objects.filter(content_object__school__code=SECONDARY)
        .exclude(user__username="teacher")
        .values_list("user_id", flat=True)
    )
    teachers = list(User.objects.filter(pk__in=teacher_ids).order_by("username")[:3])
    for user in teachers[:2]:
        _enrol(user)
    # A third lost their phone: reset by the school administrator, not yet set up again.
    if len(teachers) == 3:
        lost = teachers[2]
        SecondFactorEvent.objects.create(user=lost, kind=SecondFactorEvent.Kind.ENROLLED, by=lost)
        SecondFactorEvent.objects.create(
            user=lost,
            kind=SecondFactorEvent.Kind.RESET,
            by=User.objects.get(username="schooladmin"),
        )
    SecondFactorEvent.objects.create(
        user=User.objects.get(username="counsellor.elem"),
        kind=SecondFactorEvent.Kind.RECOVERY_CODE_USED,
    )
