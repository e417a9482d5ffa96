"""School-day and working-day arithmetic across half-terms, Christmas, Easter, bank holidays and year ends.

The authority's term dates for 2026/27 (loaded by migration): autumn 3 Sep (INSET) - 23 Oct, 2 Nov - 18 Dec;
spring 5 Jan - 12 Feb, 22 Feb - 26 Mar; summer 12 Apr - 28 May, 7 Jun (INSET) - 21 Jul.
"""

import inspect
from datetime import date

import pytest

from vschool.calendar import services
from vschool.calendar.defaults import default_terms
from vschool.calendar.models import Closure, SchoolCalendar, TermDate
from vschool.calendar.services import (
    add_deadline_days,
    add_school_days,
    add_working_days,
    current_term,
    is_school_day,
    school_days_between,
    school_days_in_range,
    term_for,
)
from vschool.core.models import Authority

pytestmark = pytest.mark.django_db


def test_contract_signatures():
    assert str(inspect.signature(add_school_days)) == "(start: 'date', n: 'int', *, calendar=None) -> 'date'"
    assert (
        str(inspect.signature(school_days_between))
        == "(start: 'date', end: 'date', *, calendar=None) -> 'int'"
    )
    assert str(inspect.signature(add_working_days)) == "(start: 'date', n: 'int') -> 'date'"


def test_migration_loaded_four_years_of_term_dates():
    years = set(TermDate.objects.filter(calendar=None).values_list("academic_year", flat=True))
    assert {2024, 2025, 2026, 2027} <= years
    assert TermDate.objects.filter(calendar=None, academic_year=2026).count() == 6


def test_zero_days_returns_start_even_in_a_holiday():
    assert add_school_days(date(2026, 12, 25), 0) == date(2026, 12, 25)
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_weekend_and_ordinary_week():
    # Fri 6 Nov 2026 + 1 school day = Mon 9 Nov
    assert add_school_days(date(2026, 11, 6), 1) == date(2026, 11, 9)
    assert add_school_days(date(2026, 11, 2), 5) == date(2026, 11, 9)
    assert school_days_between(date(2026, 11, 2), date(2026, 11, 9)) == 5


def test_october_half_term_pauses_the_clock():
    # Fri 23 Oct is the last day of autumn 1; next school day is Mon 2 Nov
    assert add_school_days(date(2026, 10, 23), 1) == date(2026, 11, 2)
    assert add_school_days(date(2026, 10, 21), 5) == date(2026, 11, 4)
    assert school_days_between(date(2026, 10, 23), date(2026, 11, 1)) == 0
    assert not is_school_day(date(2026, 10, 28))


def test_christmas_and_new_year():
    # Last day of autumn Fri 18 Dec 2026; spring starts Tue 5 Jan 2027
    assert add_school_days(date(2026, 12, 18), 1) == date(2027, 1, 5)
    assert add_school_days(date(2026, 12, 16), 3) == date(2027, 1, 5)
    assert school_days_between(date(2026, 12, 17), date(2027, 1, 6)) == 3  # 18 Dec, 5 Jan, 6 Jan
    # From inside the holiday the first school day of the new term counts as day 1
    assert add_school_days(date(2026, 12, 25), 1) == date(2027, 1, 5)


def test_twenty_school_days_across_christmas():
    # 20 school days from Mon 7 Dec 2026: 9 left in December (8-18), then 11 from 5 Jan -> Tue 19 Jan
    assert add_school_days(date(2026, 12, 7), 20) == date(2027, 1, 19)
    assert school_days_between(date(2026, 12, 7), date(2027, 1, 19)) == 20


def test_february_half_term_and_easter():
    assert add_school_days(date(2027, 2, 12), 1) == date(2027, 2, 22)
    # Spring ends Fri 26 Mar 2027 (Good Friday, a bank holiday), so Thu 25 Mar is the last school day
    assert not is_school_day(date(2027, 3, 26))
    assert add_school_days(date(2027, 3, 25), 1) == date(2027, 4, 12)


def test_may_bank_holidays():
    # Early May bank holiday Mon 3 May 2027 is in term but not a school day
    assert not is_school_day(date(2027, 5, 3))
    assert add_school_days(date(2027, 4, 30), 1) == date(2027, 5, 4)
    # Spring bank holiday Mon 31 May 2027 falls in half-term; summer 2 starts 7 Jun with an INSET day
    assert add_school_days(date(2027, 5, 28), 1) == date(2027, 6, 8)


def test_august_year_end():
    # Summer ends Wed 21 Jul 2027; 2027/28 starts Mon 6 Sep with an INSET day
    assert add_school_days(date(2027, 7, 20), 1) == date(2027, 7, 21)
    assert add_school_days(date(2027, 7, 21), 1) == date(2027, 9, 7)
    assert school_days_between(date(2027, 7, 19), date(2027, 9, 8)) == 4  # 20, 21 Jul, 7, 8 Sep


def test_negative_days_count_back():
    assert add_school_days(date(2027, 1, 5), -1) == date(2026, 12, 18)
    assert add_school_days(date(2026, 11, 9), -5) == date(2026, 11, 2)


