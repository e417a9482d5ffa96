import re

import pytest
from django.urls import reverse


def test_sign_in_page_renders_without_inline_scripts(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to" in html
    assert "<script>" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_vsh_signs_in_and_reaches_home(client, vsh):
    response = client.post(reverse("accounts:login"), {"username": "vsh@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    assert "Virtual School Headteacher" in home.content.decode()


@pytest.mark.parametrize("wrong", ["", "nope"])
def test_wrong_password_shows_error_summary(client, vsh, wrong):
    response = client.post(reverse("accounts:login"), {"username": "vsh", "password": wrong})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_healthz_reports_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _parameterless_page_names():
    """Every named URL that takes no arguments, outside the Django admin."""
    from django.urls import get_resolver

    names = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace == "admin":
                    continue
                ns = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern, ns or namespace)
            elif pattern.name and not pattern.pattern.regex.groups:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return sorted(set(names))


def test_every_page_sends_csp_and_has_no_inline_script_or_style(client, vsh):
    """Sign in as the headteacher and GET every argument-free page: CSP on all, no inline script or style."""
    client.force_login(vsh)
    checked = []
    for name in _parameterless_page_names():
        url = reverse(name)
        response = client.get(url)
        if response.status_code == 405:  # POST-only endpoints (sign out, actions)
            continue
        assert "Content-Security-Policy" in response, f"{name} ({url}) has no CSP header"
        assert "script-src 'self'" in response["Content-Security-Policy"]
        if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
            html = response.content.decode()
            inline = [tag for tag in INLINE_SCRIPT.findall(html) if "application/json" not in tag]
            assert not inline, f"inline script on {url}: {inline}"
            assert " style=" not in html, f"style attribute on {url}"
            checked.append(name)
    assert "dashboard:home" in checked
