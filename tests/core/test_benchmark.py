"""The benchmark command prints one JSON report with every operation, each measured or explicitly skipped."""

import importlib.util
import io
import json

from django.core.management import call_command

OPERATIONS = {"roll_list", "roll_list_filters", "child_detail", "dashboard", "pep_pdf", "drift_scan", "attendance_import"}


def test_benchmark_reports_every_operation_as_json(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("benchmark", children=30, repeat=2, import_rows=300, stdout=out, stderr=err)
    report = json.loads(out.getvalue())  # ONE JSON document on stdout; progress went to stderr
    assert {"database", "children", "session_marks", "repetitions", "operations"} <= report.keys()
    if importlib.util.find_spec("roll.demo"):
        assert report["children"] >= 30
    assert set(report["operations"]) == OPERATIONS
    for name, result in report["operations"].items():
        assert "error" not in result, f"{name}: {result['error']}"
        if "skipped" not in result:
            assert {"median_ms", "p95_ms", "queries"} <= result.keys() or "rows_per_s" in result, name
    roll_list = report["operations"]["roll_list"]
    assert roll_list["queries"] > 0 and roll_list["median_ms"] > 0
    assert {"admin_changelist", "sql"} <= roll_list["baselines"].keys()
    assert roll_list["baselines"]["sql"]["queries"] == 1
    assert report["operations"]["dashboard"]["queries"] > 0
    filtered = report["operations"]["roll_list_filters"]
    pages = filtered["pages"]
    assert {"school_name", "sort_attendance", "attendance_below_target", "combined"} <= pages.keys()
    assert filtered["median_ms"] == max(p["median_ms"] for p in pages.values())

    # Page timings ran in a rolled-back transaction: no temporary admin, no access-log rows.
    from vschool.accounts.models import User
    from vschool.audit.models import AccessLog

    assert not User.objects.filter(username="benchmark-admin").exists()
    assert not AccessLog.objects.exists()
