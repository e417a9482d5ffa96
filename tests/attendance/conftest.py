from datetime import date, timedelta

import pytest

from attendance.schooldays import monday, school_days_in_range
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
