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


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------

import logging  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from . import codes  # noqa: E402
from .models import Allocation, Child, Enrolment, LegalStatus, Placement, School, SchoolStaff  # noqa: E402

logger = logging.getLogger(__name__)

PEP_START_RULE = "roll.check_pep_start"
KS4_MOVE_RULE = "roll.ks4_move"


def _require_manage(actor) -> None:
    if actor is None or not actor.has_perm("roll.manage_roll"):
        raise PermissionDenied


def child_sync(*, child: Child, on: date | None = None) -> Child:
    """Bring the child's denormalised fields (current school, caseworker, legal status, placement area) up to date.

    Saves only when something changed, so repeated calls leave no audit trail.
    """
    on = on or timezone.localdate()
    main, main_name = (
        Enrolment.objects.current(on).filter(child=child, kind__in=Enrolment.MAIN_KINDS)
        .order_by("-start", "-pk").values_list("school_id", "school__name").first()
    ) or (None, None)
    caseworker = (
        Allocation.objects.current(on).filter(child=child, role=Allocation.Role.CASEWORKER, user__isnull=False)
        .order_by("-start", "-pk").values_list("user_id", flat=True).first()
    )
    legal = (
        LegalStatus.objects.filter(child=child, start__lte=on).order_by("-start", "-pk")
        .values_list("code", "end").first()
    )
    legal_code = legal[0] if legal and (legal[1] is None or legal[1] >= on) else ""
    placement = (
        Placement.objects.filter(child=child, start__lte=on).order_by("-start", "-pk")
        .values_list("in_area", "end").first()
    )
    in_area = placement[0] if placement and (placement[1] is None or placement[1] >= on) else None
    wanted = {
        "current_school_id": main,
        "current_school_name": main_name,
        "caseworker_id": caseworker,
        "current_legal_status": legal_code,
        "placement_in_area": in_area,
    }
    changed = [f for f, v in wanted.items() if getattr(child, f) != v]
    if changed:
        for f in changed:
            setattr(child, f, wanted[f])
        child.save(update_fields=[f.removesuffix("_id") for f in changed] + ["modified_at"])
    return child


def school_designated_teachers(school: School, on: date | None = None) -> list:
    on = on or timezone.localdate()
    links = (
        SchoolStaff.objects.filter(school=school, start__lte=on, user__is_active=True)
        .exclude(end__lt=on).select_related("user")
    )
    return [link.user for link in links]


def _notify_school_of_child(*, child: Child, school: School, joining: bool = True) -> int:
    """Tell the school's DTs a child on the roll has joined (or left). A link only: no name, DOB or UPN."""
    from vschool.core.notify import notify

    if joining:
        subject = "A child on the Virtual School roll has joined your school"
        message = "A child on the Virtual School roll has joined your school. Please review their record."
    else:
        subject = "A child on the Virtual School roll has left your school"
        message = "A child on the Virtual School roll has left your school."
    return notify(recipients=school_designated_teachers(school), subject=subject, message=message,
                  path=child.get_absolute_url())


def pep_start_alert_raise(*, child: Child, since: date | None = None):
    """Raise (once) an alert for the caseworker to check that the child's PEP has started."""
    from vschool.alerts.models import Alert
    from vschool.alerts.services import alert_raise
    from vschool.calendar.services import add_working_days

    since = since or timezone.localdate()
    return alert_raise(rule_code=PEP_START_RULE, subject=child, child=child,
                       title="Check the PEP has started for a child who has joined", severity=Alert.Severity.MEDIUM,
                       detail="Joined recently: check the PEP has started", since=since,
                       due_at=add_working_days(since, 10))


def ks4_move_alert_raise(*, child: Child, subject, on: date, what: str):
    """A school or care move in Years 10–11 is raised with the caseworker (DOMAIN: KS4_MOVE, on the event)."""
    from vschool.alerts.models import Alert
    from vschool.alerts.services import alert_raise

    if year_group(child.date_of_birth, on) not in (10, 11):
        return None
    return alert_raise(rule_code=KS4_MOVE_RULE, subject=subject, child=child, title=f"{what} in Key Stage 4",
                       severity=Alert.Severity.HIGH, since=on,
                       detail=f"{what} in Year 10 or 11: check the impact on exams and agree support")


def _clean_upn(upn: str) -> tuple[str, bool]:
    upn = (upn or "").strip().upper().replace(" ", "")
    return upn, upn_is_valid(upn)


