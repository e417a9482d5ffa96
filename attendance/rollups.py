"""Keeping WeeklyAttendance current. Every write path calls one of these in its own transaction (ADR 0001)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection

from . import codes
from .models import SessionMark, WeeklyAttendance, WeeklyReturn
from .schooldays import monday

_FIELD = {
    codes.PRESENT: "present",
    codes.APPROVED_ACTIVITY: "approved",
    codes.AUTHORISED: "authorised",
    codes.UNAUTHORISED: "unauthorised",
    codes.NOT_POSSIBLE: "not_possible",
}
COUNT_FIELDS = ["possible", "present", "approved", "authorised", "unauthorised", "not_possible"]


def rollups_recompute(pairs: Iterable[tuple[int, date]]) -> int:
    """Recompute the weekly rows for these (child_id, any day in the week) pairs from marks and returns."""
    weeks: dict[int, set[date]] = defaultdict(set)
    for child_id, day in pairs:
        weeks[child_id].add(monday(day))
    if not weeks:
        return 0
    counts: dict[tuple[int, date], dict[str, int]] = {}
    for child_id, mondays in weeks.items():
        for wk in mondays:
            counts[(child_id, wk)] = dict.fromkeys(COUNT_FIELDS, 0)
    child_ids = list(weeks)
    lo = min(min(m) for m in weeks.values())
    hi = max(max(m) for m in weeks.values()) + timedelta(days=6)
    for chunk_start in range(0, len(child_ids), 500):
        chunk = child_ids[chunk_start:chunk_start + 500]
        marks = SessionMark.objects.filter(child_id__in=chunk, date__gte=lo, date__lte=hi).values_list(
            "child_id", "date", "code"
        )
        for child_id, day, code in marks.iterator(chunk_size=5000):
            key = (child_id, monday(day))
            if key not in counts:
                continue
            try:
                cat = codes.classify(code)
            except ValueError:
                continue
            row = counts[key]
            row[_FIELD[cat]] += 1
            if cat != codes.NOT_POSSIBLE:
                row["possible"] += 1
        returns = WeeklyReturn.objects.filter(child_id__in=chunk, week_start__gte=lo, week_start__lte=hi)
        for ret in returns:
            key = (ret.child_id, ret.week_start)
            if key in counts:
                row = counts[key]
                row["possible"] += ret.possible
                row["present"] += ret.attended
                row["authorised"] += ret.authorised
                row["unauthorised"] += ret.unauthorised
    objs = [WeeklyAttendance(child_id=c, week_start=w, **row) for (c, w), row in counts.items()]
    WeeklyAttendance.objects.bulk_create(
        objs, batch_size=1000, update_conflicts=True, unique_fields=["child", "week_start"], update_fields=COUNT_FIELDS
    )
    return len(objs)


def category_case_sql(column: str = "code") -> dict[str, str]:
    """SQL expressions counting each category from a code column (for set-based rollups on PostgreSQL)."""
    out = {}
    for cat, field in _FIELD.items():
        values = ", ".join("'" + c.replace("'", "''") + "'" for c in codes.codes_in(cat))
        out[field] = f"count(*) FILTER (WHERE {column} IN ({values}))"
    not_possible = ", ".join("'" + c + "'" for c in codes.codes_in(codes.NOT_POSSIBLE))
    out["possible"] = f"count(*) FILTER (WHERE {column} NOT IN ({not_possible}))"
    return out


def rollups_recompute_from_table_pg(affected_table: str) -> int:
    """Set-based recompute on PostgreSQL for every (child_id, week_start) row in a temp table."""
    expr = category_case_sql("m.code")
    sql = f"""
        INSERT INTO attendance_weeklyattendance
            (child_id, week_start, possible, present, approved, authorised, unauthorised, not_possible, updated_at)
        SELECT a.child_id, a.week_start,
               {expr['possible']} + coalesce(max(r.possible), 0),
               {expr['present']} + coalesce(max(r.attended), 0),
               {expr['approved']},
               {expr['authorised']} + coalesce(max(r.authorised), 0),
               {expr['unauthorised']} + coalesce(max(greatest(r.possible - r.attended - r.authorised, 0)), 0),
               {expr['not_possible']},
               now()
        FROM {affected_table} a
        JOIN attendance_sessionmark m
          ON m.child_id = a.child_id AND m.date >= a.week_start AND m.date < a.week_start + 7
        LEFT JOIN attendance_weeklyreturn r ON r.child_id = a.child_id AND r.week_start = a.week_start
        GROUP BY a.child_id, a.week_start
        ON CONFLICT (child_id, week_start) DO UPDATE SET
            possible = EXCLUDED.possible, present = EXCLUDED.present, approved = EXCLUDED.approved,
            authorised = EXCLUDED.authorised, unauthorised = EXCLUDED.unauthorised,
            not_possible = EXCLUDED.not_possible, updated_at = EXCLUDED.updated_at
    """
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount
