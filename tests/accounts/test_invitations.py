import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from roll.models import SchoolStaff
from tests.roll.factories import SchoolFactory
from vschool.accounts.models import Invitation, User
from vschool.accounts.roles import Role
from vschool.accounts.services import invitation_create

GOOD_PASSWORD = "a-long-and-unusual-passphrase-91"


def invite_via_ui(client, actor, **data):
    client.force_login(actor)
    with_defaults = {"email": "new.teacher@school.example.org", "first_name": "Dana", "last_name": "Reed",
                     "role": Role.DESIGNATED_TEACHER, "school_urns": ""}
    with_defaults.update(data)
    return client.post(reverse("accounts:invitation_create"), with_defaults)


def link_from_last_email() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_caseworker_invites_dt_for_two_schools_and_dt_accepts(client, caseworker, settings,
                                                              django_capture_on_commit_callbacks):
    a, b = SchoolFactory(), SchoolFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = invite_via_ui(client, caseworker, school_urns=f"{a.urn}, {b.urn}")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert sorted(invitation.school_ids) == sorted([a.pk, b.pk])
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["new.teacher@school.example.org"]
    link = link_from_last_email()

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()

    response = client.post(link, {"first_name": "Dana", "last_name": "Reed", "password1": GOOD_PASSWORD,
                                  "password2": GOOD_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new.teacher@school.example.org")
    assert user.roles == {Role.DESIGNATED_TEACHER}
    assert set(SchoolStaff.objects.filter(user=user).values_list("school_id", flat=True)) == {a.pk, b.pk}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    # Signed in straight away.
    assert client.get(reverse("dashboard:home")).status_code == 200

    # The link works once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()


def test_accepting_with_2fa_required_goes_to_enrolment(client, caseworker, settings,
                                                       django_capture_on_commit_callbacks):
    settings.REQUIRE_2FA = True
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=caseworker, email="social.worker@council.example.org", role=Role.SOCIAL_WORKER)
    link = link_from_last_email()
    client.logout()
    response = client.post(link, {"first_name": "Lee", "last_name": "Fox", "password1": GOOD_PASSWORD,
                                  "password2": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_weak_password_shows_govuk_error_summary_and_creates_nothing(client, caseworker,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=caseworker, email="sw2@council.example.org", role=Role.SOCIAL_WORKER)
    link = link_from_last_email()
    response = client.post(link, {"first_name": "Lee", "last_name": "Fox", "password1": "password",
                                  "password2": "password"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "too short" in html or "too common" in html
    assert not User.objects.filter(email="sw2@council.example.org").exists()


def test_expired_and_unknown_links_show_clear_pages(client, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=caseworker, email="late@council.example.org", role=Role.SOCIAL_WORKER)
    link = link_from_last_email()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.content.decode()
    posted = client.post(link, {"first_name": "A", "last_name": "B", "password1": GOOD_PASSWORD,
                                "password2": GOOD_PASSWORD})
    assert posted.status_code == 410
    assert not User.objects.filter(email="late@council.example.org").exists()
    unknown = client.get("/accounts/invitation/not-a-real-token/")
    assert unknown.status_code == 404
    assert "not valid" in unknown.content.decode()


def test_expiry_follows_setting(caseworker, settings):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitation = invitation_create(actor=caseworker, email="x@council.example.org", role=Role.SOCIAL_WORKER)
    delta = invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < delta <= timedelta(days=3)


def test_invitation_email_has_no_child_data_and_only_the_token_link(caseworker,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=caseworker, email="y@council.example.org", role=Role.SOCIAL_WORKER)
    body = mail.outbox[-1].body
    assert "/accounts/invitation/" in body
    # The token is stored hashed only.
    token = link_from_last_email().rstrip("/").rsplit("/", 1)[-1]
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.find(token) is not None


def test_dt_needs_a_known_school_urn(client, caseworker):
    response = invite_via_ui(client, caseworker, school_urns="999999")
    assert response.status_code == 400
    assert "No school has the URN 999999" in response.content.decode()
    response = invite_via_ui(client, caseworker, school_urns="")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_staff_may_not_invite_a_headteacher_but_the_vsh_may(caseworker, vsh):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=caseworker, email="boss@council.example.org", role=Role.HEADTEACHER)
    invitation_create(actor=vsh, email="boss@council.example.org", role=Role.HEADTEACHER)


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.FINANCE, Role.VIEWER])
def test_non_vs_staff_cannot_see_invitation_pages(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:invitation_list")).status_code == 404
    assert client.get(reverse("accounts:invitation_create")).status_code == 404


def test_duplicate_invitation_or_existing_account_refused(caseworker, sw):
    invitation_create(actor=caseworker, email="dup@council.example.org", role=Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError):
        invitation_create(actor=caseworker, email="DUP@council.example.org", role=Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError):
        invitation_create(actor=caseworker, email=sw.email, role=Role.SOCIAL_WORKER)


def test_pending_list_resend_and_cancel(client, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=caseworker, email="p@council.example.org", role=Role.SOCIAL_WORKER)
    first_link = link_from_last_email()
    client.force_login(caseworker)
    listing = client.get(reverse("accounts:invitation_list"))
    assert "p@council.example.org" in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    second_link = link_from_last_email()
    assert second_link != first_link
    client.logout()
    assert client.get(first_link).status_code == 404  # the old link no longer works
    assert client.get(second_link).status_code == 200

    client.force_login(caseworker)
    client.post(reverse("accounts:invitation_cancel", args=[invitation.pk]))
    client.logout()
    assert client.get(second_link).status_code == 410


def test_pending_list_query_count_is_flat(client, caseworker, django_assert_max_num_queries):
    from vschool.accounts.models import Invitation

    for n in range(30):
        token, token_hash = Invitation.new_token()
        Invitation.objects.create(email=f"n{n}@example.org", role=Role.SOCIAL_WORKER, token_hash=token_hash,
                                  invited_by=caseworker, expires_at=Invitation.default_expiry())
    client.force_login(caseworker)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:invitation_list"))
    assert response.status_code == 200
