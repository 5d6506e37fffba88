"""Notifications, threshold rules page, navigation: right and wrong people."""

import pytest
from django.urls import reverse

from schoolwell.referrals.models import Notification, Priority, ThresholdRule

from .conftest import open_referral


@pytest.mark.django_db(transaction=True)
def test_notification_list_and_unread_count(client_for, student_a, on_call):
    open_referral(student_a, Priority.URGENT)
    client = client_for(on_call)
    home = client.get(reverse("home")).content.decode()
    assert "1 unread notification" in home
    page = client.get(reverse("referrals:notifications")).content.decode()
    assert student_a.family_name in page
    assert client.post(reverse("referrals:notifications_read")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "0 unread notifications" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_notifications_are_per_user(client_for, student_a, on_call, colleague):
    open_referral(student_a, Priority.URGENT)
    page = client_for(colleague).get(reverse("referrals:notifications")).content.decode()
    assert student_a.family_name not in page


def test_admin_edits_a_rule(client_for, rules_a, school_admin):
    rule = rules_a["checkins-low"]
    client = client_for(school_admin)
    assert client.get(reverse("referrals:rules")).status_code == 200
    data = {
        "name": rule.name,
        "active": "on",
        "threshold": "1",
        "bands": "[]",
        "tags": "[]",
        "count": "4",
        "window_school_days": "10",
        "priority": Priority.HIGH,
        "due_within": "2",
        "due_unit": "school_days",
    }
    response = client.post(reverse("referrals:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.count) == (1, 4)


def test_critical_rule_cannot_be_made_less_than_urgent(client_for, rules_a, school_admin):
    rule = rules_a["critical-item"]
    data = {
        "name": rule.name,
        "active": "on",
        "bands": "[]",
        "tags": "[]",
        "priority": Priority.ROUTINE,
        "due_within": "1",
        "due_unit": "hours",
    }
    response = client_for(school_admin).post(reverse("referrals:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 400
    rule.refresh_from_db()
    assert rule.priority == Priority.URGENT


@pytest.mark.parametrize("field", ["bands", "tags"])
def test_deeply_nested_json_in_a_rule_is_a_form_error(client_for, rules_a, school_admin, field):
    rule = rules_a["checkins-low"]
    data = {
        "name": "Renamed",
        "active": "on",
        "bands": "[]",
        "tags": "[]",
        "count": "4",
        "window_school_days": "10",
        "priority": Priority.HIGH,
        "due_within": "2",
        "due_unit": "school_days",
        field: "[" * 1100,  # was a RecursionError (a 500)
    }
    response = client_for(school_admin).post(reverse("referrals:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 400
    assert "nested too deeply" in response.content.decode()
    rule.refresh_from_db()
    assert rule.name != "Renamed"


@pytest.mark.parametrize("who", ["counsellor", "teacher", "parent"])
def test_only_administrators_edit_rules(request, client_for, rules_a, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("referrals:rules")).status_code == 403
    rule = rules_a["checkins-low"]
    assert client.post(reverse("referrals:rule_edit", args=[rule.pk]), {}).status_code == 403


def test_other_schools_rule_is_404(client_for, school_b, school_admin):
    from schoolwell.referrals.demo import rules_install_defaults

    rules_install_defaults(school=school_b)
    rule = ThresholdRule.objects.filter(school=school_b).first()
    response = client_for(school_admin).get(reverse("referrals:rule_edit", args=[rule.pk]))
    assert response.status_code == 404


def test_navigation_per_role(client_for, counsellor, teacher, parent):
    assert "Referral queue" in client_for(counsellor).get(reverse("home")).content.decode()
    for user in (teacher, parent):
        assert "Referral queue" not in client_for(user).get(reverse("home")).content.decode()


def test_queue_in_spanish(client_for, student_a, counsellor):
    open_referral(student_a, Priority.URGENT)
    client = client_for(counsellor)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("referrals:queue"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cola de derivaciones" in page and "Urgente" in page


def test_rule_form_help_text_is_what_aria_describedby_points_at(client_for, rules_a, school_admin):
    rule = rules_a["checkins-low"]
    html = client_for(school_admin).get(reverse("referrals:rule_edit", args=[rule.pk]))
    html = html.content.decode()
    assert 'aria-describedby="id_tags_helptext"' in html and 'id="id_tags_helptext"' in html


def test_rule_and_concern_forms_load_the_referrals_stylesheet(
    client_for, rules_a, school_admin, teacher, student_a
):
    # Without it their `narrow-form` class was undefined and the forms ran full width.
    rule_page = client_for(school_admin).get(
        reverse("referrals:rule_edit", args=[rules_a["checkins-low"].pk])
    )
    concern_page = client_for(teacher).get(reverse("referrals:concern", args=[student_a.pk]))
    for page in (rule_page, concern_page):
        assert "referrals/referrals.css" in page.content.decode()
