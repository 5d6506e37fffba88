"""Consent coverage on the dashboards: each school's counts are cached under its consent
version and the local date (reports/indicators/consent.py). A decision, a revocation or any
other consent-relevant change shows at once; a change of other figures, or another
school's consent change, does not derive this school's consent again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.consent.models import Channel, Policy, Purpose
from schoolwell.consent.services import consent_grant, consent_revoke
from schoolwell.core import figures
from schoolwell.reports.indicators import consent
from schoolwell.roster.services import guardian_link_set
from tests.conftest import make_user
from tests.consent.conftest import make_form, notify
from tests.roster.conftest import template_rows

pytestmark = pytest.mark.django_db

DISTRICT = reverse("reports:district")


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60


def school_url(school):
    return reverse("reports:school", args=[school.pk])


def screening_states(response) -> dict[str, int]:
    """Universal screening's row of the consent table: state label → students."""
    table = next(s for s in response.context["sections"] if s.key == "consent").table
    label = str(Purpose.UNIVERSAL_SCREENING.label)
    _label, cells, _total = next(row for row in table.rows() if row[0] == label)
    return {
        column: cell.count
        for column, cell in zip(table.column_labels, cells, strict=True)
        if cell.count
    }


def through_portal(service, student, guardian, form):
    service(
        student=student, guardian=guardian, form=form, channel=Channel.PORTAL, recorded_by=guardian
    )


def consent_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "consent_state_0" in q["sql"]]


@pytest.fixture
def form(school_a, term):
    return make_form(school_a, Purpose.UNIVERSAL_SCREENING)


@pytest.mark.parametrize("url", ["school", "district"])
def test_a_grant_and_a_revocation_show_at_once(
    url,
    client_for,
    school_admin,
    district_admin,
    school_a,
    student_a,
    parent,
    form,
    django_capture_on_commit_callbacks,
):
    client = client_for(school_admin if url == "school" else district_admin)
    path = school_url(school_a) if url == "school" else DISTRICT
    assert screening_states(client.get(path)) == {"No answer yet": 1}
    with django_capture_on_commit_callbacks(execute=True):
        through_portal(consent_grant, student_a, parent, form)
    assert screening_states(client.get(path)) == {"Granted": 1}
    with django_capture_on_commit_callbacks(execute=True):
        through_portal(consent_revoke, student_a, parent, form)
    assert screening_states(client.get(path)) == {"Withdrawn": 1}


def test_other_figures_changing_leaves_consent_cached(
    client_for,
    school_admin,
    school_a,
    student_a,
    form,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = client_for(school_admin)
    client.get(school_url(school_a))
    with django_capture_on_commit_callbacks(execute=True):
        figures.school_figures_changed([school_a.pk])  # e.g. a referral a check-in made
    with django_assert_max_num_queries(60) as cold:
        assert screening_states(client.get(school_url(school_a))) == {"No answer yet": 1}
    assert len(cold.captured_queries) > 10  # the other figures were computed again
    assert consent_queries(cold.captured_queries) == []


def test_the_district_derives_only_the_school_that_changed(
    client_for,
    district_admin,
    school_a,
    school_b,
    student_a,
    student_b,
    parent,
    form,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    make_form(school_b, Purpose.UNIVERSAL_SCREENING, policy=Policy.PASSIVE)
    derived = []
    counts_by_school = consent._counts_by_school

    def spy(students, school_ids):
        derived.append(set(school_ids))
        return counts_by_school(students, school_ids)

    monkeypatch.setattr(consent, "_counts_by_school", spy)
    client = client_for(district_admin)
    assert screening_states(client.get(DISTRICT)) == {"No answer yet": 2}
    assert derived == [{school_a.pk, school_b.pk}]  # one query for both
    derived.clear()
    b_version = figures.school_versions([school_b.pk], figures.CONSENT)
    with django_capture_on_commit_callbacks(execute=True):
        through_portal(consent_grant, student_a, parent, form)
    assert figures.school_versions([school_b.pk], figures.CONSENT) == b_version
    with django_assert_max_num_queries(60) as cold:
        assert screening_states(client.get(DISTRICT)) == {"Granted": 1, "No answer yet": 1}
    assert len(consent_queries(cold.captured_queries)) == 1
    # Only school A's students were derived again; school B's counts came from the cache.
    assert derived == [{school_a.pk}]


def test_consent_relevant_changes_move_the_consent_version(
    school_admin, school_a, student_a, form, django_capture_on_commit_callbacks
):
    from schoolwell.consent.services import consent_settings_update

    def moved(change) -> bool:
        before = figures.school_versions([school_a.pk], figures.CONSENT)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return figures.school_versions([school_a.pk], figures.CONSENT) != before

    guardian = make_user("new-guardian")
    assert moved(lambda: guardian_link_set(guardian=guardian, student=student_a))
    assert moved(
        lambda: consent_settings_update(
            school=school_a, by=school_admin, minor_self_consent=True, minor_self_consent_age=14
        )
    )
    assert not moved(lambda: figures.school_figures_changed([school_a.pk]))


def test_counts_are_kept_per_local_date(
    client_for,
    school_admin,
    school_a,
    student_a,
    parent,
    term,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """A notice period ends at local midnight with no change in the database: the next
    day's dashboard derives the counts again."""
    form = make_form(school_a, Purpose.UNIVERSAL_SCREENING, policy=Policy.PASSIVE, notice_days=2)
    now = timezone.now()
    notify(student_a, parent, form, at=now - dt.timedelta(days=1))
    client = client_for(school_admin)
    assert screening_states(client.get(school_url(school_a))) == {"Notice period running": 1}
    later = now + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        # Drops the page's own entry (kept DASHBOARD_CACHE_SECONDS, whatever the date).
        figures.school_figures_changed([school_a.pk])
    assert screening_states(client.get(school_url(school_a))) == {"No objection after notice": 1}


def test_students_a_roster_import_adds_count_at_once(
    client_for,
    school_admin,
    school_a,
    student_a,
    form,
    make_template,
    django_capture_on_commit_callbacks,
):
    from schoolwell.roster.importing import roster_import_template

    client = client_for(school_admin)
    assert screening_states(client.get(school_url(school_a))) == {"No answer yet": 1}
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_template(path=make_template(template_rows()), school=school_a, by=None)
    assert screening_states(client.get(school_url(school_a))) == {"No answer yet": 3}
