"""The VSH's audit search: who saw and who changed what, by child, user and date, with a CSV export."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from vschool.core.csv import csv_response
from vschool.core.pagination import paginate

from . import selectors
from .forms import AuditSearchForm

KINDS = {"access": "Who viewed records", "changes": "Who changed records"}


def _parse(request):
    if not request.user.has_perm("audit.search"):
        raise Http404
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "access"
    form = AuditSearchForm(request.GET or None)
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilters(child=data["child"], user=data["user"], date_from=data["date_from"],
                                         date_to=data["date_to"])
    return kind, form, filters


def _query_for(request, **override) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in override.items():
        params[key] = value
    return params.urlencode()


def search(request):
    kind, form, filters = _parse(request)
    if kind == "access":
        page, query = paginate(request, selectors.access_log_search(user=request.user, filters=filters))
        names = selectors.child_names(row.child_id for row in page.object_list)
        rows = [{"entry": e, "child_name": names.get(e.child_id)} for e in page.object_list]
    else:
        page, query = paginate(request, selectors.change_log_search(user=request.user, filters=filters))
        rows = [{"entry": e, "summary": _change_summary(e)} for e in page.object_list]
    tabs = [{"kind": k, "label": label, "url": "?" + _query_for(request, kind=k), "current": k == kind}
            for k, label in KINDS.items()]
    return render(request, "audit/search.html", {
        "form": form, "kind": kind, "kind_label": KINDS[kind], "tabs": tabs, "page": page, "query": query,
        "rows": rows, "export_url": reverse("audit:export") + "?" + _query_for(request, kind=kind),
        "breadcrumbs": [{"label": "Home", "url": reverse("dashboard:home")}, {"label": "Audit", "url": ""}],
    }, status=400 if form.errors else 200)


def _change_summary(entry) -> str:
    """What changed, briefly: creations and deletions say so; updates list the fields as old → new."""
    from auditlog.models import LogEntry

    if entry.action == LogEntry.Action.CREATE:
        return "Created"
    if entry.action == LogEntry.Action.DELETE:
        return "Deleted"
    return entry.changes_str


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def export(request):
    kind, form, filters = _parse(request)
    stamp = timezone.localdate().isoformat()
    if kind == "access":
        qs = selectors.access_log_search(user=request.user, filters=filters)
        rows = (
            (_local(e.at), e.user.email if e.user else "", str(e.user) if e.user else "", e.get_action_display(),
             e.what, e.object_type, e.object_id, e.child_id, e.path, e.ip_address)
            for e in qs.iterator(chunk_size=2000)
        )
        header = ["When", "User email", "User", "Action", "What", "Object type", "Object id", "Child id", "Path",
                  "IP address"]
        return csv_response(f"access-log-{stamp}.csv", header, rows)
    qs = selectors.change_log_search(user=request.user, filters=filters)
    rows = (
        (_local(e.timestamp), e.actor.email if e.actor else "", str(e.actor) if e.actor else "",
         e.get_action_display(), e.content_type.model if e.content_type else "", e.object_pk, e.object_repr,
         e.changes_str)
        for e in qs.iterator(chunk_size=2000)
    )
    header = ["When", "User email", "User", "Action", "Record type", "Record id", "Record", "Changes"]
    return csv_response(f"change-history-{stamp}.csv", header, rows)
