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
from schoolwell.consent.gating import effective_consents
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
