import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from vschool.core.views import csrf_failure, permission_denied, server_error


def assert_govuk_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert "govuk-template" in html and "govuk-header" in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    return html


def test_missing_page_is_a_govuk_404(client, caseworker, settings):
    settings.DEBUG = False
    client.force_login(caseworker)
    response = client.get("/no-such-page/")
    assert_govuk_page(response, 404, "Page not found")


@pytest.mark.parametrize(("view", "status", "heading"), [
    (server_error, 500, "Sorry, there is a problem with the service"),
    (permission_denied, 403, "You do not have permission to see this page"),
    (csrf_failure, 403, "Sorry, your form could not be sent"),
])
def test_error_views_render_govuk_pages(db, view, status, heading):
    request = RequestFactory().get("/anything/")
    request.user = AnonymousUser()
    response = view(request)
    assert_govuk_page(response, status, heading)


def test_csrf_failure_through_the_stack_is_the_govuk_page(db, caseworker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    response = client.post("/accounts/logout/")
    assert_govuk_page(response, 403, "Sorry, your form could not be sent")
