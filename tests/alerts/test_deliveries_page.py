"""The administrators' alert delivery page: their schools only, filter by state, EN/ES,
a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user

URL = reverse("alerts:deliveries")


def make_deliveries(school, recipient, n: int, state=State.SENT) -> None:
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            recipient=recipient,
            channel=Channel.EMAIL,
            kind=Kind.URGENT,
            school=school,
            message_code="referral.created",
            state=state,
            attempts=1,
            last_error="SMTPDataError: 451" if state == State.RETRYING else "",
            next_attempt_at=now,
            created_at=now - dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


@pytest.fixture
def rows(school_a, school_b, counsellor, other_counsellor):
    make_deliveries(school_a, counsellor, 3)
    make_deliveries(school_a, counsellor, 2, State.RETRYING)
    make_deliveries(school_b, other_counsellor, 4)


def test_school_admin_sees_their_school_only(client_for, rows, school_admin, school_a):
    response = client_for(school_admin).get(URL)
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert len(shown) == 5 and {d.school_id for d in shown} == {school_a.pk}


def test_filter_by_state(client_for, rows, school_admin):
    response = client_for(school_admin).get(URL, {"state": "retrying"})
    shown = list(response.context["page"])
    assert len(shown) == 2 and {d.state for d in shown} == {State.RETRYING}
    assert "Failed, will retry" in response.content.decode()
    assert client_for(school_admin).get(URL, {"state": "bogus"}).status_code == 400


def test_district_admin_sees_every_school_of_the_district(
    client_for, rows, district_admin, school_b
):
    response = client_for(district_admin).get(URL)
    assert len(response.context["page"]) == 9
    only_b = client_for(district_admin).get(URL, {"school": school_b.pk})
    assert {d.school_id for d in only_b.context["page"]} == {school_b.pk}


def test_admin_of_another_school_cannot_pick_ours(client_for, rows, school_a, school_b):
    admin_b = make_user("admin_b")
    school_staff_add(school=school_b, user=admin_b, role=Role.SCHOOL_ADMIN)
    response = client_for(admin_b).get(URL)
    assert {d.school_id for d in response.context["page"]} == {school_b.pk}
    assert client_for(admin_b).get(URL, {"school": school_a.pk}).status_code == 400


@pytest.mark.parametrize("who", ["teacher", "counsellor", "parent", "outsider"])
def test_not_for_anyone_else(client_for, request, rows, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(URL).status_code == 403


def test_in_spanish(client_for, rows, school_admin):
    client = client_for(school_admin)
    client.cookies["django_language"] = "es"
    text = client.get(URL).content.decode()
    assert "Entrega de alertas" in text and "Falló, se reintentará" in text


def test_linked_from_admin_navigation(client_for, school_admin, counsellor):
    assert URL in client_for(school_admin).get(reverse("home")).content.decode()
    assert URL not in client_for(counsellor).get(reverse("home")).content.decode()


def test_constant_queries(
    client_for, school_admin, school_a, counsellor, django_assert_max_num_queries
):
    client = client_for(school_admin)
    client.get(URL)  # warm the session
    make_deliveries(school_a, counsellor, 3)
    with django_assert_max_num_queries(12) as small:
        client.get(URL)
    make_deliveries(school_a, counsellor, 45)
    with django_assert_max_num_queries(12) as large:
        client.get(URL)
    assert len(large.captured_queries) == len(small.captured_queries)
