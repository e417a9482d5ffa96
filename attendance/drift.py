"""Attendance drift rules: low attendance, persistent and severe absence, no marks, suspensions, part-time timetables.

Rates come from the weekly rollups for the whole roll in one grouped query per rule.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from vschool.alerts.registry import DriftRule, Finding, register
from vschool.core.models import Authority

from .models import Exclusion, PartTimeTimetable, SessionMark
from .schooldays import (
    add_school_days,
    current_term,
    school_calendars,
    school_days_between,
    school_days_in_range,
    school_year,
)
from .services import PROVISION_FROM_DAY

HUNDRED = Decimal(100)


def _children(ids):
    from roll.models import Child

    return {c.pk: c for c in Child.objects.filter(pk__in=list(ids)).only("pk", "current_school_id")}


def _child(pk: int):
    """A child as an alert's subject, which needs only its type and key."""
    from roll.models import Child

    return Child(pk=pk)


def _term_hits(name: str):
    """(term, [(child_id, school_id, possible, attended)]) for the children on the roll this term whose attendance
    so far meets the named threshold filter: one query on TermAttendance."""
    from .selectors import term_attendance_rows, threshold_filters

    on = timezone.localdate()
    rows = term_attendance_rows(on).filter(threshold_filters()[name]).values_list(
        "child_id", "child__current_school_id", "possible", "attended")
    return current_term(on), rows


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.1"))


def below_threshold_findings():
    threshold = Authority.current().attendance_threshold
    term, rows = _term_hits("below_threshold")
    for cid, school_id, possible, attended in rows:
        yield Finding(subject=_child(cid), child_id=cid, since=term.start, school_id=school_id,
                      detail=f"Attendance {_pct(attended, possible)}% this term (target {threshold:g}%)")


def _absence_findings(name: str, label: str):
    term, rows = _term_hits(name)
    for cid, school_id, possible, attended in rows:
        yield Finding(subject=_child(cid), child_id=cid, since=term.start, school_id=school_id,
                      detail=f"{label}: {_pct(possible - attended, possible)}% of sessions missed this term")


def persistent_absence_findings():
    return _absence_findings("persistent_absence", "Persistent absence")


def severe_absence_findings():
    return _absence_findings("severe_absence", "Severe absence")


def no_marks_findings(on: date | None = None):
    """School-age children with a current school place and no marks for the last N school days, counted in the
    calendar their school follows (its own, or the authority's)."""
    from roll.models import Child

    on = on or timezone.localdate()
    n = Authority.current().no_marks_alert_school_days
    own = school_calendars()
    groups = {None: ~Q(current_school_id__in=list(own))}
    for calendar in set(own.values()):
        groups[calendar] = Q(current_school_id__in=[school for school, c in own.items() if c == calendar])
    for calendar, schools in groups.items():
        yield from _no_marks(Child.objects.on_roll(on).filter(schools), on, n, calendar)


