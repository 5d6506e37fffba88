"""When does consent count: the one place that derives effective consent.

    effective_consent(student, purpose, *, on=None) -> EffectiveConsent
    effective_consent_map(students, purpose, *, on=None) -> dict[int, EffectiveConsent]
    effective_consents(students, purposes=None, *, on=None) -> {id: {purpose: EffectiveConsent}}
    require_screening_consent(students, *, on=None) -> (set[int], dict[int, EffectiveConsent])
    may_share_externally(student, *, on=None) -> EffectiveConsent

The rules (DESIGN.md rule 2 and the PPRA notes):

* Only the current form counts: the highest published, active version of the school's form
  for the purpose in the school year that contains `on`. Decisions on an earlier version
  or an earlier school year never carry over; no current form means not allowed.
* Only guardians whose GuardianLink has `may_consent` count, and only the latest decision
  of each of them.
* A denial or a revocation by any of them wins over another's grant, and takes effect at
  the moment it is recorded.
* Active policy: allowed only with a grant. Passive policy: allowed with a grant, or once
  `notice_days` have passed since the first notice of *this* form version was sent to a
  guardian who may consent, unless someone opted out. A new version (or a new school
  year) therefore starts a new notice period, and its notice tells the family again.
* Minor self-consent (per-school setting, off by default): for counselling only, a student
  at or above the school's age may decide for themselves; their own latest decision then
  decides.

Every call costs a constant number of queries, whatever the number of students.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from schoolwell.consent.models import (
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Policy,
    Purpose,
    SchoolConsentSettings,
)
from schoolwell.roster.models import AcademicTerm, GuardianLink, Student


def _short_date(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# The notice's last day in the reader's language and the site's format, when shown.
lazy_date = lazy(_short_date, str)

__all__ = [
    "ALLOWED_STATES",
    "AWAITING_STATES",
    "ConsentState",
    "EffectiveConsent",
    "Purpose",
    "current_forms",
    "effective_consent",
    "effective_consent_map",
    "effective_consents",
    "may_share_externally",
    "require_screening_consent",
    "school_year_now",
    "school_year_on",
    "student_may_self_consent",
]


class ConsentState(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    REVOKED = "revoked", _("Withdrawn")
    OPTED_OUT = "opted_out", _("Opted out")
    PASSIVE_NOTICE_PERIOD = "passive_notice_period", _("Notice period running")
    PASSIVE_NO_OBJECTION = "passive_no_objection", _("No objection after notice")
    NO_ANSWER = "no_answer", _("No answer yet")
    NO_FORM = "no_form", _("No consent form")


# Still waiting for a family's answer (reminders go to these).
AWAITING_STATES = frozenset({ConsentState.NO_ANSWER, ConsentState.PASSIVE_NOTICE_PERIOD})
ALLOWED_STATES = frozenset({ConsentState.GRANTED, ConsentState.PASSIVE_NO_OBJECTION})


@dataclass(frozen=True)
class EffectiveConsent:
    allowed: bool
    state: ConsentState
    reason: str
    form_version: int | None = None
    decided_at: dt.datetime | None = None
    form_id: int | None = None
    # Passive policy: the last day families may opt out before consent is assumed.
    notice_ends: dt.date | None = None


def school_year_on(day: dt.date) -> int:
    """The school year (the year it ends in) containing `day`, when the district has no
    school-year term covering it: a year runs from August to July."""
    return day.year + 1 if day.month >= 8 else day.year


def _as_moment(on: dt.datetime | dt.date | None) -> dt.datetime:
    if on is None:
        return timezone.now()
    if isinstance(on, dt.datetime):
        return on
    # A date means "as at the end of that day", in the school's local time.
    return timezone.make_aware(dt.datetime.combine(on, dt.time.max))


def _school_years(school_ids: set[int], day: dt.date) -> dict[int, int]:
    """school id → its current school year, from the district's school-year term (1 query)."""
    covering = AcademicTerm.objects.filter(
        kind=AcademicTerm.Kind.SCHOOL_YEAR,
        start_date__lte=day,
        end_date__gte=day,
        district__schools__in=school_ids,
    ).values_list("district__schools", "school_year")
    years = dict(covering)
    return {sid: years.get(sid, school_year_on(day)) for sid in school_ids}


def school_year_now(school, *, on: dt.datetime | dt.date | None = None) -> int:
    """The school year a school is in at `on` (now by default)."""
    return _school_years({school.pk}, timezone.localdate(_as_moment(on)))[school.pk]


