"""The headteacher's settings: term dates, closure days and the authority's configurable rules."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vschool.core.models import Authority

from . import services
from .forms import HALVES, AuthorityForm, ClosureForm, TermDatesForm, half_label
from .models import Closure, TermDate, academic_year_label


def _headteacher_only(request) -> None:
    if not request.user.has_perm("calendar.manage_settings"):
        raise Http404


def _years(today: date) -> list[int]:
    this_year = services.academic_year_of(today)
    stored = set(TermDate.objects.filter(calendar=None).values_list("academic_year", flat=True).distinct())
    return sorted(stored | {this_year, this_year + 1})


def _crumbs(*extra):
    return [{"label": "Home", "url": reverse("dashboard:home")}, *extra]


def settings_home(request):
    """Overview: the authority's rules, term dates for the chosen year and closure days."""
    _headteacher_only(request)
    from django.utils import timezone

    today = timezone.localdate()
    years = _years(today)
    try:
        year = int(request.GET.get("year", services.academic_year_of(today)))
    except ValueError:
        year = services.academic_year_of(today)
    if year not in years:
        raise Http404
    stored = {(t.term, t.half): t for t in TermDate.objects.filter(calendar=None, academic_year=year)}
    halves = []
    for term, half in HALVES:
        row = stored.get((term, half))
        halves.append({"label": half_label(term, half), "row": row})
    closures = list(
        Closure.objects.filter(
            calendar=None, date__gte=date(year, 8, 1), date__lte=date(year + 1, 7, 31)
        ).order_by("date")
    )
    form = AuthorityForm(instance=Authority.current())
    rules = [(form[name].label, _display(form.instance, name)) for name in AuthorityForm.Meta.fields]
    school_days = len(services.school_days_in_range(date(year, 8, 1), date(year + 1, 7, 31)))
    return render(
        request,
        "calendar/settings.html",
        {
            "years": [{"value": y, "label": academic_year_label(y)} for y in years],
            "year": year,
            "year_label": academic_year_label(year),
            "halves": halves,
            "uses_default": not stored,
            "closures": closures,
            "closure_form": ClosureForm(),
            "rules": rules,
            "school_days": school_days,
            "breadcrumbs": _crumbs({"label": "Settings", "url": None}),
        },
    )


def _display(obj, name):
    getter = getattr(obj, f"get_{name}_display", None)
    return getter() if getter else getattr(obj, name)


def authority_edit(request):
    _headteacher_only(request)
    authority = Authority.current()
    form = AuthorityForm(request.POST or None, instance=authority)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AuthorityForm.Meta.fields}
        try:
            services.authority_update(actor=request.user, **fields)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Settings saved")
            return redirect("calendar:settings")
    return render(
        request,
        "calendar/authority_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                {"label": "Settings", "url": reverse("calendar:settings")}, {"label": "Rules"}
            ),
        },
        status=400 if form.errors else 200,
    )


def term_dates_edit(request, year: int):
    _headteacher_only(request)
    from django.utils import timezone

    if year not in _years(timezone.localdate()) and not (1990 < year < 2100):
        raise Http404
    terms = list(TermDate.objects.filter(calendar=None, academic_year=year))
    if not terms:
        from .defaults import default_terms

        terms = [
            TermDate(academic_year=year, term=t.term, half=t.half, start=t.start, end=t.end)
            for t in default_terms(year)
        ]
    form = TermDatesForm(request.POST or None, academic_year=year, terms=terms)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_dates_set(actor=request.user, academic_year=year, dates=form.dates())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Term dates for {academic_year_label(year)} saved")
            return redirect(f"{reverse('calendar:settings')}?year={year}")
    return render(
        request,
        "calendar/term_dates_form.html",
        {
            "form": form,
            "year_label": academic_year_label(year),
            "breadcrumbs": _crumbs(
                {"label": "Settings", "url": f"{reverse('calendar:settings')}?year={year}"},
                {"label": "Term dates"},
            ),
        },
        status=400 if form.errors else 200,
    )


def closure_add(request):
    _headteacher_only(request)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.closure_add(
                actor=request.user,
                day=form.cleaned_data["day"],
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{closure.date:%-d %B %Y} added as a closure day")
            return redirect(f"{reverse('calendar:settings')}?year={services.academic_year_of(closure.date)}")
    return render(
        request,
        "calendar/closure_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                {"label": "Settings", "url": reverse("calendar:settings")}, {"label": "Closure day"}
            ),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def closure_remove(request, pk: int):
    _headteacher_only(request)
    closure = get_object_or_404(Closure, pk=pk, calendar=None)
    day = closure.date
    services.closure_remove(actor=request.user, closure=closure)
    messages.success(request, f"{day:%-d %B %Y} is no longer a closure day")
    return redirect(f"{reverse('calendar:settings')}?year={services.academic_year_of(day)}")


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
