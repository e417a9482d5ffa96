"""School-day arithmetic for attendance, read through vschool.calendar.

Attendance asks the calendar app (which ships default term dates); only if that app cannot answer does this fall
back to weekdays that are not English bank holidays, with terms split at 1 January and 1 April.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date


def _calendar():
    try:
        from vschool.calendar import services
    except ImportError:
        return None
    return services


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def _fallback_is_school_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def school_days_in_range(start: date, end: date) -> list[date]:
    """Every school day from start to end, both included."""
    if end < start:
        return []
    cal = _calendar()
    fn = getattr(cal, "school_days_in_range", None) if cal else None
    if fn is not None:
        try:
            days = list(fn(start, end))
        except Exception:  # noqa: BLE001 - a calendar without terms answers with the fallback
            days = None
        if days is not None:
            return days  # an empty list is a holiday, not a missing calendar
    out, day = [], start
    while day <= end:
        if _fallback_is_school_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def is_school_day(day: date) -> bool:
    return bool(school_days_in_range(day, day)) if _calendar() else _fallback_is_school_day(day)


def add_school_days(start: date, n: int) -> date:
    """The school day n school days after start (the calendar's contract)."""
    cal = _calendar()
    fn = getattr(cal, "add_school_days", None) if cal else None
    if fn is not None:
        try:
            return fn(start, n)
        except Exception:  # noqa: BLE001
            pass
    day, step, left = start, (1 if n >= 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        if _fallback_is_school_day(day):
            left -= 1
    return day


def school_days_between(start: date, end: date) -> int:
    """School days after start up to and including end."""
    cal = _calendar()
    fn = getattr(cal, "school_days_between", None) if cal else None
    if fn is not None:
        try:
            return fn(start, end)
        except Exception:  # noqa: BLE001
            pass
    if end <= start:
        return 0
    return len(school_days_in_range(start + timedelta(days=1), end))


def school_year_start(on: date) -> date:
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def school_year(on: date) -> tuple[date, date]:
    start = school_year_start(on)
    return start, date(start.year + 1, 8, 31)


def _fallback_term(on: date) -> Term:
    if on.month >= 9:
        return Term("Autumn term", date(on.year, 9, 1), date(on.year, 12, 31))
    if on.month <= 3:
        return Term("Spring term", date(on.year, 1, 1), date(on.year, 3, 31))
    return Term("Summer term", date(on.year, 4, 1), date(on.year, 8, 31))


def current_term(on: date) -> Term:
    """The term containing `on`; in a holiday, the term that last ended (attendance looks back, not forward)."""
    cal = _calendar()
    fn = getattr(cal, "current_term", None) if cal else None
    if fn is not None:
        try:
            term = fn(on)
            if term is not None and term.start > on and hasattr(cal, "previous_term"):
                term = cal.previous_term(on)
        except Exception:  # noqa: BLE001
            term = None
        if term is not None:
            start = getattr(term, "start", None)
            end = getattr(term, "end", None)
            if start and end:
                label = getattr(term, "label", None) or str(getattr(term, "name", "") or "This term")
                return Term(label, start, end)
    return _fallback_term(on)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
