"""Keeping WeeklyAttendance current. Every write path calls one of these in its own transaction (ADR 0001)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection

from . import codes
from .models import SessionMark, WeeklyAttendance, WeeklyReturn
from .schooldays import monday, term_weeks

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
    term_totals_refresh(child_ids)
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


def count_field(code: str) -> str:
    """The WeeklyAttendance field a mark with this code counts in (ValueError for a code not in force)."""
    return _FIELD[codes.classify(code)]


def field_delta_sql(new: str, old: str | None = None) -> dict[str, str]:
    """SQL aggregates for how much each count moves when marks change, from columns holding each mark's count_field
    after the write (`new`) and before it (`old`; null, or no column, for a mark that did not exist)."""
    out = {}
    for name in _FIELD.values():
        out[name] = f"count(*) FILTER (WHERE {new} = '{name}')"
        if old:
            out[name] += f" - count(*) FILTER (WHERE {old} = '{name}')"
    out["possible"] = f"count(*) FILTER (WHERE {new} <> 'not_possible')"
    if old:
        out["possible"] += f" - count(*) FILTER (WHERE {old} <> 'not_possible')"
    return out


def rollups_recompute_from_table_pg(affected_table: str, *, deltas: bool = False, new_weeks: bool = False) -> int:
    """Set-based recompute on PostgreSQL for every (child_id, week_start) row in a temp table.

    With `deltas`, the table also holds, per row, how much each count field moves (see field_delta_sql), and
    those are added to the weekly rows instead of recounting every mark in each week: exact as long as the weekly
    rows were right before the write the deltas describe. The caller holds the weekly table against other writers
    (the import locks it after the marks), so no row can appear between the update and the insert. `new_weeks` says
    the caller found no weekly row for any of the table's weeks, so the rows are only inserted.
    """
    if deltas:
        # Weeks that have a row move by their deltas; the rest start from them (a week without a row had no marks,
        # so its deltas are all zero or more). A plain insert: ON CONFLICT would probe the key for every row first
        # (a quarter slower for 75,000 new weeks at 100,000 children) to guard against writers the lock keeps out.
        add = ", ".join(f"{name} = w.{name} + a.{name}" for name in COUNT_FIELDS)
        move = "" if new_weeks else f"""
            WITH moved AS (
                UPDATE attendance_weeklyattendance w SET {add}, updated_at = now()
                FROM {affected_table} a WHERE w.child_id = a.child_id AND w.week_start = a.week_start
                RETURNING w.child_id, w.week_start
            )"""
        moved = "" if new_weeks else (
            "WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.child_id = a.child_id AND m.week_start = a.week_start)")
        sql = f"""
            {move}
            INSERT INTO attendance_weeklyattendance (child_id, week_start, {', '.join(COUNT_FIELDS)}, updated_at)
            SELECT a.child_id, a.week_start, {', '.join(f'a.{name}' for name in COUNT_FIELDS)}, now()
            FROM {affected_table} a
            {moved}
            ORDER BY a.child_id, a.week_start
        """
    else:
        sql = _recompute_sql(affected_table)
    with connection.cursor() as cur:
        cur.execute(sql)
        written = cur.rowcount
    if deltas:
        term_totals_move(affected_table)
    else:
        term_totals_refresh(from_table=affected_table)
    return written


def term_totals_move(deltas_table: str, *, on: date | None = None) -> None:
    """Move each child's TermAttendance by the weekly deltas in a temp table (as rollups_recompute_from_table_pg
    takes them) for the weeks of this term; a child with no row for this term yet is counted from the rollups.

    Exact for the same reason the weekly deltas are: the row was right before the write they describe.
    """
    from django.utils import timezone

    from .models import TermAttendance

    term, first, last = term_weeks(on or timezone.localdate())
    table = TermAttendance._meta.db_table
    in_term = [first.isoformat(), last.isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {table} t SET possible = t.possible + d.p, attended = t.attended + d.a,
                pct = CASE WHEN t.possible + d.p > 0 THEN 100.0 * (t.attended + d.a) / (t.possible + d.p) END
            FROM (SELECT child_id, sum(possible) AS p, sum(present + approved) AS a FROM {deltas_table}
                  WHERE week_start >= %s AND week_start <= %s GROUP BY child_id) d
            WHERE t.child_id = d.child_id AND t.term_start = %s AND (d.p <> 0 OR d.a <> 0)
        """, [*in_term, term.start.isoformat()])
        cursor.execute(f"""
            SELECT EXISTS (SELECT 1 FROM {deltas_table} x WHERE x.week_start >= %s AND x.week_start <= %s
                           AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.child_id = x.child_id
                                           AND t.term_start = %s))
        """, [*in_term, term.start.isoformat()])
        if not cursor.fetchone()[0]:
            return
    term_totals_refresh(from_table=deltas_table, on=on, only_without_term_row=True)


