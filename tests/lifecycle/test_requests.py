"""Correction requests: a guardian asks, an administrator of the school decides with a
reason, the events are append-only, the guardian sees the outcome."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from schoolwell.audit.models import AppendOnlyError
from schoolwell.lifecycle import services
from schoolwell.lifecycle.models import RecordRequest, RecordRequestEvent, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def correction(student_a, parent):
    return services.record_request_make(
        student=student_a, guardian=parent, category="screening", message="Wrong date."
    )


def test_guardian_asks_through_the_page(client, parent, student_a):
    client.force_login(parent)
    url = reverse("lifecycle:correction", args=[student_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"category": "checkins", "message": "Not my child on 3 May."})
    assert response.status_code == 302
    made = RecordRequest.objects.get()
    assert (made.guardian, made.category, made.status) == (parent, "checkins", "open")
    assert made.events.get().kind == RecordRequestEvent.Kind.MADE


@pytest.mark.parametrize(
    "data", [{}, {"category": "nonsense", "message": "x"}, {"category": "checkins"}]
)
def test_hostile_input_is_a_clear_400(client, parent, student_a, data):
    client.force_login(parent)
    response = client.post(reverse("lifecycle:correction", args=[student_a.pk]), data)
    assert response.status_code == 400
    assert not RecordRequest.objects.exists()


def test_other_family_cannot_ask(other_parent, student_a):
    with pytest.raises(Http404):
        services.record_request_make(
            student=student_a, guardian=other_parent, category="screening", message="x"
        )


def test_administrator_decides_and_the_guardian_sees_it(
    client, correction, school_admin, parent, student_a
):
    client.force_login(school_admin)
    assert "Wrong date." in client.get(reverse("lifecycle:requests")).content.decode()
    url = reverse("lifecycle:request_decide", args=[correction.pk])
    response = client.post(url, {"decision": "decline", "reason": "The date is right."})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == RequestStatus.DECLINED
    assert correction.decided_by == school_admin
    assert [e.kind for e in correction.events.all()] == ["made", "declined"]
    client.force_login(parent)
    page = client.get(reverse("lifecycle:held", args=[student_a.pk])).content.decode()
    assert "The date is right." in page
    assert "Rechazada" in page  # the parent reads Spanish


def test_decided_once(correction, school_admin):
    services.record_request_decide(request=correction, by=school_admin, accept=True, reason="ok")
    with pytest.raises(ValidationError):
        services.record_request_decide(
            request=correction, by=school_admin, accept=False, reason="no"
        )


def test_a_reason_is_required(client, correction, school_admin):
    client.force_login(school_admin)
    url = reverse("lifecycle:request_decide", args=[correction.pk])
    assert client.post(url, {"decision": "accept", "reason": ""}).status_code == 400
    correction.refresh_from_db()
    assert correction.status == RequestStatus.OPEN


@pytest.mark.parametrize(
    "who", ["teacher", "counsellor", "other_counsellor", "parent", "other_parent", "outsider"]
)
def test_only_the_schools_administrators_decide(request, client, correction, who):
    user = request.getfixturevalue(who)
    with pytest.raises((PermissionDenied, Http404)):
        services.record_request_decide(request=correction, by=user, accept=True, reason="x")
    client.force_login(user)
    url = reverse("lifecycle:request_decide", args=[correction.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"decision": "accept", "reason": "x"}).status_code in (403, 404)
    correction.refresh_from_db()
    assert correction.status == RequestStatus.OPEN


def test_district_admin_decides_too(correction, district_admin):
    services.record_request_decide(request=correction, by=district_admin, accept=True, reason="ok")


def test_events_are_append_only(correction):
    event = correction.events.get()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        RecordRequestEvent.objects.all().delete()


@pytest.mark.parametrize("extra", [1, 8])
def test_request_list_queries_do_not_grow(
    client, django_assert_max_num_queries, school_admin, parent, student_a, extra
):
    for i in range(extra):
        services.record_request_make(
            student=student_a, guardian=parent, category="consent", message=f"m{i}"
        )
    client.force_login(school_admin)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("lifecycle:requests")).status_code == 200
