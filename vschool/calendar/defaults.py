"""The built-in English term pattern.

Used twice: the data migration loads it for 2024/25 to 2027/28 so every environment starts with real rows the
headteacher can edit, and the day arithmetic falls back to it for any academic year that has no term dates in the
database (so deadlines never silently stop because nobody typed next year's dates in yet).

The pattern follows the usual English shape: autumn from early September with a half-term in the last week of
October, Christmas from about 20 December, spring from about 5 January with a half-term in the third week of
February, an Easter holiday of two weeks placed around Easter, summer half-term in the week of the late May bank
holiday and the year ending about 21 July. One INSET day on the first day of the autumn term and one on the first
day of the second summer half.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

AUTUMN, SPRING, SUMMER = "autumn", "spring", "summer"


@dataclass(frozen=True)
class DefaultTerm:
    academic_year: int
    term: str
    half: int
    start: date
    end: date


def _on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _on_or_before(d: date, weekday: int) -> date:
    return d - timedelta(days=(d.weekday() - weekday) % 7)


def _first_weekday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _last_weekday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


MON, FRI = 0, 4


def default_terms(academic_year: int) -> list[DefaultTerm]:
    """The six half terms of the academic year starting in September of `academic_year`."""
    y, ny = academic_year, academic_year + 1
    autumn_start = _first_weekday_on_or_after(date(y, 9, 3))
    if autumn_start.weekday() == FRI:  # nobody starts a year on a Friday
        autumn_start += timedelta(days=3)
    october_half_term = _on_or_before(date(y, 10, 31), MON)  # Monday of the last full-ish week of October
    christmas = _on_or_before(date(y, 12, 20), FRI)
    spring_start = _first_weekday_on_or_after(date(ny, 1, 5))
    february_half_term = _on_or_after(date(ny, 2, 15), MON)  # third Monday of February
    easter_sunday = easter(ny)
    if easter_sunday <= date(ny, 4, 1):  # early Easter: holiday starts on Good Friday
        spring_end = easter_sunday - timedelta(days=2)
        summer_start = easter_sunday + timedelta(days=15)
    elif easter_sunday >= date(ny, 4, 14):  # late Easter: the two weeks before Easter Monday
        spring_end = easter_sunday - timedelta(days=16)
        summer_start = easter_sunday + timedelta(days=2)
    else:  # the holiday straddles Easter
        spring_end = easter_sunday - timedelta(days=9)
        summer_start = easter_sunday + timedelta(days=8)
    may_half_term = _on_or_before(date(ny, 5, 31), MON)  # the week of the late May bank holiday
    summer_end = _last_weekday_on_or_before(date(ny, 7, 21))
    return [
        DefaultTerm(y, AUTUMN, 1, autumn_start, october_half_term - timedelta(days=3)),
        DefaultTerm(y, AUTUMN, 2, october_half_term + timedelta(days=7), christmas),
        DefaultTerm(y, SPRING, 1, spring_start, february_half_term - timedelta(days=3)),
        DefaultTerm(y, SPRING, 2, february_half_term + timedelta(days=7), spring_end),
        DefaultTerm(y, SUMMER, 1, summer_start, may_half_term - timedelta(days=3)),
        DefaultTerm(y, SUMMER, 2, may_half_term + timedelta(days=7), summer_end),
    ]


def default_inset_days(academic_year: int) -> list[date]:
    """INSET days in the default pattern: the first day of autumn and the first day of the second summer half."""
    terms = default_terms(academic_year)
    return [terms[0].start, terms[5].start]
