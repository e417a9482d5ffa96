from datetime import date

import pytest

from roll.services import (
    dob_range_for_year_group,
    key_stage,
    phase_for_year,
    upn_is_temporary,
    upn_is_valid,
    upn_with_check_letter,
    year_group,
    year_group_label,
)

ON = date(2024, 10, 1)  # autumn term of 2024/25


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2019, 8, 31), 1),  # born 31 Aug 2019: Y1 in 2024/25
        (date(2019, 9, 1), 0),  # born a day later: Reception
        (date(2020, 8, 31), 0),
        (date(2020, 9, 1), -1),  # Nursery
        (date(2013, 8, 31), 7),
        (date(2013, 9, 1), 6),
        (date(2008, 9, 1), 11),
        (date(2006, 9, 1), 13),
    ],
)
def test_year_group_splits_on_31_august(dob, expected):
    assert year_group(dob, ON) == expected


def test_year_group_changes_on_1_september_not_1_january():
    dob = date(2015, 3, 3)
    assert year_group(dob, date(2024, 8, 31)) == 4
    assert year_group(dob, date(2024, 9, 1)) == 5
    assert year_group(dob, date(2025, 1, 1)) == 5


def test_every_year_from_nursery_to_y13():
    for year in range(-1, 14):
        first, last = dob_range_for_year_group(year, ON)
        assert year_group(first, ON) == year
        assert year_group(last, ON) == year
        assert year_group(first.replace(day=1) if first.day != 1 else date(first.year, 8, 31), ON) in (year, year + 1)


@pytest.mark.parametrize(
    ("year", "stage", "phase"),
    [(-1, "EYFS", "early_years"), (0, "EYFS", "statutory"), (1, "KS1", "statutory"), (2, "KS1", "statutory"),
     (3, "KS2", "statutory"), (6, "KS2", "statutory"), (7, "KS3", "statutory"), (9, "KS3", "statutory"),
     (10, "KS4", "statutory"), (11, "KS4", "statutory"), (12, "KS5", "post16"), (13, "KS5", "post16")],
)
def test_key_stage_and_phase(year, stage, phase):
    assert key_stage(year) == stage
    assert phase_for_year(year) == phase


def test_year_group_labels():
    assert year_group_label(-1) == "Nursery"
    assert year_group_label(0) == "Reception"
    assert year_group_label(9) == "Year 9"


@pytest.mark.parametrize("upn", ["B801200005001", "b801200005001", upn_with_check_letter("93012345678A")])
def test_valid_upns(upn):
    assert upn_is_valid(upn)


@pytest.mark.parametrize(
    "upn",
    ["", None, "C801200005001", "B80120000500", "B8012000050012", "I801200005001", "B80120000500I", "B8012X0005001"],
)
def test_invalid_upns(upn):
    assert not upn_is_valid(upn)


def test_temporary_upn_ends_in_a_letter_and_has_a_check_letter():
    upn = upn_with_check_letter("93012345678A")
    assert upn_is_temporary(upn)
    assert upn_is_valid(upn)
    wrong = ("A" if upn[0] != "A" else "B") + upn[1:]
    assert not upn_is_valid(wrong)
