from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from attendance.schooldays import current_term, monday, school_days_in_range
from tests.roll.factories import ChildFactory, EnrolmentFactory, SchoolFactory, SchoolStaffFactory


def recent_school_week(today: date | None = None) -> list[date]:
    """The five days of the most recent complete school week before today (Monday to Friday all school days)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    wk = monday(today) - timedelta(days=7)
    for _ in range(30):
        days = school_days_in_range(wk, wk + timedelta(days=4))
        if len(days) == 5:
            return days
        wk -= timedelta(days=7)
    raise AssertionError("no full school week found")


@pytest.fixture
def week_days():
    return recent_school_week()


@contextmanager
def _at_the_end_of_the_term_before(today: date):
    """For as long as the block runs the clock reads noon on the last day of the term before today's; yields it."""
    from django.utils import timezone

    end = current_term(current_term(today).start - timedelta(days=1)).end
    with time_machine.travel(timezone.make_aware(datetime.combine(end, time(12))), tick=True):
        yield end


@contextmanager
def a_week_this_term():
    """The most recent complete school week inside the current term. In a term's first week there is none yet, so
    the block runs at the end of the term before (see _at_the_end_of_the_term_before), and the week is that term's."""
    from django.utils import timezone

    today = timezone.localdate()
    days = recent_school_week(today)
    if days[0] >= current_term(today).start:
        yield days
        return
    with _at_the_end_of_the_term_before(today) as end:
        days = recent_school_week(end)
        assert days[0] >= current_term(end).start
        yield days


@contextmanager
def a_term_underway(school_days: int = 20):
    """Runs the block on a day with at least `school_days` school days of its term (and so of its school year)
    behind it: today when it has them, else the last day of the term before. Yields that day."""
    from django.utils import timezone

    today = timezone.localdate()
    if len(school_days_in_range(current_term(today).start, today - timedelta(days=1))) >= school_days:
        yield today
        return
    with _at_the_end_of_the_term_before(today) as end:
        yield end


@pytest.fixture
def term_underway(db):
    """Tests that look back a few weeks within this term or school year run on a day that has them."""
    with a_term_underway():
        yield


@pytest.fixture
def term_week_days(db):
    """Five school days of one week in the current term (see a_week_this_term)."""
    with a_week_this_term() as days:
        yield days


@pytest.fixture
def school(db):
    return SchoolFactory(urn="123456")


@pytest.fixture
def child(school):
    c = ChildFactory(la_child_id="C000001", upn="A123456789012", current_school=school, on_roll_from=date(2024, 1, 8))
    EnrolmentFactory(child=c, school=school, start=date(2024, 1, 8))
    return c


@pytest.fixture
def dt_of_school(dt, school):
    SchoolStaffFactory(school=school, user=dt)
    return dt
