"""Every write in the PEP cycle. Each service checks the rule, runs in one transaction and stamps the actor."""

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from vschool.core.models import Authority

from .models import PEP, Attachment, Comment, Delegation, OwnerRole, QAReview, Section, StatusChange, Target

logger = logging.getLogger(__name__)

STALE_MESSAGE = (
    "Someone else saved this section since you opened it. Your changes have not been saved: "
    "copy anything you need, then reload the page to see their version."
)


STALE_PEP_MESSAGE = (
    "Someone else changed this PEP since you opened it. Nothing has been saved: reload the page and try again."
)


class StaleSave(ValidationError):
    """A save carried an older version than the one stored."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message, code="stale")


# ---------------------------------------------------------------------------------------------------------------
# Sections each template has (kind, owner, required)

_SCHOOL = OwnerRole.DESIGNATED_TEACHER
SECTION_PLAN = [
    (Section.Kind.MEETING, OwnerRole.SOCIAL_WORKER),
    (Section.Kind.ATTENDANCE, _SCHOOL),
    (Section.Kind.ARRANGEMENTS, _SCHOOL),
    (Section.Kind.ATTAINMENT, _SCHOOL),
    (Section.Kind.SEND, _SCHOOL),
    (Section.Kind.WELLBEING, _SCHOOL),
    (Section.Kind.VIEWS, _SCHOOL),
    (Section.Kind.MEETING_RECORD, _SCHOOL),
    (Section.Kind.TARGET_REVIEW, _SCHOOL),
    (Section.Kind.TARGETS, _SCHOOL),
    (Section.Kind.NEXT_PEP, _SCHOOL),
]
# Sections that are only meaningful after the meeting (not due before it).
AFTER_MEETING = {Section.Kind.MEETING_RECORD, Section.Kind.TARGET_REVIEW, Section.Kind.TARGETS, Section.Kind.NEXT_PEP}


def template_for(child, on: date) -> str:
    """The PEP template for a child's phase on a date (the enrolment's year-group override wins)."""
    from roll.models import Enrolment
    from roll.services import phase_for_year, year_group

    override = (
        Enrolment.objects.current(on).filter(child=child, year_group_override__isnull=False)
        .values_list("year_group_override", flat=True).first()
    )
    year = override if override is not None else year_group(child.date_of_birth, on)
    return phase_for_year(year)


def _current_school_id(child, on: date):
    from roll.models import Enrolment

    enrolments = list(Enrolment.objects.current(on).filter(child=child).values_list("school_id", "kind"))
    main = [s for s, kind in enrolments if kind in ("main", "dual_main", "early_years", "post16")]
    return (main or [s for s, _ in enrolments] or [getattr(child, "current_school_id", None)])[0]


def _record_status(pep: PEP, old: str, actor, reason: str = "") -> StatusChange:
    return StatusChange.objects.create(pep=pep, from_status=old, to_status=pep.status, actor=actor, reason=reason)


def _move(pep: PEP, status: str, actor, reason: str = "", extra_fields=()) -> PEP:
    old = pep.transition_to(status)
    pep.stamp(actor)
    pep.save(update_fields=["status", "version", "modified_at", "modified_by", *extra_fields])
    _record_status(pep, old, actor, reason)
    return pep


def _locked(pep: PEP) -> PEP:
    return PEP.objects.select_for_update().select_related("child").get(pk=pep.pk)


def _audit_update(instance, before: dict, actor) -> None:
    """Write the change log entry for a row changed with a queryset update (which bypasses auditlog's signals)."""
    from auditlog.models import LogEntry

    changes = {
        field: [str(old), str(getattr(instance, field))]
        for field, old in before.items() if old != getattr(instance, field)
    }
    if changes:
        LogEntry.objects.log_create(instance, action=LogEntry.Action.UPDATE, changes=changes,
                                    actor=actor if getattr(actor, "pk", None) else None)


_AUDITED_SECTION_FIELDS = ("content", "is_complete", "completed_by_id", "version")


def _build_sections(pep: PEP, actor) -> None:
    sections = []
    for position, (kind, owner) in enumerate(SECTION_PLAN):
        s = Section(pep=pep, kind=kind, owner_role=owner, position=position)
        s.stamp(actor)
        sections.append(s)
    Section.objects.bulk_create(sections)


# ---------------------------------------------------------------------------------------------------------------
# Creating PEPs


@transaction.atomic
def pep_create(*, actor, child, academic_year: int, term: str, on: date | None = None,
               is_first_pep: bool = False, entered_care_on: date | None = None, check: bool = True) -> PEP:
    """Create a PEP with its sections for a child (template from the child's phase, school from the enrolment)."""
    if check and actor is not None and not actor.has_perm("peps.create_pep"):
        raise PermissionDenied
    on = on or timezone.localdate()
    pep = PEP(child=child, academic_year=academic_year, term=term, is_first_pep=is_first_pep,
              template=template_for(child, on), school_id=_current_school_id(child, on),
              entered_care_on=entered_care_on)
    if is_first_pep and entered_care_on:
        from vschool.calendar.services import add_working_days

        authority = Authority.current()
        pep.first_pep_start_by = add_working_days(entered_care_on, authority.first_pep_start_working_days)
        pep.first_pep_ready_by = add_working_days(entered_care_on, authority.first_pep_ready_working_days)
    pep.stamp(actor)
    pep.save()
    _build_sections(pep, actor)
    _record_status(pep, "", actor, "First PEP started on entering care" if is_first_pep else "Termly PEP created")
    return pep


def _eligible_children(on: date):
    """Looked-after children on the roll on `on` old enough for a PEP (from age 2) and not past Year 13."""
    from roll.models import Child
    from roll.services import dob_range_for_year_group

    youngest_dob = dob_range_for_year_group(-2, on)[1]
    oldest_dob = dob_range_for_year_group(13, on)[0]
    return Child.objects.on_roll(on).filter(
        cohort=Child.Cohort.CLA, date_of_birth__lte=youngest_dob, date_of_birth__gte=oldest_dob
    )


@transaction.atomic
def pep_create_term_peps(term, *, actor=None, on: date | None = None) -> int:
    """Create this term's PEP for every looked-after child on the roll who has none yet. Idempotent.

    `term` is a calendar TermInfo (academic_year, term, start, end). PLAC and CWSW children get no PEP.
    Returns how many PEPs were created.
    """
    if actor is not None and not actor.has_perm("peps.create_pep"):
        raise PermissionDenied
    on = on or max(term.start, min(timezone.localdate(), term.end))
    have = PEP.objects.filter(academic_year=term.academic_year, term=term.term, is_first_pep=False).values("child_id")
    # A first PEP held this term counts as the term's PEP (configurable in DOMAIN 3.1; default yes), and a child
    # still due one gets that rather than a termly PEP (which would stop the first PEP from ever starting).
    # (A first PEP started in the holiday before the term belongs to it, as pep_create_first dates it.)
    first = PEP.objects.filter(Q(academic_year=term.academic_year, term=term.term)
                               | Q(created_at__date__gte=term.start, created_at__date__lte=term.end),
                               is_first_pep=True)
    children = list(_eligible_children(on).exclude(pk__in=have).exclude(pk__in=first.values("child_id"))
                    .exclude(pk__in=_due_first_pep(on).values("pk")))
    created = 0
    for child in children:
        pep_create(actor=actor, child=child, academic_year=term.academic_year, term=term.term, on=on, check=False)
        created += 1
    logger.info("termly PEPs created: term=%s %s count=%d", term.term, term.academic_year, created)
    return created


@transaction.atomic
def pep_create_first(*, actor, child, entered_care_on: date, check: bool = True) -> PEP:
    """Start the first PEP for a child entering care, with its start-by and ready-by working-day deadlines."""
    from vschool.calendar.services import current_term

    if check and actor is not None and not actor.has_perm("peps.create_pep"):
        raise PermissionDenied

    existing = PEP.objects.filter(child=child, is_first_pep=True, entered_care_on=entered_care_on).first()
    if existing:
        return existing
    term = current_term(entered_care_on)
    return pep_create(actor=actor, child=child, academic_year=term.academic_year, term=term.term,
                      on=entered_care_on, is_first_pep=True, entered_care_on=entered_care_on, check=False)


FIRST_PEP_LOOK_BACK_DAYS = 60


def _due_first_pep(on: date, look_back_days: int = FIRST_PEP_LOOK_BACK_DAYS):
    """Looked-after children who came into care in the last `look_back_days` and have had no PEP since."""
    from django.db.models import Exists, OuterRef

    since = on - timedelta(days=look_back_days)
    has_pep = PEP.objects.filter(child_id=OuterRef("pk"), created_at__date__gte=OuterRef("on_roll_from"))
    return _eligible_children(on).filter(on_roll_from__gte=since, on_roll_from__lte=on).exclude(Exists(has_pep))


def pep_create_first_peps(*, actor=None, on: date | None = None,
                          look_back_days: int = FIRST_PEP_LOOK_BACK_DAYS) -> int:
    """Start a first PEP for every looked-after child who came into care in the last `look_back_days` and has no
    PEP since. Idempotent; returns how many were started."""
    if actor is not None and not actor.has_perm("peps.create_pep"):
        raise PermissionDenied
    children = _due_first_pep(on or timezone.localdate(), look_back_days)
    created = 0
    for child in children:
        pep_create_first(actor=actor, child=child, entered_care_on=child.on_roll_from, check=False)
        created += 1
    return created


# ---------------------------------------------------------------------------------------------------------------
# Meeting and deadlines


def pep_deadlines(meeting_date: date, calendar=None) -> dict:
    """Sections due N days before the meeting; DT finishes within M days after (authority settings and basis)."""
    from vschool.calendar.services import add_deadline_days

    authority = Authority.current()
    return {
        "sections_due": add_deadline_days(meeting_date, -authority.pep_sections_due_before_meeting, calendar=calendar),
        "completion_due": add_deadline_days(meeting_date, authority.pep_complete_after_meeting, calendar=calendar),
    }


def qa_deadline(submitted_on: date, calendar=None) -> date:
    from vschool.calendar.services import add_deadline_days

    return add_deadline_days(submitted_on, Authority.current().pep_qa_school_days, calendar=calendar)


def _school_calendar(pep: PEP):
    """The school's own calendar when it has one (academies and out-of-area schools), else the authority's."""
    if not pep.school_id:
        return None
    from vschool.calendar.models import SchoolCalendar

    return SchoolCalendar.objects.filter(schools=pep.school_id).values_list("pk", flat=True).first()


@transaction.atomic
def pep_set_meeting(*, actor, pep: PEP, meeting_date: date, version: int | None = None) -> PEP:
    """Book (or rearrange) the PEP meeting; starts the PEP and sets the section and completion deadlines."""
    if not actor.has_perm("peps.set_meeting", pep):
        raise PermissionDenied
    pep = _locked(pep)
    if version is not None and version != pep.version:
        raise StaleSave(STALE_PEP_MESSAGE)
    pep.meeting_date = meeting_date
    for field, value in pep_deadlines(meeting_date, _school_calendar(pep)).items():
        setattr(pep, field, value)
    fields = ["meeting_date", "sections_due", "completion_due"]
    if pep.status == PEP.Status.NOT_STARTED:
        _move(pep, PEP.Status.IN_PROGRESS, actor, f"Meeting booked for {meeting_date:%-d %B %Y}", fields)
    else:
        pep.version += 1
        pep.stamp(actor)
        pep.save(update_fields=[*fields, "version", "modified_at", "modified_by"])
    return pep


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _refresh_progress(pep: PEP, actor) -> PEP:
    """Keep the status in step with the sections: ready to submit once every required section is complete."""
    if pep.status not in (PEP.Status.NOT_STARTED, PEP.Status.IN_PROGRESS, PEP.Status.READY_TO_SUBMIT):
        return pep
    all_done = not pep.sections.filter(required=True, is_complete=False).exists()
    wanted = PEP.Status.READY_TO_SUBMIT if all_done else PEP.Status.IN_PROGRESS
    if wanted != pep.status:
        _move(pep, wanted, actor, "All required sections complete" if all_done else "")
    return pep


@transaction.atomic
def section_save(*, actor, section: Section, content: dict, version: int, complete: bool = False) -> Section:
    """Save a section's content (a draft, or marked complete). Refused with StaleSave if someone saved since
    `version` was read; nothing is overwritten then."""
    if not actor.has_perm("peps.edit_section", section):
        raise PermissionDenied
    now = timezone.now()
    before = {f: getattr(section, f) for f in _AUDITED_SECTION_FIELDS}
    updates = {
        "content": content, "version": F("version") + 1, "modified_at": now, "modified_by": actor,
        "is_complete": complete, "completed_by": actor if complete else None, "completed_at": now if complete else None,
    }
    # The version check and the write are one UPDATE: two saves racing cannot both win.
    changed = Section.objects.filter(pk=section.pk, version=version).update(**updates)
    if not changed:
        raise StaleSave()
    section.refresh_from_db()
    _audit_update(section, before, actor)
    pep = _locked(section.pep)
    if section.kind == Section.Kind.NEXT_PEP and content.get("next_pep_date"):
        pep.next_pep_date = date.fromisoformat(content["next_pep_date"])
        pep.save(update_fields=["next_pep_date"])
    _refresh_progress(pep, actor)
    section.pep = pep
    return section


@transaction.atomic
def section_reopen(*, actor, section: Section) -> Section:
    """Mark a completed section as not complete so it can be changed."""
    if not actor.has_perm("peps.edit_section", section):
        raise PermissionDenied
    before = {f: getattr(section, f) for f in _AUDITED_SECTION_FIELDS}
    Section.objects.filter(pk=section.pk).update(is_complete=False, completed_by=None, completed_at=None,
                                                 version=F("version") + 1, modified_by=actor)
    section.refresh_from_db()
    _audit_update(section, before, actor)
    _refresh_progress(_locked(section.pep), actor)
    return section


@transaction.atomic
def targets_review_save(*, actor, section: Section, content: dict, version: int, complete: bool,
                        previous_targets) -> Section:
    """Save the review of the previous plan's targets: each outcome and evidence is kept on the target itself."""
    section = section_save(actor=actor, section=section, content=content, version=version, complete=complete)
    for t in previous_targets:
        outcome = content.get(f"outcome_{t.pk}", "")
        evidence = content.get(f"evidence_{t.pk}", "")
        if outcome or evidence:
            t.review_outcome, t.review_evidence, t.reviewed_in = outcome, evidence, section.pep
            t.stamp(actor)
            t.save(update_fields=["review_outcome", "review_evidence", "reviewed_in", "modified_at", "modified_by"])
    return section


# ---------------------------------------------------------------------------------------------------------------
# Targets


def _touch_targets_section(pep: PEP, actor) -> None:
    """Changing targets re-opens a completed targets section (it has to be confirmed again)."""
    Section.objects.filter(pep=pep, kind=Section.Kind.TARGETS, is_complete=True).update(
        is_complete=False, completed_by=None, completed_at=None, version=F("version") + 1)
    Section.objects.filter(pep=pep, kind=Section.Kind.TARGETS).update(version=F("version") + 1)
    _refresh_progress(_locked(pep), actor)


@transaction.atomic
def target_save(*, actor, pep: PEP, data: dict, target: Target | None = None) -> Target:
    """Add or change a SMART target (with an optional PP+ request, never on a post-16 PEP)."""
    if not actor.has_perm("peps.edit_targets", pep):
        raise PermissionDenied
    if target is not None and target.pep_id != pep.pk:
        raise PermissionDenied
    target = target or Target(pep=pep)
    for field in ("area", "target", "success_criteria", "actions", "who", "by_when", "previous_target"):
        if field in data:
            setattr(target, field, data[field])
    if pep.template == PEP.Template.POST16:
        target.pp_request_amount, target.pp_request_category = None, ""
    else:
        target.pp_request_amount = data.get("pp_request_amount") or None
        target.pp_request_category = data.get("pp_request_category") or ""
    if target.pp_request_amount and not target.pp_request_category:
        raise ValidationError({"pp_request_category": "Choose what the PP+ would pay for"})
    target.stamp(actor)
    target.full_clean(exclude=["pep", "previous_target", "reviewed_in"])
    target.save()
    _touch_targets_section(pep, actor)
    return target


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    pep = target.pep
    if not actor.has_perm("peps.edit_targets", pep):
        raise PermissionDenied
    target.delete()
    _touch_targets_section(pep, actor)


def previous_pep(pep: PEP) -> PEP | None:
    """The child's most recent approved PEP before this one."""
    return (
        PEP.objects.filter(child_id=pep.child_id, status=PEP.Status.APPROVED)
        .exclude(pk=pep.pk).filter(created_at__lt=pep.created_at).order_by("-created_at").first()
    )


# ---------------------------------------------------------------------------------------------------------------
# Submitting, QA, returning, approving, reopening


def submission_problems(pep: PEP) -> list[str]:
    """What stops this PEP being submitted (empty when it may be)."""
    problems = []
    if not pep.meeting_date:
        problems.append("Set the date of the PEP meeting")
    missing = [s.get_kind_display() for s in pep.sections.all() if s.required and not s.is_complete]
    if missing:
        problems.append("Complete every section: " + ", ".join(missing))
    if not pep.next_pep_date:
        problems.append("Set the date of the next PEP")
    if pep.status == PEP.Status.RETURNED:
        review = pep.qa_reviews.first()
        if review and review.rag == QAReview.Rag.RED and not review.all_points_answered:
            problems.append("Answer each point from the Virtual School's review")
    return problems


@transaction.atomic
def pep_submit(*, actor, pep: PEP) -> PEP:
    """The designated teacher submits the PEP for the Virtual School's QA (also a resubmission after a return)."""
    if not actor.has_perm("peps.submit_pep", pep):
        raise PermissionDenied
    pep = _locked(pep)
    problems = submission_problems(pep)
    if problems:
        raise ValidationError(problems)
    # A reopened PEP whose sections are all still complete goes through "ready to submit" on the way.
    _refresh_progress(pep, actor)
    pep.submitted_on = timezone.localdate()
    pep.qa_due = qa_deadline(pep.submitted_on)
    resubmitted = pep.status == PEP.Status.RETURNED
    _move(pep, PEP.Status.SUBMITTED, actor, "Resubmitted after return" if resubmitted else "",
          ["submitted_on", "qa_due"])
    _notify(pep, actor, subject="A PEP is waiting for quality assurance",
            message="A PEP has been submitted and is waiting for quality assurance.", roles=("caseworker",))
    return pep


@transaction.atomic
def pep_qa(*, actor, pep: PEP, rag: str, feedback: str = "", points: list[str] | None = None,
           checklist: dict | None = None) -> QAReview:
    """Record the Virtual School's QA. Green approves; amber approves with feedback carried to the next PEP;
    red returns it, and the school must answer each point before resubmitting."""
    if not actor.has_perm("peps.qa_pep", pep):
        raise PermissionDenied
    points = [p.strip() for p in (points or []) if p.strip()]
    if rag == QAReview.Rag.RED and (not feedback.strip() or not points):
        raise ValidationError("A red rating needs a reason and at least one point for the school to answer")
    if rag == QAReview.Rag.AMBER and not feedback.strip():
        raise ValidationError("An amber rating needs feedback for the school")
    if rag not in QAReview.Rag.values:
        raise ValidationError("Choose a RAG rating")
    pep = _locked(pep)
    review = QAReview(pep=pep, reviewer=actor, rag=rag, feedback=feedback, points=points, **(checklist or {}))
    review.stamp(actor)
    review.save()
    if rag == QAReview.Rag.RED:
        _return(pep, actor, feedback)
    else:
        pep.approved_on = timezone.localdate()
        _move(pep, PEP.Status.APPROVED, actor, f"Approved ({review.get_rag_display()})", ["approved_on"])
        _notify(pep, actor, subject="A PEP has been approved",
                message="A PEP you work on has been approved by the Virtual School.",
                roles=("designated_teacher", "social_worker"))
    return review


def _return(pep: PEP, actor, reason: str) -> PEP:
    _move(pep, PEP.Status.RETURNED, actor, reason)
    _notify(pep, actor, subject="A PEP has been returned",
            message="A PEP has been returned by the Virtual School. Please read the reason and resubmit it.",
            roles=("designated_teacher",))
    return pep


@transaction.atomic
def pep_return(*, actor, pep: PEP, reason: str) -> PEP:
    """Send a submitted PEP back to the school with the reason the school will see."""
    if not actor.has_perm("peps.qa_pep", pep):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the PEP is being returned"})
    return _return(_locked(pep), actor, reason)


@transaction.atomic
def pep_approve(*, actor, pep: PEP) -> PEP:
    """Approve a submitted PEP (green). Use pep_qa to record a rating and feedback."""
    pep_qa(actor=actor, pep=pep, rag=QAReview.Rag.GREEN)
    return PEP.objects.get(pk=pep.pk)


@transaction.atomic
def qa_respond(*, actor, pep: PEP, responses: list[str]) -> QAReview:
    """The school answers the points of a red QA review."""
    if not actor.has_perm("peps.answer_qa", pep):
        raise PermissionDenied
    review = pep.qa_reviews.first()
    if review is None or review.rag != QAReview.Rag.RED:
        raise ValidationError("There are no points to answer")
    review.responses = [r.strip() for r in responses]
    review.responded_at = timezone.now()
    review.stamp(actor)
    review.save(update_fields=["responses", "responded_at", "modified_at", "modified_by"])
    return review


@transaction.atomic
def pep_reopen(*, actor, pep: PEP, reason: str) -> PEP:
    """Only the VSH reopens an approved PEP, with a reason; it becomes a new revision in progress."""
    if not actor.has_perm("peps.reopen_pep", pep):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the PEP is being reopened"})
    pep = _locked(pep)
    pep.revision += 1
    pep.approved_on = None
    _move(pep, PEP.Status.IN_PROGRESS, actor, reason, ["revision", "approved_on"])
    return pep


@transaction.atomic
def pep_cancel(*, actor, pep: PEP, reason: str) -> PEP:
    if not actor.has_perm("peps.cancel_pep", pep):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the PEP is being cancelled"})
    return _move(_locked(pep), PEP.Status.CANCELLED, actor, reason)


# ---------------------------------------------------------------------------------------------------------------
# Working together: comments, attachments, delegation


def pep_people(pep: PEP, roles=("designated_teacher", "social_worker", "caseworker")) -> list:
    """The people working on a PEP: the school's DTs, the allocated SWs and the caseworker."""
    from roll.models import Allocation, SchoolStaff

    people = []
    if "designated_teacher" in roles and pep.school_id:
        today = timezone.localdate()
        people += [
            s.user for s in SchoolStaff.objects.filter(
                school_id=pep.school_id, kind=SchoolStaff.Kind.DESIGNATED_TEACHER, start__lte=today,
            ).filter(Q(end__isnull=True) | Q(end__gte=today)).select_related("user")
        ]
    alloc_roles = [r for r in roles if r in ("social_worker", "caseworker")]
    if alloc_roles:
        people += [a.user for a in Allocation.objects.current().filter(
            child_id=pep.child_id, role__in=alloc_roles, user__isnull=False).select_related("user")]
    if "caseworker" in roles and pep.child.caseworker_id:
        people.append(pep.child.caseworker)
    seen, out = set(), []
    for p in people:
        if p.pk not in seen and p.is_active:
            seen.add(p.pk)
            out.append(p)
    return out


def _notify(pep: PEP, actor, *, subject: str, message: str, roles) -> int:
    """Email the PEP's people (never the actor). Wording carries no child-identifying data: a link only."""
    from vschool.core.notify import notify

    recipients = [p for p in pep_people(pep, roles) if p.pk != getattr(actor, "pk", None)]
    path = reverse("peps:pep_detail", args=[pep.pk])
    transaction.on_commit(lambda: notify(recipients=recipients, subject=subject, message=message, path=path))
    return len(recipients)


@transaction.atomic
def comment_add(*, actor, pep: PEP, body: str) -> Comment:
    """Add a comment; the DT, SW and caseworker (except the author) are told by email, with a link only."""
    if not actor.has_perm("peps.comment", pep):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": "Enter a comment"})
    comment = Comment(pep=pep, author=actor, body=body.strip())
    comment.stamp(actor)
    comment.save()
    _notify(pep, actor, subject="New comment on a PEP", message="There is a new comment on a PEP you work on.",
            roles=("designated_teacher", "social_worker", "caseworker"))
    return comment


@transaction.atomic
def attachment_add(*, actor, pep: PEP, upload, description: str = "") -> Attachment:
    """Store an uploaded file through Django's storage (PDF, Word, JPG or PNG up to 10MB)."""
    from .forms import validate_attachment
    from .models import ALLOWED_ATTACHMENT_TYPES

    if not actor.has_perm("peps.attach", pep):
        raise PermissionDenied
    validate_attachment(upload.name, upload.size)
    ext = upload.name.rsplit(".", 1)[-1].lower()
    attachment = Attachment(pep=pep, original_name=upload.name[-200:], content_type=ALLOWED_ATTACHMENT_TYPES[ext],
                            size=upload.size, description=description, uploaded_by=actor)
    attachment.stamp(actor)
    attachment.file.save(f"pep-{pep.pk}.{ext}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delegation_create(*, actor, delegate, child, section_kinds=()) -> Delegation:
    """A DT lets a colleague with the same school email domain work on a pupil's PEP sections."""
    from .rules import is_dt_of_child

    if not actor.has_perm("peps.delegate") or not is_dt_of_child(actor, child):
        raise PermissionDenied
    if delegate.pk == actor.pk:
        raise ValidationError({"delegate_email": "You cannot delegate to yourself"})
    if not delegate.is_active or delegate.email_domain != actor.email_domain:
        raise ValidationError({"delegate_email": "Your colleague must have an account with your school's email domain"})
    kinds = [k for k in section_kinds if k in dict(Section.Kind.choices)]
    delegation = Delegation.objects.filter(delegate=delegate, child=child, revoked_at__isnull=True).first()
    delegation = delegation or Delegation(delegator=actor, delegate=delegate, child=child)
    delegation.section_kinds = kinds
    delegation.stamp(actor)
    delegation.save()
    return delegation


@transaction.atomic
def delegation_revoke(*, actor, delegation: Delegation) -> Delegation:
    from vschool.accounts.roles import is_vs_staff

    if delegation.delegator_id != actor.pk and not is_vs_staff(actor):
        raise PermissionDenied
    delegation.revoked_at = timezone.now()
    delegation.stamp(actor)
    delegation.save(update_fields=["revoked_at", "modified_at", "modified_by"])
    return delegation
