"""`/healthz` for load balancers: database and broker, JSON, no secrets, no sign-in."""

import socket

import pytest

from schoolwell.core import health


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_healthy_with_eager_tasks_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "eager": True}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_broker_down_is_503_and_names_no_host(client, settings):
    port = _closed_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://:secret-pw@127.0.0.1:{port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    text = response.content.decode()
    assert str(port) not in text and "secret-pw" not in text and "127.0.0.1" not in text


@pytest.mark.django_db
def test_database_down_is_503(client, monkeypatch):
    def broken():
        raise OSError("connection refused to db.internal:5432")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
    assert "db.internal" not in response.content.decode()


@pytest.mark.redis
@pytest.mark.django_db
def test_real_broker_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
def test_only_get(client):
    assert client.post("/healthz").status_code == 405
