"""PEP reminders: each is sent once per PEP, kind and person, on school days, with a link and no child's details."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import PEP, ReminderSent
from .services import AFTER_MEETING, pep_people

logger = logging.getLogger(__name__)

# How many school days before the sections are due the designated teacher is reminded.
SECTIONS_WARNING_SCHOOL_DAYS = 5

MESSAGES = {
    ReminderSent.Kind.SET_MEETING: (
        "Set the date of a PEP meeting",
        "A PEP for a child you are the social worker for needs a meeting date this term. "
        "Agree it with the designated teacher and carer, then record it.",
    ),
    ReminderSent.Kind.SECTIONS_DUE: (
        "PEP sections are due soon",
        "Sections of a PEP you work on are due before the meeting. Please complete them.",
    ),
    ReminderSent.Kind.COMPLETE_AFTER_MEETING: (
        "Finish a PEP after its meeting",
        "A PEP meeting has taken place. Please finish the PEP and submit it to the Virtual School.",
    ),
    ReminderSent.Kind.QA_WAITING: (
        "A PEP is waiting for quality assurance",
        "A PEP for a child on your caseload has been submitted and is waiting for quality assurance.",
    ),
}


@dataclass(frozen=True)
class Due:
    pep: PEP
    kind: str
    recipient: object


def _incomplete_owners(pep: PEP) -> set[str]:
    return {
        s.owner_role for s in pep.sections.all()
        if s.required and not s.is_complete and s.kind not in AFTER_MEETING
    }


def reminders_due(today: date) -> list[Due]:
    """Every reminder that should go out today (already-sent ones included; the sender skips them)."""
    from vschool.calendar.services import current_term, school_days_between

    term = current_term(today)
    open_states = [PEP.Status.NOT_STARTED, PEP.Status.IN_PROGRESS, PEP.Status.READY_TO_SUBMIT]
    base = PEP.objects.select_related("child", "child__caseworker").prefetch_related("sections")
    due: list[Due] = []

    # The SW sets the meeting date early in the term.
    if today >= term.start:
        for pep in base.filter(academic_year=term.academic_year, term=term.term, status__in=open_states,
                               meeting_date__isnull=True):
            due += [Due(pep, ReminderSent.Kind.SET_MEETING, p) for p in pep_people(pep, ("social_worker",))]

    # Sections are due soon: remind whoever owns the incomplete ones.
    for pep in base.filter(status__in=open_states, sections_due__gte=today, meeting_date__isnull=False):
        if school_days_between(today, pep.sections_due) > SECTIONS_WARNING_SCHOOL_DAYS:
            continue
        owners = _incomplete_owners(pep)
        roles = tuple(r for r in ("designated_teacher", "social_worker") if r in owners)
        if roles:
            due += [Due(pep, ReminderSent.Kind.SECTIONS_DUE, p) for p in pep_people(pep, roles)]

    # The meeting has happened and the PEP is not finished.
    for pep in base.filter(status__in=open_states, meeting_date__lt=today):
        due += [Due(pep, ReminderSent.Kind.COMPLETE_AFTER_MEETING, p)
                for p in pep_people(pep, ("designated_teacher",))]

    # QA is waiting for the caseworker.
    for pep in base.filter(status=PEP.Status.SUBMITTED):
        due += [Due(pep, ReminderSent.Kind.QA_WAITING, p) for p in pep_people(pep, ("caseworker",))]
    return due


def send_pep_reminders(*, dry_run: bool = False, today: date | None = None) -> list[str]:
    """Send what is due and not sent before. Returns one line per reminder (sent, or would be sent)."""
    from vschool.calendar.services import is_school_day
    from vschool.core.notify import notify

    today = today or timezone.localdate()
    if not is_school_day(today):
        logger.info("PEP reminders: %s is not a school day, nothing sent", today)
        return []
    lines = []
    already = set(ReminderSent.objects.values_list("pep_id", "kind", "recipient_id"))
    for item in reminders_due(today):
        key = (item.pep.pk, item.kind, item.recipient.pk)
        if key in already:
            continue
        already.add(key)
        subject, message = MESSAGES[item.kind]
        line = f"{item.kind}: PEP {item.pep.pk} to {item.recipient.email}"
        if dry_run:
            lines.append(f"would send {line}")
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(pep=item.pep, kind=item.kind, recipient=item.recipient)
                notify(recipients=[item.recipient], subject=subject, message=message,
                       path=reverse("peps:pep_detail", args=[item.pep.pk]))
        except IntegrityError:
            continue  # another worker sent it first
        lines.append(f"sent {line}")
    logger.info("PEP reminders: %d %s", len(lines), "due (dry run)" if dry_run else "sent")
    return lines



