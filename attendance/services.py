"""Every write to attendance records: marks, weekly returns, exclusions, part-time timetables and AP."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from vschool.core.models import Authority

from . import codes
from .models import (
    AlternativeProvision,
    Exclusion,
    PartTimeTimetable,
    Session,
    SessionMark,
    WeeklyReturn,
)
from .rollups import rollups_recompute
from .schooldays import (
    add_school_days,
    calendar_for_school,
    current_term,
    is_school_day,
    monday,
    school_year,
)

# Suspensions totalling more than this many days in a term give the parents the right to ask the governing
# board to meet (a permanent exclusion always does); the board meets within BOARD_SCHOOL_DAYS school days.
BOARD_TERM_DAYS = Decimal(5)
BOARD_SCHOOL_DAYS = 15
# Full-time provision starts on the sixth school day of a suspension or exclusion.
PROVISION_FROM_DAY = 6


EXCLUSION_RULES = ["attendance.exclusion_recorded", "attendance.suspension_near_limit", "attendance.board_deadline"]
PART_TIME_RULES = ["attendance.part_time_review_due", "attendance.part_time_too_long"]


def _rescan(codes: list[str]) -> None:
    """Raise (or clear) these alerts as soon as the record is committed."""
    from .tasks import queue_attendance_scan

    queue_attendance_scan(codes)


def _check(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


# ---------------------------------------------------------------- marks


@transaction.atomic
def marks_record_week(*, actor, child, marks: dict[tuple[date, str], str], school=None) -> dict:
    """Save a week of marks typed in by hand: {(date, "AM"|"PM"): code}; blank code removes a mark.

    Returns counts of created, changed and removed marks. Each changed row is audited by django-auditlog.
    """
    _check(actor, "attendance.record_marks", child)
    errors = {}
    for (day, session), code in marks.items():
        if session not in Session.values:
            errors[f"{day}-{session}"] = "Choose morning or afternoon"
        if code:
            try:
                codes.classify(code)
            except ValueError as exc:
                errors[f"{day.isoformat()}-{session}"] = str(exc)
    if errors:
        raise ValidationError(errors)
    existing = {
        (m.date, m.session): m
        for m in SessionMark.objects.select_for_update().filter(child=child, date__in={d for d, _ in marks})
    }
    now = timezone.now()
    created = changed = removed = 0
    for (day, session), code in sorted(marks.items()):
        code = codes.normalise(code)
        mark = existing.get((day, session))
        if not code:
            if mark is not None:
                mark.delete()
                removed += 1
            continue
        if mark is None:
            SessionMark.objects.create(child=child, date=day, session=session, code=code, school=school,
                                       source=SessionMark.Source.MANUAL, recorded_at=now, recorded_by=actor)
            created += 1
        elif mark.code != code:
            mark.previous_code, mark.code = mark.code, code
            mark.source, mark.recorded_at, mark.recorded_by = SessionMark.Source.MANUAL, now, actor
            if school is not None:
                mark.school = school
            mark.save()
            changed += 1
    if created or changed or removed:
        rollups_recompute((child.pk, d) for d, _ in marks)
    return {"created": created, "changed": changed, "removed": removed}


@transaction.atomic
def weekly_return_save(*, actor, child, week_start: date, possible: int, attended: int, authorised: int = 0,
                       school=None, notes: str = "") -> WeeklyReturn:
    """Record (or correct) a weekly count of sessions for an early-years or post-16 setting."""
    _check(actor, "attendance.record_marks", child)
    week_start = monday(week_start)
    if attended > possible:
        raise ValidationError({"attended": "Sessions attended cannot be more than possible sessions"})
    if attended + authorised > possible:
        raise ValidationError({"authorised": "Attended and authorised absences cannot be more than possible sessions"})
    ret = WeeklyReturn.objects.filter(child=child, week_start=week_start).first() or WeeklyReturn(
        child=child, week_start=week_start
    )
    ret.possible, ret.attended, ret.authorised, ret.notes = possible, attended, authorised, notes
    if school is not None:
        ret.school = school
    ret.stamp(actor)
    ret.full_clean()
    ret.save()
    rollups_recompute([(child.pk, week_start)])
    return ret


# ---------------------------------------------------------------- exclusions


def suspension_days_in_year(child, on: date, *, exclude_pk=None) -> Decimal:
    """Suspension days in the school year containing `on`."""
    start, end = school_year(on)
    qs = Exclusion.objects.filter(child=child, kind=Exclusion.Kind.SUSPENSION, start__gte=start, start__lte=end)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("days"))["total"] or Decimal(0)


def suspension_days_in_term(child, on: date) -> Decimal:
    term = current_term(on)
    qs = Exclusion.objects.filter(
        child=child, kind=Exclusion.Kind.SUSPENSION, start__gte=term.start, start__lte=term.end
    )
    return qs.aggregate(total=Sum("days"))["total"] or Decimal(0)


def _notify_exclusion(exclusion: Exclusion) -> None:
    from roll.models import Allocation
    from vschool.accounts.models import User
    from vschool.accounts.roles import Role
    from vschool.core.notify import notify

    child = exclusion.child
    recipients = list(User.objects.filter(groups__name=Role.HEADTEACHER, is_active=True))
    if child.caseworker_id:
        recipients.append(child.caseworker)
    recipients += [
        a.user for a in Allocation.objects.current().filter(child=child, user__isnull=False).select_related("user")
        if a.role in (Allocation.Role.SOCIAL_WORKER, Allocation.Role.CASEWORKER)
    ]
    from django.urls import reverse

    path = reverse("attendance:child_attendance", args=[child.pk])
    kind = exclusion.get_kind_display().lower()
    notify(
        recipients=recipients,
        subject=f"A {kind} has been recorded",
        message=f"A {kind} starting {exclusion.start:%-d %B %Y} has been recorded for a child on the roll.",
        path=path,
    )


@transaction.atomic
def exclusion_record(*, actor, child, kind: str, start: date, reason: str, days: Decimal | None = None,
                     school=None, notes: str = "", vs_consulted: bool = False, vsh_notified: bool = False,
                     sw_notified: bool = False) -> Exclusion:
    """Record a suspension or permanent exclusion; refuses a suspension that would pass the yearly limit.

    Sets full-time provision from the sixth school day and, when the rules require, the governing board deadline;
    emails the VSH, caseworker and social worker (no child details).
    """
    _check(actor, "attendance.record_exclusion", child)
    authority = Authority.current()
    if kind == Exclusion.Kind.SUSPENSION:
        if not days:
            raise ValidationError({"days": "Enter how many school days the suspension lasts"})
        days = Decimal(days)
        if days * 2 != int(days * 2):
            raise ValidationError({"days": "Enter whole or half days (a lunchtime suspension is half a day)"})
        used = suspension_days_in_year(child, start)
        limit = Decimal(authority.suspension_limit_days)
        if used + days > limit:
            left = max(limit - used, Decimal(0))
            raise ValidationError({
                "days": f"This suspension would take the child to {used + days:g} days this school year. "
                        f"The limit is {limit:g} days; {left:g} remain."
            })
    else:
        days = None
    school = school or child.current_school
    # School days are the excluding school's: its own calendar when it has one (DOMAIN: out-of-area schools).
    calendar = calendar_for_school(school)
    if not is_school_day(start, calendar=calendar):
        raise ValidationError({"start": "The start date must be a school day"})
    exclusion = Exclusion(
        child=child, kind=kind, start=start, days=days, reason=reason, notes=notes, vs_consulted=vs_consulted,
        vsh_notified=vsh_notified, sw_notified=sw_notified, school=school,
    )
    if kind == Exclusion.Kind.PERMANENT or (days and days >= PROVISION_FROM_DAY):
        exclusion.provision_from = add_school_days(start, PROVISION_FROM_DAY - 1, calendar=calendar)
    if kind == Exclusion.Kind.PERMANENT or suspension_days_in_term(child, start) + (days or 0) > BOARD_TERM_DAYS:
        exclusion.board_deadline = add_school_days(start, BOARD_SCHOOL_DAYS, calendar=calendar)
    exclusion.stamp(actor)
    exclusion.full_clean()
    exclusion.save()
    transaction.on_commit(lambda: _notify_exclusion(exclusion))
    _rescan(EXCLUSION_RULES)
    return exclusion


@transaction.atomic
def exclusion_set_board_outcome(*, actor, exclusion: Exclusion, outcome: str) -> Exclusion:
    _check(actor, "attendance.record_exclusion", exclusion.child)
    if not outcome.strip():
        raise ValidationError({"board_outcome": "Enter the governing board's decision"})
    exclusion.board_outcome = outcome.strip()
    exclusion.stamp(actor)
    exclusion.save()
    return exclusion


# ---------------------------------------------------------------- part-time timetables and AP


@transaction.atomic
def part_time_timetable_record(*, actor, child, hours_per_week: Decimal, reason: str, agreed_by: str, start: date,
                               review_due: date | None = None, end: date | None = None,
                               school=None) -> PartTimeTimetable:
    """Record a part-time timetable; the review is due at most Authority.part_time_review_school_days later."""
    _check(actor, "attendance.record_part_time", child)
    latest_review = add_school_days(start, Authority.current().part_time_review_school_days)
    if review_due is None:
        review_due = latest_review
    if review_due > latest_review:
        raise ValidationError({
            "review_due": f"Review it by {latest_review:%-d %B %Y} at the latest (every half term)"
        })
    if review_due < start:
        raise ValidationError({"review_due": "The review must be after the start date"})
    if end and end < start:
        raise ValidationError({"end": "The end date must be after the start date"})
    ptt = PartTimeTimetable(child=child, hours_per_week=hours_per_week, reason=reason, agreed_by=agreed_by,
                            start=start, review_due=review_due, end=end, school=school or child.current_school)
    ptt.stamp(actor)
    ptt.full_clean()
    ptt.save()
    _rescan(PART_TIME_RULES)
    return ptt


@transaction.atomic
def part_time_timetable_review(*, actor, timetable: PartTimeTimetable, next_review: date | None = None,
                               end: date | None = None) -> PartTimeTimetable:
    """Record a review: set the next review date (after today, at most half a term away) or end the timetable."""
    _check(actor, "attendance.record_part_time", timetable.child)
    timetable = PartTimeTimetable.objects.select_for_update().get(pk=timetable.pk)
    today = timezone.localdate()
    if end:
        if end < timetable.start:
            raise ValidationError({"end": f"The end date must be on or after the start, {timetable.start:%-d %B %Y}"})
        timetable.end = end
    else:
        if next_review is not None and next_review <= today:
            raise ValidationError({"next_review": "The next review must be after today"})
        latest = add_school_days(today, Authority.current().part_time_review_school_days)
        timetable.review_due = min(next_review or latest, latest)
    timetable.stamp(actor)
    timetable.full_clean()
    timetable.save()
    _rescan(PART_TIME_RULES)
    return timetable


@transaction.atomic
def alternative_provision_record(*, actor, child, provider: str, days: str, hours_per_week: Decimal, start: date,
                                 end: date | None = None, enrolment=None) -> AlternativeProvision:
    """Record alternative provision, linked to the child's current main enrolment when none is given."""
    _check(actor, "attendance.record_part_time", child)
    if end and end < start:
        raise ValidationError({"end": "The end date must be after the start date"})
    if enrolment is None:
        from roll.models import Enrolment

        enrolment = Enrolment.objects.current(start).filter(child=child).order_by("-start").first()
    ap = AlternativeProvision(child=child, provider=provider, days=days, hours_per_week=hours_per_week,
                              start=start, end=end, enrolment=enrolment)
    ap.stamp(actor)
    ap.full_clean()
    ap.save()
    return ap

