"""Nothing typed is lost: a post that arrives after the session ended is kept and handed back after sign-in."""

import time

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory
from django.urls import reverse

from vschool.accounts.middleware import IdleTimeoutMiddleware, LoginRequiredMiddleware
from vschool.accounts.restore import SESSION_KEY, pop_restored_post, stash_post

PATH = "/peps/1/sections/school/"


def with_session(request, session=None):
    if session is None:
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    else:
        request.session = session
    return request


def test_stash_and_pop_round_trip(db, caseworker):
    rf = RequestFactory()
    post = with_session(rf.post(PATH, {"csrfmiddlewaretoken": "x", "progress": "Reading well", "areas": ["a", "b"]}))
    assert stash_post(post, user_id=caseworker.pk)

    get = with_session(rf.get(PATH), post.session)
    get.user = caseworker
    restored = pop_restored_post(get)
    assert restored["progress"] == "Reading well"
    assert restored.getlist("areas") == ["a", "b"]
    assert "csrfmiddlewaretoken" not in restored
    assert not restored._mutable
    # Handed back once.
    assert pop_restored_post(get) is None


def test_not_handed_back_on_another_page_or_to_another_person(db, caseworker, sw):
    rf = RequestFactory()
    post = with_session(rf.post(PATH, {"progress": "x"}))
    stash_post(post, user_id=caseworker.pk)
    other_page = with_session(rf.get("/somewhere-else/"), post.session)
    other_page.user = caseworker
    assert pop_restored_post(other_page) is None
    same_page = with_session(rf.get(PATH), post.session)
    same_page.user = sw
    assert pop_restored_post(same_page) is None
    assert SESSION_KEY not in post.session


def _csrf_post(rf, data):
    """A POST carrying a valid CSRF token, as a browser would send it."""
    probe = rf.get("/")
    token = get_token(probe)
    request = rf.post(PATH, {**data, "csrfmiddlewaretoken": token})
    request.COOKIES["csrftoken"] = probe.META["CSRF_COOKIE"]
    CsrfViewMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_login_required_middleware_keeps_a_post_with_valid_csrf(db, caseworker):
    rf = RequestFactory()
    request = with_session(_csrf_post(rf, {"progress": "Typed before the session ended"}))
    request.user = AnonymousUser()
    response = LoginRequiredMiddleware(lambda r: HttpResponse("view ran"))(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=%2Fpeps%2F1%2Fsections%2Fschool%2F" in response["Location"]

    after = with_session(rf.get(PATH), request.session)
    after.user = caseworker
    assert pop_restored_post(after)["progress"] == "Typed before the session ended"


def test_post_without_valid_csrf_is_not_kept(db):
    rf = RequestFactory()
    request = with_session(rf.post(PATH, {"progress": "planted by another site"}))
    request.user = AnonymousUser()
    response = LoginRequiredMiddleware(lambda r: HttpResponse())(request)
    assert response.status_code == 302
    assert SESSION_KEY not in request.session


def test_idle_timeout_keeps_the_post_for_the_same_person(client, caseworker, settings):
    """Through the real middleware stack: the session times out mid-form, the person signs in, the data is back."""
    client.force_login(caseworker)
    client.get(reverse("dashboard:home"))
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    rf = RequestFactory()
    request = _csrf_post(rf, {"progress": "Kept across sign-in"})
    request.session = client.session
    request.user = caseworker

    response = IdleTimeoutMiddleware(lambda r: HttpResponse("view ran"))(request)
    assert response.status_code == 302 and "timeout=1" in response["Location"]
    kept = request.session[SESSION_KEY]
    assert kept["user_id"] == caseworker.pk and kept["path"] == PATH
