"""Attendance file import: CSV of child ID or UPN, school URN, date, session and code.

The whole file is validated; every bad row is reported with its line number and reason; valid rows are imported in
one transaction; a file-level problem (not UTF-8, wrong or missing columns) commits nothing. Re-importing the same
file changes nothing. On PostgreSQL the file is streamed into a temporary staging table with COPY and validated and
merged with set-based SQL (see docs/adr/0001-attendance-rollups.md); elsewhere the same rules run row by row.
"""

import csv
import io
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from . import codes
from .models import ImportBatch, MarkChange, SessionMark, WeeklyAttendance
from .partitions import ensure_month_partitions
from .rollups import (
    COUNT_FIELDS,
    count_field,
    field_delta_sql,
    rollups_recompute,
    rollups_recompute_from_table_pg,
)
from .schooldays import monday, school_calendars, school_days_in_range

# Current codes came into force on 19 August 2024; older marks need the historic mapping, not this import.
EARLIEST_DATE = date(2024, 8, 19)
MAX_REPORTED_ERRORS = 5000
MARKS = SessionMark._meta.db_table
WEEKS = WeeklyAttendance._meta.db_table
STORED_ERRORS = 200

COLUMN_ALIASES = {
    "child_id": {"child_id", "child id", "childid", "la_child_id", "la child id", "child"},
    "upn": {"upn", "unique pupil number"},
    "urn": {"urn", "school_urn", "school urn", "laestab_urn"},
    "date": {"date", "session_date", "session date"},
    "session": {"session", "am_pm", "am/pm"},
    "code": {"code", "mark", "attendance_code", "attendance code"},
}
REQUIRED = ("date", "session", "code")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


class FileError(Exception):
    """A problem with the whole file: nothing is imported."""


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    rows: int = 0
    valid_rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    file_error: str = ""
    seconds: float = 0.0
    batch: ImportBatch | None = None
    method: str = ""
    timings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.file_error


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("\ufeff", ""))


def map_columns(header: list[str]) -> dict[str, int]:
    """{field: column index}; FileError naming what is missing or repeated."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _norm(name)
        for fld, aliases in COLUMN_ALIASES.items():
            if key in aliases:
                if fld in found:
                    raise FileError(f"The column {name.strip()!r} appears twice")
                found[fld] = index
    missing = [f for f in REQUIRED if f not in found]
    if "child_id" not in found and "upn" not in found:
        missing.insert(0, "child_id or upn")
    if missing:
        raise FileError(
            "The file is missing the column(s): " + ", ".join(missing)
            + ". Expected a header row with child_id (or upn), urn, date, session, code."
        )
    return found


def parse_date(value: str) -> date | None:
    value = (value or "").strip()
    try:
        if ISO_DATE.match(value):
            return date.fromisoformat(value)
        if UK_DATE.match(value):
            return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None
    return None


class RowValidator:
    """The row rules, shared by both import paths (the SQL path uses it to word its errors)."""

    def __init__(self, today: date | None = None):
        self.today = today or timezone.localdate()
        # A school that follows a calendar of its own (an out-of-area school, an academy) is checked against it.
        self.calendars = school_calendars()
        self._school_days: dict[int | None, set[date]] = {}
        self.children_by_id: dict[str, int] = {}
        self.children_by_upn: dict[str, list[int]] = defaultdict(list)
        self.schools: dict[str, int] = {}

    def school_days(self, calendar: int | None = None) -> set[date]:
        """The school days on which marks may be recorded, in the authority's calendar or the one given."""
        if calendar not in self._school_days:
            self._school_days[calendar] = set(school_days_in_range(EARLIEST_DATE, self.today, calendar=calendar))
        return self._school_days[calendar]

    def load(self, rows: list[dict]) -> None:
        from roll.models import Child, School

        ids = sorted({(r.get("child_id") or "").strip() for r in rows} - {""})
        upns = sorted({(r.get("upn") or "").strip().upper() for r in rows} - {""})
        urns = sorted({(r.get("urn") or "").strip() for r in rows} - {""})
        for i in range(0, len(ids), 900):
            self.children_by_id.update(
                Child.objects.filter(la_child_id__in=ids[i:i + 900]).values_list("la_child_id", "pk")
            )
        for i in range(0, len(upns), 900):
            for upn, pk in Child.objects.filter(upn__in=upns[i:i + 900]).values_list("upn", "pk"):
                self.children_by_upn[upn].append(pk)
        for i in range(0, len(urns), 900):
            self.schools.update(School.objects.filter(urn__in=urns[i:i + 900]).values_list("urn", "pk"))

    def check(self, raw: dict) -> tuple[list[str], tuple | None]:
        """Messages for a row, and (child_id, date, session, code, school_id) when it is valid."""
        errors = []
        child_ref = (raw.get("child_id") or "").strip()
        upn = (raw.get("upn") or "").strip().upper()
        child_id = None
        if child_ref:
            child_id = self.children_by_id.get(child_ref)
            if child_id is None:
                errors.append(f"No child with ID {child_ref} is on the roll")
        elif upn:
            matches = self.children_by_upn.get(upn, [])
            if len(matches) > 1:
                errors.append(f"UPN {upn} matches more than one child")
            elif not matches:
                errors.append(f"No child with UPN {upn} is on the roll")
            else:
                child_id = matches[0]
        else:
            errors.append("Give the child's ID or UPN")
        urn = (raw.get("urn") or "").strip()
        school_id = None
        if urn:
            school_id = self.schools.get(urn)
            if school_id is None:
                errors.append(f"No school with URN {urn}")
        raw_date = (raw.get("date") or "").strip()
        day = parse_date(raw_date)
        if day is None:
            errors.append(f"Date {raw_date!r} is not a date (use YYYY-MM-DD)")
        elif day > self.today:
            errors.append(f"Date {day:%-d %B %Y} is in the future")
        elif day < EARLIEST_DATE:
            errors.append(f"Date {day:%-d %B %Y} is before the current attendance codes (19 August 2024)")
        elif day not in self.school_days(self.calendars.get(school_id)):
            at = " at that school" if school_id in self.calendars else ""
            errors.append(f"{day:%A %-d %B %Y} is not a school day{at}")
        session = (raw.get("session") or "").strip().upper()
        if session not in ("AM", "PM"):
            errors.append(f"Session {raw.get('session', '')!r} must be AM or PM")
        code = codes.normalise(raw.get("code", ""))
        try:
            codes.classify(code)
        except ValueError as exc:
            errors.append(str(exc) if code else "The code is blank")
        if errors:
            return errors, None
        return [], (child_id, day, session, code, school_id)


