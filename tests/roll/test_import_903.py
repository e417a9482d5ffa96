import io
import time
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from roll.importers import import_903
from roll.models import Child, LegalStatus, Placement, School
from tests.conftest import SHARED_DATA, require_or_skip

pytestmark = pytest.mark.django_db
DATA = SHARED_DATA / "ssda903"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _files(header_rows, episode_rows, *, header=HEADER, episodes=EPISODES, bom=False, crlf=False):
    def make(head, rows, name):
        text = head + "".join(r + "\n" for r in rows)
        if crlf:
            text = text.replace("\n", "\r\n")
        data = ("\ufeff" if bom else "") + text
        f = io.BytesIO(data.encode("utf-8"))
        f.name = name
        return f

    return make(header, header_rows, "header.csv"), make(episodes, episode_rows, "episodes.csv")


def _state():
    return (Child.objects.count(), LegalStatus.objects.count(), Placement.objects.count(), LogEntry.objects.count())


def test_builds_history_merges_episodes_and_decides_the_roll():
    h, e = _files(
        ["007,1,01/02/2012,WBRI,B801200005001,,", "008,2,2013-05-06,WBRI,UN2,,"],
        [
            "007,01/04/2022,S,V2,N1,U4,PR1,01/06/2022,X1,,ZZ1 1AA,ZZ2 2BB,1234567",
            "007,01/06/2022,L,C2,N1,U4,PR1,01/09/2022,X1,CARPL,ZZ1 1AA,ZZ2 2BB,1234567",
            "007,01/09/2022,P,C2,N1,K2,PR4,,X1,,ZZ1 1AA,YY3 3CC,7654321",
            "008,2022-01-10,S,C1,N2,U6,PR1,2023-03-01,E45,,ZZ1 1AA,ZZ1 9ZZ,",
        ],
        bom=True, crlf=True,
    )
    result = import_903(h, e)
    assert result.ok and not result.errors, result.errors
    child = Child.objects.get(la_child_id="007")
    assert child.legal_first_name == "Unknown" and child.legal_last_name == "(child 007)" and child.needs_completion
    assert child.upn_valid and child.sex == "M" and child.cohort == "cla" and child.on_roll_until is None
    assert child.on_roll_from == date(2022, 4, 1)
    assert child.current_legal_status == "C2" and child.placement_in_area is False
    placements = list(child.placements.order_by("start"))
    assert [(p.place_code, p.start, p.end) for p in placements] == [
        ("U4", date(2022, 4, 1), date(2022, 9, 1)), ("K2", date(2022, 9, 1), None)]
    assert placements[0].in_area is True and placements[0].postcode_district == "ZZ2"
    assert placements[1].ofsted_urn == "7654321" and not School.objects.exists()  # never joined to schools
    assert [ls.code for ls in child.legal_statuses.order_by("start")] == ["V2", "C2"]
    plac = Child.objects.get(la_child_id="008")
    assert plac.cohort == "plac" and plac.on_roll_until == date(2023, 3, 1) and plac.upn == ""


def test_bad_rows_are_reported_and_valid_rows_import():
    h, e = _files(
        ["1,1,01/02/2012,WBRI,,,", "1,2,01/02/2013,WBRI,,,", "2,2,31/02/2012,WBRI,,,", "3,1,01/01/2014,WBRI,,,"],
        [
            "1,01/04/2022,S,C2,N1,U4,PR1,,,,,,",
            "3,99/99/2022,S,C2,N1,U4,PR1,,,,,,",
            "3,01/05/2022,S,C2,N1,U4,PR1,01/04/2022,X1,,,,",
            "3,01/06/2022,S,QQ,N1,U4,PR1,,,,,,",
            "3,01/06/2022,*DUMMY*,C2,N1,U4,PR1,,,,,,",
            "3,01/06/2022,S,,N1,U4,PR1,,,,,,",
            "9,01/06/2022,S,C2,N1,U4,PR1,,,,,,",
        ],
    )
    result = import_903(h, e)
    reasons = {(err.file, err.line): err.reason for err in result.errors}
    assert "duplicate header row" in reasons[("header.csv", 3)]
    assert "unparseable date of birth" in reasons[("header.csv", 4)]
    assert "unparseable DECOM" in reasons[("episodes.csv", 3)]
    assert "before it starts" in reasons[("episodes.csv", 4)]
    assert "unknown RNE" in reasons[("episodes.csv", 6)]
    assert "blank LS" in reasons[("episodes.csv", 7)]
    assert "not in the header file" in reasons[("episodes.csv", 8)]
    assert any("unknown LS code 'QQ'" in w.reason and w.line == 5 for w in result.warnings)
    assert Child.objects.get(la_child_id="1").date_of_birth == date(2012, 2, 1)  # first header row kept
    qq = LegalStatus.objects.get(child__la_child_id="3")
    assert qq.code == "QQ" and not qq.code_known  # stored raw and flagged
    assert not Child.objects.filter(la_child_id__in=["2", "9"]).exists()


