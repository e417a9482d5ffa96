"""Browser journeys in the system Chromium, with axe-core run on every page a journey visits.

Use the `signed_in` fixture to get a page signed in as a user, and `check_a11y(page)` after each navigation.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

# Playwright's sync API runs an event loop in the test thread; the ORM is still used synchronously here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "static" / "dist" / "axe.min.js"
PASSWORD = "correct-horse-battery"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_or_skip(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def page(page, csp_violations):
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    assert not csp_violations, f"CSP blocked something: {csp_violations}"


@pytest.fixture
def check_a11y(live_server):
    """Run axe-core (WCAG 2.x A/AA) on the current page and fail on any violation. It waits for the page, its
    stylesheet and its fonts first: layout rules such as target size measure the styled page."""

    def check(page):
        require_or_skip(AXE.exists(), "axe-core built into static/dist (make assets)")
        page.wait_for_load_state("load")
        page.evaluate("async () => { await document.fonts.ready; }")
        page.add_script_tag(url=f"{live_server.url}/static/dist/axe.min.js")
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        violations = [
            f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
        ]
        assert not violations, f"axe violations on {page.url}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def sign_in(live_server, check_a11y):
    """Sign a page in through the real form (and the 2FA step when the test turns it on)."""

    def do(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        check_a11y(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return do
