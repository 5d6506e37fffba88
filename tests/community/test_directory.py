"""The provider directory: counsellors search and filter it (in a constant number of
queries), administrators edit it, families see their child's providers in their language."""

import pytest
from django.urls import reverse

from schoolwell.community.models import ProviderProfile

from .conftest import make_provider

pytestmark = pytest.mark.django_db


def test_counsellors_search_and_filter(client_for, counsellor, district, other_district):
    make_provider(district, "riverbend")
    make_provider(district, "maple", category="pediatric")
    make_provider(other_district, "quill")
    client = client_for(counsellor)
    body = client.get("/community/providers/").content.decode()
    assert "Riverbend Center" in body and "Maple Center" in body and "Quill" not in body
    body = client.get("/community/providers/", {"category": "pediatric"}).content.decode()
    assert "Maple Center" in body and "Riverbend Center" not in body
    body = client.get("/community/providers/", {"q": "teens", "age": 12}).content.decode()
    assert "Riverbend Center" in body
    body = client.get("/community/providers/", {"age": 30}).content.decode()
    assert "Riverbend Center" not in body


def test_bad_filters_are_a_400(client_for, counsellor):
    response = client_for(counsellor).get("/community/providers/", {"age": "old", "cost": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("size", [3, 30])
def test_directory_query_count_is_constant(
    client_for, counsellor, district, size, django_assert_max_num_queries
):
    for index in range(size):
        make_provider(district, f"p{index}")
    client = client_for(counsellor)
    client.get("/community/providers/")  # warm the session and the scope cache
    with django_assert_max_num_queries(14):
        assert client.get("/community/providers/").status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "parent", "outsider"])
def test_directory_is_for_staff(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get("/community/providers/")
    assert response.status_code == 403


def test_administrators_edit_counsellors_cannot(client_for, counsellor, school_admin, district):
    provider = make_provider(district, "edit")
    path = reverse("community:provider_edit", args=[provider.pk])
    data = {
        "category": "crisis",
        "age_min": 4,
        "age_max": 16,
        "cost": "free",
        "waiting_weeks": 3,
        "capacity": "full",
    }
    assert client_for(counsellor).post(path, data).status_code == 404
    assert client_for(school_admin).post(path, data).status_code == 302
    profile = ProviderProfile.objects.get(provider=provider)
    assert (profile.category, profile.capacity, profile.waiting_weeks) == ("crisis", "full", 3)
    assert client_for(school_admin).post(path, {**data, "age_min": 17}).status_code == 400


def test_another_districts_provider_is_not_editable(client_for, school_admin, other_district):
    provider = make_provider(other_district, "far")
    path = reverse("community:provider_edit", args=[provider.pk])
    assert client_for(school_admin).get(path).status_code == 404


def test_families_see_their_childs_providers_in_their_language(
    client_for, loop, parent, other_parent
):
    provider_loop, _token = loop
    student = provider_loop.referral.student
    path = reverse("community:family_providers", args=[student.pk])
    body = client_for(parent).get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Terapia para adolescentes" in body  # the parent prefers Spanish
    assert client_for(other_parent).get(path).status_code == 404


def test_the_guardians_home_links_to_their_childs_providers(client_for, loop, parent, other_parent):
    provider_loop, _token = loop
    path = reverse("community:family_providers", args=[provider_loop.referral.student_id])
    assert path in client_for(parent).get("/").content.decode()
    assert path not in client_for(other_parent).get("/").content.decode()
