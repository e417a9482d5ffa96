"""School-day and working-day arithmetic, and the term a date falls in.

A *school day* is a weekday inside the calendar's term dates that is neither an English bank holiday nor a closure
(INSET) day. A *working day* is a weekday that is not an English bank holiday; it runs through school holidays.

`calendar=None` means the authority's calendar. A SchoolCalendar (or its pk) uses its own term dates and closures
for the academic years it has terms for, and the authority's otherwise. For an academic year with no term dates in
the database at all, the built-in English pattern in `defaults.py` applies, so deadlines never stop moving.

Term dates, closures and school calendars are read from the database once (three queries) and kept in a small per-process cache. Saving
or deleting a TermDate, Closure, SchoolCalendar or the Authority clears it in this process at once; other processes
reload after `CALENDAR_CACHE_SECONDS` (default 300). So the arithmetic is safe to call per row of a list.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays
from django.conf import settings

from . import defaults

_MIN_YEAR, _MAX_YEAR = 1990, 2100


class TermInfo(NamedTuple):
    """A whole term (both halves)."""

    academic_year: int  # the year the academic year starts: 2026 for 2026/27
    term: str  # "autumn" | "spring" | "summer"
    start: date
    end: date

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.term.capitalize()} term {self.academic_year_label}"


# ---------------------------------------------------------------------------------------------------------------
# Bank holidays and working days (no database)


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_bank_holiday(d: date) -> bool:
    """An English bank holiday, substitute days included (e.g. 28 December 2026)."""
    return d in _bank_holidays(d.year)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and not is_bank_holiday(d)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (before it when `n` is negative); `n=0` returns `start`."""
    step = 1 if n >= 0 else -1
    d, left = start, abs(n)
    while left:
        d += timedelta(days=step)
        if is_working_day(d):
            left -= 1
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count


def academic_year_of(d: date) -> int:
    """The academic year a date belongs to (starts 1 September): 5 March 2027 -> 2026."""
    return d.year if d.month >= 9 else d.year - 1


# ---------------------------------------------------------------------------------------------------------------
# The per-process cache of term dates and closures

_lock = threading.RLock()
_state: dict = {"version": 0, "loaded_at": 0.0, "rows": None, "calendars": {}, "basis": None}


def invalidate_cache(*args, **kwargs) -> None:
    """Forget cached term dates, closures and the authority's day basis (connected to model signals)."""
    with _lock:
        _state["version"] += 1
        _state["rows"] = None
        _state["calendars"] = {}
        _state["basis"] = None


clear_cache = invalidate_cache


def authority_changed(*args, **kwargs) -> None:
    """The authority's settings changed: forget only the deadline basis (term dates stay cached)."""
    with _lock:
        _state["version"] += 1
        _state["basis"] = None


def cache_version() -> int:
    """Bumped whenever the cache is cleared (a save of term dates, closures, calendars or the authority)."""
    return _state["version"]


def _ttl() -> float:
    return float(getattr(settings, "CALENDAR_CACHE_SECONDS", 300))


def _rows() -> dict:
    """Every term date, closure and school-calendar link, by calendar id (None = authority). Three queries."""
    with _lock:
        rows = _state["rows"]
        if rows is not None:
            if time.monotonic() - _state["loaded_at"] < _ttl():
                return rows
            _state["basis"] = None  # stale: another process may have changed it too
        from .models import Closure, TermDate

        terms: dict = {}
        for cal_id, year, term, start, end in TermDate.objects.order_by("start").values_list(
            "calendar_id", "academic_year", "term", "start", "end"
        ):
            terms.setdefault(cal_id, {}).setdefault(year, []).append((term, start, end))
        closures: dict = {}
        for cal_id, day in Closure.objects.values_list("calendar_id", "date"):
            closures.setdefault(cal_id, set()).add(day)
        from .models import SchoolCalendar

        schools = dict(SchoolCalendar.schools.through.objects.values_list("school_id", "schoolcalendar_id"))
        _state.update(
            rows={"terms": terms, "closures": closures, "schools": schools},
            loaded_at=time.monotonic(),
            calendars={},
        )
        return _state["rows"]