def current_forms(
    school_ids: Iterable[int],
    purposes: Iterable[str] | None = None,
    *,
    on: dt.datetime | dt.date | None = None,
) -> dict[tuple[int, str], ConsentForm]:
    """(school id, purpose) → the form version in force at `on`: the highest published,
    active version of the school year containing `on` (2 queries). `purposes=None`: all."""
    moment = _as_moment(on)
    school_ids = set(school_ids)
    years = _school_years(school_ids, timezone.localdate(moment))
    forms = ConsentForm.objects.filter(
        school_id__in=school_ids,
        school_year__in=set(years.values()),
        published_at__lte=moment,
        active=True,
    ).order_by("school_id", "purpose", "-version")
    if purposes is not None:
        forms = forms.filter(purpose__in=list(purposes))
    found: dict[tuple[int, str], ConsentForm] = {}
    for form in forms:
        key = (form.school_id, form.purpose)
        if form.school_year == years[form.school_id] and key not in found:
            found[key] = form
    return found


def effective_consent(
    student: Student, purpose: str, *, on: dt.datetime | dt.date | None = None
) -> EffectiveConsent:
    return effective_consent_map([student], purpose, on=on)[student.pk]


def effective_consent_map(
    students: Iterable[Student] | models.QuerySet, purpose: str, *, on=None
) -> dict[int, EffectiveConsent]:
    """student id → EffectiveConsent for `purpose`, in a constant number of queries
    (at most 6, whatever the number of students)."""
    consents = effective_consents(students, [purpose], on=on)
    return {student_id: by_purpose[purpose] for student_id, by_purpose in consents.items()}


NO_FORM = EffectiveConsent(
    allowed=False,
    state=ConsentState.NO_FORM,
    reason=_("The school has no published consent form for this purpose this year."),
)


def effective_consents(
    students: Iterable[Student] | models.QuerySet,
    purposes: Iterable[str] | None = None,
    *,
    on=None,
) -> dict[int, dict[str, EffectiveConsent]]:
    """student id → purpose → EffectiveConsent, for several purposes at once, in the same
    constant number of queries. `purposes=None`: the shipped purposes plus any purpose the
    student's school has a current form for."""
    moment = _as_moment(on)
    if isinstance(students, models.QuerySet):
        students = students.only("pk", "school_id", "date_of_birth")
    students = list(students)
    if not students:
        return {}
    forms = current_forms({s.school_id for s in students}, purposes, on=moment)
    wanted = list(purposes) if purposes is not None else list(Purpose.values)
    form_ids = [f.pk for f in forms.values()]
    ids = [s.pk for s in students if any(key[0] == s.school_id for key in forms)]

    may_consent: set[tuple[int, int]] = set()
    latest: dict[tuple[int, int, int | None], ConsentDecision] = {}
    if ids:
        may_consent = set(
            GuardianLink.objects.filter(student_id__in=ids, may_consent=True).values_list(
                "student_id", "guardian_id"
            )
        )
        decisions = ConsentDecision.objects.filter(
            student_id__in=ids, form_id__in=form_ids, at__lte=moment
        ).order_by("at", "pk")
        for decision in decisions:
            # The latest decision of each guardian (None: the student's own) counts.
            latest[(decision.student_id, decision.form_id, decision.guardian_id)] = decision

    first_notice: dict[tuple[int, int], dt.datetime] = {}
    passive_form_ids = [f.pk for f in forms.values() if f.passive]
    if ids and passive_form_ids:
        notices = ConsentNotice.objects.filter(
            student_id__in=ids, form_id__in=passive_form_ids, sent_at__lte=moment
        ).values_list("student_id", "form_id", "guardian_id", "sent_at")
        for student_id, form_id, guardian_id, sent_at in notices:
            key = (student_id, form_id)
            # Only a notice to a guardian who may consent starts the notice period.
            if (student_id, guardian_id) in may_consent and (
                key not in first_notice or sent_at < first_notice[key]
            ):
                first_notice[key] = sent_at

    self_consent_age: dict[int, int] = {}
    if ids and any(purpose == Purpose.COUNSELLING for _, purpose in forms):
        self_consent_age = dict(
            SchoolConsentSettings.objects.filter(
                school_id__in={s for s, _ in forms}, minor_self_consent=True
            ).values_list("school_id", "minor_self_consent_age")
        )

    by_form: dict[tuple[int, int], list[ConsentDecision]] = {}
    own: dict[tuple[int, int], ConsentDecision] = {}
    for (student_id, form_id, guardian_id), decision in latest.items():
        if guardian_id is None:
            own[(student_id, form_id)] = decision
        elif (student_id, guardian_id) in may_consent:
            by_form.setdefault((student_id, form_id), []).append(decision)

    today = timezone.localdate(moment)
    result: dict[int, dict[str, EffectiveConsent]] = {}
    for student in students:
        school_purposes = wanted + [
            p for (sid, p) in forms if sid == student.school_id and p not in wanted
        ]
        mine = result[student.pk] = {}
        for purpose in school_purposes:
            form = forms.get((student.school_id, purpose))
            if form is None:
                mine[purpose] = NO_FORM
                continue
            key = (student.pk, form.pk)
            age = self_consent_age.get(student.school_id)
            if (
                purpose == Purpose.COUNSELLING
                and age is not None
                and key in own
                and _age(student, today) >= age
            ):
                mine[purpose] = _self_decided(own[key], form)
                continue
            mine[purpose] = _derive(form, by_form.get(key, []), first_notice.get(key), moment)
    return result