def _raise_temp_buffers() -> None:
    """Give the staging tables room in memory; only possible before the session's first temporary table."""
    if connection.in_atomic_block:
        return
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET temp_buffers = '256MB'")
    except DatabaseError:
        pass


def _header_and_rest(fileobj) -> tuple[list[str], object]:
    """Read and decode the header line; the binary file object is left positioned at the first data row."""
    first = fileobj.readline()
    if not first.strip():
        raise FileError("The file is empty")
    try:
        header_text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.") from None
    header = next(csv.reader([header_text]))
    return header, fileobj


def import_attendance(fileobj, *, filename: str = "upload.csv", actor=None, dry_run: bool = False,
                      method: str = "auto", keep: bool = True) -> ImportResult:
    """Validate and import an attendance file (binary file object). See the module docstring for the promises.

    `keep=False` runs the whole import and then rolls it back (used by the benchmark).
    """
    started = time.perf_counter()
    result = ImportResult(filename=os.path.basename(filename)[:255], dry_run=dry_run)
    use_copy = method == "copy" or (method == "auto" and connection.vendor == "postgresql")
    result.method = "copy" if use_copy else "portable"
    if use_copy:
        _raise_temp_buffers()
    try:
        header, rest = _header_and_rest(fileobj)
        columns = map_columns(header)
        with transaction.atomic():
            batch = ImportBatch(filename=result.filename, status=ImportBatch.Status.COMPLETE)
            batch.stamp(actor)
            batch.save()
            result.batch = batch
            if use_copy:
                _import_copy(rest, header, columns, batch, result)
            else:
                _import_portable(rest, header, columns, batch, result)
            result.unchanged = result.valid_rows - result.inserted - result.updated
            if dry_run or not keep:
                transaction.set_rollback(True)
    except FileError as exc:
        result.file_error = str(exc)
    result.seconds = time.perf_counter() - started
    if keep:
        result.batch = _save_batch(result, actor)
        if not dry_run and (result.inserted or result.updated):
            from .tasks import queue_attendance_scan

            queue_attendance_scan()
    return result


