"""Effective consent as SQL (consent/gating_sql.py) is exactly gating.py's derivation.

A property test: random forms (active or passive, any notice period, some purposes without
a form), guardians who may or may not consent, decisions by them and by the student at
moments that often tie or fall on local midnights, notices, minor self-consent on or off,
and a random moment; the state of every student for every purpose must be the same.
"""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolwell.accounts.models import User
from schoolwell.consent.gating import ConsentState, effective_consents
from schoolwell.consent.gating_sql import with_consent_states
from schoolwell.consent.models import Decision, Policy, Purpose, SchoolConsentSettings
from schoolwell.roster.models import Enrollment, GuardianLink, Student
from tests.conftest import enroll, make_student

from .conftest import NOW, decide, make_form, notify

pytestmark = pytest.mark.django_db
PURPOSES = list(Purpose.values)
# Whole hours around NOW, so decisions tie and moments land on local midnight often.
hours = st.integers(min_value=-24 * 40, max_value=24 * 3)
form_spec = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(list(Policy.values)), st.integers(min_value=0, max_value=20)),
)
history = st.fixed_dictionaries(
    {
        "forms": st.tuples(*[form_spec] * len(PURPOSES)),
        "self_consent_age": st.one_of(st.none(), st.integers(min_value=10, max_value=16)),
        "births": st.lists(
            st.one_of(st.none(), st.dates(dt.date(2008, 1, 1), dt.date(2016, 12, 31))),
            min_size=1,
            max_size=4,
        ),
        # per student, per guardian: no link, a link that may consent, one that may not
        "links": st.lists(
            st.tuples(*[st.sampled_from(["none", "may", "may_not"])] * 3), min_size=4, max_size=4
        ),
        "decisions": st.lists(
            st.tuples(
                st.integers(0, 3),
                st.one_of(st.none(), st.integers(0, 2)),  # None: the student's own decision
                st.integers(0, len(PURPOSES) - 1),
                st.sampled_from(list(Decision.values)),
                hours,
            ),
            max_size=12,
        ),
        "notices": st.lists(
            st.tuples(
                st.integers(0, 3), st.integers(0, 2), st.integers(0, len(PURPOSES) - 1), hours
            ),
            max_size=6,
        ),
        "moment": st.integers(min_value=-24 * 10, max_value=24 * 25),
    }
)


def _python_states(students, moment):
    consents = effective_consents(students, PURPOSES, on=moment)
    return {sid: {p: c.state.value for p, c in by.items()} for sid, by in consents.items()}


def _sql_states(queryset, moment, **kwargs):
    annotated, names = with_consent_states(queryset, PURPOSES, on=moment, **kwargs)
    key = kwargs.get("student") and "student_id" or "pk"
    return {
        row[0]: dict(zip(PURPOSES, row[1:], strict=True))
        for row in annotated.values_list(key, *names.values())
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history)
def test_sql_state_equals_the_python_derivation(school_a, term, data):
    with transaction.atomic():
        forms = {}
        for purpose, spec in zip(PURPOSES, data["forms"], strict=True):
            if spec is not None:
                forms[purpose] = make_form(school_a, purpose, policy=spec[0], notice_days=spec[1])
        if data["self_consent_age"] is not None:
            SchoolConsentSettings.objects.create(
                school=school_a,
                minor_self_consent=True,
                minor_self_consent_age=data["self_consent_age"],
            )
        guardians = [User.objects.create(username=f"g{i}") for i in range(3)]
        students = [make_student(school_a, f"s{i}") for i in range(len(data["births"]))]
        for student, born in zip(students, data["births"], strict=True):
            student.date_of_birth = born
            student.save(update_fields=["date_of_birth"])
        for student, links in zip(students, data["links"], strict=False):
            for guardian, link in zip(guardians, links, strict=True):
                if link != "none":
                    GuardianLink.objects.create(
                        student=student, guardian=guardian, may_consent=link == "may"
                    )
        for s, who, p, decision, hour in data["decisions"]:
            form = forms.get(PURPOSES[p])
            if form is None or s >= len(students):
                continue
            guardian = None if who is None else guardians[who]
            decide(
                students[s],
                guardian,
                form,
                decision,
                at=NOW + dt.timedelta(hours=hour),
                by=guardians[0],
            )
        for s, g, p, hour in data["notices"]:
            form = forms.get(PURPOSES[p])
            if form is not None and s < len(students):
                notify(students[s], guardians[g], form, at=NOW + dt.timedelta(hours=hour))
        moment = NOW + dt.timedelta(hours=data["moment"])

        expected = _python_states(students, moment)
        assert _sql_states(Student.objects.filter(school=school_a), moment) == expected
        transaction.set_rollback(True)


def test_rows_pointing_at_students_are_annotated_through_them(school_a, class_a, term, parent):
    """Enrollments (the coverage page's by-class counts) reach the student's state."""
    student = make_student(school_a, "e1")
    enroll(student, class_a)
    form = make_form(school_a, Purpose.UNIVERSAL_SCREENING)
    GuardianLink.objects.create(student=student, guardian=parent, may_consent=True)
    decide(student, parent, form, Decision.GRANTED, at=NOW - dt.timedelta(days=1))
    states = _sql_states(Enrollment.objects.filter(klass=class_a), NOW, student="student")
    assert states[student.pk][Purpose.UNIVERSAL_SCREENING] == "granted"
    assert states[student.pk][Purpose.COUNSELLING] == "no_form"


