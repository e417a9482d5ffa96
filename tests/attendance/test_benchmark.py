"""The import benchmark leaves the database as it found it (the numbers themselves come from the command)."""

from attendance.models import ImportBatch, SessionMark
from attendance.services import benchmark_import


def test_benchmark_measures_both_runs_and_changes_nothing(child, week_days):
    out = benchmark_import(50)
    assert out["rows"] == 50
    assert out["inserted"] == 50 and out["reimport_changed"] == 0
    assert out["import_rows_per_second"] > 0
    assert not SessionMark.objects.exists()
    assert not ImportBatch.objects.exists()