def _save_batch(result: ImportResult, actor) -> ImportBatch:
    status = (ImportBatch.Status.FAILED if result.file_error
              else ImportBatch.Status.DRY_RUN if result.dry_run else ImportBatch.Status.COMPLETE)
    fields = dict(
        filename=result.filename, status=status, rows=result.rows, valid_rows=result.valid_rows,
        error_rows=result.error_rows, inserted=result.inserted, updated=result.updated, unchanged=result.unchanged,
        file_error=result.file_error[:300], errors=[list(e) for e in result.errors[:STORED_ERRORS]],
        seconds=round(result.seconds, 3),
    )
    batch = result.batch
    if batch is not None and batch.pk and ImportBatch.objects.filter(pk=batch.pk).exists():
        ImportBatch.objects.filter(pk=batch.pk).update(**fields)
        batch.refresh_from_db()
        return batch
    batch = ImportBatch(**fields)
    batch.stamp(actor)
    batch.save()
    return batch


# ---------------------------------------------------------------- portable path


def _import_portable(rest, header, columns, batch, result: ImportResult) -> None:
    try:
        text = io.TextIOWrapper(rest, encoding="utf-8", newline="")
        reader = csv.reader(text)
        raw_rows = []
        for record in reader:
            line = reader.line_num + 1  # the header was line 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise FileError(f"Line {line} has {len(record)} columns; the header has {len(header)}")
            raw_rows.append((line, {f: record[i] for f, i in columns.items()}))
    except UnicodeDecodeError:
        raise FileError("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.") from None
    validator = RowValidator()
    validator.load([r for _, r in raw_rows])
    result.rows = len(raw_rows)
    seen: dict[tuple, int] = {}
    valid: list[tuple] = []
    for line, raw in raw_rows:
        messages, resolved = validator.check(raw)
        if resolved is not None:
            key = resolved[:3]
            if key in seen:
                messages = [f"Duplicate of line {seen[key]} (same child, date and session)"]
                resolved = None
            else:
                seen[key] = line
        if messages:
            result.error_rows += 1
            if len(result.errors) < MAX_REPORTED_ERRORS:
                result.errors.append((line, "; ".join(messages)))
        else:
            valid.append(resolved)
    result.valid_rows = len(valid)
    _write_portable(valid, batch, result)


def _write_portable(valid: list[tuple], batch, result: ImportResult) -> None:
    if not valid:
        return
    now = timezone.now()
    by_child: dict[int, list[tuple]] = defaultdict(list)
    for row in valid:
        by_child[row[0]].append(row)
    child_ids = list(by_child)
    lo, hi = min(r[1] for r in valid), max(r[1] for r in valid)
    existing = {}
    for i in range(0, len(child_ids), 500):
        qs = SessionMark.objects.filter(child_id__in=child_ids[i:i + 500], date__gte=lo, date__lte=hi)
        existing.update({(m.child_id, m.date, m.session): m for m in qs})
    new, changed, changes, affected = [], [], [], set()
    for child_id, day, session, code, school_id in valid:
        mark = existing.get((child_id, day, session))
        if mark is None:
            new.append(SessionMark(child_id=child_id, date=day, session=session, code=code, school_id=school_id,
                                   source=SessionMark.Source.IMPORT, batch=batch, recorded_at=now))
        elif mark.code != code and not (code == "D" and mark.school_id != school_id):
            # (D, attending the other school, yields to the other school's own mark.)
            changes.append(MarkChange(batch=batch, child_id=child_id, date=day, session=session,
                                      old_code=mark.code, new_code=code))
            mark.previous_code, mark.code = mark.code, code
            mark.school_id = school_id or mark.school_id
            mark.source, mark.batch, mark.recorded_at = SessionMark.Source.IMPORT, batch, now
            changed.append(mark)
        else:
            continue
        affected.add((child_id, day))
    SessionMark.objects.bulk_create(new, batch_size=2000)
    SessionMark.objects.bulk_update(
        changed, ["code", "previous_code", "school_id", "source", "batch", "recorded_at"], batch_size=1000
    )
    MarkChange.objects.bulk_create(changes, batch_size=2000)
    rollups_recompute(affected)
    result.inserted, result.updated = len(new), len(changed)


# ---------------------------------------------------------------- PostgreSQL path


