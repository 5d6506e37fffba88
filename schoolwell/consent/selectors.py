"""Reads of consent, always scoped to the user asking (via roster selectors)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet

from schoolwell.accounts import gate
from schoolwell.consent.gating import (
    ALLOWED_STATES,
    AWAITING_STATES,
    ConsentState,
    EffectiveConsent,
    current_forms,
    effective_consent_map,
    effective_consents,
)
from schoolwell.consent.gating_sql import with_consent_states
from schoolwell.consent.models import (
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Purpose,
)
from schoolwell.roster.models import Enrollment, GuardianLink, School, Student
from schoolwell.roster.selectors import administered_schools, guardian_children


@dataclass
class ConsentRequest:
    """One current form for one child, as one guardian sees it."""

    form: ConsentForm
    effective: EffectiveConsent
    own: ConsentDecision | None  # this guardian's latest decision on this form
    may_consent: bool

    @property
    def waiting(self) -> bool:
        return self.may_consent and self.own is None and self.effective.state in AWAITING_STATES

    @property
    def may_revoke(self) -> bool:
        if not self.may_consent:
            return False
        if self.own is not None:
            return self.own.decision == Decision.GRANTED
        return self.effective.state == ConsentState.PASSIVE_NO_OBJECTION

    @property
    def may_grant(self) -> bool:
        return self.may_consent and (self.own is None or self.own.decision != Decision.GRANTED)

    @property
    def may_deny(self) -> bool:
        # After a grant, saying no is a withdrawal (with its confirmation step).
        return self.may_consent and not self.may_revoke and self.own is None


@dataclass
class ChildConsents:
    student: Student
    requests: list[ConsentRequest] = field(default_factory=list)

    @property
    def waiting(self) -> list[ConsentRequest]:
        return [r for r in self.requests if r.waiting]


def guardian_consents(user, *, student_id: int | None = None) -> list[ChildConsents]:
    """Each of the guardian's children with the current forms awaiting or decided.

    Never anyone else's child. Sharing with an outside provider appears only when the school
    asked about it for that child. A constant number of queries for any number of children.
    """
    children = guardian_children(user).select_related("school").order_by("given_name", "pk")
    if student_id is not None:
        children = children.filter(pk=student_id)
    children = list(children)
    if not children:
        return []
    forms = current_forms({c.school_id for c in children})
    consents = effective_consents(children)
    form_ids = [f.pk for f in forms.values()]
    own: dict[tuple[int, int], ConsentDecision] = {}
    for decision in ConsentDecision.objects.filter(
        guardian=user, student__in=children, form_id__in=form_ids
    ).order_by("at", "pk"):
        own[(decision.student_id, decision.form_id)] = decision
    asked = set(
        ConsentNotice.objects.filter(student__in=children, form_id__in=form_ids).values_list(
            "student_id", "form_id"
        )
    ) | {key for key in own}
    may_consent = dict(
        GuardianLink.objects.filter(guardian=user, student__in=children).values_list(
            "student_id", "may_consent"
        )
    )
    result = []
    for child in children:
        entry = ChildConsents(child)
        for purpose, effective in consents[child.pk].items():
            form = forms.get((child.school_id, purpose))
            if form is None:
                continue
            if purpose == Purpose.EXTERNAL_SHARING and (child.pk, form.pk) not in asked:
                continue
            entry.requests.append(
                ConsentRequest(
                    form=form,
                    effective=effective,
                    own=own.get((child.pk, form.pk)),
                    may_consent=may_consent.get(child.pk, False),
                )
            )
        result.append(entry)
    return result


def consent_history(student: Student) -> QuerySet[ConsentDecision]:
    """Every decision on the student's consent forms, newest first (who, when, channel)."""
    return (
        ConsentDecision.objects.filter(student=student)
        .select_related("guardian", "recorded_by", "form")
        .order_by("-at", "-pk")
    )


def consent_staff_students(user) -> QuerySet[Student]:
    """Students whose consent the user may record on paper or phone: their school's
    administrators and counsellors (never teachers, never through being a parent)."""
    return gate.students(user, "consent.record")


def school_forms(user, school: School) -> QuerySet[ConsentForm]:
    return ConsentForm.objects.filter(
        school=school, school__in=administered_schools(user)
    ).order_by("purpose", "-version")


@dataclass
class CoverageRow:
    label: str
    counts: Counter
    total: int = 0

    @property
    def allowed(self) -> int:
        return sum(self.counts[s] for s in ALLOWED_STATES)

    @property
    def allowed_percent(self) -> int:
        return round(100 * self.allowed / self.total) if self.total else 0

    def cells(self, states) -> list[int]:
        return [self.counts[s] for s in states]


