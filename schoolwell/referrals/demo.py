"""The referrals part of `seed_demo`: rules, on-call roster and providers (order 30, before
screening's results so the rules fire on them), then hand-made referrals in every state
(order 60). Both steps are idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.referrals import alerts, content, services
from schoolwell.referrals.models import (
    OPEN_STATUSES,
    ExternalProvider,
    OnCall,
    Priority,
    Referral,
    Source,
    Status,
    ThresholdRule,
)
from schoolwell.roster.models import Class, School, Student
from schoolwell.roster.services import school_staff_add

SECONDARY, ELEMENTARY = "riverside-secondary", "riverside-elementary"
# "3 check-ins at 2 or less within 10 school days", as the default rule fires it.
LOW = {"count": 3, "threshold": "2", "days": 10}


def rules_install_defaults(*, school: School) -> int:
    """Copy the shipped default rules to a school (existing ones are left as edited)."""
    created = 0
    for values in content.default_rules():
        values = dict(values)
        # Blank: the name is generated from the settings, in each reader's language, so it
        # follows any later change of threshold (the fixture's name documents the default).
        values["name"] = ""
        _, made = ThresholdRule.objects.get_or_create(
            school=school, code=values.pop("code"), defaults=values
        )
        created += made
    return created


@transaction.atomic
def seed_rules_and_on_call(district, rng, stdout) -> None:
    schools = {s.code: s for s in district.schools.all()}
    rules = sum(rules_install_defaults(school=s) for s in schools.values())
    # Fictional numbers (555-01xx): the crisis steps show them as tap-to-call buttons.
    for code, username, phone in (
        (SECONDARY, "counsellor", "+1 555 010 0142"),
        (ELEMENTARY, "counsellor.elem", "+1 555 010 0157"),
    ):
        user = User.objects.filter(username=username).first()
        if code in schools and user:
            row, _ = OnCall.objects.get_or_create(
                school=schools[code], counsellor=user, defaults={"phone": phone}
            )
            if not row.phone:  # a district seeded before on-call phones existed
                OnCall.objects.filter(pk=row.pk).update(phone=phone)
    for item in content.providers():
        ExternalProvider.objects.get_or_create(
            district=district,
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item.get("kind", {}),
                "phone": item.get("phone", ""),
                "email": item.get("email", ""),
                "address": item.get("address", ""),
                "languages": item.get("languages", []),
                "services": item.get("services", {}),
            },
        )
    if stdout and rules:
        stdout.write(f"Referrals: {rules} threshold rules, on-call counsellors, providers.")
    if SECONDARY in schools:
        _rule_builder_history(schools[SECONDARY])


def _rule_builder_history(school: School) -> None:
    """What the rules page shows after an administrator's first look: a stricter copy of the
    PHQ-A rule tried and disabled again (its history kept), and the rules marked reviewed.
    The elementary school's rules stay unreviewed, so its checklist item is still open."""
    from schoolwell.referrals.models import RuleReview
    from schoolwell.referrals.services import rules as rule_services

    admin = User.objects.filter(username="schooladmin").first()
    if (
        admin is None
        or ThresholdRule.objects.filter(
            school=school, code__startswith="score_total-phq-a"
        ).exists()
    ):
        return
    source = ThresholdRule.objects.get(school=school, code="phq-a-moderate")
    trial = rule_services.threshold_rule_create(
        school=school,
        kind=source.kind,
        by=admin,
        instrument_code=source.instrument_code,
        threshold=8,
        priority=Priority.ROUTINE,
        due_within=10,
        due_unit=source.due_unit,
    )
    rule_services.threshold_rule_set_active(rule=trial, by=admin, active=False)
    if not RuleReview.objects.filter(school=school).exists():
        rule_services.threshold_rules_mark_reviewed(school=school, by=admin)


def _second_counsellor(school: School) -> User:
    user, created = User.objects.get_or_create(
        username="counsellor.b",
        defaults={
            "first_name": "Priya",
            "last_name": "Shah",
            "email": "counsellor.b@riverside.example",
            "password": make_password(None),
        },
    )
    if created:
        school_staff_add(school=school, user=user, role=Role.COUNSELLOR)
    return user


def _rule_trigger(school: School, code: str, params: dict, key: str) -> services.Trigger:
    rule = ThresholdRule.objects.get(school=school, code=code)
    # A rule's kind names the reason it gives (RuleKind and ReasonCode share their values).
    return services.Trigger.from_rule(rule, key=key, code=rule.kind, params=params)


