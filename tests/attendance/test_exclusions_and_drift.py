from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from attendance.models import Exclusion, PartTimeTimetable, SessionMark
from attendance.rollups import rollups_recompute
from attendance.schooldays import add_school_days, school_days_in_range
from attendance.services import exclusion_record, part_time_timetable_record, suspension_days_in_year
from vschool.alerts.models import Alert

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("term_underway")]


def _school_day_this_year():
    """A school day two weeks or so back (in the summer holiday, one near the end of the summer term)."""
    return add_school_days(timezone.localdate(), -10)


def test_suspensions_up_to_45_days_then_refused(child, caseworker):
    start = _school_day_this_year()
    exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=Decimal(40), reason="PD")
    exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=Decimal("4.5"), reason="PD")
    with pytest.raises(ValidationError) as exc:
        exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=Decimal(1), reason="PD")
    assert "limit is 45" in str(exc.value)
    assert suspension_days_in_year(child, start) == Decimal("44.5")
    exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=Decimal("0.5"), reason="PD")
    assert suspension_days_in_year(child, start) == Decimal(45)


def test_recording_sets_provision_and_board_deadline_and_emails_without_child_details(child, caseworker, vsh):
    start = _school_day_this_year()
    ex = exclusion_record(actor=caseworker, child=child, kind="permanent", start=start, reason="PA")
    assert ex.provision_from == add_school_days(start, 5)
    assert ex.board_deadline == add_school_days(start, 15)


def test_recording_emails_the_vsh_without_child_details(child, caseworker, vsh, django_capture_on_commit_callbacks):
    start = _school_day_this_year()
    with django_capture_on_commit_callbacks(execute=True):
        exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=Decimal(2), reason="VA")
    assert mail.outbox, "the VSH is told"
    body = " ".join(m.subject + m.body for m in mail.outbox)
    for secret in (child.legal_first_name, child.legal_last_name, child.upn, str(child.date_of_birth.year)):
        assert secret not in body


def test_deadlines_count_the_excluding_schools_own_school_days(child, school, caseworker):
    """The sixth school day and the board's 15 school days skip the closure days of the calendar the school follows,
    and a start on one of them is refused."""
    from vschool.calendar.models import Closure, SchoolCalendar

    start = _school_day_this_year()
    closed = add_school_days(start, 2)
    calendar = SchoolCalendar.objects.create(name="Out-of-area authority")
    calendar.schools.add(school)
    Closure.objects.create(calendar=calendar, date=closed, reason=Closure.Reason.INSET)
    ex = exclusion_record(actor=caseworker, child=child, kind="permanent", start=start, reason="PA")
    assert ex.provision_from == add_school_days(start, 6)  # one school day later than the authority's count
    assert ex.board_deadline == add_school_days(start, 16)
    with pytest.raises(ValidationError) as refused:
        exclusion_record(actor=caseworker, child=child, kind="suspension", start=closed, days=1, reason="PD")
    assert "must be a school day" in str(refused.value)


def test_short_suspension_has_no_board_deadline_but_more_than_five_days_in_term_does(child, caseworker):
    start = _school_day_this_year()
    first = exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=3, reason="PD")
    assert first.board_deadline is None and first.provision_from is None
    second = exclusion_record(actor=caseworker, child=child, kind="suspension", start=start, days=3, reason="PD")
    assert second.board_deadline == add_school_days(start, 15)


def test_designated_teacher_of_another_school_may_not_record(child, make_user):
    other_dt = make_user("designated_teacher", "dt2")
    with pytest.raises(PermissionDenied):
        exclusion_record(actor=other_dt, child=child, kind="suspension", start=_school_day_this_year(), days=1,
                         reason="PD")


def test_part_time_review_cannot_be_later_than_half_a_term(child, caseworker):
    start = _school_day_this_year()
    with pytest.raises(ValidationError):
        part_time_timetable_record(actor=caseworker, child=child, hours_per_week=10, reason="Reintegration",
                                   agreed_by="Carer and SW", start=start, review_due=start + timedelta(days=200))
    ptt = part_time_timetable_record(actor=caseworker, child=child, hours_per_week=10, reason="Reintegration",
                                     agreed_by="Carer and SW", start=start)
    assert ptt.review_due == add_school_days(start, 30)


def _scan(code):
    from vschool.alerts.services import scan_drift

    return scan_drift(codes=[code])[code]


def _open(code):
    return Alert.objects.filter(rule_code=code, resolved_at__isnull=True)


def test_low_attendance_raises_and_resolves(child):
    from attendance.schooldays import current_term

    today = timezone.localdate()
    term = current_term(today)
    days = school_days_in_range(term.start, today - timedelta(days=1))[:10]
    now = timezone.now()
    for i, day in enumerate(days):
        for session in ("AM", "PM"):
            code = "N" if i < 5 else "/"  # half the sessions missed
            SessionMark.objects.create(child=child, date=day, session=session, code=code, recorded_at=now)
    rollups_recompute((child.pk, d) for d in days)
    for code in ("attendance.below_threshold", "attendance.persistent_absence", "attendance.severe_absence"):
        _scan(code)
        assert _open(code).filter(child=child).count() == 1, code
    SessionMark.objects.filter(child=child).update(code="/")
    rollups_recompute((child.pk, d) for d in days)
    for code in ("attendance.below_threshold", "attendance.persistent_absence", "attendance.severe_absence"):
        counts = _scan(code)
        assert counts["resolved"] == 1 and not _open(code).exists(), code


