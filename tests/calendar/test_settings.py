from datetime import date

import pytest
from django.urls import reverse

from vschool.calendar.models import Closure, TermDate
from vschool.calendar.services import add_school_days, is_school_day
from vschool.core.models import Authority

pytestmark = pytest.mark.django_db


def _date(prefix, d):
    return {f"{prefix}_0": d.day, f"{prefix}_1": d.month, f"{prefix}_2": d.year}


@pytest.mark.parametrize("who", ["caseworker", "dt", "sw", "viewer", "finance_user"])
def test_only_the_headteacher_sees_settings(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in [
        reverse("calendar:settings"),
        reverse("calendar:authority_edit"),
        reverse("calendar:term_dates_edit", args=[2026]),
        reverse("calendar:closure_add"),
    ]:
        assert client.get(url).status_code == 404


def test_settings_page_shows_terms_closures_and_rules(client, vsh):
    client.force_login(vsh)
    r = client.get(reverse("calendar:settings") + "?year=2026")
    body = r.content.decode()
    assert r.status_code == 200
    assert "Thursday 3 September 2026" in body
    assert "INSET day" in body
    assert "Count deadlines in" in body


def test_headteacher_changes_a_threshold_and_the_basis(client, vsh):
    client.force_login(vsh)
    form = client.get(reverse("calendar:authority_edit")).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    data.update(attendance_threshold="92.5", deadline_day_basis="working")
    r = client.post(reverse("calendar:authority_edit"), data)
    assert r.status_code == 302
    a = Authority.current()
    assert str(a.attendance_threshold) == "92.50"
    assert a.deadline_day_basis == "working"


def test_bad_threshold_shows_error_summary_and_changes_nothing(client, vsh):
    client.force_login(vsh)
    form = client.get(reverse("calendar:authority_edit")).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    data.update(attendance_threshold="150", suspension_warning_days="50")
    r = client.post(reverse("calendar:authority_edit"), data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter a percentage from 0 to 100" in body
    assert "The warning must come at or before the suspension limit" in body
    assert Authority.current().attendance_threshold == 95


def _term_post(year, overrides=None):
    terms = {(t.term, t.half): t for t in TermDate.objects.filter(calendar=None, academic_year=year)}
    data = {}
    for (term, half), t in terms.items():
        data |= _date(f"{term}_{half}_start", t.start) | _date(f"{term}_{half}_end", t.end)
    for key, d in (overrides or {}).items():
        data |= _date(key, d)
    return data


def test_headteacher_moves_christmas_and_deadlines_follow(client, vsh):
    client.force_login(vsh)
    assert client.get(reverse("calendar:term_dates_edit", args=[2026])).status_code == 200
    r = client.post(
        reverse("calendar:term_dates_edit", args=[2026]),
        _term_post(2026, {"autumn_2_end": date(2026, 12, 22)}),
    )
    assert r.status_code == 302
    assert TermDate.objects.get(calendar=None, academic_year=2026, term="autumn", half=2).end == date(
        2026, 12, 22
    )
    assert is_school_day(date(2026, 12, 21))
    assert add_school_days(date(2026, 12, 18), 1) == date(2026, 12, 21)


def test_term_ending_before_it_starts_is_refused(client, vsh):
    client.force_login(vsh)
    r = client.post(
        reverse("calendar:term_dates_edit", args=[2026]), _term_post(2026, {"spring_1_end": date(2027, 1, 1)})
    )
    assert r.status_code == 400
    assert "The end date must be the same as or after the start date" in r.content.decode()
    assert TermDate.objects.get(calendar=None, academic_year=2026, term="spring", half=1).end == date(
        2027, 2, 12
    )


def test_overlapping_halves_are_refused(client, vsh):
    client.force_login(vsh)
    r = client.post(
        reverse("calendar:term_dates_edit", args=[2026]),
        _term_post(2026, {"autumn_2_start": date(2026, 10, 20)}),
    )
    assert r.status_code == 400
    assert "must be after the end of the autumn term first half" in r.content.decode()


def test_overlap_with_another_year_is_refused(client, vsh):
    client.force_login(vsh)
    r = client.post(
        reverse("calendar:term_dates_edit", args=[2027]),
        _term_post(2027, {"autumn_1_start": date(2027, 7, 20)}),
    )
    assert r.status_code == 400
    assert "overlap" in r.content.decode()


def test_add_and_remove_a_closure_day(client, vsh):
    client.force_login(vsh)
    r = client.post(reverse("calendar:closure_add"), _date("day", date(2026, 11, 11)) | {"reason": "closure"})
    assert r.status_code == 302
    assert not is_school_day(date(2026, 11, 11))
    closure = Closure.objects.get(date=date(2026, 11, 11))
    assert closure.created_by == vsh
    r = client.post(reverse("calendar:closure_remove", args=[closure.pk]))
    assert r.status_code == 302
    assert is_school_day(date(2026, 11, 11))


def test_closure_without_a_date_shows_an_error(client, vsh):
    client.force_login(vsh)
    r = client.post(reverse("calendar:closure_add"), {"reason": "inset"})
    assert r.status_code == 400
    assert "Enter the date of the closure" in r.content.decode()