def _import_copy(rest, header, columns, batch, result: ImportResult) -> None:
    ncols = len(header)
    cols = [f"c{i}" for i in range(ncols)]

    def col(name):
        return f"s.c{columns[name]}" if name in columns else "NULL::text"

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        clock = [time.perf_counter()]

        def lap(name):
            now = time.perf_counter()
            result.timings[name] = round(now - clock[0], 3)
            clock[0] = now
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        # The merge and the weekly rollups touch a few rows per child in large tables: costing index probes as
        # cached keeps them probes rather than full scans when the file is small beside the tables.
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        # ON COMMIT DROP tables outlive an import nested in a longer transaction: start clean.
        cursor.execute("DROP TABLE IF EXISTS att_stage, att_days, att_school_cal, att_codes, att_rows, att_weeks, "
                       "att_dups, att_merge, att_affected")
        cursor.execute(
            "CREATE TEMP TABLE att_stage (line_no bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), "
            + ", ".join(f"{c} text" for c in cols) + ") ON COMMIT DROP"
        )
        padded = False
        try:
            with transaction.atomic():
                with raw.copy(f"COPY att_stage ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv)") as copy:
                    for chunk in _blank_lines_as_empty_rows(rest, ncols):
                        padded = padded or _has_padded_field(chunk)
                        copy.write(chunk)
        except Exception as exc:  # noqa: BLE001 - every COPY failure is a file-level error
            message = str(exc).splitlines()[0]
            if "encoding" in message.lower() or "utf8" in message.lower():
                raise FileError("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.") from None
            context = re.search(r"line (\d+)", str(exc))
            where = f"Line {int(context.group(1)) + 1}: " if context else ""
            raise FileError(f"{where}the file could not be read as CSV ({message})") from None
        lap("copy_to_staging")

        validator = RowValidator()
        # Lookup tables keyed by the text as written, so the join needs no parsing: both date formats and both
        # cases of each code map to their value (and each code to the weekly count it falls in).
        # Calendar 0 is the authority's; a school with a calendar of its own is looked up in att_school_cal.
        cursor.execute("CREATE TEMP TABLE att_days (cal bigint NOT NULL, txt text NOT NULL, d date NOT NULL, "
                       "PRIMARY KEY (cal, txt)) ON COMMIT DROP")
        own_calendars = validator.calendars if "urn" in columns else {}
        with raw.copy("COPY att_days (cal, txt, d) FROM STDIN") as copy:
            for calendar in (None, *sorted(set(own_calendars.values()))):
                for day in sorted(validator.school_days(calendar)):
                    copy.write_row((calendar or 0, day.isoformat(), day))
                    copy.write_row((calendar or 0, day.strftime("%d/%m/%Y"), day))
        if own_calendars:
            cursor.execute("CREATE TEMP TABLE att_school_cal (school_id bigint PRIMARY KEY, cal bigint NOT NULL) "
                           "ON COMMIT DROP")
            with raw.copy("COPY att_school_cal (school_id, cal) FROM STDIN") as copy:
                for row in own_calendars.items():
                    copy.write_row(row)
        cursor.execute("CREATE TEMP TABLE att_codes (txt text PRIMARY KEY, code text NOT NULL, field text NOT NULL) "
                       "ON COMMIT DROP")
        with raw.copy("COPY att_codes (txt, code, field) FROM STDIN") as copy:
            for code in codes.CODES:
                copy.write_row((code, code, count_field(code)))
                if code.lower() != code:
                    copy.write_row((code.lower(), code, count_field(code)))
        lap("lookups")

        # Values are compared as written unless some field in the file has spaces around it: trimming every value
        # of a clean file would double the cost of matching it.
        def val(name):
            return f"trim({col(name)})" if padded else col(name)

        session = (f"upper(trim({col('session')}))" if padded else
                   f"CASE {col('session')} WHEN 'AM' THEN 'AM' WHEN 'PM' THEN 'PM' ELSE upper({col('session')}) END")
        joins, child_expr = [], "NULL::bigint"
        if "child_id" in columns:
            joins.append(f"LEFT JOIN roll_child ci ON ci.la_child_id = {val('child_id')}")
            child_expr = "ci.id"
        if "upn" in columns:
            joins.append(
                "LEFT JOIN (SELECT upn, min(id) AS id, count(*) AS n FROM roll_child WHERE upn <> '' GROUP BY upn) cu "
                f"ON cu.upn = upper({val('upn')})"
                + (f" AND coalesce({val('child_id')}, '') = ''" if "child_id" in columns else "")
            )
            child_expr = f"coalesce({child_expr}, CASE WHEN cu.n = 1 THEN cu.id END)"
        school_expr, school_ok = "NULL::bigint", "true"
        if "urn" in columns:
            joins.append(f"LEFT JOIN roll_school sc ON sc.urn = {val('urn')}")
            school_expr = "sc.id"
            school_ok = f"(sc.id IS NOT NULL OR coalesce({val('urn')}, '') = '')"
        calendar = "0"
        if own_calendars:
            joins.append("LEFT JOIN att_school_cal sx ON sx.school_id = sc.id")
            calendar = "coalesce(sx.cal, 0)"
        joins.append(f"LEFT JOIN att_days d ON d.cal = {calendar} AND d.txt = {val('date')}")
        joins.append(f"LEFT JOIN att_codes k ON k.txt = {val('code')}")
        cursor.execute(f"""
            CREATE TEMP TABLE att_rows ON COMMIT DROP AS
            SELECT q.line_no, q.child_id, q.school_id, q.date, q.session, q.code, q.field,
                   (q.child_id IS NOT NULL AND q.date IS NOT NULL AND q.code IS NOT NULL AND q.school_ok
                    AND q.session IN ('AM', 'PM')) AS ok
            FROM (
                SELECT s.line_no, {child_expr} AS child_id, {school_expr} AS school_id, d.d AS date,
                       {session} AS session, k.code AS code, k.field, {school_ok} AS school_ok
                FROM att_stage s
                {chr(10).join(joins)}
            ) q
        """)
        result.rows = cursor.rowcount
        lap("resolve")
        has_dups, ok_rows, first, last = _weeks_of_rows(cursor, "r.ok")
        bad = result.rows - ok_rows
        if bad:
            # A row whose every field is empty (a blank line, or a row of commas) is not a row: it keeps its line
            # number out of the count and the report. Only rows that failed can be empty, so only they are looked at.
            cursor.execute(f"SELECT count(*) FROM att_rows r JOIN att_stage s USING (line_no) "
                           f"WHERE NOT r.ok AND {_empty_row_sql(ncols)}")
            empty = cursor.fetchone()[0]
            result.rows -= empty
            bad -= empty
        dups = 0
        if has_dups:
            cursor.execute("""
                CREATE TEMP TABLE att_dups ON COMMIT DROP AS
                SELECT r.line_no, g.first_line FROM att_rows r JOIN (
                    SELECT child_id, date, session, min(line_no) AS first_line FROM att_rows
                    WHERE ok GROUP BY child_id, date, session HAVING count(*) > 1
                ) g USING (child_id, date, session)
                WHERE r.line_no > g.first_line AND r.ok
            """)
            dups = cursor.rowcount
            _, _, first, last = _weeks_of_rows(cursor, VALID_NOT_DUPLICATE)
        result.error_rows = bad + dups
        result.valid_rows = result.rows - result.error_rows
        if result.error_rows:
            _word_copy_errors(cursor, columns, ncols, dups, validator, result)
        lap("validate")

        if not result.valid_rows:
            return
        ensure_month_partitions(first, last)
        affected = _merge_copy(cursor, batch, result, "r.ok" if not dups else VALID_NOT_DUPLICATE, first, last)
        lap("merge")
        if result.inserted or result.updated:
            rollups_recompute_from_table_pg(affected, deltas=True, new_weeks=affected == NEW_WEEKS)
        lap("rollups")


