"""Notifications and navigation: right and wrong people (rules: test_rule_builder)."""

import pytest
from django.urls import reverse

from schoolwell.referrals.models import Notification, Priority

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
    assert 'aria-describedby="id_name_helptext"' in html and 'id="id_name_helptext"' in html


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
