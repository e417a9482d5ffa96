"""Each role's starting page: aggregate figures and links, never a list of children."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vschool.accounts.roles import Role, role_names
from vschool.calendar.services import current_term

from . import selectors


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def home(request):
    """VSH and VS staff: headline figures with links; viewer: the same figures only (small counts suppressed);
    designated teacher, social worker and finance: their own starting points."""
    from attendance.selectors import exclusions_overview, term_overview
    from roll.models import Child
    from vschool.alerts.selectors import open_alert_counts

    user = request.user
    roles = role_names(user)
    today = timezone.localdate()
    staff = bool(roles & {Role.HEADTEACHER, Role.VS_STAFF})
    viewer = Role.VIEWER in roles and not staff
    context = {
        "today": today,
        "term": current_term(today),
        "is_staff_view": staff,
        "is_viewer": viewer,
        "suppress": viewer,
        "links": {
            "roll": _url("roll:child_list"),
            "inbox": _url("alerts:inbox"),
            "funding": _url("funding:home"),
            "peps": _url("peps:tracker") if staff else _url("peps:my_peps"),
            "settings": _url("calendar:settings") if Role.HEADTEACHER in roles else None,
        },
    }
    if staff or viewer:
        context["roll"] = selectors.roll_summary(children=Child.objects.all(), today=today)
        context["alerts"] = open_alert_counts(user=user)
        context["peps"] = selectors.pep_summary(today=today)
    elif roles & {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}:
        context["my_children"] = Child.objects.visible_to(user).on_roll(today).count()
        context["alerts"] = open_alert_counts(user=user)
        context["is_dt"] = Role.DESIGNATED_TEACHER in roles
    if staff or viewer or roles & {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}:
        context["attendance"] = term_overview(user=user, on=today)
        context["exclusions"] = exclusions_overview(user=user, on=today)
        context["links"]["below_target"] = _url("roll:child_list", "attendance_low=true")
    context["is_finance"] = Role.FINANCE in roles
    return render(request, "dashboard/home.html", context)
