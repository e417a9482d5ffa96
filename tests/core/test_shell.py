import pytest
from django.urls import reverse


def test_sign_in_page_renders_without_inline_scripts(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to" in html
    assert "<script>" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_vsh_signs_in_and_reaches_home(client, vsh):
    response = client.post(reverse("accounts:login"), {"username": "vsh@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    assert "Virtual School Headteacher" in home.content.decode()


@pytest.mark.parametrize("wrong", ["", "nope"])
def test_wrong_password_shows_error_summary(client, vsh, wrong):
    response = client.post(reverse("accounts:login"), {"username": "vsh", "password": wrong})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_healthz_reports_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
