"""The first-run checklist leads an administrator's home page until the school is set up."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.consent.gating import school_year_on
from schoolwell.consent.models import ConsentForm, Purpose
from schoolwell.referrals.models import OnCall, RuleReview
from schoolwell.roster.models import School
from schoolwell.screening.models import CrisisPlan
from schoolwell.screening.services import crisis_plans_sync
from schoolwell.screening.services.catalogue import default_crisis_content
from tests.conftest import make_student, make_user

KEYS = ["roster", "on_call", "crisis", "consent", "rules"]


def _todo(html: str) -> list[str]:
    return [key for key in KEYS if f'class="todo" data-setup="{key}"' in html]


def _set_up(school, admin, counsellor):
    make_student(school, "SETUP")
    OnCall.objects.create(school=school, counsellor=counsellor)
    crisis_plans_sync(schools=School.objects.filter(pk=school.pk))
    plan = CrisisPlan.objects.get(school=school)
    plan.crisis_line = {**default_crisis_content()["crisis_line"], "phone": "555-0100"}
    plan.save()
    ConsentForm.objects.create(
        school=school,
        purpose=Purpose.UNIVERSAL_SCREENING,
        version=1,
        school_year=school_year_on(timezone.localdate()),
        title={"en": "Screening"},
        published_at=timezone.now() - dt.timedelta(days=1),
    )
    RuleReview.objects.create(school=school, by=admin, at=timezone.now())


def test_a_fresh_school_shows_every_step_first(client_for, school_admin, school_a):
    html = client_for(school_admin).get(reverse("home")).content.decode()
    assert _todo(html) == KEYS
    # It leads the page, before the role cards.
    assert html.index("Setting up SchoolWell") < html.index("My schools")
    for url in (
        reverse("roster:import"),
        reverse("admin:referrals_oncall_changelist"),
        reverse("admin:screening_crisisplan_changelist"),
        f"{reverse('consent:form_list')}?school={school_a.pk}",
        reverse("referrals:rules"),
    ):
        assert f'href="{url}"' in html


def test_each_step_done_drops_out_and_the_panel_goes(
    client_for, school_admin, school_a, counsellor
):
    client = client_for(school_admin)
    make_student(school_a, "S1")
    crisis_plans_sync(
        schools=School.objects.filter(pk=school_a.pk)
    )  # the shipped default is not the school's own yet
    html = client.get(reverse("home")).content.decode()
    assert _todo(html) == ["on_call", "crisis", "consent", "rules"]
    assert 'class="done" data-setup="roster"' in html
    _set_up(school_a, school_admin, counsellor)
    assert "Setting up SchoolWell" not in client.get(reverse("home")).content.decode()


def test_a_district_admin_sees_which_schools_miss_a_step(
    client_for, district_admin, school_a, school_b, school_admin, counsellor
):
    _set_up(school_a, school_admin, counsellor)
    html = client_for(district_admin).get(reverse("home")).content.decode()
    assert _todo(html) == KEYS
    assert "Missing at School B" in html and "School A" not in html.split("Missing at")[1][:40]


def test_rules_reviewed_button_completes_the_step(client_for, school_admin, school_a, school_b):
    client = client_for(school_admin)
    url = reverse("referrals:rules_reviewed")
    assert client.post(url, {"school": school_b.pk}).status_code == 404
    assert client.post(url, {"school": school_a.pk}).status_code == 302
    assert RuleReview.objects.get().school == school_a
    assert "rules" not in _todo(client.get(reverse("home")).content.decode())


@pytest.mark.parametrize("who", ["teacher", "counsellor", "parent"])
def test_only_administrators_see_the_checklist(request, client_for, who, school_a):
    user = request.getfixturevalue(who)
    assert "Setting up SchoolWell" not in client_for(user).get(reverse("home")).content.decode()
    assert client_for(user).post(reverse("referrals:rules_reviewed"), {}).status_code == 403


def test_the_first_superuser_on_an_empty_install_is_led_to_the_import(client_for, db):
    admin = make_user("first", is_superuser=True, is_staff=True)
    html = client_for(admin).get(reverse("home")).content.decode()
    assert _todo(html)[0] == "roster"
    assert f'href="{reverse("roster:import")}"' in html


def test_checklist_query_count_is_constant(
    client_for, district_admin, district, django_assert_max_num_queries
):

    client = client_for(district_admin)
    School.objects.create(district=district, name="One", code="one")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("home"))
    for n in range(10):
        school = School.objects.create(district=district, name=f"S{n}", code=f"s{n}")
        make_student(school, f"X{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_checklist_in_spanish(client_for, school_admin, school_a):
    client = client_for(school_admin)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("home")).content.decode()
    assert "Configuración de SchoolWell" in html and "Alumnado importado" in html
    assert "Faltan 5 pasos" in html