# What _merge_copy returns when no week of the file had a mark before: att_weeks holds what each week gains.
NEW_WEEKS = "att_weeks"
VALID_NOT_DUPLICATE = "r.ok AND NOT EXISTS (SELECT 1 FROM att_dups x WHERE x.line_no = r.line_no)"
# Monday of a date's week, in date arithmetic alone (1 January 1900 was a Monday).
WEEK_START = "{0} - (({0} - DATE '1900-01-01') % 7)"


def _weeks_of_rows(cursor, valid: str) -> tuple[bool, int, date | None, date | None]:
    """Fill att_weeks: per child and week of the valid rows, their first and last dates and how many fall in each
    weekly count. Returns whether some week repeats a session (each row sets the bit of its session in the week,
    and the sum of those bits equals their OR only when no two rows share one), how many rows were counted, and
    the first and last dates."""
    counts = field_delta_sql("r.field")
    cursor.execute("DROP TABLE IF EXISTS att_weeks")
    # The week and the slot are worked out once per row in the inner query (OFFSET 0 keeps it from being merged
    # into the aggregate, which would work them out once per use).
    cursor.execute(f"""
        CREATE TEMP TABLE att_weeks ON COMMIT DROP AS
        SELECT r.child_id, r.week_start, min(r.date) AS lo, max(r.date) AS hi,
               sum(r.slot) <> bit_or(r.slot) AS repeats,
               {', '.join(f'{counts[name]} AS {name}' for name in COUNT_FIELDS)}
        FROM (
            SELECT r.child_id, r.date, r.field, {WEEK_START.format("r.date")} AS week_start,
                   1 << (((r.date - DATE '1900-01-01') % 7) * 2 + (r.session = 'PM')::int) AS slot
            FROM att_rows r WHERE {valid} OFFSET 0
        ) r
        GROUP BY 1, 2
    """)
    cursor.execute("SELECT coalesce(bool_or(repeats), false), coalesce(sum(possible + not_possible), 0), min(lo), "
                   "max(hi) FROM att_weeks")
    repeats, counted, first, last = cursor.fetchone()
    return repeats, int(counted), first, last


