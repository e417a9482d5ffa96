import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"


def code_for(device, drift=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def sign_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def test_signed_in_user_without_2fa_is_sent_to_enrolment(client, caseworker, require_2fa):
    sign_in(client, caseworker)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Set up two-factor sign-in" in html
    assert "<svg" in html and 'role="img"' in html
    assert "data:image" not in html and "<script>" not in html and " style=" not in html
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    # The secret is shown as text (base32, in groups of four) for people who cannot scan.
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    assert secret[:4] in html


def test_enrol_with_real_code_then_verify_on_next_sign_in(client, caseworker, require_2fa):
    sign_in(client, caseworker)
    url = reverse("accounts:two_factor") + "?next=/accessibility"
    client.get(url)
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)

    wrong = client.post(url, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "govuk-error-summary" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(url, {"code": code_for(device), "next": "/accessibility"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Save your backup codes" in html
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=caseworker).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in html for code in codes)
    assert 'href="/accessibility"' in html
    assert client.get(reverse("dashboard:home")).status_code == 200

    # Next session: a verify page, not enrolment; the next step's code (replay of the same code is refused).
    client.post(reverse("accounts:logout"))
    sign_in(client, caseworker)
    page = client.get(reverse("accounts:two_factor"))
    assert "Enter your security code" in page.content.decode()
    assert client.get(reverse("dashboard:home")).status_code == 302
    response = client.post(reverse("accounts:two_factor") + "?next=/", {"code": code_for(device, drift=1)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_backup_code_works_once(client, caseworker, require_2fa):
    from vschool.accounts.services import backup_codes_regenerate

    TOTPDevice.objects.create(user=caseworker, name="app", confirmed=True)
    codes = backup_codes_regenerate(user=caseworker)
    sign_in(client, caseworker)
    response = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.post(reverse("accounts:logout"))
    sign_in(client, caseworker)
    again = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert again.status_code == 400


def test_next_is_not_an_open_redirect(client, caseworker, require_2fa):
    from vschool.accounts.services import backup_codes_regenerate

    TOTPDevice.objects.create(user=caseworker, name="app", confirmed=True)
    codes = backup_codes_regenerate(user=caseworker)
    sign_in(client, caseworker)
    response = client.post(reverse("accounts:two_factor") + "?next=https://evil.example.com/", {"code": codes[1]})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_cannot_enrol_a_second_device_once_one_is_confirmed(client, caseworker, require_2fa):
    TOTPDevice.objects.create(user=caseworker, name="app", confirmed=True)
    sign_in(client, caseworker)
    client.get(reverse("accounts:two_factor"))
    assert not TOTPDevice.objects.filter(user=caseworker, confirmed=False).exists()
