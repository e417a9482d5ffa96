"""Writes for the roll, and the pure rules about a child's school year and UPN.

`year_group` is a stable contract: other apps (PEPs, attendance) import it.
"""

from datetime import date

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # UPN check letters: A=0 ... Z=22 (no I, O or S)


# ---------------------------------------------------------------------------
# Pure rules: school year, key stage, phase, UPN
# ---------------------------------------------------------------------------

def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year containing `on` began (it starts on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def year_group(dob: date, on: date) -> int:
    """National curriculum year on `on` for a child born on `dob`: Reception 0, Nursery -1, Y1 1 ... Y13 13.

    Cohorts split on 31 August / 1 September: a child born on 31 August 2019 is in Y1 in 2024/25,
    one born on 1 September 2019 is in Reception.
    """
    cohort = dob.year if dob.month >= 9 else dob.year - 1
    return academic_year_start(on) - cohort - 5


def dob_range_for_year_group(year: int, on: date) -> tuple[date, date]:
    """The first and last dates of birth of children in national curriculum year `year` on `on` (inclusive).

    Used to filter by year group in the database.
    """
    cohort = academic_year_start(on) - year - 5
    return date(cohort, 9, 1), date(cohort + 1, 8, 31)


def year_group_label(year: int | None) -> str:
    if year is None:
        return ""
    if year == 0:
        return "Reception"
    if year == -1:
        return "Nursery"
    if year < -1:
        return "Pre-school"
    if year > 13:
        return "Post-school"
    return f"Year {year}"


KEY_STAGES = [
    ("EYFS", "Early years foundation stage", -3, 0),
    ("KS1", "Key stage 1", 1, 2),
    ("KS2", "Key stage 2", 3, 6),
    ("KS3", "Key stage 3", 7, 9),
    ("KS4", "Key stage 4", 10, 11),
    ("KS5", "Key stage 5", 12, 13),
]


def key_stage(year: int) -> str:
    """Key stage code for a year group: EYFS (to the end of Reception), KS1 … KS5; "" outside school years."""
    for code, _label, low, high in KEY_STAGES:
        if low <= year <= high:
            return code
    return ""


def key_stage_years(code: str) -> tuple[int, int] | None:
    for ks, _label, low, high in KEY_STAGES:
        if ks == code:
            return low, high
    return None


PHASES = [
    ("early_years", "Early years"),
    ("statutory", "Statutory school age"),
    ("post16", "Post-16"),
]


def phase_for_year(year: int) -> str:
    """The child's phase: "early_years" before Reception, "statutory" Reception–Y11, "post16" from Y12."""
    if year < 0:
        return "early_years"
    if year <= 11:
        return "statutory"
    return "post16"


def phase_years(phase: str) -> tuple[int | None, int | None]:
    """Inclusive year-group bounds for a phase (None means unbounded)."""
    return {"early_years": (None, -1), "statutory": (0, 11), "post16": (12, None)}[phase]


def _upn_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    return ALPHABET.index(ch)


def upn_is_valid(upn: str | None) -> bool:
    """True when `upn` is a well-formed 13-character UPN whose check letter is right.

    Layout: check letter, LA (3 digits), establishment (4), year issued (2), serial (3). A temporary UPN ends in a
    letter instead of the last digit. The letters I, O and S are never used.
    """
    if not upn:
        return False
    upn = upn.strip().upper()
    if len(upn) != 13 or upn[0] not in ALPHABET:
        return False
    body, last = upn[1:12], upn[12]
    if not body.isdigit() or not (last.isdigit() or last in ALPHABET):
        return False
    total = sum(w * _upn_value(c) for w, c in zip(range(2, 14), upn[1:13], strict=True))
    return upn[0] == ALPHABET[total % 23]


def upn_is_temporary(upn: str | None) -> bool:
    return bool(upn) and len(upn.strip()) == 13 and upn.strip()[-1].isalpha()


def upn_with_check_letter(body12: str) -> str:
    """Prefix twelve characters with their check letter (used to make valid demo and test UPNs)."""
    total = sum(w * _upn_value(c) for w, c in zip(range(2, 14), body12.upper(), strict=True))
    return ALPHABET[total % 23] + body12.upper()
