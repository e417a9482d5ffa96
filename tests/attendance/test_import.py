import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from attendance.importers import import_attendance
from attendance.models import ImportBatch, MarkChange, SessionMark, WeeklyAttendance

pytestmark = pytest.mark.django_db


def run(text: str | bytes, **kw):
    data = text.encode() if isinstance(text, str) else text
    return import_attendance(io.BytesIO(data), filename="marks.csv", **kw)


def good_file(days, code="/"):
    lines = ["child_id,urn,date,session,code"]
    for d in days:
        lines.append(f"C000001,123456,{d.isoformat()},AM,{code}")
        lines.append(f"C000001,123456,{d.isoformat()},PM,{code if code != '/' else chr(92)}")
    return "\n".join(lines) + "\n"


def test_valid_file_imports_and_fills_rollups(child, week_days):
    result = run(good_file(week_days))
    assert result.ok and result.error_rows == 0
    assert result.inserted == 10
    assert SessionMark.objects.filter(child=child).count() == 10
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.possible, row.present) == (10, 10)


def test_second_run_changes_nothing(child, week_days):
    run(good_file(week_days))
    fields = ("child_id", "date", "session", "code", "previous_code", "batch_id", "recorded_at")
    before = list(SessionMark.objects.order_by("pk").values_list(*fields))
    again = run(good_file(week_days))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10)
    assert list(SessionMark.objects.order_by("pk").values_list(*fields)) == before
    assert not MarkChange.objects.exists()