@transaction.atomic
def seed_referrals(district, rng, stdout) -> None:
    if Referral.objects.filter(school__district=district, source=Source.MANUAL).exists():
        return
    schools = {s.code: s for s in district.schools.all()}
    secondary, elementary = schools[SECONDARY], schools[ELEMENTARY]
    counsellor = User.objects.get(username="counsellor")
    colleague = _second_counsellor(secondary)
    teacher = User.objects.get(username="teacher")
    now = timezone.now()
    hours = dt.timedelta(hours=1)
    days = dt.timedelta(days=1)

    advisory = Class.objects.get(school=secondary, title="Advisory 7-A")
    # Skip the first student (the demo parent's child) so the parent demo stays calm.
    own = list(
        Student.objects.filter(enrollments__klass=advisory).order_by("family_name", "pk")[1:6]
    )
    others = list(Student.objects.filter(school=secondary, grade__gte=8).order_by("pk")[::19][:14])
    little = list(Student.objects.filter(school=elementary).order_by("pk")[::41][:3])

    def concern(student, code, note, priority, at):
        return services.concern_raise(
            student=student, by=teacher, concern_code=code, note=note, priority=priority, now=at
        ).referral

    def by_rule(student, code, params, at, key=None):
        trigger = _rule_trigger(student.school, code, params, key or f"demo:{code}")
        return services.referral_trigger(student=student, triggers=[trigger], now=at).referral

    # New and unclaimed: an urgent one past due (escalated below), a high and a routine one.
    concern(
        own[0],
        "self_harm_concern",
        "Said in class 'nobody would notice if I was gone'. Stayed with them; office informed.",
        Priority.URGENT,
        now - 3 * hours,
    )
    concern(
        own[1], "withdrawn", "Very quiet for two weeks, eating alone.", Priority.HIGH, now - days
    )
    by_rule(others[0], "checkins-drop", {"wellbeing": 2, "baseline": "4.3"}, now - 2 * days)
    by_rule(others[1], "checkins-low", LOW, now - 4 * hours)

    # Routine, then raised to urgent by a teacher's concern (priority raised event).
    raised = by_rule(others[2], "concern-disclosed", {"tag": "family_change"}, now - 5 * days)
    services.concern_raise(
        student=others[2],
        by=colleague_teacher(others[2]),
        concern_code="safeguarding_concern",
        note="Arrived with a bruise and would not say how; followed the reporting procedure.",
        priority=Priority.URGENT,
        now=now - 30 * dt.timedelta(minutes=1),
    )
    services.referral_claim(referral=raised, by=counsellor, now=now - 20 * dt.timedelta(minutes=1))

    # Claimed, in triage, in progress, referred out (internal).
    claimed = concern(own[2], "tearful", "Tearful twice this week.", Priority.HIGH, now - 2 * days)
    services.referral_claim(referral=claimed, by=counsellor, now=now - 2 * days + 2 * hours)

    triage = by_rule(others[3], "checkins-low", LOW, now - 3 * days)
    services.referral_claim(referral=triage, by=counsellor, now=now - 3 * days + hours)
    services.referral_status_set(
        referral=triage, by=counsellor, status=Status.TRIAGE, now=now - 3 * days + 2 * hours
    )
    services.referral_note_add(
        referral=triage,
        by=counsellor,
        body="Met briefly; sleeping badly since a move. Will see again Thursday.",
        private=False,
        now=now - 3 * days + 3 * hours,
    )
    services.referral_note_add(
        referral=triage,
        by=counsellor,
        body="Memory aid: mentioned older brother, ask gently next time.",
        private=True,
        now=now - 3 * days + 3 * hours,
    )

    progress = by_rule(others[4], "concern-disclosed", {"tag": "bullying_concern"}, now - 8 * days)
    services.referral_claim(referral=progress, by=colleague, now=now - 8 * days + hours)
    services.referral_status_set(
        referral=progress, by=colleague, status=Status.IN_PROGRESS, now=now - 7 * days
    )
    services.referral_note_add(
        referral=progress,
        by=colleague,
        body="Weekly check-ins agreed with the student; restorative meeting planned.",
        private=False,
        now=now - 7 * days,
    )
    services.referral_reassign(referral=progress, by=colleague, to=counsellor, now=now - 2 * days)

    internal = by_rule(
        others[5], "checkins-drop", {"wellbeing": 1, "baseline": "3.8"}, now - 12 * days
    )
    services.referral_claim(referral=internal, by=counsellor, now=now - 12 * days + hours)
    services.referral_refer_out(
        referral=internal, by=counsellor, team="Student support team (SST)", now=now - 10 * days
    )
    _refer_external(secondary, counsellor, now - 9 * days, stdout)

    # Closed with various outcomes, including one of the teacher's concerns.
    outcomes = [
        ("resolved_no_further_action", "Short-lived worry about exams; resolved after two chats."),
        ("school_support_plan", "Check-in/check-out with the advisor for six weeks."),
        ("school_counselling_started", "Weekly sessions started with the student's agreement."),
        ("family_declined", "Parent thanked us and prefers to handle it at home."),
    ]
    closing = [
        concern(
            own[3], "conflict_with_peers", "Fights at lunch.", Priority.ROUTINE, now - 30 * days
        )
    ]
    closing += [
        by_rule(s, "checkins-low", LOW, now - (25 - i) * days) for i, s in enumerate(others[7:10])
    ]
    for index, (referral, (outcome, note)) in enumerate(zip(closing, outcomes, strict=True)):
        opened = referral.opened_at
        services.referral_claim(referral=referral, by=counsellor, now=opened + hours)
        services.referral_status_set(
            referral=referral, by=counsellor, status=Status.IN_PROGRESS, now=opened + days
        )
        services.referral_close(
            referral=referral,
            by=counsellor,
            outcome=outcome,
            note=note,
            now=opened + (5 + index) * days,
        )

    # The elementary school: one new high (overdue), one closed.
    by_rule(little[0], "checkins-low", LOW, now - 4 * days)
    elem_counsellor = User.objects.get(username="counsellor.elem")
    done = by_rule(little[1], "concern-disclosed", {"tag": "disclosed_worry"}, now - 20 * days)
    services.referral_claim(referral=done, by=elem_counsellor, now=now - 20 * days + hours)
    services.referral_close(
        referral=done,
        by=elem_counsellor,
        outcome="monitoring",
        note="Worried about a sick grandparent; teacher will keep an eye out.",
        now=now - 15 * days,
    )

    result = alerts.referrals_mark_overdue(now=now)
    if stdout:
        stdout.write(
            f"Referrals: demo cases in every state; {result['marked']} overdue, "
            f"{result['escalated']} escalated."
        )