def test_wrong_columns_import_nothing_and_exit_1(tmp_path):
    header = tmp_path / "h.csv"
    episodes = tmp_path / "e.csv"
    header.write_text("CHILD,SEX,DOB\n1,1,01/01/2012\n")
    episodes.write_text(EPISODES + "1,01/04/2022,S,C2,N1,U4,PR1,,,,,,\n")
    result = import_903(str(header), str(episodes))
    assert result.file_errors and "ETHNIC" in result.file_errors[0]
    with pytest.raises(CommandError):
        call_command("import_903", str(header), str(episodes))
    assert not Child.objects.exists()


def test_dry_run_saves_nothing():
    h, e = _files(["1,1,01/02/2012,WBRI,,,"], ["1,01/04/2022,S,C2,N1,U4,PR1,,,,,,"])
    result = import_903(h, e, dry_run=True)
    assert result.counts["children added"] == 1
    assert not Child.objects.exists()


def test_missing_child_is_never_deleted_and_episodes_are_replaced():
    h, e = _files(["1,1,01/02/2012,WBRI,,,", "2,1,01/02/2012,WBRI,,,"],
                  ["1,01/04/2022,S,C2,N1,U4,PR1,,,,,,", "2,01/04/2022,S,C2,N1,U4,PR1,,,,,,"])
    import_903(h, e)
    h, e = _files(["1,1,01/02/2012,WBRI,,,"],
                  ["1,01/04/2022,S,C2,N1,U4,PR1,01/05/2022,X1,,,,", "1,01/05/2022,P,C2,N1,U6,PR1,,,,,,"])
    import_903(h, e)
    assert Child.objects.filter(la_child_id="2").exists()
    assert Placement.objects.filter(child__la_child_id="1").count() == 2


def _shared(path):
    require_or_skip(path.exists(), f"shared 903 test data not found at {path}")
    return path


def test_validator_fake_imports_all_children_and_twice_changes_nothing(capsys):
    folder = _shared(DATA / "validator-fake")
    started = time.monotonic()
    result = import_903(folder / "header.csv", folder / "episodes.csv")
    seconds = time.monotonic() - started
    assert result.ok
    assert Child.objects.count() == 2675
    assert not Child.objects.filter(upn="", upn_valid=True).exists()
    before = _state()
    again = import_903(folder / "header.csv", folder / "episodes.csv")
    assert _state() == before
    assert again.counts["children unchanged"] == 2675
    assert again.counts["legal statuses written"] == 0 and again.counts["placements written"] == 0
    with capsys.disabled():
        print(f"\n903 validator-fake import: {seconds:.1f}s first run, {again.seconds:.1f}s second run")


def test_demand_model_years_update_not_duplicate():
    folder = _shared(DATA / "demand-model")
    ids = set()
    for year in ("2017", "2018", "2019", "2020", "2021"):
        result = import_903(folder / year / "header.csv", folder / year / "episodes.csv")
        assert result.ok
        ids |= {line.split(",")[0] for line in (folder / year / "header.csv").read_text().splitlines()[1:] if line}
    assert Child.objects.count() == len(ids)
    before = _state()
    import_903(folder / "2021" / "header.csv", folder / "2021" / "episodes.csv")
    assert _state() == before


def test_liia_dirty_pair_reports_its_problems():
    folder = _shared(DATA / "liia" / "annex_a_pipeline")
    result = import_903(folder / "SSDA903_2020_header.csv", folder / "SSDA903_2020_episodes.csv")
    assert result.ok  # the extra column is tolerated
    reasons = " | ".join(str(e) for e in result.errors)
    assert "duplicate header row" in reasons
    assert "blank LS" in reasons
    assert "unknown RNE code '*DUMMY*'" in reasons
    assert Child.objects.filter(la_child_id__in=["689661", "249901"]).count() == 2


def test_upload_page_previews_then_imports(client, caseworker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(caseworker)
    h, e = _files(["1,1,01/02/2012,WBRI,,,"], ["1,01/04/2022,S,C2,N1,U4,PR1,,,,,,", "1,bad,S,C2,N1,U4,PR1,,,,,,"])
    response = client.post(reverse("roll:import_903"), {"header": h, "episodes": e})
    body = response.content.decode()
    assert response.status_code == 200 and "Check before importing" in body and "unparseable DECOM" in body
    assert not Child.objects.exists()
    token = response.context["token"]
    response = client.post(reverse("roll:import_903"), {"confirm": "1", "token": token})
    assert "Import finished" in response.content.decode()
    assert Child.objects.count() == 1
    assert not list(tmp_path.rglob("*.csv"))  # uploaded files removed after import


def test_upload_page_is_for_vs_staff_only(client, dt):
    client.force_login(dt)
    assert client.get(reverse("roll:import_903")).status_code == 404
