"""School and district dashboards read the same number of queries on a small and a larger
generated district (consent decisions, referrals in every state, plans, SEL deliveries and
check-ins all present): nothing is counted per school, student, referral or check-in."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwell.accounts import gate
from schoolwell.roster.models import District, School
from schoolwell.roster.services import district_admin_add
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# What a cold render of either dashboard reads today (session, scope and ~25 indicator
# queries); a new indicator may raise it, a per-row query would blow through it.
MOST_QUERIES = 35


def _district(code: str, *, schools: int, students: int) -> tuple:
    call_command(
        "generate_district",
        schools=schools,
        students=students,
        days=5,
        seed=3,
        code=code,
        stdout=io.StringIO(),
    )
    district = District.objects.get(code=code)
    boss = make_user(f"{code}-district-admin")
    district_admin_add(district=district, user=boss)
    school = School.objects.filter(district=district).order_by("code").first()
    admin = gate.administrators_of([school.pk]).exclude(pk=boss.pk).order_by("pk").first()
    return (
        (admin, reverse("reports:school", args=[school.pk])),
        (boss, reverse("reports:district")),
    )


def _queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_dashboards_read_a_constant_number_of_queries(client, django_assert_max_num_queries):
    small = _district("q-small", schools=2, students=60)
    large = _district("q-large", schools=4, students=240)
    for (user, url), (big_user, big_url) in zip(small, large, strict=True):
        counted = _queries(client, user, url)
        assert counted <= MOST_QUERIES, url
        client.force_login(big_user)
        with django_assert_max_num_queries(counted):
            assert client.get(big_url).status_code == 200
