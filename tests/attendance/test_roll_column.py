"""The roll list's 'Attendance this term' column and 'below target' filter come from the weekly rollups."""

import pytest
from django.urls import reverse

from attendance.services import marks_record_week
from tests.roll.factories import ChildFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_children(child, school, caseworker, term_week_days):
    other = ChildFactory(la_child_id="C000002", legal_last_name="Aardvark", current_school=school)
    EnrolmentFactory(child=other, school=school)
    good = {(d, s): "/" for d in term_week_days for s in ("AM", "PM")}
    poor = dict(good)
    for d in term_week_days[:2]:
        poor[(d, "AM")] = "N"
    marks_record_week(actor=caseworker, child=other, marks=good)
    marks_record_week(actor=caseworker, child=child, marks=poor)
    return child, other


def test_roll_list_shows_sorts_and_filters_term_attendance(client, caseworker, two_children):
    poor, good = two_children
    client.force_login(caseworker)
    url = reverse("roll:child_list")
    html = client.get(url, {"sort": "attendance"}).content.decode()
    assert "Attendance this term" in html
    assert html.index("80.0%") < html.index("100.0%")
    html = client.get(url, {"sort": "-attendance"}).content.decode()
    assert html.index("100.0%") < html.index("80.0%")
    html = client.get(url, {"attendance_low": "true"}).content.decode()
    assert poor.get_absolute_url() in html and good.get_absolute_url() not in html


def test_term_totals_follow_every_write_and_forget_earlier_terms(child, caseworker, term_week_days):
    """TermAttendance (the roll's sort and filter key) matches the rollups after each write, on any database."""
    from django.utils import timezone

    from attendance.models import TermAttendance
    from attendance.rollups import term_totals_refresh
    from attendance.schooldays import current_term

    term = current_term(timezone.localdate())
    marks = {(d, s): "/" for d in term_week_days for s in ("AM", "PM")}
    marks[(term_week_days[0], "AM")] = "N"
    marks[(term_week_days[1], "AM")] = "Y1"  # not possible: out of the denominator
    marks_record_week(actor=caseworker, child=child, marks=marks)
    row = TermAttendance.objects.get(child=child)
    assert (row.term_start, row.possible, row.attended) == (term.start, 9, 8)
    assert row.pct == pytest.approx(800 / 9)
    marks_record_week(actor=caseworker, child=child, marks={(term_week_days[0], "AM"): "/"})
    row.refresh_from_db()
    assert (row.possible, row.attended, row.pct) == (9, 9, 100.0)

    # A row left from an earlier term reads as "no data this term" and a whole-roll refresh removes it.
    other = ChildFactory(la_child_id="C000009")
    TermAttendance.objects.create(child=other, term_start=term.start.replace(year=term.start.year - 1),
                                  possible=10, attended=1, pct=10.0)
    client_url = reverse("roll:child_list")
    from django.test import Client

    viewer = Client()
    viewer.force_login(caseworker)
    assert other.get_absolute_url() not in viewer.get(client_url, {"attendance_low": "true"}).content.decode()
    term_totals_refresh()
    assert list(TermAttendance.objects.values_list("child_id", flat=True)) == [child.pk]


def test_an_import_moves_the_term_figure_the_roll_sorts_on(child, term_week_days):
    """The import (COPY path on PostgreSQL, portable elsewhere) refreshes TermAttendance with the weekly rows."""
    import io

    from attendance.importers import import_attendance
    from attendance.models import TermAttendance

    def load(codes_by_session):
        lines = ["child_id,urn,date,session,code"]
        lines += [f"C000001,123456,{d.isoformat()},{s},{codes_by_session[s]}"
                  for d in term_week_days for s in ("AM", "PM")]
        result = import_attendance(io.BytesIO(("\n".join(lines) + "\n").encode()), filename="marks.csv")
        assert result.ok and result.error_rows == 0, result.errors
        return TermAttendance.objects.get(child=child)

    row = load({"AM": "/", "PM": "N"})
    assert (row.possible, row.attended, row.pct) == (10, 5, 50.0)
    row = load({"AM": "/", "PM": "\\"})  # every afternoon mark changes
    assert (row.possible, row.attended, row.pct) == (10, 10, 100.0)


def test_term_totals_moved_by_imports_equal_a_full_recount(child, term_week_days):
    """Imports move the term row by their deltas; a row left from an earlier term is recounted instead."""
    import io

    from django.utils import timezone

    from attendance.importers import import_attendance
    from attendance.models import TermAttendance
    from attendance.rollups import term_totals_refresh
    from attendance.schooldays import current_term

    term = current_term(timezone.localdate())
    TermAttendance.objects.create(child=child, term_start=term.start.replace(year=term.start.year - 1),
                                  possible=99, attended=1, pct=1.0)

    def load(code_of):
        lines = ["child_id,urn,date,session,code"]
        lines += [f"C000001,123456,{d.isoformat()},{s},{code_of(i, s)}" for i, d in enumerate(term_week_days)
                  for s in ("AM", "PM")]
        result = import_attendance(io.BytesIO(("\n".join(lines) + "\n").encode()), filename="marks.csv")
        assert result.ok and result.error_rows == 0, result.errors

    def row():
        return TermAttendance.objects.values_list("term_start", "possible", "attended", "pct").get(child=child)

    load(lambda i, s: "N" if i == 0 else ("/" if s == "AM" else "\\"))
    assert row() == (term.start, 10, 8, 80.0)
    load(lambda i, s: "Y1" if i == 1 else ("/" if s == "AM" else "\\"))  # two days change, one becomes not possible
    moved = row()
    assert moved == (term.start, 8, 8, 100.0)
    term_totals_refresh()
    assert row() == moved
