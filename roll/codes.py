"""SSDA903 code lists as dated reference data (code lists change between collection years).

Each entry is (code, label, valid_from_year, valid_to_year or None). A collection year is the year the return
ends (e.g. 2025 for 2024-25). Unknown codes are stored raw and flagged, never refused outright.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    valid_from: int = 2000
    valid_to: int | None = None

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


def _table(*rows) -> dict[str, Code]:
    return {row[0]: Code(*row) for row in rows}


LEGAL_STATUS = _table(
    ("C1", "Interim care order"),
    ("C2", "Full care order"),
    ("D1", "Freeing order granted", 2000, 2006),
    ("E1", "Placement order granted"),
    ("V2", "Accommodated under section 20"),
    ("V3", "Accommodated under an agreed series of short-term breaks (single)"),
    ("V4", "Accommodated under an agreed series of short-term breaks (multiple)"),
    ("J1", "Remanded to local authority accommodation or youth detention"),
    ("J2", "Placed in local authority accommodation under PACE"),
    ("J3", "Youth rehabilitation order with residence or intensive fostering"),
    ("L1", "Under police protection"),
    ("L2", "Emergency protection order"),
    ("L3", "Child assessment order with residence"),
)

# Short breaks are off the roll by default (DOMAIN 2.1).
SHORT_BREAK_LEGAL_STATUSES = {"V3", "V4"}

PLACEMENT = _table(
    ("U1", "Foster placement with relative or friend, long term"),
    ("U2", "Foster placement with relative or friend (FFA/concurrent)"),
    ("U3", "Foster placement with relative or friend, not long term"),
    ("U4", "Foster placement with other foster carer, long term"),
    ("U5", "Foster placement with other foster carer (FFA/concurrent)"),
    ("U6", "Foster placement with other foster carer, not long term"),
    ("A3", "Placed for adoption with consent, with current foster carer"),
    ("A4", "Placed for adoption with consent, not with current foster carer"),
    ("A5", "Placed for adoption with placement order, with current foster carer"),
    ("A6", "Placed for adoption with placement order, not with current foster carer"),
    ("P1", "Placed with parents or others with parental responsibility"),
    ("P2", "Independent living", 2000, 2025),
    ("P3", "Residential employment"),
    ("H5", "Semi-independent / supported accommodation", 2000, 2025),
    ("K1", "Secure children's home"),
    ("K2", "Children's home"),
    ("R1", "Residential care home"),
    ("R2", "NHS / health trust or other establishment providing medical or nursing care"),
    ("R3", "Family centre or mother and baby unit"),
    ("R5", "Young offender institution or prison"),
    ("S1", "Residential school"),
    ("T0", "Temporary: all types"),
    ("T1", "Temporary: periods in hospital"),
    ("T2", "Temporary: holiday away from normal placement"),
    ("T3", "Temporary: accommodation while normal carer is away"),
    ("T4", "Temporary: other"),
    ("Z1", "Other placement", 2000, 2025),  # split into Z11–Z14 from 2025-26
    ("Z11", "Other placement (Z11)", 2026),
    ("Z12", "Other placement (Z12)", 2026),
    ("Z13", "Other placement (Z13)", 2026),
    ("Z14", "Other placement (Z14)", 2026),
)

TEMPORARY_PLACEMENTS = {"T0", "T1", "T2", "T3", "T4"}
KINSHIP_PLACEMENTS = {"U1", "U2", "U3"}
SECURE_PLACEMENTS = {"K1", "R5"}

PROVIDER = _table(
    ("PR0", "Parent or other person with parental responsibility"),
    ("PR1", "Own provision (by the council)"),
    ("PR2", "Other local authority provision"),
    ("PR3", "Other public provision"),
    ("PR4", "Private provision"),
    ("PR5", "Voluntary or third sector provision"),
)

REASON_NEW_EPISODE = _table(
    ("S", "Started to be looked after"),
    ("L", "Change of legal status only"),
    ("P", "Change of placement and carer"),
    ("T", "Change of placement, same carer"),
    ("B", "Change of legal status, placement and carer"),
    ("U", "Change of legal status and placement, same carer"),
)

# Placement moves for stability measures: a change of placement *and* carer.
MOVE_REASONS = {"P", "B"}

REASON_EPISODE_CEASED = _table(
    ("X1", "Episode ceases, child remains looked after"),
    ("E11", "Adopted: application unopposed"),
    ("E12", "Adopted: consent dispensed with"),
    ("E13", "Left care to live with parents, relatives or others", 2017),
    ("E2", "Died"),
    ("E3", "Care taken over by another local authority"),
    ("E41", "Residence order / child arrangements order"),
    ("E45", "Special guardianship order: former foster carers"),
    ("E46", "Special guardianship order: other relatives or friends"),
    ("E47", "Special guardianship order: other than relatives or carers"),
    ("E48", "Special guardianship order: former foster carers (other)"),
    ("E4A", "Returned home to live with parents or relatives (part of the care planning process)"),
    ("E4B", "Returned home to live with parents or relatives (not part of the care planning process)"),
    ("E5", "Moved into independent living with supportive accommodation"),
    ("E6", "Moved into independent living with no formalised support"),
    ("E7", "Transferred to residential care funded by adult social care"),
    ("E8", "Period of being looked after ceased for any other reason"),
    ("E9", "Sentenced to custody"),
    ("E14", "Accommodation on remand ended"),
    ("E15", "Age assessment determined child is aged 18 or over"),
    ("E16", "Child moved abroad"),
    ("E17", "Aged 18 or over and remained with current carers (staying put)"),
)

# DOMAIN 2.4: what a closing reason means for the child's cohort.
REC_TO_PLAC = {"E11", "E12", "E41", "E45", "E46", "E47", "E48"}
REC_TO_CWSW = {"E4A", "E4B", "E13"}
REC_TO_CARE_LEAVER = {"E5", "E6", "E17"}
REC_OTHER_COUNCIL = {"E3"}
REC_DIED = {"E2"}

CATEGORY_OF_NEED = _table(*[(f"N{i}", f"Category of need N{i}") for i in range(1, 9)])

REASON_PLACE_CHANGE = _table(
    ("CARPL", "Change to/implementation of care plan"),
    ("CLOSE", "Resignation or closure of provision"),
    ("ALLEG", "Allegation (s47)"),
    ("STAND", "Standards of care concern"),
    ("APPRR", "Approval removed"),
    ("CREQB", "Carer request: child's behaviour"),
    ("CREQO", "Carer request: other reasons"),
    ("CHILD", "Child requests placement end"),
    ("LAREQ", "Responsible/area authority requests placement end"),
    ("PLACE", "Change in the status of placement only"),
    ("CUSTOD", "Custody arrangement"),
    ("OTHER", "Other"),
)

SEX = {"1": "M", "2": "F"}

SEND_PRIMARY_NEEDS = [
    ("SPLD", "Specific learning difficulty"),
    ("MLD", "Moderate learning difficulty"),
    ("SLD", "Severe learning difficulty"),
    ("PMLD", "Profound and multiple learning difficulty"),
    ("SEMH", "Social, emotional and mental health"),
    ("SLCN", "Speech, language and communication needs"),
    ("HI", "Hearing impairment"),
    ("VI", "Vision impairment"),
    ("MSI", "Multi-sensory impairment"),
    ("PD", "Physical disability"),
    ("ASD", "Autistic spectrum disorder"),
    ("OTH", "Other difficulty or disability"),
]


def collection_year(d) -> int:
    """The SSDA903 collection year a date falls in (years run 1 April to 31 March; 2025 = 2024-25)."""
    return d.year + 1 if d.month >= 4 else d.year


def lookup(table: dict[str, Code], code: str | None, year: int | None = None) -> Code | None:
    """The code's entry if it is known (and valid in `year` when given), else None."""
    if not code:
        return None
    entry = table.get(code.strip().upper())
    if entry is None or not entry.valid_in(year):
        return None
    return entry


def label(table: dict[str, Code], code: str | None) -> str:
    """The label for a code, or the raw code marked as unknown."""
    if not code:
        return ""
    entry = table.get(code.strip().upper())
    return entry.label if entry else f"{code} (unknown code)"


def is_known(table: dict[str, Code], code: str | None, year: int | None = None) -> bool:
    return lookup(table, code, year) is not None
