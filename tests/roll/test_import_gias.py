import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roll.importers import GIAS_COLUMNS, gias_phase, import_gias
from roll.models import School
from tests.conftest import SHARED_DATA, require_or_skip

pytestmark = pytest.mark.django_db
GIAS = SHARED_DATA / "gias"

# The real download has ~135 columns in its own order; ours are shuffled among extras to prove mapping by name.
EXTRA = ["LA (code)", "OpenDate", "URN", "Boarders (name)", "EstablishmentName", "TypeOfEstablishment (code)",
         "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)", "EstablishmentStatus (name)",
         "PhaseOfEducation (name)", "LA (name)", "EstablishmentNumber", "Street", "Locality", "Town", "Postcode",
         "SchoolCapacity"]


def _row(urn, name, type_name="Academy converter", group="Academies", phase="Secondary", la="999",
         status="Open", **extra):
    values = {"URN": urn, "EstablishmentName": name, "TypeOfEstablishment (name)": type_name,
              "EstablishmentTypeGroup (name)": group, "PhaseOfEducation (name)": phase, "LA (code)": la,
              "LA (name)": "Demo County" if la == "999" else "Elsewhere", "EstablishmentNumber": "4001",
              "EstablishmentStatus (name)": status, "Street": "1 High Street", "Town": "Sometown",
              "Postcode": "ZZ1 1ZZ", "OpenDate": "01-09-2012", "Boarders (name)": "No boarders",
              "TypeOfEstablishment (code)": "28", "Locality": "", "SchoolCapacity": "900"}
    values.update(extra)
    return values


def _write(path, rows, columns=EXTRA):
    """Windows-1252, CRLF, every non-numeric value double-quoted: the register's own format."""
    with open(path, "w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([int(row[c]) if row.get(c, "").isdigit() and c in ("URN", "SchoolCapacity")
                             else row.get(c, "") for c in columns])
    return path


def test_imports_by_header_name_with_cp1252_and_is_idempotent(tmp_path):
    path = _write(tmp_path / "edubasealldata20250101.csv", [
        _row("100001", "St Mary’s Church of England Primary School", "Voluntary aided school",
             "Local authority maintained schools", "Primary"),
        _row("100002", "Oakfield Academy, Upper", status="Open, but proposed to close"),
        _row("100003", "Brook Pupil Referral Unit", "Pupil referral unit", "Local authority maintained schools",
             "Not applicable", la="888"),
        _row("100004", "Hillside School", "Community special school", "Special schools", "Not applicable"),
        _row("100005", "Town College", "Further education", "Colleges", "16 plus", status="Proposed to open"),
        _row("100006", "Little Acorns Nursery School", "Local authority nursery school",
             "Local authority maintained schools", "Nursery"),
        _row("ABC", "No Number School"),
        _row("100007", "Strange Status School", status="Mothballed"),
    ])
    result = import_gias(str(path))
    assert result.ok
    assert {e.line for e in result.errors} == {8, 9}
    mary = School.objects.get(urn="100001")
    assert mary.name == "St Mary’s Church of England Primary School"
    assert mary.phase == School.Phase.PRIMARY and mary.in_authority_area and mary.status == School.Status.OPEN
    assert School.objects.get(urn="100002").status == School.Status.OPEN_PROPOSED_TO_CLOSE
    assert School.objects.get(urn="100002").name == "Oakfield Academy, Upper"
    pru = School.objects.get(urn="100003")
    assert pru.phase == School.Phase.AP and not pru.in_authority_area
    assert School.objects.get(urn="100004").phase == School.Phase.SPECIAL
    college = School.objects.get(urn="100005")
    assert college.phase == School.Phase.POST16 and college.status == School.Status.PROPOSED_TO_OPEN
    assert School.objects.get(urn="100006").phase == School.Phase.NURSERY
    stamps = dict(School.objects.values_list("urn", "modified_at"))
    again = import_gias(str(path))
    assert again.counts["schools unchanged"] == 6 and again.counts["schools added"] == 0
    assert dict(School.objects.values_list("urn", "modified_at")) == stamps


def test_missing_columns_import_nothing_and_exit_1(tmp_path):
    columns = [c for c in EXTRA if c != "PhaseOfEducation (name)"]
    path = _write(tmp_path / "bad.csv", [_row("100001", "A School")], columns=columns)
    result = import_gias(str(path))
    assert result.file_errors and "PhaseOfEducation (name)" in result.file_errors[0]
    with pytest.raises(CommandError):
        call_command("import_gias", str(path))
    assert not School.objects.exists()


def test_dry_run_saves_nothing(tmp_path):
    path = _write(tmp_path / "e.csv", [_row("100001", "A School")])
    call_command("import_gias", str(path), "--dry-run")
    assert not School.objects.exists()


def test_every_register_type_maps_to_a_sensible_phase():
    path = GIAS / "edubasealldata20250109-establishment-types.csv"
    require_or_skip(path.exists(), f"register establishment types not found at {path}")
    with open(path, encoding="cp1252", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        group, type_name = row["establishment-type-group-name"], row["type-of-establishment-name"]
        phase = gias_phase(type_name, group, "Not applicable")
        if "alternative provision" in type_name.lower() or type_name == "Pupil referral unit":
            assert phase == School.Phase.AP, type_name
        elif group == "Special schools":
            assert phase == School.Phase.SPECIAL, type_name
        elif group == "Colleges" or "16" in type_name and "special" not in type_name.lower():
            assert phase == School.Phase.POST16, type_name
        elif type_name == "Local authority nursery school":
            assert phase == School.Phase.NURSERY


def test_links_file_sets_predecessors_where_both_schools_exist(tmp_path):
    links = GIAS / "links_edubasealldata20250422.csv"
    require_or_skip(links.exists(), f"register links file not found at {links}")
    with open(links, encoding="cp1252", newline="") as fh:
        preds = {}
        for r in csv.DictReader(fh):
            if r["LinkType"] == "Predecessor":
                preds.setdefault(r["URN"], set()).add(r["LinkURN"])
            if len(preds) == 6:
                break
    rows, seen = [], set()
    for urn, links_of in preds.items():
        for urn_, name in [(urn, f"Successor {urn}")] + [(u, f"Predecessor {u}") for u in sorted(links_of)]:
            if urn_ not in seen:
                seen.add(urn_)
                rows.append(_row(urn_, name))
    rows.append(_row("999999", "Lonely School"))
    path = _write(tmp_path / "e.csv", rows)
    result = import_gias(str(path), links=str(links))
    assert result.ok and not result.errors
    for urn, links_of in preds.items():
        assert School.objects.get(urn=urn).predecessor.urn in links_of
    assert School.objects.get(urn="999999").predecessor is None
    again = import_gias(str(path), links=str(links))
    assert again.counts["predecessor links set"] == 0


def test_required_columns_are_the_contract():
    assert "EstablishmentStatus (name)" in GIAS_COLUMNS and "LA (code)" in GIAS_COLUMNS
