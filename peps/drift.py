"""Drift rules for the PEP cycle: what is late and since when. Each compute() is a pure selector."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vschool.alerts.registry import DriftRule, Finding, register

from .models import PEP, Section
from .services import AFTER_MEETING

OPEN = [PEP.Status.NOT_STARTED, PEP.Status.IN_PROGRESS, PEP.Status.READY_TO_SUBMIT, PEP.Status.RETURNED]
# DOMAIN 7: alert when fewer than this many school days are left in the term and no meeting has been held.
NOT_HELD_SCHOOL_DAYS_LEFT = 15


def _finding(pep: PEP, *, since=None, due=None, detail="") -> Finding:
    return Finding(subject=pep, child_id=pep.child_id, since=since, due=due, detail=detail, school_id=pep.school_id)


def _cla_peps():
    return PEP.objects.filter(child__cohort="cla").only(
        "pk", "child_id", "school_id", "meeting_date", "sections_due", "completion_due", "qa_due", "submitted_on",
        "first_pep_start_by", "first_pep_ready_by", "entered_care_on", "academic_year", "term", "status")


def not_held_this_term():
    from vschool.calendar.services import school_days_left_in_term, term_for

    today = timezone.localdate()
    term = term_for(today)
    if term is None or school_days_left_in_term(today) >= NOT_HELD_SCHOOL_DAYS_LEFT:
        return []
    peps = _cla_peps().filter(academic_year=term.academic_year, term=term.term, status__in=OPEN).exclude(
        meeting_date__lte=today)
    return [_finding(p, since=term.start, due=term.end, detail="No PEP meeting held this term") for p in peps]


def sections_late():
    today = timezone.localdate()
    late = Section.objects.filter(pep_id=OuterRef("pk"), required=True, is_complete=False).exclude(
        kind__in=AFTER_MEETING)
    peps = _cla_peps().filter(status__in=OPEN, sections_due__lt=today).filter(Exists(late))
    return [_finding(p, since=p.sections_due, due=p.meeting_date, detail="Sections not complete before the meeting")
            for p in peps]


def not_finalised():
    today = timezone.localdate()
    peps = _cla_peps().filter(status__in=OPEN, completion_due__lt=today)
    return [_finding(p, since=p.completion_due, due=p.completion_due, detail="PEP not submitted after the meeting")
            for p in peps]


def qa_overdue():
    today = timezone.localdate()
    peps = _cla_peps().filter(status=PEP.Status.SUBMITTED, qa_due__lt=today)
    return [_finding(p, since=p.qa_due, due=p.qa_due, detail="Quality assurance overdue") for p in peps]


RETURNED_STALE_SCHOOL_DAYS = 5


def returned_stale():
    """A returned PEP not resubmitted within 5 school days of its return."""
    from django.db.models import Max

    from vschool.calendar.services import add_school_days

    today = timezone.localdate()
    peps = _cla_peps().filter(status=PEP.Status.RETURNED).annotate(
        returned_at=Max("status_changes__at", filter=Q(status_changes__to_status=PEP.Status.RETURNED)))
    findings = []
    for p in peps:
        if p.returned_at is None:
            continue
        returned_on = timezone.localtime(p.returned_at).date()
        due = add_school_days(returned_on, RETURNED_STALE_SCHOOL_DAYS)
        if due < today:
            findings.append(_finding(p, since=returned_on, due=due, detail="Returned PEP not resubmitted"))
    return findings


def overdue_last_term():
    """Last term ended without an approved PEP."""
    from vschool.calendar.services import previous_term

    today = timezone.localdate()
    term = previous_term(today)
    peps = _cla_peps().filter(academic_year=term.academic_year, term=term.term, is_first_pep=False).exclude(
        status__in=[PEP.Status.APPROVED, PEP.Status.CANCELLED])
    return [_finding(p, since=term.end, due=term.end, detail="Term ended without an approved PEP") for p in peps]


def first_pep_not_started():
    """A child entered care and no first PEP was started within the working days the authority allows."""
    from roll.models import Child
    from vschool.calendar.services import add_working_days
    from vschool.core.models import Authority

    today = timezone.localdate()
    days = Authority.current().first_pep_start_working_days
    findings = [
        _finding(p, since=p.first_pep_start_by, due=p.first_pep_start_by, detail="First PEP not started")
        for p in _cla_peps().filter(is_first_pep=True, status=PEP.Status.NOT_STARTED, first_pep_start_by__lt=today)
    ]
    # New entrants with no PEP at all since they came into care.
    recent = today - timedelta(days=120)
    has_pep = PEP.objects.filter(child_id=OuterRef("pk"), created_at__date__gte=OuterRef("on_roll_from"))
    children = Child.objects.on_roll(today).filter(cohort=Child.Cohort.CLA, on_roll_from__gte=recent).exclude(
        Exists(has_pep)).only("pk", "on_roll_from", "current_school_id")
    for child in children:
        start_by = add_working_days(child.on_roll_from, days)
        if start_by < today:
            findings.append(Finding(subject=child, child_id=child.pk, since=start_by, due=start_by,
                                    detail="No first PEP started", school_id=child.current_school_id))
    return findings


def first_pep_not_ready():
    today = timezone.localdate()
    peps = _cla_peps().filter(is_first_pep=True, first_pep_ready_by__lt=today).exclude(
        status__in=[PEP.Status.SUBMITTED, PEP.Status.APPROVED, PEP.Status.CANCELLED])
    return [_finding(p, since=p.first_pep_ready_by, due=p.first_pep_ready_by, detail="First PEP not ready")
            for p in peps]


register(DriftRule("PEP_NOT_HELD_TERM", "No PEP meeting held this term", "high",
                   ("caseworker", "designated_teacher", "social_worker"), not_held_this_term))
register(DriftRule("PEP_SECTIONS_LATE", "PEP sections late", "medium",
                   ("designated_teacher", "social_worker"), sections_late))
register(DriftRule("PEP_NOT_FINALISED", "PEP not finished after the meeting", "medium",
                   ("designated_teacher", "caseworker"), not_finalised))
register(DriftRule("PEP_QA_PENDING", "PEP quality assurance overdue", "medium", ("caseworker",), qa_overdue))
register(DriftRule("PEP_RETURNED_STALE", "Returned PEP not resubmitted", "medium", ("designated_teacher",),
                   returned_stale))
register(DriftRule("PEP_OVERDUE", "Term ended without an approved PEP", "high",
                   ("caseworker", "social_worker", "designated_teacher"), overdue_last_term))
register(DriftRule("FIRST_PEP_10WD", "First PEP not started in time", "high",
                   ("social_worker", "caseworker", "iro"), first_pep_not_started))
register(DriftRule("FIRST_PEP_20WD", "First PEP not ready in time", "high",
                   ("social_worker", "caseworker", "iro"), first_pep_not_ready))
