"""The import benchmark leaves the database as it found it (the numbers themselves come from the command)."""

from attendance.importers import benchmark_import
from attendance.models import ImportBatch, SessionMark


def test_benchmark_measures_both_runs_and_changes_nothing(child, week_days):
    out = benchmark_import(50, runs=2)
    assert out["rows"] == 50
    assert out["runs"] == 2 and len(out["import_seconds_each_run"]) == 2
    assert out["inserted"] == 50 and out["reimport_changed"] == 0
    assert out["import_rows_per_second"] > 0
    assert not SessionMark.objects.exists()
    assert not ImportBatch.objects.exists()