def test_between_is_safe_when_end_not_after_start():
    assert school_days_between(date(2026, 11, 9), date(2026, 11, 9)) == 0
    assert school_days_between(date(2026, 11, 9), date(2026, 11, 2)) == 0


def test_school_year_has_about_190_days():
    days = school_days_in_range(date(2026, 9, 1), date(2027, 8, 31))
    assert 185 <= len(days) <= 195
    assert days == sorted(days)
    assert all(d.weekday() < 5 for d in days)


def test_working_days_run_through_holidays_but_skip_bank_holidays():
    # Christmas 2026: 25 Dec Fri, 26 Dec Sat -> substitute Mon 28 Dec; 1 Jan Fri
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 10, 23), 1) == date(2026, 10, 26)  # half-term is a working week
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)  # Good Friday and Easter Monday
    assert add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert add_working_days(date(2026, 11, 30), 10) == date(2026, 12, 14)


def test_closure_day_is_not_a_school_day_and_cache_follows_saves():
    assert is_school_day(date(2026, 11, 11))
    Closure.objects.create(date=date(2026, 11, 11), reason=Closure.Reason.CLOSURE)
    assert not is_school_day(date(2026, 11, 11))
    assert add_school_days(date(2026, 11, 10), 1) == date(2026, 11, 12)


def test_term_dates_edited_move_deadlines():
    TermDate.objects.filter(calendar=None, academic_year=2026, term="autumn", half=2).update(
        end=date(2026, 12, 17)
    )
    services.invalidate_cache()  # .update() sends no signal
    assert not is_school_day(date(2026, 12, 18))


def test_school_calendar_overrides_its_years_only():
    cal = SchoolCalendar.objects.create(name="Academy trust calendar")
    TermDate.objects.create(
        calendar=cal,
        academic_year=2026,
        term="autumn",
        half=2,
        start=date(2026, 11, 2),
        end=date(2026, 12, 23),
    )
    # With only that half term the academy has school days up to 23 Dec, and none in its own autumn 1
    assert is_school_day(date(2026, 12, 22), calendar=cal)
    assert not is_school_day(date(2026, 12, 22))
    assert not is_school_day(date(2026, 10, 6), calendar=cal)
    # Other years fall back to the authority's dates
    assert is_school_day(date(2027, 10, 6), calendar=cal) == is_school_day(date(2027, 10, 6))
    assert add_school_days(date(2026, 12, 18), 1, calendar=cal.pk) == date(2026, 12, 21)


def test_year_without_rows_uses_the_built_in_pattern():
    TermDate.objects.filter(calendar=None, academic_year=2026).delete()
    # Same pattern as the migration, so the answers do not change
    assert add_school_days(date(2026, 12, 18), 1) == date(2027, 1, 5)
    # and years far from any rows still work
    first = default_terms(2031)[0]
    assert term_for(first.start).term == "autumn"


def test_current_term_and_term_for():
    t = current_term(date(2026, 11, 30))
    assert (t.academic_year, t.term, t.start, t.end) == (2026, "autumn", date(2026, 9, 3), date(2026, 12, 18))
    academic_year, term, start, end = current_term(date(2026, 10, 28))  # half-term is inside the term
    assert term == "autumn"
    assert term_for(date(2026, 12, 25)) is None
    assert current_term(date(2026, 12, 25)).term == "spring"
    assert current_term(date(2027, 8, 10))[:2] == (2027, "autumn")
    assert t.label == "Autumn term 2026/27"


def test_deadline_days_follow_the_authority_basis():
    authority = Authority.current()
    assert add_deadline_days(date(2026, 12, 18), 1) == date(2027, 1, 5)
    authority.deadline_day_basis = Authority.DayBasis.WORKING
    authority.save()
    assert add_deadline_days(date(2026, 12, 18), 1) == date(2026, 12, 21)


def test_repeated_calls_do_not_query(django_assert_num_queries):
    add_school_days(date(2026, 11, 2), 20)
    add_deadline_days(date(2026, 11, 2), 3)
    with django_assert_num_queries(0):
        for i in range(200):
            add_school_days(date(2026, 9, 1), i)
            school_days_between(date(2026, 9, 1), date(2027, 7, 1))
            add_deadline_days(date(2026, 11, 2), 3)


def test_a_school_follows_its_own_calendar():
    from tests.roll.factories import SchoolFactory
    from vschool.calendar.services import calendar_for_school

    school, other = SchoolFactory(), SchoolFactory()
    cal = SchoolCalendar.objects.create(name="Out-of-area authority")
    cal.schools.add(school)
    Closure.objects.create(calendar=cal, date=date(2026, 11, 11))
    assert calendar_for_school(school) == cal.pk
    assert calendar_for_school(other.pk) is None
    assert calendar_for_school(None) is None
    assert not is_school_day(date(2026, 11, 11), calendar=calendar_for_school(school))
    assert is_school_day(date(2026, 11, 11), calendar=calendar_for_school(other))