def calendar_for_school(school) -> int | None:
    """The SchoolCalendar (pk) a school follows, or None for the authority's calendar. Pass the result as
    `calendar=` to the day arithmetic. Accepts a School or its pk; cached with the term dates."""
    school_id = getattr(school, "pk", school)
    if school_id is None:
        return None
    with _lock:
        return _rows()["schools"].get(school_id)


def school_calendars() -> dict[int, int]:
    """{school pk: SchoolCalendar pk} for every school that follows a calendar of its own (cached with the term
    dates); a school not in it follows the authority's calendar."""
    with _lock:
        return dict(_rows()["schools"])


def _calendar_key(calendar) -> int | None:
    if calendar is None:
        return None
    if isinstance(calendar, int):
        return calendar
    return calendar.pk


class _Days:
    """The school days of one calendar, built a year at a time as sorted ordinals."""

    def __init__(self, key: int | None, rows: dict):
        self.key = key
        self.rows = rows
        self.lo: int | None = None
        self.hi: int | None = None
        self.ords: list[int] = []
        self.terms: dict[int, list[TermInfo]] = {}

    def _year_spec(self, year: int) -> tuple[list[tuple[str, date, date]], set[date]]:
        terms, closures = self.rows["terms"], self.rows["closures"]
        own = terms.get(self.key, {}).get(year) if self.key is not None else None
        if own:
            return own, set(closures.get(self.key, ()))
        extra = set(closures.get(self.key, ())) if self.key is not None else set()
        authority = terms.get(None, {}).get(year)
        if authority:
            return authority, set(closures.get(None, ())) | extra
        pattern = [(t.term, t.start, t.end) for t in defaults.default_terms(year)]
        return pattern, set(closures.get(None, ())) | extra | set(defaults.default_inset_days(year))

    def _year_ords(self, year: int) -> list[int]:
        spans, closed = self._year_spec(year)
        out = []
        for _term, start, end in spans:
            d = start
            while d <= end:
                if d.weekday() < 5 and d not in closed and not is_bank_holiday(d):
                    out.append(d.toordinal())
                d += timedelta(days=1)
        return out

    def ensure(self, lo: int, hi: int) -> None:
        lo, hi = max(lo, _MIN_YEAR), min(hi, _MAX_YEAR)
        if self.lo is None:
            self.lo, self.hi = lo, lo - 1
        if self.lo <= lo and hi <= self.hi:
            return  # already built: the hot path of every deadline calculation
        while lo < self.lo:
            self.lo -= 1
            self.ords[:0] = self._year_ords(self.lo)
        while hi > self.hi:
            self.hi += 1
            self.ords.extend(self._year_ords(self.hi))
        # Years are built separately; keep the list sorted and unique even if a year's terms spill into August.
        if any(b <= a for a, b in zip(self.ords, self.ords[1:], strict=False)):
            self.ords = sorted(set(self.ords))

    def ensure_around(self, d: date) -> None:
        y = academic_year_of(d)
        self.ensure(y - 1, y + 1)

    def terms_of(self, year: int) -> list[TermInfo]:
        if year not in self.terms:
            spans, _closed = self._year_spec(year)
            merged: dict[str, list[date]] = {}
            for term, start, end in spans:
                if term in merged:
                    merged[term] = [min(merged[term][0], start), max(merged[term][1], end)]
                else:
                    merged[term] = [start, end]
            self.terms[year] = sorted(
                (TermInfo(year, t, s, e) for t, (s, e) in merged.items()), key=lambda t: t.start
            )
        return self.terms[year]


def _days(calendar) -> _Days:
    key = _calendar_key(calendar)
    with _lock:
        rows = _rows()
        days = _state["calendars"].get(key)
        if days is None:
            days = _state["calendars"][key] = _Days(key, rows)
        return days


# ---------------------------------------------------------------------------------------------------------------
# School days (the STABLE CONTRACT: add_school_days, school_days_between)


def is_school_day(d: date, *, calendar=None) -> bool:
    days = _days(calendar)
    with _lock:
        days.ensure_around(d)
        i = bisect_left(days.ords, d.toordinal())
        return i < len(days.ords) and days.ords[i] == d.toordinal()


