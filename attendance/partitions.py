"""Session marks on PostgreSQL live in one partition per calendar month (ADR 0004).

A national roll holds tens of millions of marks, but an import, a register or a week grid writes to a month or two:
with a partition per month, the key index an import extends is that month's, small enough to stay in memory,
rather than one index over every mark ever taken. Lookups by child and date prune to the months they ask about.

Months are created ahead (by the migration, then daily by `create_mark_partitions_ahead`) and on demand by the
import and the demo seeder for the range they write. A mark for a month with no partition yet lands in the default
partition and moves to its month's partition when that is created, so no write ever fails for want of one.
Elsewhere (SQLite) the table is a plain table and everything here does nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

PARENT = "attendance_sessionmark"
DEFAULT = f"{PARENT}_default"
# Months created ahead of today, so registers and week grids write straight into their month.
MONTHS_AHEAD = 12
# Serialises partition creation between sessions (an arbitrary constant, unique to this use).
_LOCK_KEY = 7_302_190_441


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_y{month.year}m{month.month:02d}"


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [PARENT])
        row = cursor.fetchone()
    return bool(row and row[0])


def existing_partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)", [PARENT])
        return {name for (name,) in cursor.fetchall()}


def ensure_month_partitions(first: date, last: date) -> list[str]:
    """Create the missing month partitions from first's month to last's; returns the names created.

    Marks already in the default partition for a new month move into it in the same transaction. Costs one catalogue
    query when every month is there already (the usual case).
    """
    if first > last or not partitioned():
        return []
    wanted = {partition_name(m): m for m in months_between(first, last)}
    if not set(wanted) - existing_partitions():
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        missing = sorted(set(wanted) - existing_partitions())  # again, under the lock
        for name in missing:
            start = wanted[name]
            bounds = f"FROM ('{start.isoformat()}') TO ('{next_month(start).isoformat()}')"
            cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE date >= %s AND date < %s RETURNING *) "
                f"INSERT INTO {name} SELECT * FROM moved", [start, next_month(start)])
            cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES {bounds}")
            created.append(name)
    return created


def ensure_partitions_ahead(today: date, months: int = MONTHS_AHEAD) -> list[str]:
    """Every month from this one to `months` ahead has its partition."""
    return ensure_month_partitions(month_start(today), add_months(today, months))
