"""Sign-in is required everywhere but a few public paths; idle sessions expire; 2FA is enforced when on."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

PUBLIC_PREFIXES = ("/accounts/login", "/accounts/invitation/", "/accounts/password-reset", "/accounts/reset/",
                   "/healthz", "/static/", "/favicon.ico", "/accessibility")
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/two-factor", "/accounts/logout") + PUBLIC_PREFIXES


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
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
                logout(request)
                request.session["timed_out"] = True
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}&timeout=1")
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
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