def add_school_days(start: date, n: int, *, calendar=None) -> date:
    """The date `n` school days after `start`, counting days after `start` (before it when `n` is negative).

    `n=0` returns `start` unchanged, school day or not. From a holiday, 1 school day is the first day of next term.
    """
    if n == 0:
        return start
    days = _days(calendar)
    o = start.toordinal()
    with _lock:
        days.ensure_around(start)
        if n > 0:
            while True:
                i = bisect_right(days.ords, o) + n - 1
                if i < len(days.ords):
                    return date.fromordinal(days.ords[i])
                if days.hi >= _MAX_YEAR:
                    raise ValueError("No school days that far ahead")
                days.ensure(days.lo, days.hi + 1 + (n // 190))
        while True:
            i = bisect_left(days.ords, o) + n
            if i >= 0:
                return date.fromordinal(days.ords[i])
            if days.lo <= _MIN_YEAR:
                raise ValueError("No school days that far back")
            days.ensure(days.lo - 1 - (-n // 190), days.hi)


def school_days_between(start: date, end: date, *, calendar=None) -> int:
    """School days after `start` up to and including `end`; 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    days = _days(calendar)
    with _lock:
        days.ensure(academic_year_of(start) - 1, academic_year_of(end) + 1)
        return bisect_right(days.ords, end.toordinal()) - bisect_right(days.ords, start.toordinal())


def school_days_in_range(start: date, end: date, *, calendar=None) -> list[date]:
    """Every school day from `start` to `end`, both included, in order."""
    if end < start:
        return []
    days = _days(calendar)
    with _lock:
        days.ensure(academic_year_of(start) - 1, academic_year_of(end) + 1)
        lo, hi = bisect_left(days.ords, start.toordinal()), bisect_right(days.ords, end.toordinal())
        return [date.fromordinal(o) for o in days.ords[lo:hi]]


# ---------------------------------------------------------------------------------------------------------------
# Terms


def terms_in_year(academic_year: int, *, calendar=None) -> list[TermInfo]:
    """The autumn, spring and summer terms of an academic year, each from its first day to its last."""
    days = _days(calendar)
    with _lock:
        return list(days.terms_of(academic_year))


def term_for(d: date, *, calendar=None) -> TermInfo | None:
    """The term whose dates (half-term included) contain `d`, or None in a holiday between terms."""
    y = academic_year_of(d)
    for year in (y, y + 1, y - 1):
        for t in terms_in_year(year, calendar=calendar):
            if t.start <= d <= t.end:
                return t
    return None


def current_term(on: date | None = None, *, calendar=None) -> TermInfo:
    """The term `on` falls in; in a holiday, the next term to start (so in August, next year's autumn term).

    Returns a TermInfo: (academic_year, term, start, end).
    """
    from django.utils import timezone

    on = on or timezone.localdate()
    found = term_for(on, calendar=calendar)
    if found:
        return found
    return next_term(on, calendar=calendar)


def next_term(on: date, *, calendar=None) -> TermInfo:
    """The first term that starts after `on`."""
    y = academic_year_of(on)
    for year in (y, y + 1, y + 2):
        for t in terms_in_year(year, calendar=calendar):
            if t.start > on:
                return t
    raise ValueError("No term dates after this date")


def previous_term(on: date, *, calendar=None) -> TermInfo:
    """The last term that ended before `on`."""
    y = academic_year_of(on)
    for year in (y, y - 1, y - 2):
        for t in reversed(terms_in_year(year, calendar=calendar)):
            if t.end < on:
                return t
    raise ValueError("No term dates before this date")


def school_days_left_in_term(on: date, *, calendar=None) -> int:
    """School days after `on` up to the end of the term `on` falls in (0 in a holiday)."""
    t = term_for(on, calendar=calendar)
    return school_days_between(on, t.end, calendar=calendar) if t else 0


# ---------------------------------------------------------------------------------------------------------------
# Deadlines on the authority's chosen basis


def deadline_day_basis() -> str:
    """'school' or 'working': the authority's setting, cached with the term dates."""
    with _lock:
        basis = _state["basis"]
        if basis is None:
            from vschool.core.models import Authority

            basis = _state["basis"] = Authority.current().deadline_day_basis
        return basis


def add_deadline_days(start: date, n: int, *, calendar=None) -> date:
    """`n` school days or working days after `start`, by `Authority.current().deadline_day_basis`."""
    if deadline_day_basis() == "working":
        return add_working_days(start, n)
    return add_school_days(start, n, calendar=calendar)


def deadline_days_between(start: date, end: date, *, calendar=None) -> int:
    """Days after `start` up to `end`, on the authority's deadline basis."""
    if deadline_day_basis() == "working":
        return working_days_between(start, end)
    return school_days_between(start, end, calendar=calendar)


# ---------------------------------------------------------------------------------------------------------------
# Writes: the headteacher's settings page


def _require_manage(actor) -> None:
    from django.core.exceptions import PermissionDenied

    if not actor.has_perm("calendar.manage_settings"):
        raise PermissionDenied


def authority_update(*, actor, **fields):
    """Change the authority's configurable rules (deadline basis, thresholds, deadline lengths)."""
    from django.db import transaction

    from vschool.core.models import Authority

    _require_manage(actor)
    with transaction.atomic():
        authority = Authority.current()
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        for name, value in fields.items():
            setattr(authority, name, value)
        authority.full_clean()
        authority.save()
    invalidate_cache()
    return authority


def term_dates_set(*, actor, academic_year: int, dates: dict, calendar=None) -> list:
    """Replace one academic year's six half terms. `dates` maps (term, half) to (start, end).

    Refuses (ValidationError) a half term that ends before it starts, halves out of order, or dates that overlap
    another year's terms.
    """
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .models import TERM_ORDER, TermDate

    _require_manage(actor)
    ordered = sorted(dates.items(), key=lambda kv: (TERM_ORDER[kv[0][0]], kv[0][1]))
    errors = {}
    previous = None
    for (term, half), (start, end) in ordered:
        key = f"{term}_{half}"
        if end < start:
            errors[f"{key}_end"] = "The end date must be the same as or after the start date"
        elif previous and start <= previous[1]:
            errors[f"{key}_start"] = f"The start date must be after the end of the {previous[0]}"
        previous = (f"{term} term {'first' if half == 1 else 'second'} half", end)
    if not errors and ordered:
        first, last = ordered[0][1][0], ordered[-1][1][1]
        clash = (
            TermDate.objects.filter(calendar=calendar, start__lte=last, end__gte=first)
            .exclude(academic_year=academic_year)
            .first()
        )
        if clash:
            errors[f"{ordered[0][0][0]}_{ordered[0][0][1]}_start"] = (
                f"These dates overlap the {clash} term dates"
            )
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        existing = {
            (t.term, t.half): t
            for t in TermDate.objects.select_for_update().filter(
                calendar=calendar, academic_year=academic_year
            )
        }
        for (term, half), (start, end) in ordered:
            row = existing.get((term, half)) or TermDate(
                calendar=calendar, academic_year=academic_year, term=term, half=half
            )
            if row.pk and (row.start, row.end) == (start, end):
                saved.append(row)
                continue
            row.start, row.end = start, end
            row.stamp(actor)
            row.save()
            saved.append(row)
    invalidate_cache()
    return saved


def closure_add(*, actor, day: date, reason: str, description: str = "", calendar=None):
    """Mark a day as closed (INSET or closure) for the authority (or one school calendar)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .models import Closure

    _require_manage(actor)
    with transaction.atomic():
        if Closure.objects.filter(calendar=calendar, date=day).exists():
            raise ValidationError({"day": "That day is already a closure day"})
        closure = Closure(calendar=calendar, date=day, reason=reason, description=description)
        closure.stamp(actor)
        closure.full_clean()
        closure.save()
    invalidate_cache()
    return closure


def closure_remove(*, actor, closure) -> None:
    """Make a closure day a school day again (if it is a weekday in term)."""
    from django.db import transaction

    _require_manage(actor)
    with transaction.atomic():
        closure.delete()
    invalidate_cache()
