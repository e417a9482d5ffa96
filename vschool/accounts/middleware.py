"""Sign-in is required everywhere but a few public paths; idle sessions expire; 2FA is enforced when on.

A form posted after the session ended is kept for the page it came from (see restore.py), so nothing typed is lost.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import reverse

from .restore import stash_post

PUBLIC_PREFIXES = ("/accounts/login", "/accounts/invitation/", "/accounts/password-reset", "/accounts/reset/",
                   "/healthz", "/static/", "/favicon.ico", "/accessibility")
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/two-factor", "/accounts/logout") + PUBLIC_PREFIXES


def _csrf_ok(request) -> bool:
    """Whether the post carries a valid CSRF token (checked here because the view, and its check, never runs)."""
    if getattr(request, "csrf_processing_done", False):
        return True
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


def _keep_post(request, user_id=None) -> None:
    if request.method == "POST" and _csrf_ok(request):
        stash_post(request, user_id=user_id)


def _sign_in_url(request, **extra) -> str:
    # After sign-in the page is fetched again with GET, where its view can take back what was kept.
    next_path = request.get_full_path() if request.method == "GET" else request.path
    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_path, **extra})}"


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            _keep_post(request)
            return redirect(_sign_in_url(request))
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                user_id = request.user.pk
                csrf_ok = request.method == "POST" and _csrf_ok(request)
                logout(request)
                request.session["timed_out"] = True
                if csrf_ok:
                    stash_post(request, user_id=user_id)
                return redirect(_sign_in_url(request, timeout="1"))
            request.session["last_seen"] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """When REQUIRE_2FA is on, a signed-in user must have verified a TOTP device in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            next_path = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': next_path})}")
        return self.get_response(request)
