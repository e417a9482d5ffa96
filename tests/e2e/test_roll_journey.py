"""The roll in a browser: a caseworker filters the roll and opens a child's timeline; a DT sees only their pupils."""

from datetime import date

import pytest
from playwright.sync_api import expect

from roll.models import Child
from tests.roll.factories import (
    ChildFactory,
    EnrolmentFactory,
    PlacementFactory,
    SchoolFactory,
    SchoolStaffFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseworker_filters_the_roll_and_opens_a_timeline(page, live_server, sign_in, check_a11y, caseworker):
    school = SchoolFactory(name="Hawthorn Academy")
    target = ChildFactory(legal_first_name="Nova", legal_last_name="Quinton", cohort=Child.Cohort.CLA,
                          caseworker=caseworker, current_school=school)
    EnrolmentFactory(child=target, school=school, start=date(2024, 9, 2))
    PlacementFactory(child=target, start=date(2024, 1, 8), reason_new_episode="S")
    ChildFactory(legal_first_name="Orla", legal_last_name="Penrose", cohort=Child.Cohort.PLAC)
    ChildFactory(legal_first_name="Ivan", legal_last_name="Quayle", cohort=Child.Cohort.CWSW)

    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/children/")
    check_a11y(page)
    expect(page.get_by_test_id("result-count")).to_contain_text("3 children")
    page.get_by_label("Looked after", exact=True).check()
    page.get_by_label("My caseload").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("1 child")
    check_a11y(page)
    page.get_by_role("link", name="Name").click()  # sort by name, descending
    expect(page.locator("th[aria-sort='descending']")).to_have_count(1)
    page.get_by_role("link", name="Nova Quinton").click()
    expect(page.get_by_test_id("identity-bar")).to_contain_text("Hawthorn Academy")
    check_a11y(page)
    page.get_by_role("navigation", name="Child record").get_by_role("link", name="Timeline").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("Joined Hawthorn Academy")
    expect(page.get_by_test_id("timeline")).to_contain_text("Care placement started")
    check_a11y(page)
    page.get_by_role("navigation", name="Child record").get_by_role("link", name="Care").click()
    expect(page.get_by_test_id("moves-12-months")).to_be_visible()
    check_a11y(page)


def test_designated_teacher_sees_only_their_pupils(page, live_server, sign_in, check_a11y, dt):
    mine = SchoolFactory(name="Beacon Primary School")
    theirs = SchoolFactory(name="Castle Primary School")
    SchoolStaffFactory(school=mine, user=dt)
    pupil = EnrolmentFactory(school=mine, child__legal_first_name="Wren", child__legal_last_name="Ashdown").child
    other = EnrolmentFactory(school=theirs, child__legal_first_name="Yusuf", child__legal_last_name="Brightwell").child
    for child, school in ((pupil, mine), (other, theirs)):
        child.current_school = school
        child.save()

    sign_in(page, dt)
    page.goto(f"{live_server.url}/children/")
    check_a11y(page)
    expect(page.get_by_test_id("roll-table")).to_contain_text("Wren Ashdown")
    expect(page.get_by_test_id("roll-table")).not_to_contain_text("Yusuf")
    page.get_by_role("link", name="Wren Ashdown").click()
    expect(page.get_by_test_id("identity-bar")).to_contain_text("Beacon Primary School")
    check_a11y(page)
    response = page.goto(f"{live_server.url}/children/{other.pk}/")
    assert response.status == 404
    check_a11y(page)


def test_vs_staff_forms_are_accessible_and_a_school_move_is_recorded(page, live_server, sign_in, check_a11y,
                                                                       caseworker):
    old = SchoolFactory(name="Elmwood Primary School", urn="811111")
    SchoolFactory(name="Rowan Academy", urn="822222")
    child = EnrolmentFactory(school=old, start=date(2023, 9, 4), child__legal_first_name="Tess",
                             child__legal_last_name="Marlow").child
    child.current_school = old
    child.save()
    sign_in(page, caseworker)
    for path in ("add/", "import-903/", "schools/", f"{child.pk}/edit/", f"{child.pk}/placements/add/",
                 f"{child.pk}/allocations/", f"{child.pk}/off-roll/"):
        page.goto(f"{live_server.url}/children/{path}")
        check_a11y(page)
    page.goto(f"{live_server.url}/children/{child.pk}/school-move/")
    check_a11y(page)
    page.get_by_role("button", name="Record school move").click()  # empty: errors shown accessibly
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_a11y(page)
    page.get_by_label("New school URN").fill("822222")
    page.get_by_label("Start date").fill("1/9/2025")
    page.get_by_role("button", name="Record school move").click()
    expect(page.get_by_test_id("identity-bar")).to_contain_text("Rowan Academy")
    check_a11y(page)
    page.goto(f"{live_server.url}/children/{child.pk}/education/")
    expect(page.locator("table")).to_contain_text("Elmwood Primary School")
    check_a11y(page)
