"""Effective consent as SQL, for counting: `consent.gating`'s rules as one expression per
purpose, so dashboards count students by state in the database instead of deriving every
student's consent in Python (3,300 derivations were 57 % of a school dashboard).

    with_consent_states(queryset, purposes, *, on=None, student="") -> (queryset, names)

annotates each row with the ConsentState value of each purpose (`names[purpose]` is the
annotation). `student=""` for a Student queryset; `student="student"` for a queryset of rows
pointing at a student (enrollments). The current forms and the schools' self-consent ages
are read in Python first (a few queries, whatever the number of students); everything per
student is a subquery. tests/consent/test_gating_sql.py proves on random decision histories
that the state is exactly `gating.effective_consents`'s, so any change to the rules there must
be made here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact
from django.utils import timezone

from schoolwell.consent.gating import ConsentState, _as_moment, current_forms
from schoolwell.consent.models import (
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Purpose,
    SchoolConsentSettings,
)
from schoolwell.roster.models import GuardianLink

__all__ = ["with_consent_states"]


def _state(value: ConsentState) -> Value:
    return Value(value.value, output_field=CharField())


def _latest(form: ConsentForm, moment: dt.datetime, student_ref: str, *, own: bool) -> QuerySet:
    """The latest decision at `moment` of each guardian who may consent (own=False), or the
    student's own latest decision (own=True), on `form`: no later one by the same person."""
    same_person = Q(guardian__isnull=True) if own else Q(guardian_id=OuterRef("guardian_id"))
    later = ConsentDecision.objects.filter(
        same_person, student_id=OuterRef("student_id"), form=form, at__lte=moment
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    decisions = ConsentDecision.objects.filter(
        student_id=OuterRef(student_ref), form=form, at__lte=moment
    )
    if own:
        decisions = decisions.filter(guardian__isnull=True)
    else:
        decisions = decisions.filter(Exists(_may_consent()))
    return decisions.exclude(Exists(later))


def _may_consent() -> QuerySet:
    """The guardian of the outer row may consent for its student (GuardianLink.may_consent)."""
    return GuardianLink.objects.filter(
        student_id=OuterRef("student_id"), guardian_id=OuterRef("guardian_id"), may_consent=True
    )


def _form_state(
    form: ConsentForm,
    moment: dt.datetime,
    *,
    student: str,
    self_consent_age: int | None,
) -> Case:
    prefix = f"{student}__" if student else ""
    student_ref = f"{student}_id" if student else "pk"
    today = timezone.localdate(moment)
    guardians = _latest(form, moment, student_ref, own=False)
    objections = guardians.exclude(decision=Decision.GRANTED)
    last_objection = Subquery(objections.order_by("-at", "-pk").values("decision")[:1])
    whens = []
    if form.purpose == Purpose.COUNSELLING and self_consent_age is not None:
        # Minor self-consent: a student old enough decides alone, with their own latest word.
        own = _latest(form, moment, student_ref, own=True)
        old_enough = Q(**{f"{prefix}date_of_birth__lte": _birthday_cutoff(today, self_consent_age)})
        own_latest = Subquery(own.order_by("-at", "-pk").values("decision")[:1])
        whens.append(
            When(
                old_enough & Q(Exists(own.filter(decision=Decision.GRANTED))),
                then=_state(ConsentState.GRANTED),
            )
        )
        whens.append(When(old_enough & Q(Exists(own)), then=_objection_of(form, own_latest)))
    # One guardian's denial or revocation wins over another's grant.
    whens.append(When(Exists(objections), then=_objection_of(form, last_objection)))
    whens.append(When(Exists(guardians), then=_state(ConsentState.GRANTED)))
    if not form.passive:
        # PPRA: active consent means nothing happens without a guardian's grant.
        return Case(*whens, default=_state(ConsentState.NO_ANSWER))
    notices = ConsentNotice.objects.filter(
        student_id=OuterRef(student_ref), form=form, sent_at__lte=moment
    ).filter(Exists(_may_consent()))
    # gating: consent is assumed from local midnight after `notice_days` whole days following
    # the day of the first notice, i.e. when that notice was sent before local midnight
    # starting the day `notice_days` before today.
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=form.notice_days), dt.time.min)
    )
    whens.append(
        When(
            Exists(notices.filter(sent_at__lt=cutoff)),
            then=_state(ConsentState.PASSIVE_NO_OBJECTION),
        )
    )
    whens.append(When(Exists(notices), then=_state(ConsentState.PASSIVE_NOTICE_PERIOD)))
    return Case(*whens, default=_state(ConsentState.NO_ANSWER))


def _objection_of(form: ConsentForm, decision: Subquery) -> Case | Value:
    """`gating._objection_state` of the decision code that `decision` selects."""
    if form.passive:
        return _state(ConsentState.OPTED_OUT)
    return Case(
        When(Exact(decision, Value(Decision.REVOKED.value)), then=_state(ConsentState.REVOKED)),
        default=_state(ConsentState.DENIED),
    )


def _birthday_cutoff(today: dt.date, age: int) -> dt.date:
    """The latest date of birth of a student at least `age` years old today (`gating._age`:
    someone born on 29 February turns a year older on 1 March in other years)."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:
        return dt.date(today.year - age, 2, 28)


def with_consent_states(
    queryset: QuerySet,
    purposes: Iterable[str],
    *,
    on=None,
    student: str = "",
) -> tuple[QuerySet, dict[str, str]]:
    """`queryset` annotated with each purpose's ConsentState value (see the module doc)."""
    moment = _as_moment(on)
    purposes = list(purposes)
    school_field = f"{student}__school_id" if student else "school_id"
    school_ids = set(queryset.order_by().values_list(school_field, flat=True).distinct())
    forms = current_forms(school_ids, purposes, on=moment)
    ages: dict[int, int] = {}
    if any(purpose == Purpose.COUNSELLING for _school, purpose in forms):
        ages = dict(
            SchoolConsentSettings.objects.filter(
                school_id__in=school_ids, minor_self_consent=True
            ).values_list("school_id", "minor_self_consent_age")
        )
    names = {}
    for index, purpose in enumerate(purposes):
        whens = [
            When(
                **{school_field: school_id},
                then=_form_state(
                    form, moment, student=student, self_consent_age=ages.get(school_id)
                ),
            )
            for (school_id, form_purpose), form in sorted(forms.items())
            if form_purpose == purpose
        ]
        names[purpose] = f"consent_state_{index}"
        queryset = queryset.annotate(
            **{
                names[purpose]: Case(*whens, default=_state(ConsentState.NO_FORM))
                if whens
                else _state(ConsentState.NO_FORM)
            }
        )
    return queryset, names
