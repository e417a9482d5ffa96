"""Session marks on PostgreSQL are kept in one partition per month; no write fails for want of a partition."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from attendance.models import SessionMark
from attendance.partitions import (
    DEFAULT,
    PARENT,
    add_months,
    ensure_month_partitions,
    ensure_partitions_ahead,
    existing_partitions,
    partition_name,
)
from attendance.selectors import attendance_rate
from attendance.tasks import create_mark_partitions_ahead
from tests.attendance.test_import import good_file, run
from tests.conftest import require_or_skip


@pytest.fixture(autouse=True)
def _postgres(db):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL) for the month partitions")


def where_marks_are() -> dict[date, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT date, tableoid::regclass::text FROM {PARENT}")
        return dict(cursor.fetchall())


def test_the_migration_leaves_a_partition_for_every_month_from_august_2024_to_a_year_ahead():
    names = existing_partitions()
    months = [date(2024, 8, 1), timezone.localdate(), add_months(timezone.localdate(), 12)]
    assert {partition_name(m.replace(day=1)) for m in months} <= names
    assert DEFAULT in names


def test_imported_marks_land_in_their_months_partition(child, week_days):
    result = run(good_file(week_days))
    assert result.inserted == 2 * len(week_days)
    placed = where_marks_are()
    assert placed == {d: partition_name(d.replace(day=1)) for d in week_days}


def test_an_import_creates_a_missing_month_and_the_marks_read_back(child, week_days):
    month = week_days[0].replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {partition_name(month)}")
    assert partition_name(month) not in existing_partitions()

    run(good_file(week_days))

    assert partition_name(month) in existing_partitions()
    assert set(where_marks_are().values()) <= {partition_name(d.replace(day=1)) for d in week_days}
    assert SessionMark.objects.filter(child=child, date__range=(week_days[0], week_days[-1])).count() == 10
    assert attendance_rate(child, week_days[0], week_days[-1]) == 1


def test_a_mark_for_a_month_with_no_partition_waits_in_the_default_then_moves(child):
    far = add_months(timezone.localdate(), 40) + timedelta(days=2)
    SessionMark.objects.create(child=child, date=far, session="AM", code="/", recorded_at=timezone.now())
    assert where_marks_are() == {far: DEFAULT}

    assert ensure_month_partitions(far, far) == [partition_name(far.replace(day=1))]

    assert where_marks_are() == {far: partition_name(far.replace(day=1))}
    assert SessionMark.objects.get(child=child, date=far, session="AM").code == "/"
    assert ensure_month_partitions(far, far) == []  # a second call changes nothing


def test_the_daily_task_keeps_a_year_of_months_ready():
    assert create_mark_partitions_ahead() == []  # the migration made them already
    later = add_months(timezone.localdate(), 30)
    created = ensure_partitions_ahead(later, months=2)
    assert created == [partition_name(add_months(later, n)) for n in range(3)]
    assert set(created) <= existing_partitions()
