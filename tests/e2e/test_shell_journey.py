import re

from playwright.sync_api import expect


def test_vsh_signs_in_and_sees_headteacher_navigation(page, live_server, sign_in, check_a11y, vsh):
    sign_in(page, vsh)
    expect(page.get_by_test_id("signed-in-user")).to_contain_text("Virtual School Headteacher")
    nav = page.get_by_role("navigation", name="Primary navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    check_a11y(page)
    page.goto(f"{live_server.url}/accessibility")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Accessibility"))
    check_a11y(page)


def test_unknown_page_is_a_govuk_404(page, live_server, sign_in, check_a11y, caseworker):
    sign_in(page, caseworker)
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_a11y(page)
