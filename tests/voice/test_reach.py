"""How students reach the check-in without an account: the personal link (its token reaches
only that student's check-in) and the class kiosk (the screening kiosk in "voice" mode)."""

import re

import pytest
from django.urls import reverse

from schoolwell.screening.models import KioskMode, KioskSession
from schoolwell.screening.models.results import token_hash
from schoolwell.voice.models import CheckInLink, StudentCheckIn
from schoolwell.voice.services import checkin_link_create, checkin_link_revoke
from tests.conftest import enroll, make_student

pytestmark = pytest.mark.django_db

NEUTRAL = "Check-in is not open for you today"


@pytest.fixture
def link(consented, teacher):
    _link, token = checkin_link_create(student=consented, by=teacher)
    return token


def _post(client, path, **extra):
    data = {"feeling": "happy", "wants_to_talk": "not_now", **extra}
    return client.post(path, data)


def test_only_the_hash_is_stored(consented, teacher):
    link, token = checkin_link_create(student=consented, by=teacher)
    assert link.token_hash == token_hash(token) and token not in link.token_hash


def test_the_link_opens_its_students_check_in_and_saves_it(client, consented, link):
    path = reverse("voice:link_open", args=[link])
    page = client.get(path)
    assert page.status_code == 200
    assert consented.given_name in page.content.decode()
    done = _post(client, path)
    assert done.status_code == 200 and "Try it now" in done.content.decode()
    saved = StudentCheckIn.objects.get()
    assert saved.student == consented and saved.channel == "link"


def test_one_live_link_per_student(consented, teacher):
    first, _ = checkin_link_create(student=consented, by=teacher)
    second, _ = checkin_link_create(student=consented, by=teacher)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert CheckInLink.objects.filter(student=consented, revoked_at=None).count() == 1


def test_a_revoked_link_gets_the_neutral_refusal(client, consented, teacher, link):
    checkin_link_revoke(student=consented, by=teacher)
    path = reverse("voice:link_open", args=[link])
    for response in (client.get(path), _post(client, path)):
        assert response.status_code == 404
        body = response.content.decode()
        assert "This check-in is closed" in body and consented.given_name not in body
    assert not StudentCheckIn.objects.exists()


def test_without_consent_the_student_sees_a_neutral_message(client, student_a, teacher):
    _link, token = checkin_link_create(student=student_a, by=teacher)
    path = reverse("voice:link_open", args=[token])
    for response in (client.get(path), _post(client, path)):
        body = response.content.decode()
        assert NEUTRAL in body
        assert "consent" not in body.lower() and "permission" not in body.lower()
    assert not StudentCheckIn.objects.exists()


def test_the_token_opens_nothing_else(client, consented, link, student_a2, counsellor):
    path = reverse("voice:link_open", args=[link])
    client.get(path)  # the browser now holds the link's session
    for other in [
        reverse("voice:kiosk_home"),
        reverse("voice:kiosk_checkin", args=[consented.pk]),
        reverse("voice:kiosk_checkin", args=[student_a2.pk]),
        reverse("screening:link_open", args=[link]),
        reverse("screening:kiosk_home"),
        reverse("voice:index"),
        reverse("voice:talk", args=[1]),
        reverse("roster:student_detail", args=[consented.pk]),
    ]:
        response = client.get(other)
        assert response.status_code in (302, 404, 410), other
        assert consented.family_name not in response.content.decode(), other
    # A token with a changed character is just unknown (changed: never the same character).
    changed = link[:-1] + ("y" if link.endswith("x") else "x")
    assert client.get(reverse("voice:link_open", args=[changed])).status_code == 404


def test_hostile_input_is_a_clear_400(client, consented, link):
    path = reverse("voice:link_open", args=[link])
    for data in (
        {"feeling": "<script>"},
        {"feeling": "happy", "wants_to_talk": "not_now", "topics": ["../../etc"]},
        {"feeling": "happy", "wants_to_talk": "today", "trusted_adult": "abc"},
        {"feeling": "happy", "wants_to_talk": "not_now", "message": "x" * 5000},
    ):
        response = client.post(path, data)
        assert response.status_code == 400, data
    assert not StudentCheckIn.objects.exists()


def _start_kiosk(client, teacher, klass):
    client.force_login(teacher)
    response = client.post(reverse("voice:kiosk_start", args=[klass.pk]))
    assert response.status_code == 302 and response.url == reverse("voice:kiosk_home")
    return KioskSession.objects.get(klass=klass)


def test_a_teacher_starts_a_class_kiosk_that_signs_them_out(
    client, teacher, class_a, consented, student_a2
):
    kiosk = _start_kiosk(client, teacher, class_a)
    assert kiosk.mode == KioskMode.VOICE and kiosk.instrument is None
    assert client.get(reverse("voice:index")).status_code == 302  # signed out
    home = client.get(reverse("voice:kiosk_home")).content.decode()
    assert f"{consented.given_name} {consented.family_name[0]}." in home
    assert student_a2.given_name not in home  # another class
    # Another class's student is not reachable from this kiosk.
    assert client.get(reverse("voice:kiosk_checkin", args=[student_a2.pk])).status_code == 404
    response = _post(client, reverse("voice:kiosk_checkin", args=[consented.pk]))
    assert response.status_code == 200
    saved = StudentCheckIn.objects.get()
    assert saved.channel == "kiosk" and saved.kiosk == kiosk and saved.klass == class_a
    # The screening kiosk does not open on a voice kiosk's device.
    assert client.get(reverse("screening:kiosk_home")).status_code == 404


def test_a_classmate_without_consent_gets_the_neutral_message(
    client, teacher, class_a, consented, school_a
):
    other = make_student(school_a, "A9", given_name="Nico")
    enroll(other, class_a)
    _start_kiosk(client, teacher, class_a)
    response = _post(client, reverse("voice:kiosk_checkin", args=[other.pk]))
    assert NEUTRAL in response.content.decode()
    assert not StudentCheckIn.objects.exists()


def test_the_kiosk_page_is_in_the_students_language(client, teacher, class_a, consented):
    consented.preferred_language = "es"
    consented.save()
    _start_kiosk(client, teacher, class_a)
    page = client.get(reverse("voice:kiosk_checkin", args=[consented.pk])).content.decode()
    assert "¿Cómo te sientes?" in page and 'lang="es"' in page


def test_an_ended_kiosk_is_closed(client, teacher, class_a, consented):
    kiosk = _start_kiosk(client, teacher, class_a)
    KioskSession.objects.filter(pk=kiosk.pk).update(ended_at=kiosk.started_at)
    assert client.get(reverse("voice:kiosk_home")).status_code == 410


def test_cards_carry_a_qr_code_as_a_data_uri(client_for, teacher, class_a, consented):
    response = client_for(teacher).post(reverse("voice:class_cards", args=[class_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert re.search(r'src="data:image/svg\+xml;base64,', body)
    assert consented.display_name in body
    assert CheckInLink.objects.filter(student=consented, revoked_at=None).count() == 1
