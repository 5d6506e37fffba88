"""Dashboard figures cached per school: far fewer queries on a second render, access still
checked on every request, and a change moves the school's version so it shows at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.core import figures
from schoolwell.referrals.models import Priority
from schoolwell.referrals.services import concern_raise
from schoolwell.roster.services import class_set_teachers, school_staff_add
from schoolwell.screening.services import CheckInEntry, checkins_record
from tests.conftest import enroll, make_student, make_user

DISTRICT = reverse("reports:district")


def school_url(school):
    return reverse("reports:school", args=[school.pk])


def open_now(response) -> str:
    section = next(s for s in response.context["sections"] if s.key == "referrals")
    return dict(section.figures)["Open now"]


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60


@pytest.fixture
def pupils(school_a, class_a):
    for i in range(12):
        enroll(make_student(school_a, f"C{i}", grade=3 + i % 8), class_a)


def raise_concern(student, teacher, capture):
    with capture(execute=True):  # the version moves when the service's transaction commits
        concern_raise(
            student=student, by=teacher, concern_code="withdrawn", note="", priority=Priority.HIGH
        )


@pytest.mark.parametrize("url", ["school", "district"])
def test_second_render_reads_far_fewer_queries(
    url,
    client_for,
    school_admin,
    district_admin,
    school_a,
    pupils,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = client_for(school_admin if url == "school" else district_admin)
    path = school_url(school_a) if url == "school" else DISTRICT
    client.get(path)  # the user's scope is cached from then on: both renders below are warm
    with django_capture_on_commit_callbacks(execute=True):
        figures.school_figures_changed([school_a.pk])  # the figures computed afresh below
    with django_assert_max_num_queries(200) as first:
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(len(first.captured_queries)) as second:
        assert client.get(path).status_code == 200
    # Session, user, second-factor state and the access check: no figure is read again.
    assert len(second.captured_queries) <= 5 < len(first.captured_queries) // 3


def test_own_change_shows_at_once(
    client_for,
    school_admin,
    district_admin,
    teacher,
    school_a,
    student_a,
    django_capture_on_commit_callbacks,
):
    admin, district = client_for(school_admin), client_for(district_admin)
    assert open_now(admin.get(school_url(school_a))) == "0"
    assert open_now(district.get(DISTRICT)) == "0"
    raise_concern(student_a, teacher, django_capture_on_commit_callbacks)
    assert open_now(admin.get(school_url(school_a))) == "1"
    assert open_now(district.get(DISTRICT)) == "1"


def test_another_schools_change_leaves_the_entry(
    client_for, school_admin, school_a, student_b, class_b, django_capture_on_commit_callbacks
):
    other_teacher = make_user("tb")
    class_set_teachers(klass=class_b, teachers=[other_teacher])
    client = client_for(school_admin)
    client.get(school_url(school_a))
    before = figures.school_versions([school_a.pk])
    raise_concern(student_b, other_teacher, django_capture_on_commit_callbacks)
    assert figures.school_versions([school_a.pk]) == before


def test_access_is_checked_before_the_cache(
    client_for, school_admin, district_admin, counsellor, teacher, parent, school_a, school_b
):
    # Warm every entry first, as the users who may see them.
    assert client_for(district_admin).get(school_url(school_a)).status_code == 200
    assert client_for(district_admin).get(DISTRICT).status_code == 200
    assert client_for(school_admin).get(school_url(school_a)).status_code == 200
    other_admin = make_user("adminb")
    school_staff_add(school=school_b, user=other_admin, role=Role.SCHOOL_ADMIN)
    for user in (counsellor, teacher, parent, other_admin):
        assert client_for(user).get(school_url(school_a)).status_code == 404, user
    for user in (school_admin, counsellor, teacher, parent, other_admin):
        assert client_for(user).get(DISTRICT).status_code == 403, user


def test_readers_language_is_part_of_the_key(client_for, school_admin, school_a):
    client = client_for(school_admin)
    assert "Open now" in client.get(school_url(school_a)).content.decode()
    client.cookies["django_language"] = "es"
    spanish = client.get(school_url(school_a)).content.decode()
    assert "Open now" not in spanish


def test_versions_move_only_on_commit(school_a, django_capture_on_commit_callbacks):
    before = figures.school_versions([school_a.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        figures.school_figures_changed([school_a.pk, None])
    assert figures.school_versions([school_a.pk]) == before  # not yet committed
    for callback in callbacks:
        callback()
    after = figures.school_versions([school_a.pk])
    assert after[school_a.pk] and after != before


def test_an_evicted_version_comes_back_new(school_a):
    before = figures.school_versions([school_a.pk])
    cache.clear()
    assert figures.school_versions([school_a.pk]) != before


def test_an_ordinary_checkin_leaves_the_figures_warm_a_plan_goals_average_moves_them(
    teacher, counsellor, class_a, student_a, school_a, django_capture_on_commit_callbacks
):
    from schoolwell.support import services as support
    from schoolwell.support.models import Measure

    def save(wellbeing):
        with django_capture_on_commit_callbacks(execute=True):
            checkins_record(
                klass=class_a,
                teacher=teacher,
                date=timezone.localdate(),
                entries=[CheckInEntry(student_id=student_a.pk, wellbeing=wellbeing)],
            )

    before = figures.school_versions([school_a.pk])
    save(4)  # no dashboard figure counts check-ins: teachers' mornings keep the cache warm
    assert figures.school_versions([school_a.pk]) == before
    with django_capture_on_commit_callbacks(execute=True):
        support.plan_create(
            student=student_a,
            by=counsellor,
            tier=2,
            concern_areas=["mood"],
            owner=counsellor,
            start_date=timezone.localdate() - dt.timedelta(days=14),
            goal=support.GoalInput(
                description="Brighter mornings",
                measure=Measure.CHECKIN_WEEK,
                baseline=2,
                target=4,
                by_date=timezone.localdate() + dt.timedelta(weeks=8),
            ),
        )
    planned = figures.school_versions([school_a.pk])
    assert planned != before
    save(5)  # now the week's average is the goal's data point: plan change may move
    assert figures.school_versions([school_a.pk]) != planned


def test_caching_off_reads_every_time(
    settings, client_for, school_admin, school_a, django_assert_max_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(school_admin)
    client.get(school_url(school_a))
    with django_assert_max_num_queries(200) as first:
        client.get(school_url(school_a))
    with django_assert_max_num_queries(200) as second:
        client.get(school_url(school_a))
    assert len(second.captured_queries) == len(first.captured_queries)


def test_unreachable_redis_is_a_miss_not_an_error():
    from schoolwell.core.cache import ForgivingRedisCache

    dead = ForgivingRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert dead.get("k") is None
    assert dead.get("k", "default") == "default"
    dead.set("k", 1)
    assert dead.get_many(["k"]) == {}
    assert dead.add("k", 1) is False
    dead.set_many({"k": 1})
