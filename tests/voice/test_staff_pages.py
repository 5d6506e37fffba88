"""Staff pages, tried by every role including the wrong ones; the class view keeps a
constant number of queries whatever the class size."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.consent.models import Decision
from schoolwell.roster.services import guardian_link_set
from schoolwell.voice.models import MessageAudience, VoiceSettings, WantsToTalk
from tests.conftest import enroll, make_student
from tests.consent.conftest import decide
from tests.voice.conftest import record

pytestmark = pytest.mark.django_db

ROLES = [
    "teacher",
    "other_teacher",
    "counsellor",
    "other_counsellor",
    "school_admin",
    "district_admin",
    "parent",
    "other_parent",
    "outsider",
]


@pytest.fixture
def today_checkin(consented, teacher):
    return record(
        consented,
        feeling="sad",
        message="Nobody sat with me",
        wants_to_talk=WantsToTalk.TODAY,
        trusted_adult_id=teacher.pk,
        now=timezone.now(),
    ).checkin


def _get(request, client, persona, path):
    client.force_login(request.getfixturevalue(persona))
    return client.get(path)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("other_teacher", 404),
        ("counsellor", 200),
        ("other_counsellor", 404),
        ("school_admin", 200),
        ("district_admin", 200),
        ("parent", 404),
        ("other_parent", 404),
        ("outsider", 404),
    ],
)
def test_class_view_by_role(request, client, persona, status, class_a, today_checkin):
    response = _get(request, client, persona, reverse("voice:class_today", args=[class_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert today_checkin.student.display_name in response.content.decode()


def test_messages_follow_the_schools_setting(
    client_for, class_a, today_checkin, teacher, counsellor, school_admin
):
    path = reverse("voice:class_today", args=[class_a.pk])
    assert "Nobody sat with me" in client_for(counsellor).get(path).content.decode()
    assert "Nobody sat with me" not in client_for(teacher).get(path).content.decode()
    assert "Nobody sat with me" not in client_for(school_admin).get(path).content.decode()
    VoiceSettings.objects.create(
        school=class_a.school, low_feelings=["sad"], message_audience=MessageAudience.ALSO_TEACHER
    )
    assert "Nobody sat with me" in client_for(teacher).get(path).content.decode()
    assert "Nobody sat with me" not in client_for(school_admin).get(path).content.decode()


def test_the_class_view_logs_a_disclosure(client_for, class_a, today_checkin, counsellor):
    client_for(counsellor).get(reverse("voice:class_today", args=[class_a.pk]))
    assert AccessLog.objects.filter(user=counsellor, student=today_checkin.student).exists()


def _class_of(n, class_a, school_a, parent, checkin_form):
    for index in range(n):
        student = make_student(school_a, f"Q{n}-{index}")
        enroll(student, class_a)
        guardian_link_set(guardian=parent, student=student)
        decide(student, parent, checkin_form, Decision.GRANTED)
        record(student, feeling="sad" if index % 2 else "happy", now=timezone.now())


def test_class_view_queries_do_not_grow_with_the_class(
    client_for, teacher, class_a, school_a, parent, checkin_form, django_assert_max_num_queries
):
    path = reverse("voice:class_today", args=[class_a.pk])
    client = client_for(teacher)
    _class_of(4, class_a, school_a, parent, checkin_form)
    with django_assert_max_num_queries(40) as small:
        assert client.get(path).status_code == 200
    _class_of(24, class_a, school_a, parent, checkin_form)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(path)
    assert page.content.decode().count("😢") == 14  # 2 + 12 sad students shown


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),  # the adult the student chose
        ("counsellor", 200),
        ("other_teacher", 404),
        ("other_counsellor", 404),
        ("school_admin", 404),
        ("district_admin", 404),
        ("parent", 404),
        ("outsider", 404),
    ],
)
def test_a_request_to_talk_by_role(request, client, persona, status, today_checkin):
    path = reverse("voice:talk", args=[today_checkin.pk])
    assert _get(request, client, persona, path).status_code == status
    response = client.post(path)
    assert response.status_code == (302 if status == 200 else 404)
    today_checkin.refresh_from_db()
    assert (today_checkin.talk_answered_at is not None) is (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_admin", 200),
        ("district_admin", 200),
        ("counsellor", 404),
        ("teacher", 404),
        ("other_counsellor", 404),
        ("parent", 404),
        ("outsider", 404),
    ],
)
def test_settings_page_by_role(request, client, persona, status, school_a):
    path = reverse("voice:settings", args=[school_a.pk])
    assert _get(request, client, persona, path).status_code == status
    response = client.post(
        path, {"low_feelings": ["sad", "scared"], "message_audience": "also_teacher"}
    )
    assert response.status_code == (302 if status == 200 else 404)
    saved = VoiceSettings.objects.filter(school=school_a).first()
    assert (saved is not None and saved.low_feelings == ["sad", "scared"]) is (status == 200)


def test_bad_settings_are_a_400(client_for, school_admin, school_a):
    response = client_for(school_admin).post(
        reverse("voice:settings", args=[school_a.pk]),
        {"low_feelings": ["bored"], "message_audience": "everyone"},
    )
    assert response.status_code == 400 and not VoiceSettings.objects.exists()


@pytest.mark.parametrize(
    ("persona", "ok"),
    [
        ("teacher", True),
        ("counsellor", True),
        ("school_admin", True),
        ("other_teacher", False),
        ("other_counsellor", False),
        ("parent", False),
        ("other_parent", False),
        ("outsider", False),
    ],
)
def test_cards_and_revoking_by_role(request, client, persona, ok, consented, class_a):
    from schoolwell.voice.models import CheckInLink

    client.force_login(request.getfixturevalue(persona))
    made = client.post(reverse("voice:link_create", args=[consented.pk]))
    assert made.status_code == (200 if ok else 404)
    assert CheckInLink.objects.filter(student=consented, revoked_at=None).exists() is ok
    revoked = client.post(reverse("voice:link_revoke", args=[consented.pk]))
    assert revoked.status_code == (302 if ok else 404)
    assert not CheckInLink.objects.filter(student=consented, revoked_at=None).exists()


def test_the_counsellor_timeline_shows_own_check_ins_beside_teachers(
    client_for, counsellor, today_checkin
):
    page = client_for(counsellor).get(
        reverse("referrals:timeline", args=[today_checkin.student_id])
    )
    body = page.content.decode()
    assert "Own check-in" in body and "Nobody sat with me" in body
    only = client_for(counsellor).get(
        reverse("referrals:timeline", args=[today_checkin.student_id]), {"kind": "voice"}
    )
    assert "Own check-in" in only.content.decode()
    others = client_for(counsellor).get(
        reverse("referrals:timeline", args=[today_checkin.student_id]), {"kind": "checkins"}
    )
    assert "Own check-in" not in others.content.decode()


def test_the_timeline_puts_an_own_check_in_in_the_readers_words(client_for, counsellor, consented):
    checkin = record(
        consented, feeling="sad", energy="lots", topics=["sleep"], wants_to_talk=WantsToTalk.TODAY
    ).checkin
    url = reverse("referrals:timeline", args=[checkin.student_id])
    english = client_for(counsellor).get(url, {"kind": "voice"}).content.decode()
    assert all(w in english for w in ("Sad", "Lots", "Sleep", "Yes, today", "Personal link"))
    spanish = client_for(counsellor).get(url, {"kind": "voice"}, HTTP_ACCEPT_LANGUAGE="es")
    body = spanish.content.decode()
    assert all(w in body for w in ("Triste", "Mucha", "El sueño", "Sí, hoy", "Enlace personal"))