def _recompute_sql(affected_table: str) -> str:
    expr = category_case_sql("m.code")
    return f"""
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


def term_totals_refresh(child_ids: Iterable[int] | None = None, *, from_table: str | None = None,
                        on: date | None = None, only_without_term_row: bool = False) -> None:
    """Bring TermAttendance (this term's totals per child) up to date from the weekly rollups.

    For the given children, the children in a temp table of (child_id, week_start) rows whose weeks fall in this
    term, or (neither given) the whole roll, which also clears rows left from an earlier term. One INSERT ... ON
    CONFLICT per call (a few for long id lists), the same SQL on PostgreSQL and SQLite. With
    `only_without_term_row`, only the table's children who have no row for this term yet are counted.
    """
    from django.utils import timezone

    from .models import TermAttendance

    term, first, last = term_weeks(on or timezone.localdate())  # the weeks this term's rates count
    lo, hi = first.isoformat(), last.isoformat()
    table = TermAttendance._meta.db_table
    weekly = WeeklyAttendance._meta.db_table
    upsert = f"""
        INSERT INTO {table} (child_id, term_start, possible, attended, pct)
        SELECT w.child_id, %s, SUM(w.possible), SUM(w.present + w.approved),
               CASE WHEN SUM(w.possible) > 0 THEN 100.0 * SUM(w.present + w.approved) / SUM(w.possible) END
        FROM {weekly} w
        WHERE w.week_start >= %s AND w.week_start <= %s {{scope}}
        GROUP BY w.child_id
        ON CONFLICT (child_id) DO UPDATE SET term_start = excluded.term_start, possible = excluded.possible,
            attended = excluded.attended, pct = excluded.pct
    """
    stale = f"""
        DELETE FROM {table} WHERE (term_start <> %s OR NOT EXISTS (
            SELECT 1 FROM {weekly} w WHERE w.child_id = {table}.child_id AND w.week_start >= %s
            AND w.week_start <= %s)) {{scope}}
    """
    head = [term.start.isoformat(), lo, hi]
    with connection.cursor() as cursor:
        if from_table is not None:
            without = (f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.child_id = x.child_id "
                       f"AND t.term_start = '{term.start.isoformat()}')") if only_without_term_row else ""
            scope = (f"AND {{col}} IN (SELECT x.child_id FROM {from_table} x "
                     f"WHERE x.week_start >= %s AND x.week_start <= %s{without})")
            cursor.execute(upsert.format(scope=scope.format(col="w.child_id")), [*head, lo, hi])
            cursor.execute(stale.format(scope=scope.format(col="child_id")), [*head, lo, hi])
            return
        if child_ids is None:
            cursor.execute(upsert.format(scope=""), head)
            cursor.execute(stale.format(scope=""), head)
            return
        ids = sorted(set(child_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(upsert.format(scope=f"AND w.child_id IN ({marks})"), [*head, *chunk])
            cursor.execute(stale.format(scope=f"AND child_id IN ({marks})"), [*head, *chunk])