def _age(student: Student, today: dt.date) -> int:
    born = student.date_of_birth
    if born is None:
        return -1  # unknown age: never old enough to decide alone
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def student_may_self_consent(student: Student, *, on=None) -> bool:
    """Minor self-consent (counselling only): the school allows it and the student is old
    enough. Off unless the school turned it on."""
    settings = SchoolConsentSettings.objects.filter(
        school_id=student.school_id, minor_self_consent=True
    ).first()
    today = timezone.localdate(_as_moment(on))
    return settings is not None and _age(student, today) >= settings.minor_self_consent_age


def _self_decided(decision: ConsentDecision, form: ConsentForm) -> EffectiveConsent:
    granted = decision.decision == Decision.GRANTED
    return EffectiveConsent(
        allowed=granted,
        state=ConsentState.GRANTED if granted else _objection_state(decision, form),
        reason=_("The student decided for themselves (minor self-consent).")
        if granted
        else _("The student declined for themselves (minor self-consent)."),
        form_version=form.version,
        decided_at=decision.at,
        form_id=form.pk,
    )


def _objection_state(decision: ConsentDecision, form: ConsentForm) -> ConsentState:
    if form.passive:
        return ConsentState.OPTED_OUT
    return ConsentState.REVOKED if decision.decision == Decision.REVOKED else ConsentState.DENIED


def _derive(
    form: ConsentForm,
    decisions: list[ConsentDecision],
    noticed_at: dt.datetime | None,
    moment: dt.datetime,
) -> EffectiveConsent:
    common = {"form_version": form.version, "form_id": form.pk}
    objections = [d for d in decisions if d.decision != Decision.GRANTED]
    if objections:
        # One guardian's denial or revocation wins over another's grant, at once.
        last = max(objections, key=lambda d: (d.at, d.pk))
        state = _objection_state(last, form)
        reasons = {
            ConsentState.DENIED: _("A guardian did not give permission."),
            ConsentState.REVOKED: _("A guardian withdrew permission."),
            ConsentState.OPTED_OUT: _("A guardian opted out."),
        }
        return EffectiveConsent(False, state, reasons[state], decided_at=last.at, **common)
    grants = [d for d in decisions if d.decision == Decision.GRANTED]
    if grants:
        last = max(grants, key=lambda d: (d.at, d.pk))
        return EffectiveConsent(
            True,
            ConsentState.GRANTED,
            _("A guardian gave permission."),
            decided_at=last.at,
            **common,
        )
    if form.policy == Policy.ACTIVE:
        # PPRA: active consent means nothing happens without a guardian's grant.
        return EffectiveConsent(
            False, ConsentState.NO_ANSWER, _("No guardian has answered yet."), **common
        )
    if noticed_at is None:
        return EffectiveConsent(
            False,
            ConsentState.NO_ANSWER,
            _("The notice has not been sent to a guardian yet."),
            **common,
        )
    # Families get `notice_days` whole calendar days after the day of the notice.
    last_day = timezone.localdate(noticed_at) + dt.timedelta(days=form.notice_days)
    ends = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    if moment < ends:
        return EffectiveConsent(
            False,
            ConsentState.PASSIVE_NOTICE_PERIOD,
            format_lazy(
                _("Notice period: families may opt out until {date}."),
                date=lazy_date(last_day),
            ),
            notice_ends=last_day,
            **common,
        )
    return EffectiveConsent(
        True,
        ConsentState.PASSIVE_NO_OBJECTION,
        _("No guardian opted out during the notice period."),
        decided_at=ends,
        notice_ends=last_day,
        **common,
    )


def require_screening_consent(
    students: Iterable[Student] | models.QuerySet, *, on=None
) -> tuple[set[int], dict[int, EffectiveConsent]]:
    """For screening entry points (rule 2): (ids that may be screened, id → why not)."""
    consents = effective_consent_map(students, Purpose.UNIVERSAL_SCREENING, on=on)
    allowed = {sid for sid, c in consents.items() if c.allowed}
    refused = {sid: c for sid, c in consents.items() if not c.allowed}
    return allowed, refused


def may_share_externally(student: Student, *, on=None) -> EffectiveConsent:
    """FERPA: the referral step 'referred out to an external provider' needs this."""
    return effective_consent(student, Purpose.EXTERNAL_SHARING, on=on)