def colleague_teacher(student: Student) -> User:
    """A teacher of one of the student's classes (for a concern raised outside 7-A)."""
    from schoolwell.roster.services import class_teachers

    enrollment = student.enrollments.filter(active=True).select_related("klass").first()
    return class_teachers(enrollment.klass).first()


def _refer_external(school: School, counsellor: User, at: dt.datetime, stdout) -> None:
    """An external referral for a student whose guardian has given data-sharing consent
    (from the consent demo); without such a student the demo says so and skips it."""
    from schoolwell.consent.gating import Purpose, effective_consent_map

    # Students whose families were asked about sharing (the consent demo asks a few);
    # the gate itself decides who may be referred out.
    candidates = list(
        Student.objects.filter(
            school=school, consent_decisions__form__purpose=Purpose.EXTERNAL_SHARING
        )
        .exclude(referrals__status__in=OPEN_STATUSES, referrals__assignee__isnull=False)
        .distinct()
        .order_by("pk")
    )
    consents = effective_consent_map(candidates, Purpose.EXTERNAL_SHARING)
    student = next((s for s in candidates if consents[s.pk].allowed), None)
    if student is None:
        if stdout:
            stdout.write("Referrals: no student with data-sharing consent; no external demo.")
        return
    referral = services.referral_trigger(
        student=student,
        triggers=[_rule_trigger(school, "checkins-low", LOW, "demo")],
        now=at,
    ).referral
    if referral.assignee_id is None:
        services.referral_claim(referral=referral, by=counsellor, now=at + dt.timedelta(hours=1))
    try:
        services.referral_refer_out(
            referral=referral,
            by=counsellor,
            provider=ExternalProvider.objects.filter(district=school.district).first(),
        )  # today: the consent gate is asked about now, when the family's answer is on record
    except services.ReferralConflict as refused:
        # A refer-out check (community: no agreement, no consent for this provider).
        if stdout:
            stdout.write(f"Referrals: external demo refused: {refused}")
