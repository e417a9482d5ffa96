"""Lockout after repeated failures, idle timeout, and password reset by email."""

import re
import time

from django.core import mail
from django.urls import reverse

PASSWORD = "correct-horse-battery"


def test_five_wrong_passwords_lock_the_account(client, sw, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": sw.email, "password": "wrong-password"})
    # The sixth attempt, with the right password, is refused with the locked-out page.
    response = client.post(reverse("accounts:login"), {"username": sw.email, "password": PASSWORD})
    assert response.status_code != 302
    html = response.content.decode()
    assert "Your account is locked" in html
    assert "govuk-heading-l" in html
    assert not client.session.get("_auth_user_id")


def test_four_wrong_passwords_do_not_lock(client, sw):
    for _ in range(4):
        client.post(reverse("accounts:login"), {"username": sw.email, "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": sw.email, "password": PASSWORD})
    assert response.status_code == 302


def test_idle_session_is_signed_out(client, caseworker, settings):
    client.force_login(caseworker)
    assert client.get(reverse("dashboard:home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "timeout=1" in response["Location"]
    again = client.get(reverse("dashboard:home"))
    assert again.status_code == 302  # really signed out
    login_page = client.get(response["Location"])
    assert "You were signed out after a period without activity" in login_page.content.decode()


def test_active_session_is_kept(client, caseworker, settings):
    client.force_login(caseworker)
    client.get(reverse("dashboard:home"))
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 60
    session.save()
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_password_reset_by_email(client, sw):
    page = client.get("/accounts/password-reset/")
    assert page.status_code == 200
    assert "Reset your password" in page.content.decode()
    response = client.post("/accounts/password-reset/", {"email": sw.email.upper()})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    path = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", body).group(1)
    # Only a link, the service and the authority: nothing about any child.
    assert "child" not in body.lower()

    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "govuk-error-summary" in weak.content.decode()
    done = client.post(set_url, {"new_password1": "another-long-passphrase-72", "new_password2":
                                 "another-long-passphrase-72"})
    assert done.status_code == 302
    sw.refresh_from_db()
    assert sw.check_password("another-long-passphrase-72")
    # The link works once.
    reused = client.get(path, follow=True)
    assert "This link has expired" in reused.content.decode()


def test_password_reset_for_unknown_address_looks_the_same(client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_password_reset_lifts_a_lock(client, sw):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": sw.email, "password": "wrong-password"})
    client.post("/accounts/password-reset/", {"email": sw.email})
    path = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "another-long-passphrase-72", "new_password2": "another-long-passphrase-72"})
    response = client.post(reverse("accounts:login"), {"username": sw.email, "password": "another-long-passphrase-72"})
    assert response.status_code == 302


def test_navigation_is_hidden_until_two_factor_is_done(client, caseworker, settings):
    settings.REQUIRE_2FA = True
    client.post(reverse("accounts:login"), {"username": caseworker.email, "password": PASSWORD})
    page = client.get(reverse("accounts:two_factor"))
    assert "Primary navigation" not in page.content.decode()
