"""healthz: 200 when the database (and broker, if configured) answer; 503 naming what is down."""

from django.urls import reverse

from vschool.core import views


def test_healthy_with_database(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"


def test_unavailable_when_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}


def test_unavailable_when_database_is_down(client, db, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(views, "_database_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "down"
