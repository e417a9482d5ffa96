from datetime import date

import pytest
from playwright.sync_api import expect

from tests.attendance.conftest import a_week_this_term, recent_school_week
from tests.roll.factories import ChildFactory, EnrolmentFactory, SchoolFactory, SchoolStaffFactory


@pytest.fixture
def pupil(db, dt):
    school = SchoolFactory(urn="222333")
    SchoolStaffFactory(school=school, user=dt)
    child = ChildFactory(la_child_id="C700001", current_school=school, date_of_birth=date(2014, 5, 1))
    EnrolmentFactory(child=child, school=school, start=date(2024, 1, 8))
    return child


@pytest.fixture
def days(db, settings):
    """A school week of the current term; the clock may move back to reach one (see a_week_this_term), so the session
    cookie lasts for the browser session rather than carrying an expiry the browser would read as past."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    with a_week_this_term() as week:
        yield week


def test_dt_enters_a_week_of_marks_and_sees_the_rate_change(page, live_server, sign_in, check_a11y, dt, pupil,
                                                            days):
    sign_in(page, dt)
    page.goto(f"{live_server.url}/attendance/child/{pupil.pk}/")
    expect(page.get_by_test_id("pct-term")).to_contain_text("No data")
    check_a11y(page)
    page.goto(f"{live_server.url}/attendance/child/{pupil.pk}/week/{days[0].isoformat()}/")
    expect(page.get_by_test_id("week-pct")).to_have_text("No data")
    check_a11y(page)
    page.get_by_label(f"{days[0]:%A %-d %B} morning").select_option("/")
    page.get_by_role("button", name="Mark blank sessions as present").click()
    expect(page.get_by_label(f"{days[3]:%A %-d %B} afternoon")).to_have_value("\\")
    page.get_by_label(f"{days[4]:%A %-d %B} afternoon").select_option("N")
    page.get_by_role("button", name="Save marks").click()
    expect(page.get_by_test_id("week-pct")).to_have_text("90.0%")
    check_a11y(page)
    page.get_by_role("link", name="Back to attendance").click()
    expect(page.get_by_test_id("pct-year")).to_contain_text("90.0%")
    check_a11y(page)


def test_caseworker_uploads_a_file_with_bad_rows_and_gets_the_row_report(
    page, live_server, sign_in, check_a11y, caseworker, pupil, tmp_path
):
    day = recent_school_week()[0]
    path = tmp_path / "marks.csv"
    path.write_text(
        "child_id,urn,date,session,code\n"
        f"C700001,222333,{day.isoformat()},AM,/\n"
        f"C700001,222333,{day.isoformat()},PM,H\n"
        f"C999999,222333,{day.isoformat()},AM,/\n"
    )
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/attendance/import/")
    check_a11y(page)
    page.get_by_label("Attendance file (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_test_id("import-result")).to_have_text("File imported")
    expect(page.get_by_test_id("inserted")).to_have_text("1")
    report = page.get_by_test_id("row-errors")
    expect(report).to_contain_text("H is retired")
    expect(report).to_contain_text("No child with ID C999999")
    check_a11y(page)


def test_caseworker_is_refused_a_suspension_past_the_yearly_limit(page, live_server, sign_in, check_a11y, caseworker,
                                                                   pupil, days):
    day = days[0]  # in this school year, whose days count towards the limit
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/attendance/child/{pupil.pk}/exclusions/new/")
    check_a11y(page)
    page.get_by_label("Start date").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Length in school days").fill("46")
    page.get_by_label("Reason").select_option("PD")
    page.get_by_role("button", name="Record exclusion").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The limit is 45 days")
    check_a11y(page)
    page.get_by_label("Length in school days").fill("3")
    page.get_by_role("button", name="Record exclusion").click()
    expect(page.get_by_test_id("suspension-days")).to_have_text("3")
    check_a11y(page)


def test_caseworker_sorts_the_roll_by_attendance_and_filters_below_target(
    page, live_server, sign_in, check_a11y, caseworker, pupil, days
):
    from attendance.services import marks_record_week

    marks = {(d, s): "/" for d in days for s in ("AM", "PM")}
    marks[(days[0], "AM")] = "N"
    marks_record_week(actor=caseworker, child=pupil, marks=marks)
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/children/?sort=attendance")
    expect(page.get_by_test_id("term-attendance").first).to_have_text("90.0%")
    check_a11y(page)
    page.get_by_label("Attendance below target this term").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=pupil.display_name)).to_be_visible()
    check_a11y(page)
