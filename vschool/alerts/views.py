"""The alerts inbox and the actions on an alert (assign, snooze, unsnooze)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vschool.accounts.roles import Role
from vschool.core.pagination import paginate

from . import selectors, services
from .filters import AlertFilter
from .forms import AssignForm, SnoozeForm
from .models import Alert


def _inbox_only(request) -> None:
    if not request.user.has_perm("alerts.view_inbox"):
        raise Http404


def _staff_users():
    from vschool.accounts.models import User

    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.HEADTEACHER, Role.VS_STAFF])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _child_links() -> bool:
    try:
        reverse("roll:child_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def _back(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("alerts:inbox")


def inbox(request):
    """Open alerts in the user's scope, filtered and paginated in the database."""
    _inbox_only(request)
    from roll.models import School

    qs = selectors.alert_list(user=request.user, filters=request.GET)
    page, query = paginate(request, qs)
    filterset = AlertFilter(request.GET, queryset=Alert.objects.none(), user=request.user)
    # Schools that have open alerts in this user's scope: one query, used for the filter list.
    school_ids = (
        selectors.alerts_visible_to(request.user)
        .filter(resolved_at__isnull=True, school__isnull=False)
        .values("school_id")
    )
    schools = list(School.objects.filter(pk__in=school_ids).order_by("name").values_list("pk", "name"))
    filterset.form.fields["school"].widget.choices = [("", "All")] + [(str(pk), name) for pk, name in schools]
    staff = list(_staff_users()) if request.user.has_perm("alerts.assign_to_others") else []
    return render(
        request,
        "alerts/inbox.html",
        {
            "page": page,
            "query": query,
            "filter_form": filterset.form,
            "staff": staff,
            "link_children": _child_links(),
            "full_path": request.get_full_path(),
            "today": timezone.localdate(),
            "breadcrumbs": [
                {"label": "Home", "url": reverse("dashboard:home")},
                {"label": "Alerts", "url": None},
            ],
        },
    )


def _visible_open(request, pk) -> Alert:
    _inbox_only(request)
    return get_object_or_404(
        selectors.alerts_visible_to(request.user).select_related("child", "school", "assignee"),
        pk=pk,
        resolved_at__isnull=True,
    )


@require_POST
def assign(request, pk):
    alert = _visible_open(request, pk)
    staff = list(_staff_users()) if request.user.has_perm("alerts.assign_to_others") else []
    form = AssignForm(request.POST, staff=staff)
    if not form.is_valid():
        messages.error(request, "Select who to assign the alert to")
        return redirect(_back(request))
    choice = form.cleaned_data["assignee"]
    assignee = {"me": request.user, "nobody": None}.get(choice) if choice in ("me", "nobody") else None
    if choice not in ("me", "nobody"):
        assignee = next((u for u in staff if str(u.pk) == choice), None)
        if assignee is None:
            raise Http404
    try:
        services.alert_assign(actor=request.user, alert=alert, assignee=assignee)
    except PermissionDenied:
        raise Http404 from None
    who = (
        "you"
        if assignee == request.user
        else (assignee.get_full_name() or assignee.username)
        if assignee
        else "nobody"
    )
    messages.success(request, f"Alert assigned to {who}")
    return redirect(_back(request))


def snooze(request, pk):
    alert = _visible_open(request, pk)
    form = SnoozeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_snooze(
                actor=request.user,
                alert=alert,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Alert snoozed until {form.cleaned_data['until']:%-d %B %Y}")
            return redirect(_back(request))
    return render(
        request,
        "alerts/snooze.html",
        {
            "alert": alert,
            "form": form,
            "next": _back(request),
            "link_children": _child_links(),
            "breadcrumbs": [
                {"label": "Home", "url": reverse("dashboard:home")},
                {"label": "Alerts", "url": reverse("alerts:inbox")},
                {"label": "Snooze", "url": None},
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def unsnooze(request, pk):
    alert = _visible_open(request, pk)
    try:
        services.alert_unsnooze(actor=request.user, alert=alert)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, "Alert is back in the inbox")
    return redirect(_back(request))