def _merge_copy(cursor, batch, result: ImportResult, valid: str, first: date, last: date) -> str:
    """Write the valid rows of att_rows (dated first to last): insert new marks, update changed ones (with a
    MarkChange each). Returns the temp table of each (child_id, week_start) written with how much each weekly count
    moved."""
    params = {"batch": batch.pk, "first": first, "last": last}
    # Writers wait while the file merges (readers do not), so what is read below stays true until the writes, and
    # the weekly rows the rollups add cannot meet one another writer has just added (always marks, then weeks).
    cursor.execute(f"LOCK TABLE {MARKS}, {WEEKS} IN SHARE ROW EXCLUSIVE MODE")
    # Every week that holds a mark has its rollup row (ADR 0001), so when no rollup row falls in the weeks the file
    # spans (one range scan of the week index says so), every row is a new mark and nothing needs probing: loading
    # a term nobody has marks for yet, or the first file of a week.
    # (The weeks as constants, so the check is a range probe of the week index rather than a scan of the table.)
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {WEEKS} WHERE week_start BETWEEN %s AND %s)",
                   [monday(first), monday(last)])
    overlap = cursor.fetchone()[0]
    if not overlap:
        # Every valid row is a new mark, and att_weeks already holds what the weekly counts gain.
        source, affected = f"(SELECT r.* FROM att_rows r WHERE {valid})", NEW_WEEKS
    else:
        # New marks (old_code null) and changed ones; unchanged marks drop out here and are never locked or
        # rewritten.
        cursor.execute(f"""
            CREATE TEMP TABLE att_merge ON COMMIT DROP AS
            SELECT r.child_id, r.date, r.session, r.code, r.field, r.school_id, e.code AS old_code,
                   ko.field AS old_field
            FROM att_rows r
            LEFT JOIN LATERAL (
                SELECT e.code, e.school_id FROM {MARKS} e
                WHERE e.child_id = r.child_id AND e.date = r.date
                  AND e.session = r.session
                  -- (the file's dates as constants, so only their months' partitions are planned for)
                  AND e.date BETWEEN %(first)s AND %(last)s
                LIMIT 1  -- (one at most; the limit also keeps this a probe per row rather than a join of tables)
            ) e ON true
            LEFT JOIN att_codes ko ON ko.txt = e.code
            WHERE {valid} AND (e.code IS NULL OR e.code <> r.code)
              -- D (attending the other school) yields to the other school's own mark.
              AND NOT (r.code = 'D' AND e.code IS NOT NULL AND e.school_id IS DISTINCT FROM r.school_id)
        """, params)
        source, affected = "att_merge", "att_affected"
    cursor.execute(f"""
        INSERT INTO {MARKS} (child_id, date, session, code, school_id, source, batch_id, recorded_at)
        SELECT child_id, date, session, code, school_id, 'import', %(batch)s, now()
        FROM {source} m {"WHERE old_code IS NULL" if overlap else ""}
        -- In key order, so a file sorted by day (a register per day) still fills the key index page by page.
        ORDER BY child_id, date, session
    """, params)
    result.inserted = cursor.rowcount
    if overlap:
        cursor.execute(f"""
            UPDATE {MARKS} m SET previous_code = x.old_code, code = x.code,
                school_id = coalesce(x.school_id, m.school_id), source = 'import', batch_id = %(batch)s,
                recorded_at = now()
            FROM att_merge x
            WHERE x.old_code IS NOT NULL AND m.child_id = x.child_id AND m.date = x.date AND m.session = x.session
        """, params)
        result.updated = cursor.rowcount
        if result.updated:
            cursor.execute("""
                INSERT INTO attendance_markchange (batch_id, child_id, date, session, old_code, new_code)
                SELECT %(batch)s, child_id, date, session, old_code, code FROM att_merge WHERE old_code IS NOT NULL
            """, params)
        delta = field_delta_sql("m.field", "m.old_field")
        cursor.execute(f"""
            CREATE TEMP TABLE att_affected ON COMMIT DROP AS
            SELECT m.child_id, {WEEK_START.format("m.date")} AS week_start,
                   {', '.join(f'{delta[name]} AS {name}' for name in COUNT_FIELDS)}
            FROM att_merge m GROUP BY 1, 2
        """)
        # A temp table has no statistics until analysed; without them the weekly update below would hash the
        # whole rollup table rather than probe its key for each week the file touched.
        cursor.execute("ANALYZE att_affected")
    return affected


