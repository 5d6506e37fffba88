"""The administrators' Records and retention page: the two tables, holds, erasures, purge
log; every other role is a 404; hostile input a 400; queries do not grow with the rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.lifecycle import services
from schoolwell.lifecycle.models import PurgeLog
from schoolwell.lifecycle.policy import retention_days, shown_categories
from tests.conftest import make_student

pytestmark = pytest.mark.django_db
URL = reverse("lifecycle:policy")


def test_administrator_sets_both_tables(client, school_admin, school_a):
    client.force_login(school_admin)
    assert client.get(URL).status_code == 200
    data = {"form": "visibility", "school": school_a.pk, "checkins": "on", "consent": "on"}
    assert client.post(URL, data).status_code == 302
    shown = shown_categories(school_a.pk)
    assert shown["checkins"] and shown["consent"]
    assert not shown["screening"] and not shown["support"] and not shown["disclosures"]
    data = {"form": "retention", "school": school_a.pk, "checkins": 400, "screening": 800}
    data["support"] = 2000
    assert client.post(URL, data).status_code == 302
    assert retention_days(school_a.pk) == {"checkins": 400, "screening": 800, "support": 2000}


@pytest.mark.parametrize(
    "data",
    [
        {"form": "retention", "checkins": 5, "screening": 800, "support": 2000},
        {"form": "retention", "checkins": "many"},
        {"form": "nonsense"},
        {},
    ],
)
def test_hostile_input_is_a_clear_400(client, school_admin, school_a, data):
    client.force_login(school_admin)
    assert client.post(URL, {**data, "school": school_a.pk}).status_code == 400
    assert retention_days(school_a.pk)["checkins"] == 365


@pytest.mark.parametrize("school", ["abc", "999999"])
def test_unknown_school_is_a_404(client, school_admin, school):
    client.force_login(school_admin)
    assert client.get(URL, {"school": school}).status_code == 404


def test_another_schools_table_is_a_404(client, school_admin, school_b):
    client.force_login(school_admin)
    assert client.get(URL, {"school": school_b.pk}).status_code == 404
    data = {"form": "visibility", "school": school_b.pk}
    assert client.post(URL, data).status_code == 404
    assert shown_categories(school_b.pk)["screening"]


@pytest.mark.parametrize("who", ["teacher", "counsellor", "other_counsellor", "parent", "outsider"])
def test_other_roles_are_a_404(request, client, who, school_a):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"form": "visibility", "school": school_a.pk}).status_code == 404
    assert client.get(reverse("lifecycle:requests")).status_code == 404


@pytest.mark.parametrize("rows", [1, 8])
def test_page_queries_do_not_grow(
    client, django_assert_max_num_queries, school_admin, school_a, rows
):
    for i in range(rows):
        student = make_student(school_a, f"P{i}")
        services.legal_hold_place(student=student, by=school_admin, reason=f"case {i}")
        services.erasure_request(student=student, by=school_admin, verification="ID")
        PurgeLog.objects.create(
            at=timezone.now() - dt.timedelta(days=i),
            school=school_a,
            cause="retention",
            category="checkins",
            rows=i,
        )
    client.force_login(school_admin)
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200
