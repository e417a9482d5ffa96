"""Two-factor sign-in in the browser: enrol with a real authenticator code, then verify on the next sign-in."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect


def code_for(device, drift=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def test_enrol_then_verify(page, live_server, sign_in, check_a11y, settings, caseworker):
    settings.REQUIRE_2FA = True
    sign_in(page, caseworker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check_a11y(page)

    # Going anywhere else first is refused until two-factor is done.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")

    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    page.get_by_text("I cannot scan the QR code").click()
    expect(page.get_by_test_id("totp-secret")).to_be_visible()

    page.get_by_label("Security code").fill("000000" if code_for(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("link", name=re.compile("not correct"))).to_be_visible()
    check_a11y(page)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    page.get_by_label("Security code").fill(code_for(device))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is set up")).to_be_visible()
    expect(page.get_by_test_id("backup-codes").get_by_role("listitem")).to_have_count(10)
    check_a11y(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_test_id("signed-in-user")).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
    check_a11y(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(page, caseworker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    check_a11y(page)
    device.refresh_from_db()
    # The code for the next time step: the one used to enrol cannot be replayed.
    page.get_by_label("Security code").fill(code_for(device, drift=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("signed-in-user")).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
    check_a11y(page)