# A field with a space or tab at either end, quoted or not.
_PADDED_FIELD = re.compile(rb'(?m)(?:^|,)"?[ \t]|[ \t]"?(?:,|\r?$)')


def _has_padded_field(chunk: bytes) -> bool:
    """True when some field of these whole lines has spaces around it (a file with no spaces at all is common)."""
    return (b" " in chunk or b"\t" in chunk) and _PADDED_FIELD.search(chunk) is not None


_BLANK_LINE = re.compile(rb"(?m)^[ \t]*(\r?)$")


def _blank_lines_as_empty_rows(fileobj, ncols: int, size: int = 1 << 20):
    """The rest of the file in chunks cut at line ends, each blank line turned into a row of empty fields: COPY
    would refuse a blank line, and keeping it as a row keeps line numbers right (empty rows are dropped later)."""
    filler = b"," * (ncols - 1) + rb"\1"  # keeps a CR, so CRLF files stay consistent
    carry = b""
    while True:
        block = fileobj.read(size)
        data = carry + block
        cut = len(data) if not block else data.rfind(b"\n") + 1
        chunk, carry = data[:cut], data[cut:]
        if chunk:
            if chunk.endswith(b"\n"):
                chunk = _BLANK_LINE.sub(filler, chunk[:-1]) + b"\n"
            else:
                chunk = _BLANK_LINE.sub(filler, chunk)
            yield chunk
        if not block:
            return


def _empty_row_sql(ncols: int) -> str:
    """True for a staged row whose every field is empty or spaces."""
    return " AND ".join(f"coalesce(trim(s.c{i}), '') = ''" for i in range(ncols))


def _word_copy_errors(cursor, columns, ncols: int, dups: int, validator: RowValidator,
                      result: ImportResult) -> None:
    """Fetch the raw values of the bad rows (few) and word their errors with the shared row rules."""
    names = list(columns)
    select = ", ".join(f"s.c{columns[n]}" for n in names)
    duplicates = "UNION ALL SELECT line_no, first_line FROM att_dups" if dups else ""
    cursor.execute(f"""
        SELECT s.line_no, e.first_line, {select}
        FROM (
            SELECT r.line_no, NULL::bigint AS first_line FROM att_rows r WHERE NOT r.ok
            {duplicates}
        ) e JOIN att_stage s USING (line_no)
        WHERE e.first_line IS NOT NULL OR NOT ({_empty_row_sql(ncols)})
        ORDER BY s.line_no LIMIT {MAX_REPORTED_ERRORS}
    """)
    rows = [(line, first, dict(zip(names, values, strict=True))) for line, first, *values in cursor.fetchall()]
    validator.load([raw for _, _, raw in rows])
    for line, first, raw in rows:
        if first is not None:
            message = f"Duplicate of line {first} (same child, date and session)"
        else:
            messages, _ = validator.check(raw)
            message = "; ".join(messages) or "The row could not be matched"
        result.errors.append((line, message))