def test_suspension_near_limit_raises(child, caseworker):
    exclusion_record(actor=caseworker, child=child, kind="suspension", start=_school_day_this_year(), days=30,
                     reason="PD")
    _scan("attendance.suspension_near_limit")
    assert _open("attendance.suspension_near_limit").filter(child=child).exists()
    _scan("attendance.exclusion_recorded")
    assert _open("attendance.exclusion_recorded").filter(child=child).exists()


def test_overdue_part_time_review_raises_and_resolves_when_ended(child, caseworker):
    today = timezone.localdate()
    ptt = PartTimeTimetable.objects.create(child=child, hours_per_week=10, reason="r", agreed_by="a",
                                           start=today - timedelta(days=150), review_due=today - timedelta(days=3))
    _scan("attendance.part_time_review_due")
    assert _open("attendance.part_time_review_due").count() == 1
    _scan("attendance.part_time_too_long")
    assert _open("attendance.part_time_too_long").count() == 1
    ptt.end = today - timedelta(days=1)
    ptt.save()
    _scan("attendance.part_time_review_due")
    _scan("attendance.part_time_too_long")
    assert not _open("attendance.part_time_review_due").exists()
    assert not _open("attendance.part_time_too_long").exists()


def test_no_marks_raises_for_enrolled_school_age_child_and_clears_with_a_mark(child):
    _scan("attendance.no_marks")
    assert _open("attendance.no_marks").filter(child=child).exists()
    day = add_school_days(timezone.localdate(), -1)  # the last school day before today
    SessionMark.objects.create(child=child, date=day, session="AM", code="/", recorded_at=timezone.now())
    _scan("attendance.no_marks")
    assert not _open("attendance.no_marks").exists()


def test_no_marks_counts_the_school_days_of_the_calendar_the_school_follows(child, school):
    """Five school days without a mark raise the alert; when the school's own calendar closes one of them, its five
    school days reach back to the last mark and nothing is raised."""
    from vschool.calendar.models import Closure, SchoolCalendar

    today = timezone.localdate()
    days = school_days_in_range(today - timedelta(days=40), today)
    SessionMark.objects.create(child=child, date=days[-6], session="AM", code="/", recorded_at=timezone.now())
    _scan("attendance.no_marks")
    assert _open("attendance.no_marks").filter(child=child).exists()
    calendar = SchoolCalendar.objects.create(name="Out-of-area authority")
    calendar.schools.add(school)
    Closure.objects.create(calendar=calendar, date=days[-2], reason=Closure.Reason.INSET)
    _scan("attendance.no_marks")
    assert not _open("attendance.no_marks").exists()


def test_board_deadline_rule(child, caseworker):
    ex = exclusion_record(actor=caseworker, child=child, kind="permanent", start=_school_day_this_year(),
                          reason="PA")
    Exclusion.objects.filter(pk=ex.pk).update(board_deadline=timezone.localdate())
    _scan("attendance.board_deadline")
    assert _open("attendance.board_deadline").count() == 1
    Exclusion.objects.filter(pk=ex.pk).update(board_outcome="Upheld")
    _scan("attendance.board_deadline")
    assert not _open("attendance.board_deadline").exists()


def test_recording_a_suspension_raises_an_alert_straight_away(child, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exclusion_record(actor=caseworker, child=child, kind="suspension", start=_school_day_this_year(), days=2,
                         reason="PD")
    assert _open("attendance.exclusion_recorded").filter(child=child).exists()


def test_code_e_from_the_sixth_consecutive_day_raises(child):
    today = timezone.localdate()
    days = [add_school_days(today, -i) for i in range(6, 0, -1)]  # the last six school days before today
    now = timezone.now()
    for day in days[:5]:
        SessionMark.objects.create(child=child, date=day, session="AM", code="E", recorded_at=now)
    _scan("attendance.exclusion_no_provision")
    assert not _open("attendance.exclusion_no_provision").exists()
    SessionMark.objects.create(child=child, date=days[5], session="AM", code="E", recorded_at=now)
    _scan("attendance.exclusion_no_provision")
    assert _open("attendance.exclusion_no_provision").filter(child=child, since=days[5]).exists()


def test_code_e_an_earlier_run_of_six_days_does_not_raise_for_a_short_run_now(child):
    today = timezone.localdate()
    earlier = [add_school_days(today, -i) for i in range(20, 14, -1)]  # six days, three weeks ago
    now_run = [add_school_days(today, -i) for i in (2, 1)]
    now = timezone.now()
    for day in earlier + now_run:
        SessionMark.objects.create(child=child, date=day, session="AM", code="E", recorded_at=now)
    _scan("attendance.exclusion_no_provision")
    assert not _open("attendance.exclusion_no_provision").exists()
    for i in range(6, 2, -1):  # the current run reaches six days
        SessionMark.objects.create(child=child, date=add_school_days(today, -i), session="AM", code="E",
                                   recorded_at=now)
    _scan("attendance.exclusion_no_provision")
    assert _open("attendance.exclusion_no_provision").filter(child=child, since=add_school_days(today, -1)).exists()
