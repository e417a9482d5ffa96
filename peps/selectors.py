"""Every read of PEPs, scoped by the user (a PEP the user may not see does not exist for them)."""

from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from vschool.accounts.roles import Role, is_vs_staff, role_names

from .models import PEP, Delegation, Section


def pep_visible_to(user) -> QuerySet[PEP]:
    """PEPs of the children the user may see (roll scoping), plus children delegated to them by a DT."""
    from roll.models import Child

    roles = role_names(user)
    if not getattr(user, "is_authenticated", False):
        return PEP.objects.none()
    if roles & {Role.HEADTEACHER, Role.VS_STAFF}:
        return PEP.objects.all()
    delegated = Delegation.objects.filter(delegate=user, revoked_at__isnull=True).values("child_id")
    if not roles & {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}:
        return PEP.objects.filter(child_id__in=delegated)
    return PEP.objects.filter(Q(child__in=Child.objects.visible_to(user)) | Q(child_id__in=delegated))


def _sections_done():
    done = (
        Section.objects.filter(pep_id=OuterRef("pk"), required=True, is_complete=True)
        .order_by().values("pep_id").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(done, output_field=IntegerField()), 0)


def _sections_total():
    total = Section.objects.filter(pep_id=OuterRef("pk"), required=True).order_by().values("pep_id").annotate(
        n=Count("pk")).values("n")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def with_progress(qs: QuerySet[PEP]) -> QuerySet[PEP]:
    return qs.select_related("child", "school", "child__caseworker").annotate(
        sections_done=_sections_done(), sections_total=_sections_total()
    )


def pep_get(*, user, pk) -> PEP:
    """The PEP with this pk if the user may see it; Http404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such PEP") from None
    pep = pep_visible_to(user).select_related("child", "school", "child__caseworker").filter(pk=pk).first()
    if pep is None:
        raise Http404("No such PEP")
    return pep


def pep_sections(pep: PEP) -> list[Section]:
    return list(pep.sections.select_related("completed_by").order_by("position"))


def next_due(pep: PEP, today: date | None = None) -> tuple[str, date | None]:
    """What is due next on a PEP, and by when (no queries)."""
    today = today or timezone.localdate()
    S = PEP.Status
    if pep.status in (S.APPROVED, S.CANCELLED):
        return ("Nothing due", None)
    if pep.status == S.SUBMITTED:
        return ("Quality assurance", pep.qa_due)
    if pep.status == S.RETURNED:
        return ("Correct and resubmit", None)
    if not pep.meeting_date:
        return ("Set the meeting date", pep.first_pep_start_by)
    if pep.sections_due and today <= pep.sections_due:
        return ("Sections due before the meeting", pep.sections_due)
    if pep.status == S.READY_TO_SUBMIT:
        return ("Submit the PEP", pep.completion_due)
    return ("Finish the PEP after the meeting", pep.completion_due)


def is_overdue(pep: PEP, today: date | None = None) -> bool:
    label, due = next_due(pep, today)
    return bool(due and due < (today or timezone.localdate()))


def overdue_q(today: date) -> Q:
    """PEPs past a deadline: sections, completion or QA (as a database filter)."""
    S = PEP.Status
    open_states = [S.NOT_STARTED, S.IN_PROGRESS, S.READY_TO_SUBMIT, S.RETURNED]
    return (
        Q(status__in=open_states, completion_due__lt=today)
        | Q(status=S.SUBMITTED, qa_due__lt=today)
        | Q(status__in=open_states, meeting_date__isnull=True, first_pep_start_by__lt=today)
    )


def my_pep_list(*, user) -> QuerySet[PEP]:
    """A DT's or SW's current PEPs: open or awaiting QA, plus this term's approved ones."""
    from vschool.calendar.services import current_term

    term = current_term()
    qs = pep_visible_to(user).filter(
        Q(status__in=[*PEP.OPEN_STATUSES, PEP.Status.SUBMITTED])
        | Q(academic_year=term.academic_year, term=term.term)
    ).exclude(status=PEP.Status.CANCELLED)
    if is_vs_staff(user):
        # For Virtual School staff, "mine" is their caseload; the tracker shows everyone's.
        qs = qs.filter(child__caseworker=user)
    return with_progress(qs).order_by(F("meeting_date").asc(nulls_first=True), "child__legal_last_name", "pk")


def tracker_list(*, user, filters: dict | None = None):
    """The VS PEP tracker for a term, filtered in the database. Returns (filterset, queryset)."""
    from .filters import PEPTrackerFilter

    if not is_vs_staff(user):
        raise Http404
    qs = with_progress(pep_visible_to(user))
    fs = PEPTrackerFilter(filters or {}, queryset=qs)
    return fs, fs.qs.order_by("child__legal_last_name", "child__legal_first_name", "pk")


def child_pep_list(*, user, child) -> QuerySet[PEP]:
    return with_progress(pep_visible_to(user).filter(child=child)).order_by("-academic_year", "-created_at")


def carried_feedback(pep: PEP):
    """Amber feedback from the child's previous approved PEP: what this PEP must act on."""
    from .models import QAReview

    return (
        QAReview.objects.filter(pep__child_id=pep.child_id, pep__status=PEP.Status.APPROVED, rag=QAReview.Rag.AMBER)
        .exclude(pep=pep).filter(pep__created_at__lt=pep.created_at).order_by("-created_at").first()
    )


def delegations_for(*, user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(delegator=user, revoked_at__isnull=True).select_related("delegate", "child")