def test_later_import_replaces_the_mark_and_audits_the_change(child, week_days):
    run(good_file(week_days))
    text = f"child_id,urn,date,session,code\nC000001,123456,{week_days[0].isoformat()},AM,I\n"
    result = run(text)
    assert result.updated == 1
    mark = SessionMark.objects.get(child=child, date=week_days[0], session="AM")
    assert mark.code == "I"
    change = MarkChange.objects.get()
    assert (change.old_code, change.new_code, change.batch_id) == ("/", "I", result.batch.pk)
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.present, row.authorised) == (9, 1)


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_every_bad_row_is_reported_with_its_line_and_good_rows_import(child, week_days, method):
    saturday = week_days[0] - timedelta(days=2)
    d = week_days[1].isoformat()
    text = "\n".join([
        "upn,urn,date,session,code",
        f"A123456789012,123456,{d},AM,/",            # 2 ok
        f"Z999999999999,123456,{d},PM,/",            # 3 unknown child
        f"A123456789012,123456,{saturday},AM,/",     # 4 not a school day
        f"A123456789012,123456,{d},PM,H",            # 5 retired code
        f"A123456789012,123456,{d},AM,/",            # 6 duplicate of line 2
        f"A123456789012,123456,{d},XX,/",            # 7 bad session
        "A123456789012,123456,31/02/2025,AM,/",     # 8 not a date
    ]) + "\n"
    result = run(text, method=method)
    errors = dict(result.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "No child with UPN" in errors[3]
    assert "not a school day" in errors[4]
    assert "H is retired" in errors[5]
    assert "Duplicate of line 2" in errors[6]
    assert "AM or PM" in errors[7]
    assert "not a date" in errors[8]
    assert result.inserted == 1
    assert SessionMark.objects.count() == 1


@pytest.mark.parametrize("data,message", [
    (b"child_id,date,session\nC000001,2025-01-06,AM\n", "missing the column"),
    (b"date,session,code\n2025-01-06,AM,/\n", "child_id or upn"),
    ("child_id,urn,date,session,code\nC000001,123456,2025-01-06,AM,/\n".encode("utf-16"), "UTF-8"),
])
def test_file_level_errors_commit_nothing(child, data, message):
    result = run(data)
    assert message in result.file_error
    assert not SessionMark.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_bad_utf8_after_the_header_commits_nothing(child, week_days):
    data = good_file(week_days).encode() + b"C000001,123456,2025-01-06,AM,\xff\xfe\n"
    result = run(data)
    assert "UTF-8" in result.file_error
    assert not SessionMark.objects.exists()


def test_dry_run_reports_and_changes_nothing(child, week_days):
    result = run(good_file(week_days), dry_run=True)
    assert result.inserted == 10
    assert not SessionMark.objects.exists()
    assert not WeeklyAttendance.objects.exists()


def test_command_reports_rows_and_is_idempotent(child, week_days, tmp_path, capsys):
    path = tmp_path / "marks.csv"
    path.write_text(good_file(week_days) + f"C999,123456,{week_days[0]},AM,/\n")
    call_command("import_attendance", str(path))
    out = capsys.readouterr().out
    assert "line 12: No child with ID C999" in out and "10 new marks" in out
    call_command("import_attendance", str(path))
    assert "0 new marks, 0 changed, 10 unchanged" in capsys.readouterr().out


def test_command_exits_1_on_a_file_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("nothing,useful\n1,2\n")
    with pytest.raises(SystemExit) as exc:
        call_command("import_attendance", str(path))
    assert exc.value.code == 1




def test_an_import_that_changes_marks_rescans_attendance_drift(child, term_week_days,
                                                               django_capture_on_commit_callbacks):
    from vschool.alerts.models import Alert

    lines = ["child_id,urn,date,session,code"] + [
        f"C000001,123456,{d.isoformat()},{s},N" for d in term_week_days for s in ("AM", "PM")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run("\n".join(lines) + "\n")
    assert Alert.objects.filter(rule_code="attendance.severe_absence", child=child, resolved_at__isnull=True).exists()


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_real_world_file_quirks(child, week_days, method):
    d = week_days[0]
    text = (
        "\ufeffUPN,Child ID,URN,Date,Session,Code,Comment\r\n"
        f"A123456789012,,123456,{d:%d/%m/%Y},am,/,\"first, with comma\"\r\n"
        f"A123456789012,,123456,{d.isoformat()},PM,i,\r\n"
        "\r\n"
        f"A123456789012,,123456,{week_days[1].isoformat()},AM,c1,\r\n"
        f"A123456789012,,123456,{week_days[1].isoformat()},PM,H,\r\n"
        "\r\n"
    )
    result = run(text.encode("utf-8"), method=method)
    assert result.ok, result.file_error
    assert result.errors == [(6, "Code H is retired: Holiday authorised by the school (withdrawn August 2024)")]
    assert result.inserted == 3
    assert sorted(SessionMark.objects.values_list("session", "code")) == [("AM", "/"), ("AM", "C1"), ("PM", "I")]


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_spaces_around_values_are_ignored_even_far_into_the_file(child, week_days, method):
    # Over a megabyte of clean lines first, so the padded line is read well after the start of the file.
    note = "x" * 120_000
    clean = [f"C000001,123456,{day.isoformat()},{session},/,{note}" for day in week_days[1:] for session in ("AM", "PM")]
    text = "\n".join(["child_id,urn,date,session,code,note", *clean,
                      f' C000001 , 123456 ,"{week_days[0].isoformat()} ", am , n ,']) + "\n"
    result = run(text, method=method)
    assert result.ok and not result.errors, result.errors
    assert result.inserted == len(clean) + 1
    assert SessionMark.objects.get(child=child, date=week_days[0], session="AM").code == "N"


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_dual_registration_d_yields_to_the_other_schools_mark(child, week_days, method):
    from tests.roll.factories import SchoolFactory

    SchoolFactory(urn="654321")
    d = week_days[0].isoformat()
    run(f"child_id,urn,date,session,code\nC000001,654321,{d},AM,/\n", method=method)
    result = run(f"child_id,urn,date,session,code\nC000001,123456,{d},AM,D\n", method=method)
    assert result.updated == 0
    assert SessionMark.objects.get(child=child, date=week_days[0], session="AM").code == "/"


def _weekly_counts(child):
    return {(w.week_start, w.possible, w.present, w.approved, w.authorised, w.unauthorised, w.not_possible)
            for w in WeeklyAttendance.objects.filter(child=child)}


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_rollups_stay_exact_when_one_import_inserts_and_changes_marks(child, week_days, method):
    from attendance.rollups import rollups_recompute

    run(good_file(week_days[:3]), method=method)
    monday_, tuesday, wednesday = (d.isoformat() for d in week_days[:3])
    text = "\n".join([
        "child_id,urn,date,session,code",
        f"C000001,123456,{monday_},AM,N",        # present to unauthorised
        f"C000001,123456,{tuesday},PM,I",        # present to authorised
        f"C000001,123456,{wednesday},AM,Y1",     # present to not possible
        f"C000001,123456,{wednesday},PM,\\",     # unchanged
        f"C000001,123456,{week_days[3].isoformat()},AM,B",   # new: approved activity
        f"C000001,123456,{week_days[3].isoformat()},PM,B",   # new
        f"C000001,123456,{week_days[4].isoformat()},AM,/",   # new
        f"C000001,123456,{week_days[4].isoformat()},AM,N",   # duplicate of the line before: reported, not counted
    ]) + "\n"
    result = run(text, method=method)
    assert (result.inserted, result.updated, result.unchanged, result.error_rows) == (3, 3, 1, 1)
    assert MarkChange.objects.count() == 3
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.possible, row.present, row.approved, row.authorised, row.unauthorised, row.not_possible) == (
        8, 4, 2, 1, 1, 1)
    imported = _weekly_counts(child)
    rollups_recompute([(child.pk, week_days[0])])
    assert _weekly_counts(child) == imported


def test_rollups_stay_exact_when_an_import_adds_to_a_week_entered_by_hand(child, week_days, dt_of_school):
    from attendance.services import marks_record_week

    marks_record_week(actor=dt_of_school, child=child, marks={(week_days[0], "AM"): "/", (week_days[0], "PM"): "N"})
    result = run(f"child_id,urn,date,session,code\nC000001,123456,{week_days[1].isoformat()},AM,I\n")
    assert result.inserted == 1
    row = WeeklyAttendance.objects.get(child=child)
    assert (row.possible, row.present, row.authorised, row.unauthorised) == (3, 1, 1, 1)


@pytest.mark.parametrize("method", ["auto", "portable"])
def test_a_school_with_its_own_calendar_is_checked_against_it(child, week_days, method):
    """A closure day in an out-of-area school's own calendar is not a school day there, though it is for the
    authority's schools."""
    from tests.roll.factories import ChildFactory, SchoolFactory
    from vschool.calendar.models import Closure, SchoolCalendar

    away = SchoolFactory(urn="654321")
    ChildFactory(la_child_id="C000002", current_school=away)
    calendar = SchoolCalendar.objects.create(name="Out-of-area authority")
    calendar.schools.add(away)
    closed = week_days[2]
    Closure.objects.create(calendar=calendar, date=closed, reason=Closure.Reason.INSET)
    text = (
        "child_id,urn,date,session,code\n"
        f"C000001,123456,{closed.isoformat()},AM,/\n"
        f"C000002,654321,{closed.isoformat()},AM,/\n"
        f"C000002,654321,{week_days[1].isoformat()},AM,/\n"
    )
    result = run(text, method=method)
    assert result.ok, result.file_error
    assert result.errors == [(3, f"{closed:%A %-d %B %Y} is not a school day at that school")]
    assert result.inserted == 2



def test_an_import_keeps_other_writers_out_of_the_marks_and_the_weeks_until_it_commits(child, week_days):
    """The merge reads the marks and then inserts weekly rows without ON CONFLICT: both are only safe while no
    other transaction can write marks or weekly rows, so both tables stay locked against writers (not readers)."""
    from django.db import connection, transaction

    from tests.conftest import require_or_skip

    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL) for the COPY import")
    with transaction.atomic():
        assert run(good_file(week_days)).inserted == 10
        with connection.cursor() as cursor:
            cursor.execute("SELECT relation::regclass::text FROM pg_locks WHERE pid = pg_backend_pid() "
                           "AND mode = 'ShareRowExclusiveLock'")
            locked = {name for (name,) in cursor.fetchall()}
    assert {SessionMark._meta.db_table, WeeklyAttendance._meta.db_table} <= locked
