import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


def test_login_and_logout(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Advisory 7-A" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_login_is_throttled_after_repeated_failures(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 429  # the limit-th failure locks
    # Locked now: even the right password is refused.
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_failure_does_not_lock(client, teacher):
    client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_by_email(client, teacher):
    response = client.post(reverse("password_reset"), {"email": teacher.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "A-new-long-passphrase-42", "new_password2": "A-new-long-passphrase-42"},
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "teacher", "password": "A-new-long-passphrase-42"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_password_reset_does_not_reveal_unknown_addresses(client, teacher):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("teacher", ["My classes", "Advisory 7-A"], ["My children", "My schools"]),
        ("counsellor", ["My schools", "School A"], ["My classes", "My children"]),
        ("parent", ["My children"], ["My classes", "My schools"]),
        ("outsider", ["no school role"], ["My classes", "My schools", "My children"]),
    ],
)
def test_home_page_is_role_aware(request, client_for, persona, shown, hidden):
    html = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_language_switch_to_spanish(client_for, teacher):
    client = client_for(teacher)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="es"' in html
    assert "Mis clases" in html
    assert "Cerrar sesión" in html


def test_security_headers(client_for, teacher):
    response = client_for(teacher).get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sign_in_uses_the_users_preferred_language(client, parent):
    client.post(reverse("login"), {"username": "parent", "password": PASSWORD})
    assert "Mis hijos" in client.get(reverse("home")).content.decode()