@transaction.atomic
def child_create(*, actor, la_child_id: str, legal_first_name: str, legal_last_name: str, date_of_birth: date,
                 on_roll_from: date, preferred_name: str = "", sex: str = Child.Sex.UNKNOWN, ethnicity: str = "",
                 upn: str = "", cohort: str = Child.Cohort.CLA, uasc: bool = False,
                 send_status: str = Child.Send.NONE, send_primary_need: str = "", caseworker=None,
                 school: School | None = None, school_start: date | None = None) -> Child:
    """Add a child to the roll. An invalid UPN is kept (and shown as a data-quality warning).

    With a caseworker, allocates them; with a school, starts the main enrolment and tells the school's DTs.
    Either way raises an alert for the caseworker to check the PEP has started.
    """
    _require_manage(actor)
    la_child_id = la_child_id.strip()
    if Child.objects.filter(la_child_id=la_child_id).exists():
        raise ValidationError({"la_child_id": "A child with this child ID is already on the roll"})
    if date_of_birth > on_roll_from:
        raise ValidationError({"on_roll_from": "The date joining the roll must be on or after the date of birth"})
    upn, valid = _clean_upn(upn)
    child = Child(
        la_child_id=la_child_id, legal_first_name=legal_first_name.strip(), legal_last_name=legal_last_name.strip(),
        preferred_name=preferred_name.strip(), date_of_birth=date_of_birth, sex=sex, ethnicity=ethnicity, upn=upn,
        upn_valid=valid, cohort=cohort, uasc=uasc, send_status=send_status, send_primary_need=send_primary_need,
        on_roll_from=on_roll_from,
    )
    child.stamp(actor)
    child.save()
    if caseworker is not None:
        allocation = Allocation(child=child, role=Allocation.Role.CASEWORKER, user=caseworker, start=on_roll_from)
        allocation.stamp(actor)
        allocation.save()
    if school is not None:
        _enrolment_open(actor=actor, child=child, school=school, start=school_start or on_roll_from)
    child_sync(child=child)
    pep_start_alert_raise(child=child, since=on_roll_from)
    return child


