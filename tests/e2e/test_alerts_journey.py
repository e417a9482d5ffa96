"""Caseworker works the alerts inbox; the headteacher changes a threshold. axe-clean on every page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.roll.factories import ChildFactory, SchoolFactory
from vschool.alerts import registry, services
from vschool.alerts.models import Alert
from vschool.alerts.registry import DriftRule, Finding
from vschool.core.models import Authority


@pytest.fixture
def alerts(caseworker):
    school = SchoolFactory(name="Hillside Academy")
    quill = ChildFactory(legal_first_name="Ada", legal_last_name="Quill", current_school=school)
    rook = ChildFactory(legal_first_name="Ben", legal_last_name="Rook", current_school=school)
    moss = ChildFactory(legal_first_name="Cat", legal_last_name="Moss", current_school=school)
    children = [quill, rook, moss]
    rule = registry.register(
        DriftRule(
            code="e2e.no_meeting",
            title="No PEP meeting this term",
            severity="high",
            audience=("caseworker",),
            compute=lambda: [
                Finding(
                    subject=c, child_id=c.pk, school_id=school.pk, due=date(2026, 12, 1 + i), detail="Book it"
                )
                for i, c in enumerate(children)
            ],
        )
    )
    services.scan_drift(codes=[rule.code])
    yield {c.legal_last_name: c for c in children}
    registry.unregister(rule.code)


def test_caseworker_filters_snoozes_and_assigns(
    page, live_server, sign_in, check_a11y, caseworker, vsh, alerts
):
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/alerts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    expect(page.get_by_test_id("alert-row")).to_have_count(3)
    check_a11y(page)

    # Filter by a child's name
    page.get_by_label("Child name or ID").fill("Quill")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("alert-row")).to_have_count(1)
    expect(page.get_by_test_id("alert-row")).to_contain_text("Ada Quill")
    check_a11y(page)

    # Snooze it: first without a reason (error summary), then with one
    page.get_by_role("link", name="Snooze No PEP meeting this term for Ada Quill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Snooze alert")
    check_a11y(page)
    until = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Day").fill(str(until.day))
    page.get_by_label("Month").fill(str(until.month))
    page.get_by_label("Year").fill(str(until.year))
    page.get_by_role("button", name="Snooze alert").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are snoozing this alert")
    check_a11y(page)
    page.get_by_label("Why are you snoozing this alert?").fill("PEP meeting booked for next week")
    page.get_by_role("button", name="Snooze alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alert snoozed until")
    expect(page.get_by_test_id("alert-row")).to_have_count(0)  # still filtered by Quill, and now snoozed
    check_a11y(page)
    alert = Alert.objects.get(child=alerts["Quill"])
    assert alert.snoozed_until == until and alert.snooze_reason == "PEP meeting booked for next week"

    # Back to everything; assign Ben Rook's alert to me
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_test_id("alert-row")).to_have_count(2)
    row = page.get_by_test_id("alert-row").filter(has_text="Ben Rook")
    row.get_by_label("Assign No PEP meeting this term for Ben Rook to").select_option("me")
    row.get_by_role("button", name="Assign No PEP meeting this term for Ben Rook").click()
    expect(page.get_by_test_id("alert-row").filter(has_text="Ben Rook")).to_contain_text("You")
    check_a11y(page)
    assert Alert.objects.get(child=alerts["Rook"]).assignee == caseworker

    # Only mine
    page.get_by_label("Assigned to").select_option("me")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("alert-row")).to_have_count(1)
    check_a11y(page)


def test_headteacher_changes_a_threshold(page, live_server, sign_in, check_a11y, vsh):
    sign_in(page, vsh)
    page.goto(f"{live_server.url}/calendar/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    check_a11y(page)
    page.get_by_role("link", name="Change rules and thresholds").click()
    check_a11y(page)
    field = page.get_by_label("Attendance alert below (%)")
    field.fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Attendance alert below (%)").fill("92")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.locator("main")).to_contain_text("92")
    check_a11y(page)
    assert Authority.current().attendance_threshold == 92
