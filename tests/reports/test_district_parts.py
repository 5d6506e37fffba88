"""The district dashboard adds up each school's cached parts: after a change in one school it
computes that school's parts only (one query per indicator, as for every school), and shows
exactly what a computation from scratch shows."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwell.core import figures
from schoolwell.referrals.models import Referral, Status
from schoolwell.reports import dashboards
from schoolwell.roster.models import District, School, Student
from schoolwell.roster.services import district_admin_add
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(settings):
    """A generated district of 3 schools (consent, referrals in every state, plans, SEL
    deliveries, check-ins), its administrator, and its schools in code order."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    call_command(
        "generate_district",
        schools=3,
        students=150,
        days=5,
        seed=5,
        code="parts",
        stdout=io.StringIO(),
    )
    district = District.objects.get(code="parts")
    boss = make_user("parts-district-admin")
    district_admin_add(district=district, user=boss)
    return boss, list(School.objects.filter(district=district).order_by("code"))


def change_in(school, capture, *, students_leave: bool) -> None:
    """What a few saves in one school do: a referral closes (and students leave, which
    moves the school's consent version too); the versions move when they commit."""
    with capture(execute=True):
        open_one = Referral.objects.filter(school=school).exclude(status=Status.CLOSED).first()
        Referral.objects.filter(pk=open_one.pk).update(
            status=Status.CLOSED, closed_at=timezone.now()
        )
        figures.school_figures_changed([school.pk])
        if students_leave:
            leaving = Student.objects.filter(school=school, active=True).order_by("pk")[:3]
            Student.objects.filter(pk__in=[s.pk for s in leaving]).update(active=False)
            figures.school_consent_changed([school.pk])


def test_figures_from_cached_parts_equal_a_fresh_computation(
    generated, settings, django_capture_on_commit_callbacks
):
    boss, (school_a, *_others) = generated
    before = dashboards.district_context(boss)["sections"]  # every school's parts cached
    change_in(school_a, django_capture_on_commit_callbacks, students_leave=True)
    mixed = dashboards.district_context(boss)["sections"]  # A computed, the others cached
    settings.DASHBOARD_CACHE_SECONDS = 0
    fresh = dashboards.district_context(boss)["sections"]  # every school, no cache
    assert mixed == fresh
    assert mixed != before  # the change shows


def test_a_change_in_one_school_computes_only_its_parts(
    generated, monkeypatch, django_capture_on_commit_callbacks
):
    boss, (school_a, *others) = generated

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboards.district_context(boss)
        return len(captured.captured_queries)

    cold = queries()  # every school's parts computed together
    warm = queries()  # every part from the cache
    computed: dict[str, set[int]] = {}
    per_school = figures.per_school

    def recording(kind, school_ids, compute, **options):
        def compute_recorded(ids):
            computed[kind] = set(ids)
            return compute(ids)

        return per_school(kind, school_ids, compute_recorded, **options)

    monkeypatch.setattr(figures, "per_school", recording)
    change_in(school_a, django_capture_on_commit_callbacks, students_leave=False)
    after_change = queries()

    # Every figures part is computed again for school A alone; consent counts (their own
    # version, which this change leaves) and the other schools' parts come from the cache.
    assert computed and set(map(frozenset, computed.values())) == {frozenset({school_a.pk})}
    assert not any("consent" in kind for kind in computed)
    assert len(computed) >= 8
    # One query per indicator for the schools that moved: as many as for every school.
    assert warm < after_change <= cold


def test_a_school_page_and_the_district_page_share_a_part_that_means_the_same(generated, settings):
    """A student who moved school keeps the referral the old school holds: a school's cached
    part of the equity rates must not depend on which page computed it first."""
    boss, (school_a, school_b, *_others) = generated
    moved = Student.objects.filter(school=school_b, active=True).order_by("pk").first()
    Referral.objects.filter(school=school_a).exclude(student__school=school_a).delete()
    held = Referral.objects.filter(school=school_a, source="rule").first()
    Referral.objects.filter(pk=held.pk).update(student=moved)
    settings.DASHBOARD_CACHE_SECONDS = 0
    fresh = dashboards.district_context(boss)["sections"]
    settings.DASHBOARD_CACHE_SECONDS = 60
    dashboards.school_context(boss, school_b)  # school B's page computes B's parts first
    assert dashboards.district_context(boss)["sections"] == fresh
