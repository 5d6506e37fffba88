"""Writes of consent: forms, decisions, notices. Each is one transaction.

Decisions are append-only rows that are their own audit record (who decided, who recorded
it, through which channel, when); a change of mind is a new row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import access_scope
from schoolwell.consent.defaults import default_forms
from schoolwell.consent.gating import (
    AWAITING_STATES,
    ConsentState,
    current_forms,
    effective_consent_map,
    school_year_now,
    student_may_self_consent,
)
from schoolwell.consent.models import (
    Channel,
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Policy,
    Purpose,
    SchoolConsentSettings,
)
from schoolwell.roster.models import GuardianLink, School, Student

TEXT_FIELDS = ("title", "summary", "body", "grant_label", "deny_label", "revoke_label")
# A guardian is not emailed twice about the same form within this time (double clicks).
REMINDER_GAP = dt.timedelta(hours=24)


def _require_administrator(user: User, school_id: int) -> None:
    # Consent forms and policy are a school administrator's (DESIGN: who may do what).
    if school_id not in access_scope(user).administered_school_ids:
        raise PermissionDenied(_("Only the school's administrators may do this."))


def _require_school_staff(user: User, school_id: int) -> None:
    # Paper and phone decisions: entered by the school's administrators or counsellors.
    if school_id not in access_scope(user).staff_school_ids:
        raise PermissionDenied(_("Only the school's administrators and counsellors may do this."))


# --- Forms ------------------------------------------------------------------------------


def _next_version(school: School, purpose: str) -> int:
    latest = ConsentForm.objects.filter(school=school, purpose=purpose).aggregate(v=Max("version"))[
        "v"
    ]
    return (latest or 0) + 1


@transaction.atomic
def consent_form_draft_create(
    *,
    school: School,
    purpose: str,
    by: User,
    school_year: int | None = None,
    copy_from: ConsentForm | None = None,
) -> ConsentForm:
    """A new draft version: a copy of `copy_from`, or of the school's latest version, or of
    the shipped default text. Publishing it later never changes earlier versions."""
    _require_administrator(by, school.pk)
    source = copy_from or (
        ConsentForm.objects.filter(school=school, purpose=purpose).order_by("-version").first()
    )
    if source is not None and (source.school_id != school.pk or source.purpose != purpose):
        raise ValidationError(_("A draft can only copy a form of the same school and purpose."))
    if source is not None:
        fields = {f: getattr(source, f) for f in TEXT_FIELDS}
        fields.update(policy=source.policy, notice_days=source.notice_days)
    elif purpose in default_forms():
        item = default_forms()[purpose]
        fields = {f: item[f] for f in TEXT_FIELDS}
        fields.update(policy=item["default_policy"], notice_days=item["default_notice_days"])
    else:
        fields = {"policy": Policy.ACTIVE, "notice_days": 14}
    return ConsentForm.objects.create(
        school=school,
        purpose=purpose,
        version=_next_version(school, purpose),
        school_year=school_year or school_year_now(school),
        created_by=by,
        **fields,
    )


@transaction.atomic
def consent_form_draft_update(*, form: ConsentForm, by: User, **changes) -> ConsentForm:
    """Change a draft's text, policy, notice period or school year (never a published one)."""
    _require_administrator(by, form.school_id)
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    if form.is_published:
        raise ValidationError(_("This version is published and can no longer be changed."))
    allowed = {*TEXT_FIELDS, "policy", "notice_days", "school_year"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(form, name, value)
    form.clean_fields(exclude=[*TEXT_FIELDS, "school", "created_by", "published_by"])
    form.save()
    return form


@transaction.atomic
def consent_form_publish(
    *, form: ConsentForm, by: User, portal_url: str = "", notify: bool = True
) -> ConsentForm:
    """Publish a draft: from now on it is the version families decide on, and immutable.

    Guardians are emailed (in their language) unless the purpose is asked per student
    (sharing with an outside provider is requested referral by referral)."""
    _require_administrator(by, form.school_id)
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    if form.is_published:
        raise ValidationError(_("This version is already published."))
    newer = ConsentForm.objects.filter(
        school_id=form.school_id,
        purpose=form.purpose,
        version__gt=form.version,
        published_at__isnull=False,
    )
    if newer.exists():
        # Versions only move forward: an older draft never replaces a newer published text.
        raise ValidationError(_("A newer version is already published; copy it instead."))
    if any(not getattr(form, field).get("en") for field in TEXT_FIELDS):
        raise ValidationError(_("A form needs at least its English text and button labels."))
    form.published_at = timezone.now()
    form.published_by = by
    # Bypasses the published guard once: this save is the act of publishing.
    ConsentForm.objects.filter(pk=form.pk).update(published_at=form.published_at, published_by=by)
    form._published_in_db = True
    if notify and form.purpose != Purpose.EXTERNAL_SHARING:
        consent_notices_send(form=form, by=by, portal_url=portal_url)
    return form


@transaction.atomic
def consent_form_withdraw(*, form: ConsentForm, by: User) -> ConsentForm:
    """Take a version out of use (it stays on record with every decision made on it)."""
    _require_administrator(by, form.school_id)
    form.active = False
    form.save(update_fields=["active"])
    return form


@transaction.atomic
def consent_default_forms_create(
    *, school: School, by: User, school_year: int | None = None, publish: bool = False
) -> list[ConsentForm]:
    """The shipped default forms (fixtures/consent/forms.json) for a school's year, for the
    purposes it has no form for that year yet."""
    _require_administrator(by, school.pk)
    year = school_year or school_year_now(school)
    existing = set(
        ConsentForm.objects.filter(school=school, school_year=year).values_list(
            "purpose", flat=True
        )
    )
    created = []
    for purpose in default_forms():
        if purpose in existing:
            continue
        form = consent_form_draft_create(school=school, purpose=purpose, by=by, school_year=year)
        if publish:
            form = consent_form_publish(form=form, by=by, notify=False)
        created.append(form)
    return created


@transaction.atomic
def consent_settings_update(
    *, school: School, by: User, minor_self_consent: bool, minor_self_consent_age: int
) -> SchoolConsentSettings:
    _require_administrator(by, school.pk)
    settings, _created = SchoolConsentSettings.objects.get_or_create(school=school)
    settings.minor_self_consent = minor_self_consent
    settings.minor_self_consent_age = minor_self_consent_age
    settings.full_clean(exclude=["school"])
    settings.save()
    return settings


# --- Decisions --------------------------------------------------------------------------


def _check_form_current(form: ConsentForm, student: Student) -> None:
    if form.school_id != student.school_id:
        raise ValidationError(_("This form is not a form of the student's school."))
    if not form.is_published or not form.active:
        raise ValidationError(_("This form is not in use."))
    current = current_forms([student.school_id], [form.purpose]).get(
        (student.school_id, form.purpose)
    )
    if current is None or current.pk != form.pk:
        # Versioning rule: decisions are made on the version in force, never an old one.
        raise ValidationError(_("This form has been replaced by a newer version."))


def _check_recorder(*, student: Student, guardian: User, channel: str, recorded_by: User):
    if channel == Channel.PORTAL:
        if recorded_by.pk != guardian.pk:
            raise PermissionDenied(_("In the portal, guardians decide for themselves."))
    elif channel in (Channel.PAPER, Channel.PHONE):
        _require_school_staff(recorded_by, student.school_id)
    else:
        raise ValidationError(_("A guardian's decision comes through the portal, paper or phone."))


def _decide(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    decision: str,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    _check_recorder(student=student, guardian=guardian, channel=channel, recorded_by=recorded_by)
    # Locks the guardian's link: one guardian's double submission writes one row.
    link = (
        GuardianLink.objects.select_for_update().filter(guardian=guardian, student=student).first()
    )
    if link is None:
        raise PermissionDenied(_("This person is not a guardian of the student."))
    if not link.may_consent:
        raise ValidationError(_("This guardian does not hold the right to consent."))
    _check_form_current(form, student)
    latest = (
        ConsentDecision.objects.filter(student=student, guardian=guardian, form=form)
        .order_by("-at", "-pk")
        .first()
    )
    if decision == Decision.REVOKED:
        effective = effective_consent_map([student], form.purpose)[student.pk]
        holds = latest is not None and latest.decision == Decision.GRANTED
        if not holds and effective.state != ConsentState.PASSIVE_NO_OBJECTION:
            raise ValidationError(_("There is no permission to withdraw."))
    if latest is not None and latest.decision == decision:
        return latest  # nothing changes: the same decision again
    return ConsentDecision.objects.create(
        student=student,
        guardian=guardian,
        form=form,
        decision=decision,
        channel=channel,
        recorded_by=recorded_by,
        at=timezone.now(),
        note=note[:500],
    )


@transaction.atomic
def consent_grant(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.GRANTED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_deny(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    """Deny (active policy) or opt out (passive policy): blocks from this moment."""
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.DENIED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_revoke(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    """Withdraw a permission: effective at once (rule 2); earlier data is kept and marked
    by the apps that hold it."""
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.REVOKED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_self_record(
    *, student: Student, form: ConsentForm, decision: str, recorded_by: User, note: str = ""
) -> ConsentDecision:
    """A student's own decision on counselling, where the school allows minor self-consent
    and the student is old enough (entered by the school's counsellor or administrator)."""
    _require_school_staff(recorded_by, student.school_id)
    if form.purpose != Purpose.COUNSELLING or not student_may_self_consent(student):
        raise ValidationError(_("This student may not consent for themselves."))
    _check_form_current(form, student)
    if decision not in Decision.values:
        raise ValidationError(_("Unknown decision."))
    return ConsentDecision.objects.create(
        student=student,
        guardian=None,
        form=form,
        decision=decision,
        channel=Channel.IN_PERSON,
        recorded_by=recorded_by,
        at=timezone.now(),
        note=note[:500],
    )


# --- Notices and reminders --------------------------------------------------------------


def _queue_emails(
    *, form: ConsentForm, pairs: list[tuple[int, int]], by: User | None, portal_url: str
) -> int:
    from schoolwell.consent.tasks import consent_emails_send

    portal_url = portal_url or reverse("consent:portal")
    if pairs:
        payload = [list(p) for p in pairs]
        transaction.on_commit(
            lambda: consent_emails_send.delay(
                form_id=form.pk,
                pairs=payload,
                sent_by_id=by.pk if by else None,
                portal_url=portal_url,
            )
        )
    return len({guardian_id for _, guardian_id in pairs})


@transaction.atomic
def consent_notices_send(
    *,
    form: ConsentForm,
    by: User,
    portal_url: str = "",
    students: Iterable[Student] | None = None,
) -> int:
    """Email the form to every guardian who may consent and has not been sent it yet (for
    all the school's active students, or `students`). The first notice starts a passive
    notice period. Returns the number of guardians queued."""
    if students is None:
        _require_administrator(by, form.school_id)
        student_ids = Student.objects.filter(school_id=form.school_id, active=True).values("pk")
    else:
        # A single request (e.g. sharing with a provider) may come from a counsellor.
        _require_school_staff(by, form.school_id)
        student_ids = [s.pk for s in students if s.school_id == form.school_id]
    form = ConsentForm.objects.get(pk=form.pk)  # as stored: published and in use?
    if not form.is_published or not form.active:
        raise ValidationError(_("This form is not in use."))
    noticed = ConsentNotice.objects.filter(form=form).values_list("student_id", "guardian_id")
    links = GuardianLink.objects.filter(student_id__in=student_ids, may_consent=True)
    pairs = sorted(set(links.values_list("student_id", "guardian_id")) - set(noticed))
    return _queue_emails(form=form, pairs=pairs, by=by, portal_url=portal_url)


@transaction.atomic
def consent_reminders_send(*, form: ConsentForm, by: User, portal_url: str = "") -> int:
    """Email the guardians (who may consent) of students still awaiting an answer on the
    current form; nobody is emailed twice within a day. Returns guardians queued."""
    _require_administrator(by, form.school_id)
    students = Student.objects.filter(school_id=form.school_id, active=True)
    if form.purpose == Purpose.EXTERNAL_SHARING:
        # Asked per referral: remind only the families who were asked.
        students = students.filter(consent_notices__form=form).distinct()
    consents = effective_consent_map(students, form.purpose)
    waiting = [
        sid for sid, c in consents.items() if c.form_id == form.pk and c.state in AWAITING_STATES
    ]
    recent = ConsentNotice.objects.filter(
        form=form, sent_at__gte=timezone.now() - REMINDER_GAP
    ).values_list("student_id", "guardian_id")
    links = GuardianLink.objects.filter(student_id__in=waiting, may_consent=True)
    pairs = sorted(set(links.values_list("student_id", "guardian_id")) - set(recent))
    return _queue_emails(form=form, pairs=pairs, by=by, portal_url=portal_url)
