"""Per-person notification settings: who hears about which kind of alert. Urgent alerts
ignore them (rule 4); the settings page is for staff who receive alerts, in EN and ES."""

import pytest
from django.core import mail
from django.urls import reverse

from schoolwell.alerts.models import Audience, Delivery, Kind, NotificationSettings
from schoolwell.alerts.services import notification_settings_save
from schoolwell.referrals.models import Notification, Priority
from schoolwell.referrals.services import referral_claim, referral_reassign, referral_trigger
from tests.referrals.conftest import NOW, open_referral, trigger

pytestmark = pytest.mark.django_db(transaction=True)


def recipients(**filters) -> set:
    return {d.recipient.username for d in Delivery.objects.filter(**filters)}


def test_urgent_ignores_no_one(student_a, on_call):
    notification_settings_save(
        user=on_call,
        audiences={kind: Audience.NONE for kind in (Kind.HIGH, Kind.ESCALATION)},
        daily_digest=True,
    )
    open_referral(student_a, Priority.URGENT)
    assert [m.to for m in mail.outbox] == [[on_call.email]]  # not held for the digest either
    with pytest.raises(ValueError):
        notification_settings_save(
            user=on_call, audiences={Kind.URGENT: Audience.NONE}, daily_digest=False
        )


def test_no_one_silences_a_high_alert(student_a, student_a2, on_call):
    open_referral(student_a, Priority.HIGH)
    assert recipients(kind=Kind.HIGH) == {"counsellor"}
    notification_settings_save(
        user=on_call, audiences={Kind.HIGH: Audience.NONE}, daily_digest=False
    )
    Delivery.objects.all().delete()
    open_referral(student_a2, Priority.HIGH)
    assert not Delivery.objects.exists()


def test_all_students_brings_alerts_to_a_counsellor_not_on_call(student_a, on_call, colleague):
    notification_settings_save(
        user=colleague, audiences={Kind.HIGH: Audience.ALL}, daily_digest=False
    )
    referral = open_referral(student_a, Priority.HIGH)
    assert recipients(kind=Kind.HIGH) == {"counsellor", "colleague"}
    assert Notification.objects.filter(user=colleague, referral=referral).exists()


def test_all_students_never_crosses_schools(student_b, other_counsellor, on_call):
    notification_settings_save(
        user=on_call, audiences={Kind.HIGH: Audience.ALL}, daily_digest=False
    )
    open_referral(student_b, Priority.HIGH)
    assert "counsellor" not in recipients()


def test_caseload_hears_only_about_referrals_assigned_to_them(
    student_a, student_a2, on_call, colleague
):
    notification_settings_save(
        user=on_call, audiences={Kind.HIGH: Audience.CASELOAD}, daily_digest=False
    )
    open_referral(student_a, Priority.HIGH)  # unassigned
    assert recipients(kind=Kind.HIGH) == set()
    notification_settings_save(
        user=colleague, audiences={Kind.HIGH: Audience.CASELOAD}, daily_digest=False
    )
    mine = open_referral(student_a2, Priority.ROUTINE, key="r")
    referral_claim(referral=mine, by=colleague)
    # Raised to high on a referral the colleague (not on call) works: they hear of it.
    referral_trigger(student=student_a2, triggers=[trigger("h", Priority.HIGH)], now=NOW)
    assert recipients(kind=Kind.HIGH) == {"colleague"}


def test_reassigned_respects_no_one(student_a, on_call, colleague, school_admin):
    referral = open_referral(student_a, Priority.ROUTINE)
    notification_settings_save(
        user=colleague, audiences={Kind.REASSIGNED: Audience.NONE}, daily_digest=False
    )
    referral_reassign(referral=referral, by=school_admin, to=colleague)
    assert not Delivery.objects.filter(recipient=colleague).exists()


def test_settings_page_saves_choices(client_for, counsellor):
    client = client_for(counsellor)
    page = client.get(reverse("alerts:settings"))
    assert page.status_code == 200
    assert "Urgent alerts always reach you" in page.content.decode()
    response = client.post(
        reverse("alerts:settings"),
        {
            "high": "all",
            "overdue": "caseload",
            "escalation": "none",
            "reassigned": "",
            "daily_digest": "on",
        },
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=counsellor)
    assert saved.audiences == {"high": "all", "overdue": "caseload", "escalation": "none"}
    assert saved.daily_digest is True


def test_settings_page_rejects_unknown_choices_and_urgent(client_for, counsellor):
    client = client_for(counsellor)
    assert client.post(reverse("alerts:settings"), {"high": "everyone"}).status_code == 400
    client.post(reverse("alerts:settings"), {"urgent": "none"})  # not a field: ignored
    assert NotificationSettings.objects.get(user=counsellor).audiences == {}


def test_settings_page_in_spanish(client_for, counsellor):
    client = client_for(counsellor)
    client.cookies["django_language"] = "es"
    text = client.get(reverse("alerts:settings"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ajustes de notificaciones" in text
    assert "Todos los estudiantes de mi(s) escuela(s)" in text


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_settings_page_is_for_people_who_get_alerts(client_for, request, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("alerts:settings")).status_code == 403
