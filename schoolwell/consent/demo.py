"""Consent in the demo district: both policies, and families' decisions with a real spread.

Riverside Secondary asks for active consent to screening; Riverside Elementary uses passive
consent (notice and opt-out). Counselling is passive at both, sharing with an outside
provider is active and asked per student. Idempotent: does nothing if forms exist.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.consent import services
from schoolwell.consent.models import (
    Channel,
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Policy,
    Purpose,
)
from schoolwell.roster.models import GuardianLink, School

PUBLISHED_DAYS_AGO = 40
NOTICE_DAYS_AGO = 35


@transaction.atomic
def build_consent_demo(district, rng, stdout=None) -> None:
    if ConsentForm.objects.filter(school__district=district).exists():
        return
    now = timezone.now()
    ago = lambda days, hours=0: now - dt.timedelta(days=days, hours=hours)  # noqa: E731
    schools = {s.code: s for s in School.objects.filter(district=district)}
    staff = {u.username: u for u in User.objects.filter(username__in=STAFF)}
    setups = [
        ("riverside-secondary", "schooladmin", "counsellor", Policy.ACTIVE),
        ("riverside-elementary", "admin.elem", "counsellor.elem", Policy.PASSIVE),
    ]
    parent = User.objects.filter(username="parent").first()
    decisions: list[ConsentDecision] = []
    notices: list[ConsentNotice] = []
    for code, admin_name, counsellor_name, screening_policy in setups:
        school, admin = schools.get(code), staff.get(admin_name)
        if school is None or admin is None:
            continue
        recorders = [admin, staff.get(counsellor_name, admin)]
        forms = {}
        for form in services.consent_default_forms_create(school=school, by=admin):
            if form.purpose == Purpose.UNIVERSAL_SCREENING:
                form = services.consent_form_draft_update(
                    form=form, by=admin, policy=screening_policy
                )
            forms[form.purpose] = services.consent_form_publish(form=form, by=admin, notify=False)
        ConsentForm.objects.filter(pk__in=[f.pk for f in forms.values()]).update(
            published_at=ago(PUBLISHED_DAYS_AGO)
        )
        links = (
            GuardianLink.objects.filter(student__school=school, may_consent=True)
            .select_related("student")
            .order_by("student_id", "pk")
        )
        by_student: dict = {}
        for link in links:
            by_student.setdefault(link.student, []).append(link.guardian_id)
        shared_asked = 0
        for student, guardians in by_student.items():
            is_parents = parent is not None and parent.pk in guardians
            young = is_parents and school.code == "riverside-elementary"
            for purpose, form in forms.items():
                if purpose == Purpose.EXTERNAL_SHARING:
                    if is_parents or shared_asked >= 6 or rng.random() > 0.03:
                        continue
                    shared_asked += 1
                    sent = ago(rng.randint(3, 12))
                else:
                    # The demo parent's younger child: a request that arrived this week.
                    sent = ago(3) if young and purpose == Purpose.UNIVERSAL_SCREENING else None
                    recent = rng.random() < 0.05 and not is_parents
                    sent = sent or ago(rng.randint(2, 10) if recent else NOTICE_DAYS_AGO)
                notices += [
                    ConsentNotice(
                        student=student, guardian_id=g, form=form, sent_at=sent, sent_by=admin
                    )
                    for g in guardians
                ]
                if young and purpose == Purpose.UNIVERSAL_SCREENING:
                    continue
                decisions += _family_decisions(
                    student,
                    guardians,
                    form,
                    sent,
                    now,
                    rng,
                    recorders,
                    parent if is_parents else None,
                )
    ConsentNotice.objects.bulk_create(notices)
    ConsentDecision.objects.bulk_create(decisions)
    if stdout is not None:
        stdout.write(
            f"Consent: {ConsentForm.objects.filter(school__district=district).count()} forms, "
            f"{len(notices)} notices, {len(decisions)} decisions."
        )


STAFF = ["schooladmin", "admin.elem", "counsellor", "counsellor.elem"]


def _family_decisions(student, guardians, form, sent, now, rng, recorders, parent):
    """A realistic spread: most grant (some on paper or by phone), some deny, some withdraw
    after granting, some never answer; under passive consent most simply do not object."""
    first = guardians[0]
    elapsed = max((now - sent).days, 2)

    def row(guardian_id, decision, days_after, channel=Channel.PORTAL):
        recorder = rng.choice(recorders) if channel != Channel.PORTAL else None
        return ConsentDecision(
            student=student,
            guardian_id=guardian_id,
            form=form,
            decision=decision,
            channel=channel,
            recorded_by_id=recorder.pk if recorder else guardian_id,
            at=sent + dt.timedelta(days=min(days_after, elapsed - 1), hours=rng.randint(1, 9)),
            note="Signed form returned in backpack" if channel == Channel.PAPER else "",
        )

    if parent is not None:
        # The demo parent's older child: screening granted in the portal.
        if form.purpose == Purpose.UNIVERSAL_SCREENING:
            return [row(parent.pk, Decision.GRANTED, 2)]
        return []
    roll = rng.random()
    if form.purpose == Purpose.EXTERNAL_SHARING:
        if roll < 0.5:
            return [row(first, Decision.GRANTED, 1)]
        return [row(first, Decision.DENIED, 2)] if roll < 0.65 else []
    if form.policy == Policy.PASSIVE:
        if roll < 0.06:
            return [row(first, Decision.DENIED, rng.randint(1, 10))]
        if roll < 0.16:
            return [row(first, Decision.GRANTED, rng.randint(1, 10))]
        return []
    channel = rng.choices([Channel.PORTAL, Channel.PAPER, Channel.PHONE], weights=[85, 10, 5])[0]
    if roll < 0.68:
        rows = [row(first, Decision.GRANTED, rng.randint(1, 12), channel)]
        if len(guardians) > 1 and rng.random() < 0.3:
            rows.append(row(guardians[1], Decision.GRANTED, rng.randint(1, 12)))
        return rows
    if roll < 0.70 and len(guardians) > 1:
        # Two guardians disagree: the denial wins.
        return [
            row(first, Decision.GRANTED, 2),
            row(guardians[1], Decision.DENIED, 5, Channel.PHONE),
        ]
    if roll < 0.78:
        return [row(first, Decision.DENIED, rng.randint(1, 12), channel)]
    if roll < 0.84 and elapsed > 12:
        return [
            row(first, Decision.GRANTED, rng.randint(1, 6)),
            row(first, Decision.REVOKED, rng.randint(10, 30)),
        ]
    return []
