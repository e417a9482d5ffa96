"""Role-aware primary navigation. Items whose URL is not installed are left out."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .roles import Role, role_names

_STAFF = {Role.HEADTEACHER, Role.VS_STAFF}
_EVERYONE = set(Role)
NAV_ITEMS = [
    ("Home", "dashboard:home", _EVERYONE),
    ("Children", "roll:child_list", _STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}),
    ("PEPs", "peps:tracker", _STAFF),
    ("My PEPs", "peps:my_peps", {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}),
    ("Attendance", "attendance:import", _STAFF),
    ("Funding", "funding:home", _STAFF | {Role.FINANCE}),
    ("Admissions", "admissions:home", _STAFF),
    ("Alerts", "alerts:inbox", _STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}),
    ("Schools", "roll:school_list", _STAFF),
    ("Users", "accounts:user_list", {Role.HEADTEACHER}),
    ("Invitations", "accounts:invitation_list", {Role.VS_STAFF}),
    ("Audit", "audit:search", {Role.HEADTEACHER}),
    ("Settings", "calendar:settings", {Role.HEADTEACHER}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"primary_nav": []}
    if settings.REQUIRE_2FA and hasattr(user, "is_verified") and not user.is_verified():
        return {"primary_nav": []}  # nothing to navigate to until two-factor sign-in is done
    roles = role_names(user)
    items = []
    for label, url_name, allowed in NAV_ITEMS:
        if not roles & {r.value for r in allowed}:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"primary_nav": items}
