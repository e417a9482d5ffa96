"""Attendance pages: the child's attendance tab, the week grid, recording forms and the file upload."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from roll.selectors import child_get
from vschool.audit.services import access_log_record
from vschool.core.models import Authority

from . import codes, selectors, services
from .forms import (
    AlternativeProvisionForm,
    ExclusionForm,
    ImportForm,
    PartTimeReviewForm,
    PartTimeTimetableForm,
    WeeklyReturnForm,
)
from .importers import import_attendance
from .schooldays import calendar_for_school, current_term, monday, school_days_in_range, school_year

CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 640, 200, 10


def _child(request, pk):
    """The child if the user may see them (404 otherwise), with what the record layout needs."""
    return child_get(user=request.user, pk=pk)


def _context(child, **extra):
    context = {
        "child": child,
        "active_tab": "attendance",
        "breadcrumbs": [
            {"label": "Children", "url": reverse("roll:child_list")},
            {"label": child.display_name, "url": reverse("roll:child_detail", args=[child.pk])},
            {"label": "Attendance", "url": ""},
        ],
    }
    context.update(extra)
    return context


def _chart(weeks, threshold) -> dict:
    """Bar positions for the server-rendered SVG chart of weekly attendance."""
    bars = []
    rows = [w for w in weeks if w.possible]
    step = CHART_WIDTH / max(len(rows), 1)
    for i, wk in enumerate(rows):
        pct = float(wk.pct)
        height = round(CHART_HEIGHT * pct / 100, 1)
        bars.append({
            "x": round(i * step + 1, 1), "width": round(max(step - 2, 1), 1),
            "y": round(CHART_TOP + CHART_HEIGHT - height, 1), "height": height, "week": wk,
            "low": pct < float(threshold),
        })
    threshold_y = round(CHART_TOP + CHART_HEIGHT - CHART_HEIGHT * float(threshold) / 100, 1)
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT + CHART_TOP + 20,
            "baseline": CHART_TOP + CHART_HEIGHT, "threshold_y": threshold_y, "threshold": threshold}


@login_required
def child_attendance(request, child_pk):
    child = _child(request, child_pk)
    access_log_record(request=request, obj=child, what="attendance record", child_id=child.pk)
    today = timezone.localdate()
    summaries = selectors.child_summaries(child, today)
    year_start, _ = school_year(today)
    term = current_term(today)
    weeks = selectors.weekly_series(child, year_start, today)
    authority = Authority.current()
    calendar_start = max(term.start, monday(today) - timedelta(weeks=7))
    user = request.user
    return render(request, "attendance/child_attendance.html", _context(
        child,
        summaries=summaries,
        term=term,
        weeks=[w for w in weeks if w.possible],
        chart=_chart(weeks, authority.attendance_threshold),
        calendar=selectors.marks_calendar(child, calendar_start, today),
        exclusions=selectors.exclusions_for_child(child),
        suspension_days=services.suspension_days_in_year(child, today),
        authority=authority,
        part_time=selectors.part_time_for_child(child),
        provision=selectors.ap_for_child(child),
        can_record=user.has_perm("attendance.record_marks", child),
        can_record_exclusion=user.has_perm("attendance.record_exclusion", child),
        can_record_part_time=user.has_perm("attendance.record_part_time", child),
        this_week=monday(today),
        today=today,
    ))


def _parse_week(value: str) -> date:
    try:
        return monday(date.fromisoformat(value))
    except ValueError:
        raise Http404("No such week") from None


@login_required
def week(request, child_pk, week_start):
    child = _child(request, child_pk)
    if not request.user.has_perm("attendance.record_marks", child):
        raise Http404("No such page")
    start = _parse_week(week_start)
    if request.method == "GET":
        access_log_record(request=request, obj=child, what="attendance marks (week)", child_id=child.pk)
    days = [start + timedelta(days=i) for i in range(5)]
    school_days = set(school_days_in_range(days[0], days[-1], calendar=calendar_for_school(child.current_school_id)))
    existing = selectors.week_marks(child, start)
    errors = {}
    if request.method == "POST":
        marks = {}
        for day in school_days:
            for session in ("AM", "PM"):
                value = request.POST.get(f"mark-{day.isoformat()}-{session}", "")
                if value and value not in codes.CODES:
                    errors[f"mark-{day.isoformat()}-{session}"] = "Choose a code from the list"
                marks[(day, session)] = value
        if not errors:
            try:
                counts = services.marks_record_week(actor=request.user, child=child, marks=marks,
                                                    school=child.current_school)
            except ValidationError as exc:
                errors = {"form": "; ".join(exc.messages)}
            except PermissionDenied:
                raise Http404("No such page") from None
            else:
                changed = counts["created"] + counts["changed"] + counts["removed"]
                messages.success(request, f"Marks saved for the week beginning {start:%-d %B %Y}"
                                          f" ({changed} changed)")
                return redirect("attendance:week", child_pk=child.pk, week_start=start.isoformat())
    rows = []
    for day in days:
        cells = []
        for session, label in (("AM", "morning"), ("PM", "afternoon")):
            name = f"mark-{day.isoformat()}-{session}"
            mark = existing.get((day, session))
            cells.append({
                "name": name, "label": f"{day:%A %-d %B} {label}", "session": session,
                "value": request.POST.get(name, "") if request.method == "POST" else (mark.code if mark else ""),
                "error": errors.get(name),
            })
        rows.append({"date": day, "school_day": day in school_days, "cells": cells})
    summary = selectors.attendance_summary(child, start, days[-1], label="This week")
    return render(request, "attendance/week.html", _context(
        child,
        week_start=start,
        rows=rows,
        code_choices=codes.choices(),
        errors=errors,
        summary=summary,
        term_summary=selectors.child_summaries(child)["term"],
        prev_week=(start - timedelta(days=7)).isoformat(),
        next_week=(start + timedelta(days=7)).isoformat(),
        return_form=WeeklyReturnForm(),
    ), status=400 if errors else 200)


@login_required
def weekly_return(request, child_pk, week_start):
    child = _child(request, child_pk)
    if not request.user.has_perm("attendance.record_marks", child) or request.method != "POST":
        raise Http404("No such page")
    start = _parse_week(week_start)
    form = WeeklyReturnForm(request.POST)
    if form.is_valid():
        try:
            services.weekly_return_save(actor=request.user, child=child, week_start=start,
                                        school=child.current_school, **form.cleaned_data)
        except ValidationError as exc:
            for fld, errs in exc.message_dict.items():
                form.add_error(fld if fld in form.fields else None, errs)
        else:
            messages.success(request, f"Weekly return saved for the week beginning {start:%-d %B %Y}")
            return redirect("attendance:week", child_pk=child.pk, week_start=start.isoformat())
    messages.error(request, "The weekly return was not saved: " + "; ".join(
        e for errs in form.errors.values() for e in errs))
    return redirect("attendance:week", child_pk=child.pk, week_start=start.isoformat())


def _record_view(request, child_pk, *, perm, form_class, title, save, check=None):
    child = _child(request, child_pk)
    if check is not None:
        check(child)
    if not request.user.has_perm(perm, child):
        raise Http404("No such page")
    if request.method == "GET":
        access_log_record(request=request, obj=child, what=f"{title.lower()} form", child_id=child.pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(child, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for fld, errs in exc.message_dict.items():
                    form.add_error(fld if fld in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, f"{title} recorded")
            return redirect("attendance:child_attendance", child_pk=child.pk)
    return render(request, "attendance/record_form.html", _context(child, form=form, title=title),
                  status=400 if form.errors else 200)


@login_required
def exclusion_add(request, child_pk):
    def save(child, data):
        services.exclusion_record(actor=request.user, child=child, **data)

    return _record_view(request, child_pk, perm="attendance.record_exclusion", form_class=ExclusionForm,
                        title="Suspension or exclusion", save=save)


@login_required
def part_time_add(request, child_pk):
    def save(child, data):
        services.part_time_timetable_record(actor=request.user, child=child, **data)

    return _record_view(request, child_pk, perm="attendance.record_part_time", form_class=PartTimeTimetableForm,
                        title="Part-time timetable", save=save)


@login_required
def part_time_review(request, child_pk, pk):
    found = {}

    def check(child):
        found["timetable"] = get_object_or_404(selectors.part_time_for_child(child), pk=pk)

    def save(child, data):
        services.part_time_timetable_review(actor=request.user, timetable=found["timetable"],
                                            next_review=data["next_review"], end=data["end"])

    return _record_view(request, child_pk, perm="attendance.record_part_time", form_class=PartTimeReviewForm,
                        title="Part-time timetable review", save=save, check=check)


@login_required
def provision_add(request, child_pk):
    def save(child, data):
        services.alternative_provision_record(actor=request.user, child=child, **data)

    return _record_view(request, child_pk, perm="attendance.record_part_time", form_class=AlternativeProvisionForm,
                        title="Alternative provision", save=save)


@login_required
def import_view(request):
    if not request.user.has_perm("attendance.import_marks"):
        raise Http404("No such page")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_attendance(upload.file, filename=upload.name, actor=request.user,
                                   dry_run=form.cleaned_data["dry_run"])
        if result.file_error:
            form.add_error("file", f"{result.file_error} Nothing was imported.")
            result, status = None, 400
    elif request.method == "POST":
        status = 400
    return render(request, "attendance/import.html", {
        "form": form,
        "result": result,
        "batches": selectors.import_batches(user=request.user),
        "breadcrumbs": [{"label": "Home", "url": reverse("dashboard:home")}, {"label": "Import attendance", "url": ""}],
    }, status=status)
