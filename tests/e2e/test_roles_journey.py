"""Each role signs in and sees its own primary navigation; a designated teacher cannot open another school's child."""

from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from roll.models import SchoolStaff
from tests.roll.factories import ChildFactory, EnrolmentFactory, SchoolFactory
from vschool.accounts.context_processors import NAV_ITEMS
from vschool.accounts.roles import Role


def installed(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def expected_nav(role: str) -> tuple[set[str], set[str]]:
    """Labels this role must see (allowed and installed) and must not see (not allowed for the role)."""
    shown = {label for label, url_name, allowed in NAV_ITEMS if role in allowed and installed(url_name)}
    hidden = {label for label, _, allowed in NAV_ITEMS if role not in allowed}
    return shown, hidden


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_sees_its_own_navigation(page, live_server, sign_in, check_a11y, make_user, role):
    user = make_user(role)
    sign_in(page, user)
    expect(page.get_by_test_id("signed-in-user")).to_contain_text(Role(role).label)
    nav = page.get_by_role("navigation", name="Primary navigation")
    shown, hidden = expected_nav(role)
    assert "Home" in shown
    if role == Role.HEADTEACHER:
        assert {"Users", "Audit"} <= shown
    else:
        assert {"Users", "Audit"} <= hidden
    for label in shown:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    check_a11y(page)

    if role == Role.HEADTEACHER:
        nav.get_by_role("link", name="Users", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Users")
        check_a11y(page)
        page.get_by_role("link", name=str(user)).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(str(user))
        check_a11y(page)
        page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name="Audit", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        check_a11y(page)
        page.get_by_role("link", name="Who changed records", exact=True).click()
        expect(page.get_by_role("link", name="Who changed records", exact=True)).to_have_attribute("aria-current", "page")
        check_a11y(page)
    else:
        response = page.goto(f"{live_server.url}/accounts/users/")
        assert response.status == 404
        response = page.goto(f"{live_server.url}/audit/")
        assert response.status == 404
        check_a11y(page)


def test_designated_teacher_sees_only_their_schools_children(page, live_server, sign_in, check_a11y, make_user):
    dt = make_user(Role.DESIGNATED_TEACHER, "dt", email="dt@school.example.org")
    own_school, other_school = SchoolFactory(), SchoolFactory()
    SchoolStaff.objects.create(school=own_school, user=dt, start=date(2024, 1, 1))
    own_child = EnrolmentFactory(school=own_school, child=ChildFactory()).child
    other_child = EnrolmentFactory(school=other_school, child=ChildFactory()).child

    sign_in(page, dt)
    response = page.goto(f"{live_server.url}/children/{other_child.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_a11y(page)

    try:
        own_url = reverse("roll:child_detail", args=[own_child.pk])
    except NoReverseMatch:
        own_url = None
    if own_url:
        response = page.goto(f"{live_server.url}{own_url}")
        assert response.status == 200
        check_a11y(page)


def test_caseworker_invites_a_designated_teacher_who_accepts(page, live_server, sign_in, check_a11y, caseworker,
                                                             mailoutbox):
    import re

    school = SchoolFactory()
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/accounts/invitations/")
    check_a11y(page)
    page.get_by_role("link", name="Invite someone").click()
    check_a11y(page)
    page.get_by_label("Email address").fill("new.dt@school.example.org")
    page.get_by_role("radio", name="Designated teacher").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("link", name=re.compile("URN"))).to_be_visible()  # error summary: no school given
    check_a11y(page)
    page.get_by_label("School URNs").fill(school.urn)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.dt@school.example.org")).to_be_visible()
    check_a11y(page)

    link = re.search(r"(/accounts/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    check_a11y(page)
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Reed")
    page.get_by_label("Create a password").fill("a-long-and-unusual-passphrase-91")
    page.get_by_label("Confirm your password").fill("a-long-and-unusual-passphrase-91")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("signed-in-user")).to_contain_text("Designated teacher")
    check_a11y(page)
    assert SchoolStaff.objects.filter(user__email="new.dt@school.example.org", school=school).exists()

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has already been used")
    check_a11y(page)
