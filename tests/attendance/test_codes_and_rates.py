from datetime import timedelta
from decimal import Decimal

import pytest

from attendance import codes
from attendance.models import SessionMark, WeeklyAttendance
from attendance.selectors import Summary, annotate_term_attendance, attendance_rate, attendance_summary
from attendance.services import marks_record_week
from roll.models import Child

EXPECTED = {
    "present": ["/", "\\", "L"],
    "approved_activity": ["K", "V", "P", "W", "B"],
    "authorised": ["C", "C1", "C2", "E", "I", "M", "J1", "R", "S", "T"],
    "unauthorised": ["G", "N", "O", "U"],
    "not_possible": ["Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "X", "Z", "#"],
}


@pytest.mark.parametrize("category,code", [(cat, c) for cat, cs in EXPECTED.items() for c in cs])
def test_every_code_has_its_category(category, code):
    assert codes.classify(code) == category


def test_code_table_is_exactly_the_current_codes():
    assert sorted(codes.CODES) == sorted(c for cs in EXPECTED.values() for c in cs)


@pytest.mark.parametrize("code", ["H", "F", "J", "Y", "ZZ", "", "A"])
def test_retired_and_unknown_codes_raise(code):
    with pytest.raises(ValueError):
        codes.classify(code)


def test_retired_code_error_names_it():
    with pytest.raises(ValueError, match="H is retired"):
        codes.classify("H")


def _marks(child, days, sequence):
    """Write marks for the given days, AM then PM, taking codes from sequence."""
    it = iter(sequence)
    from django.utils import timezone

    for day in days:
        for session in ("AM", "PM"):
            code = next(it, None)
            if code is None:
                return
            SessionMark.objects.create(child=child, date=day, session=session, code=code, recorded_at=timezone.now())


def test_rate_excludes_not_possible_sessions(child, week_days):
    # 6 present, 1 approved, 1 authorised, 2 not possible -> 7 / 8
    _marks(child, week_days, ["/", "\\", "/", "\\", "/", "\\", "B", "I", "Y1", "#"])
    rate = attendance_rate(child, week_days[0], week_days[-1])
    assert rate == Decimal(7) / Decimal(8)


def test_rate_is_none_with_no_possible_sessions(child, week_days):
    assert attendance_rate(child, week_days[0], week_days[-1]) is None
    _marks(child, week_days, ["X", "X", "#"])
    assert attendance_rate(child, week_days[0], week_days[-1]) is None


@pytest.mark.parametrize(
    "attended,possible,below,persistent,severe",
    [
        (95, 100, False, False, False),  # exactly 95% is on target
        (94, 100, True, False, False),
        (91, 100, True, False, False),
        (90, 100, True, True, False),  # exactly 10% missed is persistent absence
        (51, 100, True, True, False),
        (50, 100, True, True, True),  # exactly 50% missed is severe
    ],
)
def test_threshold_edges(attended, possible, below, persistent, severe):
    s = Summary(label="", start=None, end=None, possible=possible, present=attended,
                unauthorised=possible - attended)
    assert s.below_threshold is below
    assert s.persistent_absence is persistent
    assert s.severe_absence is severe


def test_summary_counts_every_category(child, week_days):
    _marks(child, week_days, ["/", "L", "V", "C2", "G", "N", "D", "/", "\\", "/"])
    s = attendance_summary(child, week_days[0], week_days[-1])
    assert (s.possible, s.present, s.approved, s.authorised, s.unauthorised) == (9, 5, 1, 1, 2)
    assert s.pct == Decimal("66.7")


def test_manual_week_updates_rollup_and_roll_annotation(child, term_week_days, caseworker):
    marks = {(d, s): "/" if s == "AM" else "\\" for d in term_week_days for s in ("AM", "PM")}
    marks[(term_week_days[0], "AM")] = "N"
    marks_record_week(actor=caseworker, child=child, marks=marks)
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.possible, row.present, row.unauthorised) == (10, 9, 1)
    annotated = annotate_term_attendance(Child.objects.filter(pk=child.pk), on=term_week_days[-1] + timedelta(days=1))
    assert annotated.get().term_attendance_pct == Decimal("90")
    # Changing a mark changes the rollup.
    marks_record_week(actor=caseworker, child=child, marks={(term_week_days[0], "AM"): "/"})
    row.refresh_from_db()
    assert (row.present, row.unauthorised) == (10, 0)


def test_roll_annotation_query_count_is_flat(child, week_days, django_assert_max_num_queries):
    from tests.roll.factories import ChildFactory

    list(annotate_term_attendance(Child.objects.all()))  # warm the calendar cache
    ChildFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        rows = list(annotate_term_attendance(Child.objects.all()))
    assert len(rows) == 31


def test_weekly_return_feeds_rollup_and_rate(child, week_days, caseworker):
    from django.core.exceptions import ValidationError

    from attendance.services import weekly_return_save

    weekly_return_save(actor=caseworker, child=child, week_start=week_days[2], possible=6, attended=3, authorised=1)
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.week_start, row.possible, row.present, row.authorised, row.unauthorised) == (
        week_days[0], 6, 3, 1, 2)
    assert attendance_rate(child, week_days[0], week_days[-1]) == Decimal(1) / Decimal(2)
    with pytest.raises(ValidationError):
        weekly_return_save(actor=caseworker, child=child, week_start=week_days[0], possible=4, attended=5)


def test_term_overview_counts_children_on_the_roll_against_thresholds(child, school, term_week_days, caseworker,
                                                                      viewer, dt):
    """The dashboard figures: one query on this term's totals, with the threshold edges and the roll's bounds."""
    from django.utils import timezone

    from attendance.selectors import term_overview
    from tests.roll.factories import ChildFactory

    def week(c, missed):
        marks = {(d, s): "/" for d in term_week_days for s in ("AM", "PM")}
        for d, s in missed:
            marks[(d, s)] = "N"
        marks_record_week(actor=caseworker, child=c, marks=marks)

    half = [(d, s) for d in term_week_days for s in ("AM",)]  # 5 of 10 sessions missed: exactly 50%
    week(child, [(term_week_days[0], "AM")])  # exactly 90%: below target and persistently absent
    week(ChildFactory(current_school=school), [])  # 100%
    week(ChildFactory(current_school=school), half)
    left = ChildFactory(current_school=school)
    week(left, half)
    left.on_roll_until = timezone.localdate() - timedelta(days=1)
    left.save()
    for user in (caseworker, viewer):
        out = term_overview(user=user)
        assert (out["children"], out["possible"], out["attended"]) == (3, 30, 24), user
        assert (out["below_threshold"], out["persistent_absence"], out["severe_absence"]) == (2, 2, 1)
        assert out["pct"] == Decimal("80.0")
    assert term_overview(user=dt)["children"] == 0  # a teacher sees only their own pupils