@dataclass
class Coverage:
    form: ConsentForm | None
    states: list[ConsentState]
    total: CoverageRow
    by_grade: list[CoverageRow]
    by_class: list[CoverageRow]
    awaiting_ids: list[int]


ACTIVE_COLUMNS = [
    ConsentState.GRANTED,
    ConsentState.DENIED,
    ConsentState.REVOKED,
    ConsentState.NO_ANSWER,
]
PASSIVE_COLUMNS = [
    ConsentState.GRANTED,
    ConsentState.PASSIVE_NO_OBJECTION,
    ConsentState.OPTED_OUT,
    ConsentState.PASSIVE_NOTICE_PERIOD,
    ConsentState.NO_ANSWER,
]


def consent_coverage(*, school: School, purpose: str, on=None) -> Coverage:
    """Consent states of a school's active students for one purpose, by grade and by class.
    The caller has checked the user administers `school`. Counted by the database
    (`gating_sql`, the SQL form of gating's rules): a constant number of queries, and no
    student is loaded into Python except the ids of those still awaiting an answer."""
    students, names = with_consent_states(
        Student.objects.filter(school=school, active=True), [purpose], on=on
    )
    state = names[purpose]
    form = current_forms([school.pk], [purpose], on=on).get((school.pk, purpose))
    total = CoverageRow("", Counter(), 0)
    grades: dict[int, CoverageRow] = {}
    for grade, value, n in (
        students.order_by()
        .values("grade", state)
        .annotate(n=Count("pk"))
        .values_list("grade", state, "n")
    ):
        row = grades.setdefault(grade, CoverageRow(str(grade), Counter()))
        for counted in (row, total):
            counted.counts[ConsentState(value)] += n
            counted.total += n
    enrollments, names = with_consent_states(
        Enrollment.objects.filter(
            klass__school=school,
            klass__active=True,
            active=True,
            student__active=True,
            student__school=school,
        ),
        [purpose],
        on=on,
        student="student",
    )
    classes: dict[int, CoverageRow] = {}
    for klass_id, title, value, n in (
        enrollments.order_by()
        .values("klass_id", "klass__title", names[purpose])
        .annotate(n=Count("pk"))
        .values_list("klass_id", "klass__title", names[purpose], "n")
    ):
        row = classes.setdefault(klass_id, CoverageRow(title, Counter()))
        row.counts[ConsentState(value)] += n
        row.total += n
    awaiting = students.filter(**{f"{state}__in": [s.value for s in AWAITING_STATES]})
    columns = PASSIVE_COLUMNS if form is not None and form.passive else ACTIVE_COLUMNS
    return Coverage(
        form=form,
        states=columns if form is not None else [ConsentState.NO_FORM],
        total=total,
        by_grade=[grades[g] for g in sorted(grades)],
        by_class=sorted(classes.values(), key=lambda r: _natural(r.label)),
        awaiting_ids=list(
            awaiting.order_by("family_name", "given_name", "pk").values_list("pk", flat=True)
        ),
    )


def _natural(label: str) -> list:
    # "Advisory 6-A" before "Advisory 10-A".
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def last_notices(form: ConsentForm, student_ids) -> dict[int, object]:
    """student id → when a guardian was last emailed about `form` (1 query)."""
    return dict(
        ConsentNotice.objects.filter(form=form, student_id__in=student_ids)
        .values("student_id")
        .annotate(last=Max("sent_at"))
        .values_list("student_id", "last")
    )


@dataclass(frozen=True)
class PublishImpact:
    """What publishing a draft would change for the families of its school."""

    current: ConsentForm | None  # the version in force that the draft would replace
    voided: int  # consents in effect (granted, or no objection after notice) that stop counting
    refusals: int  # denials, opt-outs and withdrawals that stop counting too

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.voided or self.refusals)


def consent_publish_impact(form: ConsentForm) -> PublishImpact:
    """PPRA: decisions never carry over to a new version, so publishing one voids every
    decision on the version in force for the same purpose and school year (constant
    number of queries)."""
    current = current_forms([form.school_id], [form.purpose]).get((form.school_id, form.purpose))
    if current is None or current.pk == form.pk or current.school_year != form.school_year:
        return PublishImpact(current=current, voided=0, refusals=0)
    states = Counter(
        consent.state
        for consent in effective_consent_map(
            Student.objects.filter(school_id=form.school_id, active=True), form.purpose
        ).values()
    )
    refused = (ConsentState.DENIED, ConsentState.REVOKED, ConsentState.OPTED_OUT)
    return PublishImpact(
        current=current,
        voided=sum(states[state] for state in ALLOWED_STATES),
        refusals=sum(states[state] for state in refused),
    )
