"""The dates attendance works in: school days and terms come from vschool.calendar, weeks start on Monday."""

from dataclasses import dataclass
from datetime import date, timedelta

from vschool.calendar import services as calendar
from vschool.calendar.services import (
    add_school_days,
    calendar_for_school,
    is_school_day,
    school_calendars,
    school_days_between,
    school_days_in_range,
)

__all__ = [
    "Term", "add_school_days", "calendar_for_school", "current_term", "is_school_day", "monday",
    "school_calendars", "school_days_between", "school_days_in_range", "school_year", "school_year_start",
    "term_weeks",
]


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date


def school_year_start(on: date) -> date:
    return date(calendar.academic_year_of(on), 9, 1)


def school_year(on: date) -> tuple[date, date]:
    start = school_year_start(on)
    return start, date(start.year + 1, 8, 31)


def current_term(on: date) -> Term:
    """The term containing `on`; in a holiday, the term that last ended (attendance looks back, not forward)."""
    term = calendar.current_term(on)
    if term.start > on:
        term = calendar.previous_term(on)
    return Term(term.label, term.start, term.end)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def term_weeks(on: date) -> tuple[Term, date, date]:
    """The current term on `on`, and the first and last week starts (Mondays) whose rollups count towards it."""
    term = current_term(on)
    return term, monday(term.start), min(term.end, on)