def test_one_query_for_any_number_of_students(
    school_a, term, django_assert_max_num_queries, parent
):
    form = make_form(school_a, Purpose.UNIVERSAL_SCREENING, policy=Policy.PASSIVE)
    for size in (3, 30):
        for i in range(size - Student.objects.count()):
            student = make_student(school_a, f"q{size}-{i}")
            notify(student, parent, form, at=NOW - dt.timedelta(days=20))
        # schools, school year, forms, settings are read once; then one query for all rows
        with django_assert_max_num_queries(4):
            assert len(_sql_states(Student.objects.filter(school=school_a), NOW)) == size


def test_a_population_in_every_state_across_schools(school_a, school_b, term):
    """Two schools with opposite policies, self-consent at both, a purpose without a form, a
    student who changed school with decisions on the old school's form: every state occurs,
    and the SQL states are exactly the Python derivation's."""
    screening_a = make_form(school_a, Purpose.UNIVERSAL_SCREENING)
    counselling_a = make_form(school_a, Purpose.COUNSELLING, policy=Policy.PASSIVE)
    make_form(school_b, Purpose.UNIVERSAL_SCREENING, policy=Policy.PASSIVE, notice_days=7)
    counselling_b = make_form(school_b, Purpose.COUNSELLING)
    for school in (school_a, school_b):
        SchoolConsentSettings.objects.create(
            school=school, minor_self_consent=True, minor_self_consent_age=13
        )
    mum, dad, aunt = (User.objects.create(username=name) for name in ("mum", "dad", "aunt"))
    ago = lambda n: NOW - dt.timedelta(days=n)  # noqa: E731

    def student(school, name, *, old=False):
        made = make_student(school, name)
        made.date_of_birth = dt.date(2011, 1, 1) if old else dt.date(2016, 1, 1)
        made.save(update_fields=["date_of_birth"])
        GuardianLink.objects.create(student=made, guardian=mum, may_consent=True)
        GuardianLink.objects.create(student=made, guardian=dad, may_consent=True)
        GuardianLink.objects.create(student=made, guardian=aunt, may_consent=False)
        return made

    granted = student(school_a, "granted")
    decide(granted, mum, screening_a, Decision.GRANTED, at=ago(3))
    decide(granted, mum, counselling_a, Decision.DENIED, at=ago(5))
    decide(granted, mum, counselling_a, Decision.GRANTED, at=ago(2))
    split = student(school_a, "split")
    decide(split, mum, screening_a, Decision.GRANTED, at=ago(3))
    decide(split, dad, screening_a, Decision.DENIED, at=ago(4))
    decide(split, dad, counselling_a, Decision.DENIED, at=ago(4))  # passive: opted out
    revoked = student(school_a, "revoked")
    decide(revoked, mum, screening_a, Decision.GRANTED, at=ago(6))
    decide(revoked, mum, screening_a, Decision.REVOKED, at=ago(1))
    decide(revoked, dad, screening_a, Decision.DENIED, at=ago(2))
    notify(revoked, mum, counselling_a, at=ago(20))  # notice period over
    waiting = student(school_a, "waiting")
    decide(waiting, aunt, screening_a, Decision.GRANTED, at=ago(3))  # may not consent
    decide(waiting, mum, screening_a, Decision.GRANTED, at=NOW + dt.timedelta(hours=1))
    notify(waiting, mum, counselling_a, at=ago(2))  # notice period running
    notify(waiting, aunt, counselling_a, at=ago(30))  # not to a guardian who may consent
    old = student(school_a, "old", old=True)
    decide(old, mum, counselling_a, Decision.DENIED, at=ago(4))
    decide(old, None, counselling_a, Decision.GRANTED, at=ago(3), by=mum)
    young = student(school_a, "young")
    decide(young, None, counselling_a, Decision.GRANTED, at=ago(3), by=mum)
    moved = student(school_b, "moved")
    decide(moved, mum, screening_a, Decision.GRANTED, at=ago(3))
    decide(moved, dad, counselling_b, Decision.GRANTED, at=ago(3))
    decide(moved, mum, counselling_b, Decision.REVOKED, at=ago(1))
    teen = student(school_b, "teen", old=True)
    decide(teen, mum, counselling_b, Decision.GRANTED, at=ago(5))
    decide(teen, None, counselling_b, Decision.GRANTED, at=ago(4), by=mum)
    decide(teen, None, counselling_b, Decision.REVOKED, at=ago(2), by=mum)
    notify(teen, dad, school_b.consent_forms.get(purpose=Purpose.UNIVERSAL_SCREENING), at=ago(9))

    students = Student.objects.filter(school__in=[school_a, school_b])
    expected = _python_states(list(students), NOW)
    assert _sql_states(students, NOW) == expected
    assert {state for by in expected.values() for state in by.values()} == set(ConsentState.values)
