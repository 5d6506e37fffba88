"""An incident is seen only by its response team (the people named on it and the school's
administrators); everyone else gets a 404, including colleagues of the same school."""

import pytest

from schoolwell.accounts.roles import Role
from schoolwell.community import services
from schoolwell.community.models import FollowUp, Incident, Need, PFAContact
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(school_a):
    """A counsellor of school A who is not on the response team."""
    user = make_user("colleague")
    school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def incident(school_a, school_admin, counsellor, class_a, student_a):
    return services.incident_open(
        school=school_a,
        by=school_admin,
        kind="death",
        title="Loss in the community",
        team=[counsellor],
        classes=[class_a],
        grades=[8],
        students=[student_a],
    )


ALLOWED = ["counsellor", "school_admin", "district_admin"]
REFUSED = ["colleague", "teacher", "parent", "other_parent", "other_counsellor", "outsider"]


@pytest.mark.parametrize("persona", ALLOWED + REFUSED)
def test_incident_page_is_for_the_response_team_only(request, client_for, incident, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(f"/community/incidents/{incident.pk}/")
    listed = client.get("/community/incidents/").content.decode()
    if persona in ALLOWED:
        assert response.status_code == 200
        assert "Loss in the community" in listed
    else:
        assert response.status_code == 404
        assert "Loss in the community" not in listed


@pytest.mark.parametrize("persona", REFUSED)
def test_outsiders_cannot_write_to_it(request, client_for, incident, student_a, persona):
    client = client_for(request.getfixturevalue(persona))
    data = {"student": student_a.pk, "needs": ["grief"], "follow_up": "none", "summary": "x"}
    for action in ("contact", "link", "close"):
        assert client.post(f"/community/incidents/{incident.pk}/{action}/", data).status_code == 404
    assert not PFAContact.objects.exists()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_signed_out_is_sent_to_sign_in(client, incident):
    assert client.get(f"/community/incidents/{incident.pk}/").status_code == 302


def test_the_team_logs_contacts_and_the_summary_counts_them(
    client_for, incident, counsellor, school_admin, student_a, student_a2
):
    client = client_for(counsellor)
    response = client.post(
        f"/community/incidents/{incident.pk}/contact/",
        {"student": student_a.pk, "needs": [Need.GRIEF, Need.FEAR], "follow_up": FollowUp.CHECK_IN},
    )
    assert response.status_code == 302
    # A student outside the affected groups is not a choice.
    response = client.post(
        f"/community/incidents/{incident.pk}/contact/",
        {"student": student_a2.pk, "needs": [Need.GRIEF], "follow_up": FollowUp.NONE},
    )
    assert response.status_code == 400
    # Only an administrator closes it.
    assert (
        client.post(f"/community/incidents/{incident.pk}/close/", {"summary": "x"}).status_code
        == 400
    )
    response = client_for(school_admin).post(
        f"/community/incidents/{incident.pk}/close/", {"summary": "Done well."}
    )
    assert response.status_code == 302
    page = client_for(school_admin).get(f"/community/incidents/{incident.pk}/").content.decode()
    assert "Psychological first aid contacts: 1 (1 students)" in page
    assert "Grief: 1" in page


def test_only_administrators_open_incidents(client_for, counsellor, teacher, school_admin):
    assert client_for(counsellor).get("/community/incidents/new/").status_code == 403
    assert client_for(school_admin).get("/community/incidents/new/").status_code == 200


def test_the_team_must_be_staff_of_the_school(school_a, school_admin, other_counsellor):
    with pytest.raises(services.CommunityError):
        services.incident_open(
            school=school_a, by=school_admin, kind="other", title="x", team=[other_counsellor]
        )


@pytest.mark.parametrize("size", [1, 12])
def test_incident_list_query_count_is_constant(
    client_for, school_a, school_admin, counsellor, size, django_assert_max_num_queries
):
    for index in range(size):
        services.incident_open(
            school=school_a, by=school_admin, kind="other", title=f"E{index}", team=[counsellor]
        )
    client = client_for(counsellor)
    client.get("/community/incidents/")
    with django_assert_max_num_queries(12):
        assert client.get("/community/incidents/").status_code == 200
