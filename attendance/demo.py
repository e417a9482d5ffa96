"""Demo attendance: realistic marks for the last ctx.years years, weekly rollups, some suspensions and part-time
timetables. Deterministic (each child's marks come from a generator seeded by the demo seed and their child ID).
Safe to run twice: children who already have marks are left alone.

On PostgreSQL the marks stream through COPY (tens of millions of rows); elsewhere they go through bulk_create, which
is only meant for a few thousand children.
"""

import random
import time
import zlib
from datetime import date, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import codes
from .models import Exclusion, PartTimeTimetable, SessionMark, WeeklyAttendance
from .partitions import ensure_month_partitions
from .rollups import _FIELD, term_totals_refresh
from .schooldays import add_school_days, monday, school_days_in_range

# Above this many marks the unique index is rebuilt after the load rather than maintained row by row.
REBUILD_INDEX_ABOVE = 500_000
NULL = "\\N"
ESCAPED_BACKSLASH = "\\\\"  # a "\\" code in COPY's text format
SQLITE_MAX_CHILDREN = 3000

ILLNESS = ["I", "I", "I", "M"]
UNAUTH = ["N", "O", "G", "U"]
CATEGORY = {code: codes.classify(code) for code in codes.CODES}


def _profile(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return "severe"
    if roll < 0.15:
        return "persistent"
    if roll < 0.18:
        return "part_time"
    return "good"


def child_marks(rng: random.Random, days: list[date], profile: str, suspended: set[date], part_time: tuple | None):
    """Yield (date, session, code) for one child over `days`."""
    p_absent = {"good": 0.025, "persistent": 0.13, "severe": 0.55, "part_time": 0.05}[profile]
    spell = 0
    for day in days:
        if day in suspended:
            yield day, "AM", "E"
            yield day, "PM", "E"
            continue
        if spell:
            spell -= 1
            yield day, "AM", "I"
            yield day, "PM", "I"
            continue
        if profile == "good" and rng.random() < 0.006:
            spell = rng.randint(0, 2)
            yield day, "AM", "I"
            yield day, "PM", "I"
            continue
        for session in ("AM", "PM"):
            if part_time and session == "PM" and part_time[0] <= day <= part_time[1]:
                yield day, session, "C2"
                continue
            r = rng.random()
            if r < p_absent:
                yield day, session, rng.choice(UNAUTH if profile != "good" or r < p_absent / 3 else ILLNESS)
            elif r < p_absent + 0.01:
                yield day, session, "L"
            elif r < p_absent + 0.013:
                yield day, session, rng.choice(["B", "V", "P"])
            else:
                yield day, session, "/" if session == "AM" else "\\"


def _eligible_children(ctx):
    from roll.models import Child
    from roll.services import dob_range_for_year_group

    has_marks = SessionMark.objects.filter(child_id=OuterRef("pk"))
    today = ctx.today
    # Reception (year 0) to Y11 in this academic year.
    oldest = dob_range_for_year_group(11, today)[0]
    youngest = dob_range_for_year_group(0, today)[1]
    return (
        Child.objects.on_roll(today)
        .filter(current_school__isnull=False, date_of_birth__gte=oldest, date_of_birth__lte=youngest)
        .exclude(Exists(has_marks))
        .order_by("pk")
        .values_list("pk", "la_child_id", "current_school_id", "on_roll_from")
    )


def seed(ctx) -> None:
    started = time.monotonic()
    today = ctx.today
    # ctx.years of history back from today (one year is about 190 school days, 380 marks a child), never before
    # the current codes came in.
    first_day = max(date(today.year - max(ctx.years, 1), today.month, min(today.day, 28)), date(2024, 8, 19))
    all_days = school_days_in_range(first_day, today - timedelta(days=1))
    children = list(_eligible_children(ctx))
    if connection.vendor != "postgresql" and len(children) > SQLITE_MAX_CHILDREN:
        ctx.say(f"  attendance: marks for the first {SQLITE_MAX_CHILDREN} children only (use PostgreSQL for more)")
        children = children[:SQLITE_MAX_CHILDREN]
    if not children or not all_days:
        ctx.say("  attendance: nothing to add")
        return
    exclusions, timetables = [], []
    now = timezone.now()

    def rows():
        for child_id, la_id, school_id, on_roll_from in children:
            rng = random.Random(zlib.crc32(f"{ctx.seed}:{la_id}".encode()))
            days = [d for d in all_days if d >= on_roll_from] if on_roll_from and on_roll_from > first_day else all_days
            if not days:
                continue
            profile = _profile(rng)
            suspended: set[date] = set()
            if rng.random() < 0.04 and len(days) > 20:
                for _ in range(rng.randint(1, 3)):
                    i = rng.randrange(0, len(days) - 6)
                    length = rng.randint(1, 5)
                    suspended.update(days[i:i + length])
                    exclusions.append(Exclusion(
                        child_id=child_id, school_id=school_id, kind=Exclusion.Kind.SUSPENSION, start=days[i],
                        days=length, reason=rng.choice(["PD", "VA", "PA", "DM", "VP"]), vs_consulted=rng.random() < .6,
                        vsh_notified=True, sw_notified=True,
                        board_deadline=add_school_days(days[i], 15) if length > 5 else None,
                    ))
            part_time = None
            if profile == "part_time" and len(days) > 40:
                i = rng.randrange(max(len(days) - 60, 1), len(days) - 10)
                end = None if rng.random() < 0.5 else days[min(i + 30, len(days) - 1)]
                part_time = (days[i], end or today)
                timetables.append(PartTimeTimetable(
                    child_id=child_id, school_id=school_id, hours_per_week=rng.choice([10, 12.5, 15, 20]),
                    reason=rng.choice(["Reintegration after a school move", "Medical needs agreed with the school nurse",
                                       "Anxiety about attending, phased return"]),
                    agreed_by="Carer, social worker and designated teacher at the PEP meeting",
                    start=days[i], review_due=add_school_days(days[i], 30), end=end,
                ))
            for day, session, code in child_marks(rng, days, profile, suspended, part_time):
                yield child_id, school_id, day, session, code

    mondays = {d: monday(d) for d in all_days}
    if connection.vendor == "postgresql":
        ensure_month_partitions(all_days[0], all_days[-1])
        written, weekly_rows = _copy_marks(rows(), mondays, now, estimate=len(children) * len(all_days) * 2)
    else:
        written, weekly_rows = _bulk_marks(rows(), mondays, now)
    Exclusion.objects.bulk_create(exclusions, batch_size=2000)
    PartTimeTimetable.objects.bulk_create(timetables, batch_size=2000)
    term_totals_refresh()
    seconds = time.monotonic() - started
    ctx.say(f"  attendance: {written} marks for {len(children)} children, {weekly_rows} weekly rows, "
            f"{len(exclusions)} suspensions, {len(timetables)} part-time timetables in {seconds:.1f}s "
            f"({written / max(seconds, 0.001):,.0f} marks/s)")


# For each code, the weekly counters it adds to: possible, present, approved, authorised, unauthorised, not possible.
_SLOT = {"present": 1, "approved": 2, "authorised": 3, "unauthorised": 4, "not_possible": 5}
CODE_SLOTS = {
    code: ((_SLOT[_FIELD[cat]],) if cat == codes.NOT_POSSIBLE else (0, _SLOT[_FIELD[cat]]))
    for code, cat in CATEGORY.items()
}
WEEKLY_FIELDS = ["possible", "present", "approved", "authorised", "unauthorised", "not_possible"]


def _weekly_of_child(marks, mondays):
    """Count one child's marks by week as they stream past; returns (marks, {monday: counters})."""
    weeks: dict[date, list[int]] = {}
    out = []
    for child_id, school_id, day, session, code in marks:
        wk = mondays[day]
        counters = weeks.get(wk)
        if counters is None:
            counters = weeks[wk] = [0, 0, 0, 0, 0, 0]
        for i in CODE_SLOTS[code]:
            counters[i] += 1
        out.append((child_id, school_id, day, session, code))
    return out, weeks


def _by_child(source):
    """Group the mark stream by child (it arrives child by child)."""
    current, batch = None, []
    for row in source:
        if row[0] != current and batch:
            yield batch
            batch = []
        current = row[0]
        batch.append(row)
    if batch:
        yield batch


def _bulk_marks(source, mondays, now) -> tuple[int, int]:
    written = weekly_rows = 0
    marks_batch, weekly_batch = [], []
    for child_marks_ in _by_child(source):
        marks, weeks = _weekly_of_child(child_marks_, mondays)
        child_id = marks[0][0]
        marks_batch += [SessionMark(child_id=c, school_id=s, date=d, session=se, code=co,
                                    source=SessionMark.Source.IMPORT, recorded_at=now) for c, s, d, se, co in marks]
        weekly_batch += [WeeklyAttendance(child_id=child_id, week_start=wk, **dict(zip(WEEKLY_FIELDS, c, strict=True)))
                         for wk, c in weeks.items()]
        if len(marks_batch) >= 5000:
            SessionMark.objects.bulk_create(marks_batch)
            WeeklyAttendance.objects.bulk_create(weekly_batch, ignore_conflicts=True)
            written += len(marks_batch)
            weekly_rows += len(weekly_batch)
            marks_batch, weekly_batch = [], []
    SessionMark.objects.bulk_create(marks_batch)
    WeeklyAttendance.objects.bulk_create(weekly_batch, ignore_conflicts=True)
    return written + len(marks_batch), weekly_rows + len(weekly_batch)


def _copy_marks(source, mondays, now, *, estimate: int) -> tuple[int, int]:
    """Stream marks into the table with COPY (text format), and the weekly rollups after them.

    Weekly rows are spooled to a temporary file as each child's marks pass, so memory stays flat at any roll size.
    After a very large load the unique index is rebuilt once instead of being maintained row by row.
    """
    import tempfile

    table = SessionMark._meta.db_table
    rebuild = estimate > REBUILD_INDEX_ABOVE
    suffix = f"\timport\t{now.isoformat()}\n"
    iso = {d: d.isoformat() for d in mondays}
    written = weekly_rows = 0
    with connection.cursor() as cursor, tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        if rebuild:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
        with cursor.cursor.copy(
            f"COPY {table} (child_id, school_id, date, session, code, source, recorded_at) FROM STDIN"
        ) as copy:
            lines = []
            for child_marks_ in _by_child(source):
                marks, weeks = _weekly_of_child(child_marks_, mondays)
                child_id, school_id = marks[0][0], marks[0][1]
                prefix = f"{child_id}\t{school_id if school_id else NULL}\t"
                for _, _, day, session, code in marks:
                    lines.append(prefix + iso[day] + "\t" + session + "\t"
                                 + (ESCAPED_BACKSLASH if code == "\\" else code) + suffix)
                written += len(marks)
                for wk, c in weeks.items():
                    spool.write(f"{child_id}\t{wk.isoformat()}\t{c[0]}\t{c[1]}\t{c[2]}\t{c[3]}\t{c[4]}\t{c[5]}\n")
                weekly_rows += len(weeks)
                if len(lines) >= 100_000:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        if rebuild:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey "
                           "PRIMARY KEY (child_id, date, session)")
        spool.seek(0)
        cursor.execute("DROP TABLE IF EXISTS demo_weekly")
        cursor.execute("CREATE TEMP TABLE demo_weekly (child_id bigint, week_start date, "
                       + ", ".join(f"{n} smallint" for n in WEEKLY_FIELDS) + ") ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY demo_weekly (child_id, week_start, {', '.join(WEEKLY_FIELDS)}) FROM STDIN") as copy:
            while chunk := spool.read(1 << 20):
                copy.write(chunk)
        cursor.execute(f"""
            INSERT INTO attendance_weeklyattendance (child_id, week_start, {', '.join(WEEKLY_FIELDS)}, updated_at)
            SELECT child_id, week_start, {', '.join(WEEKLY_FIELDS)}, now() FROM demo_weekly
            ON CONFLICT (child_id, week_start) DO NOTHING
        """)
        cursor.execute("DROP TABLE demo_weekly")
        cursor.execute(f"ANALYZE {table}")
    return written, weekly_rows