# ---------------------------------------------------------------- benchmark


def write_benchmark_file(path: str, rows: int, *, seed: int = 7) -> int:
    """Write a realistic file of `rows` marks for existing children; returns rows written.

    Days run from the start of the current codes forwards, so against a demo roll seeded with recent years the
    file is mostly new marks (loading a historic term), with some overlap to update.
    """
    from roll.models import Child

    rng = random.Random(seed)
    today = timezone.localdate()
    days = school_days_in_range(EARLIEST_DATE, today)
    children = list(Child.objects.order_by("pk").values_list("la_child_id", "current_school__urn"))
    if not children or not days:
        raise ValueError("The benchmark needs children on the roll and school days in the calendar")
    weights = ["/"] * 90 + ["L"] * 2 + ["I"] * 3 + ["M", "N", "O", "C2", "B", "G"]
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("child_id,urn,date,session,code\n")
        per_child = max(rows // (2 * len(children)), 1) + 1
        for la_id, urn in children:
            for day in days[:per_child]:
                iso = day.isoformat()
                for session in ("AM", "PM"):
                    code = rng.choice(weights)
                    if code == "/" and session == "PM":
                        code = "\\"
                    fh.write(f"{la_id},{urn or ''},{iso},{session},{code}\n")
                    written += 1
                    if written >= rows:
                        return written
    return written


def _vacuum_after_rollback() -> None:
    """Clear what a rolled-back run left in the tables it wrote, so every run starts from the same state (outside a
    transaction only: VACUUM cannot run inside one)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {MARKS}, attendance_weeklyattendance, attendance_termattendance, "
                       "attendance_importbatch")


def benchmark_import(rows: int, runs: int = 3) -> dict:
    """Time this import of a generated file against a raw COPY of the same file into a bare table.

    The import runs `runs` times, each followed by a re-import of the same file (the idempotent path: nothing
    changes), and each rolled back so the data is unchanged; the median run is reported, with every run's time.
    """
    handle, path = tempfile.mkstemp(suffix=".csv")
    os.close(handle)
    try:
        written = write_benchmark_file(path, rows)
        size = os.path.getsize(path)
        out = {"rows": written, "file_bytes": size, "database": connection.vendor}
        if connection.vendor == "postgresql":
            _raise_temp_buffers()
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("DROP TABLE IF EXISTS bench_bare")
                    cursor.execute("CREATE TEMP TABLE bench_bare (child_id text, urn text, date text, "
                                   "session text, code text) ON COMMIT DROP")
                    started = time.perf_counter()
                    with open(path, "rb") as fh, cursor.cursor.copy(
                        "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copy:
                        while chunk := fh.read(1 << 20):
                            copy.write(chunk)
                    copy_seconds = time.perf_counter() - started
                transaction.set_rollback(True)
            out["raw_copy_seconds"] = round(copy_seconds, 3)
            out["raw_copy_rows_per_second"] = round(written / copy_seconds)
        trials = []
        for _ in range(max(runs, 1)):
            _raise_temp_buffers()
            with transaction.atomic():
                with open(path, "rb") as fh:
                    result = import_attendance(fh, filename="benchmark.csv")
                with open(path, "rb") as fh:
                    again = import_attendance(fh, filename="benchmark.csv")
                transaction.set_rollback(True)
            trials.append((result, again))
            _vacuum_after_rollback()
        trials.sort(key=lambda pair: pair[0].seconds)
        result, _ = trials[len(trials) // 2]
        again = sorted((a for _, a in trials), key=lambda r: r.seconds)[len(trials) // 2]
        out.update({
            "method": result.method,
            "runs": len(trials),
            "import_seconds": round(result.seconds, 3),
            "import_rows_per_second": round(written / result.seconds) if result.seconds else None,
            "import_seconds_each_run": [round(r.seconds, 3) for r, _ in trials],
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "error_rows": result.error_rows,
            "import_step_seconds": result.timings,
            "reimport_seconds": round(again.seconds, 3),
            "reimport_rows_per_second": round(written / again.seconds) if again.seconds else None,
            "reimport_changed": again.inserted + again.updated,
        })
        if "raw_copy_rows_per_second" in out and out["import_rows_per_second"]:
            out["import_vs_raw_copy"] = round(out["import_rows_per_second"] / out["raw_copy_rows_per_second"], 3)
        return out
    finally:
        os.unlink(path)
