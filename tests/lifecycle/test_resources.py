"""The family resources library: every entry in both languages with sources, curated per
district, served by audience, shown on the parent home and after consent decisions."""

import pytest
from django.urls import reverse
from django.utils import translation

from schoolwell.lifecycle import services
from schoolwell.lifecycle.resources import library, resources_for

pytestmark = pytest.mark.django_db

SLUGS = {
    "warning-signs",
    "talking-about-feelings",
    "sleep-and-screens",
    "anxiety",
    "what-screening-is",
    "crisis-lines",
}


def test_the_library_is_complete_and_sourced():
    entries = library()
    assert len(entries) >= 10
    assert {r.slug for r in entries} >= SLUGS
    for r in entries:
        assert r.sources and all(s["url"].startswith("https://") for s in r.sources)
        assert len(r.body["en"]) == len(r.body["es"])
    crisis = next(r for r in entries if r.slug == "crisis-lines")
    assert "988" in " ".join(crisis.body["en"]) and "988" in " ".join(crisis.body["es"])


def test_families_see_family_resources_staff_see_both(parent, counsellor):
    family = {r.slug for r in resources_for(parent)}
    staff = {r.slug for r in resources_for(counsellor)}
    assert "mhfa-basics" not in family and "mhfa-basics" in staff
    assert family >= SLUGS


def test_in_the_readers_language(parent):
    with translation.override("es"):
        titles = [r.title for r in resources_for(parent)]
    assert "Reconocer las señales de alerta" in titles


def test_a_district_hides_and_adds(parent, other_parent, district_admin, district):
    services.resource_visibility_set(
        district=district, slug="sleep-and-screens", shown=False, by=district_admin
    )
    services.local_resource_add(
        district=district, by=district_admin, audience="family", title="Riverside Clinic", body="x"
    )
    shown = {r.title for r in resources_for(parent)}
    assert "Sleep and screens" not in shown and "Riverside Clinic" in shown
    services.resource_visibility_set(
        district=district, slug="sleep-and-screens", shown=True, by=district_admin
    )
    assert "Sleep and screens" in {r.title for r in resources_for(parent)}


def test_another_districts_curation_does_not_apply(parent, other_district):
    from schoolwell.lifecycle.models import HiddenResource

    HiddenResource.objects.create(district=other_district, slug="anxiety")
    assert "anxiety" in {r.slug for r in resources_for(parent)}


@pytest.mark.parametrize("who", ["school_admin", "counsellor", "teacher", "parent"])
def test_only_district_administrators_curate(request, client, who, district):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("lifecycle:curate")).status_code == 404
    response = client.post(
        reverse("lifecycle:curate"), {"form": "library", "slug": "anxiety", "shown": "0"}
    )
    assert response.status_code == 404


def test_curation_page(client, district_admin, district):
    client.force_login(district_admin)
    assert client.get(reverse("lifecycle:curate")).status_code == 200
    response = client.post(
        reverse("lifecycle:curate"), {"form": "library", "slug": "nonsense", "shown": "0"}
    )
    assert response.status_code == 400
    response = client.post(reverse("lifecycle:curate"), {"form": "local", "title": ""})
    assert response.status_code == 400


def test_on_the_parent_home_and_after_consent_decisions(client, parent, student_a):
    client.force_login(parent)
    home = client.get("/").content.decode()
    assert reverse("lifecycle:held", args=[student_a.pk]) in home
    assert "Recognising warning signs" in home  # force_login: the language of the request
    child = client.get(reverse("consent:child", args=[student_a.pk])).content.decode()
    assert "Ayuda para las familias" in child
    assert reverse("lifecycle:resources") in child


@pytest.mark.parametrize("who", ["parent", "teacher", "counsellor", "school_admin", "outsider"])
def test_resources_page_for_everyone_signed_in(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("lifecycle:resources")).status_code == 200