def _no_marks(children, on: date, n: int, calendar: int | None):
    from roll.models import Enrolment
    from roll.services import dob_range_for_year_group

    days = school_days_in_range(on - timedelta(days=7 * (n // 5 + 4)), on, calendar=calendar)
    if len(days) < n:
        return
    window_start = days[-n]
    main_kinds = getattr(Enrolment, "MAIN_KINDS", [Enrolment.Kind.MAIN, Enrolment.Kind.DUAL_MAIN])
    enrolled = Enrolment.objects.current(on).filter(child_id=OuterRef("pk"), kind__in=main_kinds,
                                                    start__lte=window_start)
    marks = SessionMark.objects.filter(child_id=OuterRef("pk"), date__gte=window_start, date__lte=on)
    children = (
        children
        .filter(date_of_birth__gte=dob_range_for_year_group(11, on)[0],
                date_of_birth__lte=dob_range_for_year_group(1, on)[1])
        .filter(Exists(enrolled)).exclude(Exists(marks))
        # The last mark by a backwards index scan per child, not a join over every mark.
        .annotate(last_mark=Subquery(SessionMark.objects.filter(child_id=OuterRef("pk")).order_by("-date")
                                     .values("date")[:1]))
        .only("pk", "current_school_id")
    )
    for child in children:
        yield Finding(subject=child, child_id=child.pk, since=child.last_mark or window_start,
                      school_id=child.current_school_id,
                      detail=f"No attendance marks for {n} school days")


def suspension_near_limit_findings(on: date | None = None):
    """Children whose suspensions this school year reach the warning level (default 30 of 45 days)."""
    on = on or timezone.localdate()
    authority = Authority.current()
    start, end = school_year(on)
    rows = (
        Exclusion.objects.filter(kind=Exclusion.Kind.SUSPENSION, start__gte=start, start__lte=end)
        .values("child_id").annotate(total=Sum("days")).filter(total__gte=authority.suspension_warning_days)
    )
    totals = {r["child_id"]: r["total"] for r in rows}
    children = _children(totals)
    for cid, total in totals.items():
        yield Finding(subject=children[cid], child_id=cid, since=start, school_id=children[cid].current_school_id,
                      severity="high" if total >= authority.suspension_limit_days - 5 else None,
                      detail=f"{total:g} of {authority.suspension_limit_days} suspension days used this school year")


def exclusion_recorded_findings(on: date | None = None):
    """Every suspension or exclusion starting or recorded in the last 10 school days, so the VS can act on it."""
    on = on or timezone.localdate()
    days = school_days_in_range(on - timedelta(days=28), on)
    since = days[-10] if len(days) >= 10 else on - timedelta(days=14)
    # Recorded late still counts, but not a record of something long past (or loaded in bulk).
    recent = Exclusion.objects.filter(
        Q(start__gte=since) | Q(created_at__date__gte=since, start__gte=on - timedelta(days=42))
    )
    for ex in recent.only(
        "pk", "child_id", "school_id", "kind", "start", "vs_consulted"
    ):
        consulted = "" if ex.vs_consulted else "; the Virtual School was not consulted beforehand"
        yield Finding(subject=ex, child_id=ex.child_id, since=ex.start, school_id=ex.school_id,
                      severity="high" if ex.kind == Exclusion.Kind.PERMANENT else None,
                      detail=f"{ex.get_kind_display()} from {ex.start:%-d %B %Y}{consulted}")


def board_deadline_findings(on: date | None = None):
    """Governing board meetings due (within 5 school days) or passed with no outcome recorded."""
    on = on or timezone.localdate()
    soon = add_school_days(on, 5)
    qs = Exclusion.objects.filter(board_deadline__isnull=False, board_deadline__lte=soon, board_outcome="")
    for ex in qs.only("pk", "child_id", "school_id", "start", "board_deadline"):
        yield Finding(subject=ex, child_id=ex.child_id, since=ex.start, due=ex.board_deadline,
                      school_id=ex.school_id,
                      severity="high" if ex.board_deadline < on else None,
                      detail=f"Governing board to consider the exclusion by {ex.board_deadline:%-d %B %Y}")


def exclusion_no_provision_findings(on: date | None = None):
    """Code E (excluded, no alternative provision) still being used from the sixth consecutive school day."""
    on = on or timezone.localdate()
    days = school_days_in_range(on - timedelta(days=60), on)
    if not days:
        return
    index = {d: i for i, d in enumerate(days)}
    rows = (SessionMark.objects.filter(code="E", date__gte=days[0], date__lte=on)
            .values_list("child_id", "date").distinct().order_by("child_id", "date"))
    runs: dict[int, tuple[int, int]] = {}  # child -> (start index of the latest run, its length)
    for child_id, day in rows:
        i = index.get(day)
        if i is None:
            continue
        start, length = runs.get(child_id, (i, 0))
        if start + length == i:
            length += 1
        else:
            start, length = i, 1
        runs[child_id] = (start, length)
    # Only a child's latest run matters, and only while it is still going in the last week.
    recent = days[-5] if len(days) >= 5 else days[0]
    live = {cid: days[start + PROVISION_FROM_DAY - 1] for cid, (start, length) in runs.items()
            if length >= PROVISION_FROM_DAY and days[start + length - 1] >= recent}
    children = _children(live)
    for cid, since in live.items():
        yield Finding(subject=children[cid], child_id=cid, since=since, school_id=children[cid].current_school_id,
                      severity="high", detail="Excluded with no alternative provision (code E) from the sixth day")


def part_time_review_findings(on: date | None = None):
    """Active part-time timetables past their review date, and C2 marks this term with no timetable."""
    on = on or timezone.localdate()
    active = PartTimeTimetable.objects.current(on)
    for ptt in active.filter(review_due__lt=on).only("pk", "child_id", "school_id", "start", "review_due"):
        yield Finding(subject=ptt, child_id=ptt.child_id, since=ptt.review_due, due=ptt.review_due,
                      school_id=ptt.school_id, detail=f"Part-time timetable review was due {ptt.review_due:%-d %B %Y}")
    term = current_term(on)
    has_ptt = PartTimeTimetable.objects.filter(child_id=OuterRef("child_id"), start__lte=OuterRef("date")).filter(
        Q(end__isnull=True) | Q(end__gte=OuterRef("date"))
    )
    c2 = (
        SessionMark.objects.filter(code="C2", date__gte=term.start, date__lte=on).exclude(Exists(has_ptt))
        .values("child_id").annotate(first=Max("date"))
    )
    rows = {r["child_id"]: r["first"] for r in c2}
    children = _children(rows)
    for cid, last in rows.items():
        yield Finding(subject=children[cid], child_id=cid, since=last, school_id=children[cid].current_school_id,
                      detail="C2 (part-time timetable) marks with no part-time timetable recorded")


def part_time_too_long_findings(on: date | None = None):
    on = on or timezone.localdate()
    limit = Authority.current().part_time_max_school_days
    active = PartTimeTimetable.objects.current(on)
    for ptt in active.only("pk", "child_id", "school_id", "start"):
        running = school_days_between(ptt.start, on)
        if running > limit:
            yield Finding(subject=ptt, child_id=ptt.child_id, since=ptt.start, school_id=ptt.school_id,
                          detail=f"Part-time timetable running for {running} school days (limit {limit})")


AUDIENCE = ("caseworker", "designated_teacher")

BELOW_THRESHOLD = register(DriftRule("attendance.below_threshold", "Attendance below target this term", "medium",
                                     AUDIENCE, lambda: below_threshold_findings()))
PERSISTENT = register(DriftRule("attendance.persistent_absence", "Persistent absence this term", "high",
                                AUDIENCE, lambda: persistent_absence_findings()))
SEVERE = register(DriftRule("attendance.severe_absence", "Severe absence this term", "high",
                            (*AUDIENCE, "social_worker"), lambda: severe_absence_findings()))
NO_MARKS = register(DriftRule("attendance.no_marks", "No attendance marks received", "medium",
                              ("caseworker",), lambda: no_marks_findings()))
SUSPENSION_NEAR_LIMIT = register(DriftRule("attendance.suspension_near_limit", "Suspension days nearing the limit",
                                           "high", ("caseworker",), lambda: suspension_near_limit_findings()))
EXCLUSION_RECORDED = register(DriftRule("attendance.exclusion_recorded", "Suspension or exclusion recorded", "medium",
                                        ("caseworker",), lambda: exclusion_recorded_findings()))
BOARD_DEADLINE = register(DriftRule("attendance.board_deadline", "Governing board deadline for an exclusion",
                                    "medium", ("caseworker",), lambda: board_deadline_findings()))
NO_PROVISION = register(DriftRule("attendance.exclusion_no_provision", "Excluded with no provision from day six",
                                  "high", ("caseworker", "designated_teacher"),
                                  lambda: exclusion_no_provision_findings()))
PTT_REVIEW = register(DriftRule("attendance.part_time_review_due", "Part-time timetable review overdue", "medium",
                                AUDIENCE, lambda: part_time_review_findings()))
PTT_TOO_LONG = register(DriftRule("attendance.part_time_too_long", "Part-time timetable running too long", "high",
                                  AUDIENCE, lambda: part_time_too_long_findings()))
