"""Attendance codes in force from 19 August 2024 (the national school attendance regulations), and their categories.

`classify(code)` is the one place a code becomes a category. Categories:

- present: counted as present
- approved_activity: off-site approved educational activity, counted as attending
- authorised / unauthorised: absences
- not_possible: not counted in possible sessions at all
"""

from dataclasses import dataclass

PRESENT = "present"
APPROVED_ACTIVITY = "approved_activity"
AUTHORISED = "authorised"
UNAUTHORISED = "unauthorised"
NOT_POSSIBLE = "not_possible"

CATEGORIES = (PRESENT, APPROVED_ACTIVITY, AUTHORISED, UNAUTHORISED, NOT_POSSIBLE)
CATEGORY_LABELS = {
    PRESENT: "Present",
    APPROVED_ACTIVITY: "Approved educational activity",
    AUTHORISED: "Authorised absence",
    UNAUTHORISED: "Unauthorised absence",
    NOT_POSSIBLE: "Not a possible session",
}


@dataclass(frozen=True)
class Code:
    code: str
    category: str
    meaning: str


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        Code("/", PRESENT, "Present (morning)"),
        Code("\\", PRESENT, "Present (afternoon)"),
        Code("L", PRESENT, "Late, arrived before the register closed"),
        Code("K", APPROVED_ACTIVITY, "Attending education arranged by the local authority"),
        Code("V", APPROVED_ACTIVITY, "Attending an educational visit or trip"),
        Code("P", APPROVED_ACTIVITY, "Participating in an approved sporting activity"),
        Code("W", APPROVED_ACTIVITY, "Attending work experience"),
        Code("B", APPROVED_ACTIVITY, "Attending any other approved supervised educational activity off site"),
        Code("C", AUTHORISED, "Leave of absence for exceptional circumstances"),
        Code("C1", AUTHORISED, "Leave for a regulated performance or regulated employment abroad"),
        Code("C2", AUTHORISED, "Leave for a part-time timetable"),
        Code("E", AUTHORISED, "Suspended or permanently excluded, no alternative provision made"),
        Code("I", AUTHORISED, "Illness (not medical or dental appointment)"),
        Code("M", AUTHORISED, "Medical or dental appointment"),
        Code("J1", AUTHORISED, "Leave to attend an interview"),
        Code("R", AUTHORISED, "Religious observance"),
        Code("S", AUTHORISED, "Study leave"),
        Code("T", AUTHORISED, "Parent travelling for occupational purposes"),
        Code("G", UNAUTHORISED, "Holiday not granted by the school, or leave not granted"),
        Code("N", UNAUTHORISED, "Reason for absence not yet established"),
        Code("O", UNAUTHORISED, "Absent in other or unknown circumstances"),
        Code("U", UNAUTHORISED, "Arrived in school after the register closed"),
        Code("Q", NOT_POSSIBLE, "Unable to attend: lack of access arrangements from the local authority"),
        Code("Y1", NOT_POSSIBLE, "Unable to attend: transport normally provided not available"),
        Code("Y2", NOT_POSSIBLE, "Unable to attend: widespread disruption to travel"),
        Code("Y3", NOT_POSSIBLE, "Unable to attend: part of the school premises closed"),
        Code("Y4", NOT_POSSIBLE, "Unable to attend: whole school site unexpectedly closed"),
        Code("Y5", NOT_POSSIBLE, "Unable to attend: in criminal justice detention"),
        Code("Y6", NOT_POSSIBLE, "Unable to attend: public health guidance or law"),
        Code("Y7", NOT_POSSIBLE, "Unable to attend: any other unavoidable cause"),
        Code("D", NOT_POSSIBLE, "Dual registered, attending the other school"),
        Code("X", NOT_POSSIBLE, "Not of compulsory school age, not required to attend"),
        Code("Z", NOT_POSSIBLE, "Prospective pupil not yet on the admission register"),
        Code("#", NOT_POSSIBLE, "Planned whole or partial school closure"),
    ]
}

# Codes used before August 2024 that the current regulations withdrew. Current imports refuse them by name.
RETIRED: dict[str, str] = {
    "H": "Holiday authorised by the school (withdrawn August 2024)",
    "F": "Extended family holiday (withdrawn August 2024)",
    "J": "Interview (replaced by J1 in August 2024)",
    "Y": "Unable to attend due to exceptional circumstances (replaced by Y1 to Y7 in August 2024)",
    "-": "All should attend / no mark (withdrawn August 2024)",
}

# Codes a person picks from in the week grid, most common first.
ENTRY_ORDER = ["/", "\\", "L", "I", "M", "N", "O", "U", "G", "C", "C2", "E", "B", "K", "V", "P", "W", "C1", "J1",
               "R", "S", "T", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "X", "Z", "#"]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def classify(code: str) -> str:
    """The category of a current attendance code; ValueError for an unknown or retired code."""
    key = normalise(code)
    if key in CODES:
        return CODES[key].category
    if key in RETIRED:
        raise ValueError(f"Code {key} is retired: {RETIRED[key]}")
    raise ValueError(f"Unknown attendance code {code!r}")


def meaning(code: str) -> str:
    key = normalise(code)
    return CODES[key].meaning if key in CODES else ""


def codes_in(category: str) -> list[str]:
    return [c.code for c in CODES.values() if c.category == category]


def choices() -> list[tuple[str, str]]:
    """(code, "code – meaning") pairs for selects."""
    return [(code, f"{code} – {CODES[code].meaning}") for code in ENTRY_ORDER]
