"""Roll pages: thin views that call one selector or service and render."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vschool.accounts.roles import is_vs_staff
from vschool.audit.models import AccessLog
from vschool.audit.services import access_log_record
from vschool.core.csv import csv_response
from vschool.core.pagination import paginate

from . import forms, importers, selectors, services
from .services import year_group, year_group_label

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


# ---------------------------------------------------------------------------
# The roll list
# ---------------------------------------------------------------------------

CSV_HEADER = ["Child ID", "Legal first name", "Legal last name", "Preferred name", "Date of birth", "Year group",
              "Cohort", "School", "School URN", "Caseworker", "Legal status", "Placement in area", "SEND", "UPN",
              "Open alerts", "On roll from", "On roll until"]

SORTABLE_COLUMNS = [("name", "Name"), ("age", "Year group"), ("school", "School"), ("cohort", "Cohort"),
                    ("joined", "Joined"), ("attendance", "Attendance this term")]


def _require_roll(user):
    if not user.has_perm("roll.view_roll"):
        raise Http404


def _sort_headers(sort: str, params) -> list[dict]:
    base = params.copy()
    base.pop("sort", None)
    base.pop("page", None)
    headers = []
    for key, label in SORTABLE_COLUMNS:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        q = base.copy()
        q["sort"] = next_sort
        headers.append({"key": key, "label": label, "aria_sort": state, "url": f"?{q.urlencode()}"})
    return headers


@login_required
def child_list(request):
    _require_roll(request.user)
    sort = request.GET.get("sort", "name")
    qs, filterset, sort = selectors.child_list(user=request.user, filters=request.GET, sort=sort)
    if request.GET.get("format") == "csv":
        return _child_list_csv(request, qs)
    page, query = paginate(request, qs.values_list("pk", flat=True))
    page.object_list = selectors.child_rows(list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    csv_params = params.copy()
    csv_params["format"] = "csv"
    return render(request, "roll/child_list.html", {
        "page": page,
        "query": query,
        "filterset": filterset,
        "form": filterset.form,
        "sort": sort,
        "headers": _sort_headers(sort, request.GET),
        "csv_url": f"?{csv_params.urlencode()}",
        "selected": _selected_filters(filterset, request.GET),
        "caseworkers": selectors.caseworker_choices() if is_vs_staff(request.user) else [],
        "is_vs_staff": is_vs_staff(request.user),
        "today": timezone.localdate(),
    })


def _selected_filters(filterset, params) -> list[dict]:
    """The filters in force, each with a link that removes it (MOJ filter 'selected' tags)."""
    selected = []
    form = filterset.form
    for name, field in form.fields.items():
        if name == "roll":
            continue
        values = params.getlist(name)
        values = [v for v in values if v]
        if not values:
            continue
        choices = dict(getattr(field, "choices", []) or [])
        for value in values:
            rest = params.copy()
            rest.pop("page", None)
            remaining = [v for v in rest.getlist(name) if v != value]
            rest.setlist(name, remaining)
            label = choices.get(value, value)
            if name == "caseworker":
                label = "Caseworker chosen"
            if name in ("alerts", "mine"):
                label = field.label
            selected.append({"label": f"{field.label or name.title()}: {label}" if name not in ("alerts", "mine")
                             else label, "url": f"?{rest.urlencode()}"})
    return selected


def _child_list_csv(request, qs):
    access_log_record(request=request, obj=request.user, what="roll list export", action=AccessLog.Action.EXPORT)
    today = timezone.localdate()

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield [c.la_child_id, c.legal_first_name, c.legal_last_name, c.preferred_name,
                   c.date_of_birth.isoformat(), year_group_label(year_group(c.date_of_birth, today)),
                   c.get_cohort_display(), c.current_school.name if c.current_school else "",
                   c.current_school.urn if c.current_school else "", str(c.caseworker) if c.caseworker else "",
                   c.current_legal_status, {True: "In area", False: "Out of area"}.get(c.placement_in_area, ""),
                   c.get_send_status_display(), c.upn, c.open_alerts, c.on_roll_from.isoformat(),
                   c.on_roll_until.isoformat() if c.on_roll_until else ""]

    return csv_response(f"roll-{today.isoformat()}.csv", CSV_HEADER, rows())


# ---------------------------------------------------------------------------
# Forms for VS staff
# ---------------------------------------------------------------------------

def _require_manage(user):
    if not user.has_perm("roll.manage_roll"):
        raise Http404


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _form_page(request, form, *, title: str, intro: str = "", child=None, status=200):
    context = {"form": form, "title": title, "intro": intro, "child": child}
    if child is not None:
        context["breadcrumbs"] = [
            {"label": "Children", "url": reverse("roll:child_list")},
            {"label": child.display_name, "url": child.get_absolute_url()},
            {"label": title, "url": ""},
        ]
    else:
        context["breadcrumbs"] = [{"label": "Children", "url": reverse("roll:child_list")}, {"label": title, "url": ""}]
    return render(request, "roll/form_page.html", context, status=status)


@login_required
def child_add(request):
    _require_manage(request.user)
    form = forms.ChildAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child = services.child_create(
                actor=request.user, la_child_id=data["la_child_id"], legal_first_name=data["legal_first_name"],
                legal_last_name=data["legal_last_name"], preferred_name=data["preferred_name"],
                date_of_birth=data["date_of_birth"], sex=data["sex"], upn=data["upn"], cohort=data["cohort"],
                uasc=data["uasc"], send_status=data["send_status"], send_primary_need=data["send_primary_need"],
                on_roll_from=data["on_roll_from"], caseworker=data["caseworker"], school=data["school"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Child added to the roll")
            return redirect(child)
    return _form_page(request, form, title="Add a child to the roll", status=400 if form.errors else 200)


def _child_form(request, pk, form_class, title, intro, handle, initial=None):
    """A form about one child: `handle(child, form)` saves it and returns the message; `initial(child)` fills it."""
    _require_manage(request.user)
    child = selectors.child_get(user=request.user, pk=pk)
    form = form_class(request.POST or None, initial=initial(child) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = handle(child, form)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(child)
    return _form_page(request, form, title=title, intro=intro, child=child, status=400 if form.errors else 200)


@login_required
def child_edit(request, pk):
    def handle(child, form):
        services.child_update(actor=request.user, child=child, **form.cleaned_data)
        return "Details saved"

    return _child_form(request, pk, forms.ChildEditForm, "Change the child's details", "", handle,
                       initial=forms.ChildEditForm.initial_for)


@login_required
def placement_add(request, pk):
    def handle(child, form):
        d = form.cleaned_data
        services.placement_record(
            actor=request.user, child=child, start=d["start"], place_code=d["place_code"],
            provider_code=d["provider_code"], postcode_district=d["postcode_district"],
            in_area=form.cleaned_in_area(), placing_authority=d["placing_authority"],
            reason_for_change=d["reason_for_change"], reason_new_episode="T" if d["same_carer"] else "P",
        )
        return "Placement recorded"

    return _child_form(request, pk, forms.PlacementForm, "Record a new placement",
                       "The current placement ends the day before the new one starts.", handle)


@login_required
def school_move(request, pk):
    def handle(child, form):
        d = form.cleaned_data
        services.school_move_record(
            actor=request.user, child=child, school=d["school"], start=d["start"], kind=d["kind"],
            pattern=d["pattern"], leaving_reason=d["leaving_reason"], managed_move=d["managed_move"],
            year_group_override=d["year_group_override"], override_reason=d["override_reason"],
        )
        return "School move recorded. The school's designated teachers have been told."

    return _child_form(request, pk, forms.SchoolMoveForm, "Record a school move",
                       "The current school place ends the day before the new one starts.", handle)


@login_required
def allocation_change(request, pk):
    def handle(child, form):
        d = form.cleaned_data
        services.allocation_change(
            actor=request.user, child=child, role=d["role"], user=d["user"], person_name=d["person_name"],
            person_contact=d["person_contact"], start=d["start"], handover_note=d["handover_note"],
        )
        return "Allocation saved"

    return _child_form(request, pk, forms.AllocationForm, "Change allocations",
                       "The current person in the role stops the day before the new one starts.", handle)


@login_required
def child_off_roll(request, pk):
    def handle(child, form):
        services.child_take_off_roll(actor=request.user, child=child, on=form.cleaned_data["on"],
                                     reason=form.cleaned_data["reason"])
        return "Child taken off the roll"

    return _child_form(request, pk, forms.OffRollForm, "Take a child off the roll",
                       "Their records stay; they no longer count on the roll after this date.", handle)


# ---------------------------------------------------------------------------
# Schools
# ---------------------------------------------------------------------------

@login_required
def school_list(request):
    if not request.user.has_perm("roll.view_schools"):
        raise Http404
    q = request.GET.get("q", "").strip()
    area = request.GET.get("area", "")
    page, query = paginate(request, selectors.school_list(user=request.user, q=q, area=area))
    return render(request, "roll/school_list.html", {"page": page, "query": query, "q": q, "area": area,
                                                     "breadcrumbs": []})


# ---------------------------------------------------------------------------
# SSDA903 upload: check, preview, confirm
# ---------------------------------------------------------------------------

UPLOAD_SESSION_KEY = "roll_903_upload"


@login_required
def import_903(request):
    if not request.user.has_perm("roll.import_903"):
        raise Http404
    breadcrumbs = [{"label": "Children", "url": reverse("roll:child_list")}, {"label": "Import SSDA903", "url": ""}]
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(UPLOAD_SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, "The upload has expired. Choose the files again.")
            return redirect("roll:import_903")
        try:
            with default_storage.open(stored["header"], "rb") as h, default_storage.open(stored["episodes"], "rb") as e:
                result = importers.import_903(h, e, actor=request.user, dry_run=False)
        finally:
            for key in ("header", "episodes"):
                default_storage.delete(stored[key])
            request.session.pop(UPLOAD_SESSION_KEY, None)
        return render(request, "roll/import_903.html", {"result": result, "done": True, "breadcrumbs": breadcrumbs})
    form = forms.Import903Form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(16)
        names = {}
        for key in ("header", "episodes"):
            names[key] = default_storage.save(f"imports/903/{token}-{key}.csv", form.cleaned_data[key])
        with default_storage.open(names["header"], "rb") as h, default_storage.open(names["episodes"], "rb") as e:
            result = importers.import_903(h, e, actor=request.user, dry_run=True)
        if result.file_errors:
            for key in names:
                default_storage.delete(names[key])
        else:
            request.session[UPLOAD_SESSION_KEY] = {"token": token, **names}
        return render(request, "roll/import_903.html", {"form": form, "result": result, "token": token,
                                                        "breadcrumbs": breadcrumbs})
    return render(request, "roll/import_903.html", {"form": form, "breadcrumbs": breadcrumbs},
                  status=400 if form.errors else 200)
