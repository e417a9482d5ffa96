"""Roll pages: thin views that call one selector or service and render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from vschool.audit.services import access_log_record

from . import selectors

CHILD_TABS = [
    ("overview", "Overview", "roll:child_detail"),
    ("education", "Education", "roll:child_education"),
    ("care", "Care", "roll:child_care"),
    ("timeline", "Timeline", "roll:child_timeline"),
    ("peps", "PEPs", "peps:child_peps"),
    ("attendance", "Attendance", "attendance:child_attendance"),
]


def child_tabs(child, active=None) -> list[dict]:
    """Tabs for a child's record; a tab whose URL does not reverse (app not ready) is left out."""
    tabs = []
    for key, label, url_name in CHILD_TABS:
        try:
            url = reverse(url_name, args=[child.pk])
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "label": label, "url": url, "current": key == active})
    return tabs


def child_context(request, child, active: str, **extra) -> dict:
    """The context every page extending roll/child_base.html needs."""
    context = {
        "child": child,
        "active_tab": active,
        "breadcrumbs": [
            {"label": "Children", "url": reverse("roll:child_list")},
            {"label": child.display_name, "url": ""},
        ],
    }
    context.update(extra)
    return context


def _child_page(request, pk, active: str):
    child = selectors.child_get(user=request.user, pk=pk)
    access_log_record(request=request, obj=child, what=f"child record: {active}", child_id=child.pk)
    return child


@login_required
def child_detail(request, pk):
    child = _child_page(request, pk, "overview")
    return render(request, "roll/child_detail.html", child_context(request, child, "overview",
                                                                     **selectors.child_overview(child=child)))


@login_required
def child_education(request, pk):
    child = _child_page(request, pk, "education")
    return render(request, "roll/child_education.html", child_context(request, child, "education",
                                                                        **selectors.child_education(child=child)))


@login_required
def child_care(request, pk):
    child = _child_page(request, pk, "care")
    return render(request, "roll/child_care.html", child_context(request, child, "care",
                                                                   **selectors.child_care(child=child)))


@login_required
def child_timeline(request, pk):
    child = _child_page(request, pk, "timeline")
    return render(request, "roll/child_timeline.html", child_context(request, child, "timeline",
                                                                       events=selectors.child_timeline(child=child)))


@login_required
def child_list(request):
    from django.http import Http404

    from vschool.core.pagination import paginate

    if not request.user.has_perm("roll.view_roll"):
        raise Http404
    qs = selectors.child_list(user=request.user, filters=request.GET)
    page, query = paginate(request, qs)
    return render(request, "roll/child_list.html", {"page": page, "query": query})