@transaction.atomic
def child_update(*, actor, child: Child, **fields) -> Child:
    """Change a child's identity details (names, SEND, UPN ...). A changed UPN is re-checked."""
    _require_manage(actor)
    allowed = {"legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "sex", "ethnicity", "upn",
               "cohort", "uasc", "send_status", "send_primary_need"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(child, name, value)
    child.upn, child.upn_valid = _clean_upn(child.upn)
    if child.needs_completion and child.legal_first_name != "Unknown":
        child.needs_completion = False
    child.stamp(actor)
    child.save()
    return child


def _enrolment_open(*, actor, child, school, start, kind=Enrolment.Kind.MAIN, pattern=Enrolment.Pattern.FULL_TIME,
                    year_group_override=None, override_reason="", managed_move=False) -> Enrolment:
    enrolment = Enrolment(child=child, school=school, start=start, kind=kind, pattern=pattern,
                          year_group_override=year_group_override, override_reason=override_reason,
                          managed_move=managed_move)
    enrolment.stamp(actor)
    enrolment.save()
    _notify_school_of_child(child=child, school=school)
    return enrolment


@transaction.atomic
def school_move_record(*, actor, child: Child, school: School, start: date, kind: str = Enrolment.Kind.MAIN,
                       pattern: str = Enrolment.Pattern.FULL_TIME, leaving_reason: str = "",
                       managed_move: bool = False, year_group_override: int | None = None,
                       override_reason: str = "") -> Enrolment:
    """Move a child to a new main school place: ends the current main enrolment the day before `start`.

    Tells both schools' DTs (link only) and raises the check-PEP-start alert for the caseworker.
    """
    _require_manage(actor)
    if kind not in Enrolment.MAIN_KINDS:
        raise ValidationError({"kind": "A school move starts a main school place"})
    if year_group_override is not None and not override_reason.strip():
        raise ValidationError({"override_reason": "Enter why the child is taught out of their year group"})
    child = Child.objects.select_for_update().get(pk=child.pk)
    current = list(Enrolment.objects.filter(child=child, kind__in=Enrolment.MAIN_KINDS, end__isnull=True))
    for old in current:
        if old.start >= start:
            raise ValidationError({"start": f"The new place must start after the current one ({old.start:%-d %B %Y})"})
        if old.school_id == school.pk:
            raise ValidationError({"school": "The child is already at this school"})
    for old in current:
        old.end = start - timedelta(days=1)
        old.leaving_reason = leaving_reason
        old.stamp(actor)
        old.save(update_fields=["end", "leaving_reason", "modified_at", "modified_by"])
        _notify_school_of_child(child=child, school=old.school, joining=False)
    enrolment = _enrolment_open(actor=actor, child=child, school=school, start=start, kind=kind, pattern=pattern,
                                year_group_override=year_group_override, override_reason=override_reason,
                                managed_move=managed_move)
    child_sync(child=child)
    pep_start_alert_raise(child=child, since=start)
    if current:
        ks4_move_alert_raise(child=child, subject=enrolment, on=start, what="School move")
    return enrolment


@transaction.atomic
def placement_record(*, actor, child: Child, start: date, place_code: str, provider_code: str = "",
                     postcode_district: str = "", in_area: bool | None = None, placing_authority: str = "",
                     reason_for_change: str = "", reason_new_episode: str = "P") -> Placement:
    """Record a new care placement; the open one ends the day before. Unknown codes are kept and flagged."""
    _require_manage(actor)
    child = Child.objects.select_for_update().get(pk=child.pk)
    open_rows = list(Placement.objects.filter(child=child, end__isnull=True))
    for old in open_rows:
        if old.start >= start:
            raise ValidationError({"start": "The new placement must start after the current one"})
    for old in open_rows:
        old.end = start - timedelta(days=1)
        old.stamp(actor)
        old.save(update_fields=["end", "modified_at", "modified_by"])
    place_code = place_code.strip().upper()
    placement = Placement(
        child=child, start=start, place_code=place_code, provider_code=provider_code.strip().upper(),
        postcode_district=postcode_district.strip().upper(), in_area=in_area, placing_authority=placing_authority,
        reason_for_change=reason_for_change, reason_new_episode=reason_new_episode,
        code_known=codes.is_known(codes.PLACEMENT, place_code), source="manual",
    )
    placement.stamp(actor)
    placement.save()
    child_sync(child=child)
    if open_rows and reason_new_episode in codes.MOVE_REASONS:
        ks4_move_alert_raise(child=child, subject=placement, on=start, what="Care placement move")
    return placement


@transaction.atomic
def allocation_change(*, actor, child: Child, role: str, start: date, user=None, person_name: str = "",
                      person_contact: str = "", handover_note: str = "") -> Allocation:
    """Allocate a person to a role for the child, ending the current allocation for that role (history kept).

    A caseworker change needs a handover note.
    """
    _require_manage(actor)
    if user is None and not person_name.strip():
        raise ValidationError({"user": "Choose a person or enter a name"})
    current = list(Allocation.objects.select_for_update().filter(child=child, role=role, end__isnull=True))
    if role == Allocation.Role.CASEWORKER and current and not handover_note.strip():
        raise ValidationError({"handover_note": "Enter a handover note for the new caseworker"})
    for old in current:
        if user is not None and old.user_id == user.pk:
            raise ValidationError({"user": "This person is already allocated"})
        old.end = max(old.start, start - timedelta(days=1))
        old.handover_note = handover_note
        old.stamp(actor)
        old.save(update_fields=["end", "handover_note", "modified_at", "modified_by"])
    allocation = Allocation(child=child, role=role, user=user, person_name=person_name.strip(),
                            person_contact=person_contact.strip(), start=start, handover_note=handover_note)
    allocation.stamp(actor)
    allocation.save()
    child_sync(child=child)
    return allocation


@transaction.atomic
def child_take_off_roll(*, actor, child: Child, on: date, reason: str) -> Child:
    """Take a child off the roll from `on` with a reason (their history stays)."""
    _require_manage(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the child is leaving the roll"})
    if on < child.on_roll_from:
        raise ValidationError({"on": "The leaving date must be on or after the date they joined the roll"})
    child.on_roll_until = on
    child.leaving_reason = reason.strip()
    child.stamp(actor)
    child.save(update_fields=["on_roll_until", "leaving_reason", "modified_at", "modified_by"])
    return child


@transaction.atomic
def inspection_record(*, actor, school: School, framework: str, inspected_on: date, overall_grade=None,
                      area_grades: dict | None = None, safeguarding_met=None):
    """Record an Ofsted inspection of a school."""
    from .models import Inspection

    _require_manage(actor)
    inspection = Inspection(school=school, framework=framework, inspected_on=inspected_on,
                            overall_grade=overall_grade, area_grades=area_grades or {},
                            safeguarding_met=safeguarding_met)
    inspection.stamp(actor)
    inspection.save()
    return inspection


def children_school_names_resync(school_ids=None) -> int:
    """Copy school names onto their pupils' records after schools are renamed (one UPDATE); returns rows changed."""
    from django.db.models import F, OuterRef, Q, Subquery

    qs = Child.objects.filter(current_school__isnull=False).filter(
        ~Q(current_school_name=F("current_school__name")) | Q(current_school_name__isnull=True))
    if school_ids is not None:
        qs = qs.filter(current_school_id__in=list(school_ids))
    return qs.update(current_school_name=Subquery(School.objects.filter(pk=OuterRef("current_school_id"))
                                                  .values("name")[:1]))


def children_resync(on: date | None = None) -> int:
    """Bring every out-of-step child's denormalised fields up to date. Idempotent; returns how many changed."""
    from .selectors import children_out_of_step

    changed = 0
    for child in children_out_of_step(on).iterator(chunk_size=500):
        with transaction.atomic():
            child_sync(child=child, on=on)
        changed += 1
    return changed
