"""Reads for the roll. Every selector is scoped by the user (Child.objects.visible_to) and keeps a flat query count."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Upper
from django.http import Http404
from django.utils import timezone

from . import codes
from .models import Allocation, Child, Enrolment


def open_alerts_subquery():
    """Count of a child's open alerts as a correlated subquery (no row multiplication)."""
    from vschool.alerts.models import Alert

    counted = (
        Alert.objects.filter(child_id=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def child_get(*, user, pk) -> Child:
    """The child with this pk if `user` may see them, with what the identity bar needs; Http404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such child") from None
    child = (
        Child.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("current_school", "caseworker")
        .annotate(open_alerts=open_alerts_subquery())
        .first()
    )
    if child is None:
        raise Http404("No such child")
    return child


# ---------------------------------------------------------------------------
# Child record sections
# ---------------------------------------------------------------------------

def placement_moves(*, child, on: date | None = None, placements=None) -> int:
    """Placement moves in the 12 months up to `on`: new placements whose reason is P or B (DOMAIN 2.4).

    Temporary placements (T0–T4) are not moves.
    """
    on = on or timezone.localdate()
    since = twelve_months_before(on)
    rows = placements if placements is not None else list(child.placements.all())
    return sum(
        1 for p in rows
        if p.reason_new_episode in codes.MOVE_REASONS and p.place_code not in codes.TEMPORARY_PLACEMENTS
        and since < p.start <= on
    )


def twelve_months_before(on: date) -> date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


def child_overview(*, child) -> dict:
    """Identity, SEND, UPN warning, current allocations and current school for the overview tab."""
    today = timezone.localdate()
    allocations = list(Allocation.objects.current(today).filter(child=child).select_related("user"))
    enrolment = (
        Enrolment.objects.current(today).filter(child=child, kind__in=Enrolment.MAIN_KINDS)
        .select_related("school").first()
    )
    return {
        "allocations": allocations,
        "current_enrolment": enrolment,
        "upn_warning": bool(child.upn) and not child.upn_valid,
        "upn_missing": not child.upn,
        "legal_status_label": codes.label(codes.LEGAL_STATUS, child.current_legal_status),
    }


def child_education(*, child) -> dict:
    """Every enrolment, newest first, with its school."""
    enrolments = list(child.enrolments.select_related("school").order_by("-start", "-pk"))
    today = timezone.localdate()
    for e in enrolments:
        e.is_current = e.start <= today and (e.end is None or e.end >= today)
    return {"enrolments": enrolments}


def child_care(*, child) -> dict:
    """Legal statuses and placements, newest first, with the 12-month move count and unknown codes flagged."""
    legal_statuses = list(child.legal_statuses.order_by("-start", "-pk"))
    placements = list(child.placements.order_by("-start", "-pk"))
    for ls in legal_statuses:
        ls.label = codes.label(codes.LEGAL_STATUS, ls.code)
        ls.unknown = not codes.is_known(codes.LEGAL_STATUS, ls.code)
    for p in placements:
        p.label = codes.label(codes.PLACEMENT, p.place_code)
        p.unknown = not codes.is_known(codes.PLACEMENT, p.place_code)
        p.provider_label = codes.label(codes.PROVIDER, p.provider_code)
        p.is_move = p.reason_new_episode in codes.MOVE_REASONS and p.place_code not in codes.TEMPORARY_PLACEMENTS
    return {
        "legal_statuses": legal_statuses,
        "placements": placements,
        "moves_12_months": placement_moves(child=child, placements=placements),
    }


@dataclass
class TimelineEvent:
    on: date
    title: str
    detail: str = ""
    by: str = ""
    kind: str = "roll"


_timeline_sources = []


def timeline_source(func):
    """Register fn(child) -> iterable[TimelineEvent] so other apps can add events to a child's timeline."""
    _timeline_sources.append(func)
    return func


@timeline_source
def _roll_events(child):
    events = [TimelineEvent(child.on_roll_from, "Joined the roll", child.get_cohort_display())]
    if child.on_roll_until:
        events.append(TimelineEvent(child.on_roll_until, "Left the roll", child.leaving_reason))
    for ls in child.legal_statuses.all():
        events.append(TimelineEvent(ls.start, f"Legal status {ls.code}", codes.label(codes.LEGAL_STATUS, ls.code)))
    for p in child.placements.all():
        detail = codes.label(codes.PLACEMENT, p.place_code)
        if p.postcode_district:
            detail += f", {p.postcode_district}"
        events.append(TimelineEvent(p.start, "Care placement started", detail))
        if p.end:
            events.append(TimelineEvent(p.end, "Care placement ended", codes.label(codes.PLACEMENT, p.place_code)))
    for e in child.enrolments.select_related("school"):
        events.append(TimelineEvent(e.start, f"Joined {e.school.name}", f"{e.get_kind_display()}, "
                                                                          f"{e.get_pattern_display().lower()}"))
        if e.end:
            events.append(TimelineEvent(e.end, f"Left {e.school.name}", e.leaving_reason))
    for a in child.allocations.select_related("user"):
        events.append(TimelineEvent(a.start, f"{a.get_role_display()} allocated", a.person, kind="allocation"))
        if a.end:
            events.append(TimelineEvent(a.end, f"{a.get_role_display()} allocation ended",
                                        a.handover_note or a.person, kind="allocation"))
    return events


def child_timeline(*, child) -> list[TimelineEvent]:
    """Every event on the child's record, newest first."""
    events = []
    for source in _timeline_sources:
        events.extend(source(child))
    events.sort(key=lambda e: e.on, reverse=True)
    return events


def _with_term_attendance(qs):
    """Term attendance % for the roll list column (a join to the attendance app's per-child term totals)."""
    if "term_attendance_pct" in qs.query.annotations:
        return qs
    from attendance.selectors import annotate_term_attendance

    return annotate_term_attendance(qs)


def child_list(*, user, filters=None, sort: str = "name"):
    """Children the user may see, filtered (roll.filters.ChildFilter) and sorted in the database.

    Returns (queryset, filterset, sort key). The queryset carries open_alerts and select_related for the list.
    """
    from .filters import SORTS, ChildFilter

    base = Child.objects.visible_to(user)
    filterset = ChildFilter(filters, queryset=base, user=user)
    qs = _with_term_attendance(filterset.qs if filterset.is_valid() else base.none())
    key = sort.lstrip("-") if sort else "name"
    if key not in SORTS:
        sort, key = "name", "name"
    order = list(SORTS[key])
    if key == "name" and filters and (filters.get("q") or "").strip():
        # A name search matches few rows spread through the alphabet: sorting on an expression stops the planner
        # walking the whole name index looking for them (it finds them by the name indexes, then sorts).
        order = [Upper("legal_last_name"), Upper("legal_first_name"), "id"]
        if sort.startswith("-"):
            return qs.select_related("current_school", "caseworker").annotate(
                open_alerts=open_alerts_subquery()).order_by(*[o.desc() if hasattr(o, "desc") else f"-{o}"
                                                              for o in order]), filterset, sort
        return qs.select_related("current_school", "caseworker").annotate(
            open_alerts=open_alerts_subquery()).order_by(*order), filterset, sort
    if sort.startswith("-"):
        order = [o[1:] if o.startswith("-") else f"-{o}" for o in order]
    qs = (
        qs.select_related("current_school", "caseworker")
        .annotate(open_alerts=open_alerts_subquery())
        .order_by(*order)
    )
    return qs, filterset, sort


def child_rows(ids: list) -> list[Child]:
    """The full rows (open alerts, attendance, school, caseworker) of one page of child ids, in the page's order.

    The roll list pages over ids from the user's scoped, filtered list first, so the per-row subqueries run for the
    rows shown only: a first page costs about the same whether the filter matches 50 children or 100,000.
    """
    rows = (
        _with_term_attendance(Child.objects.filter(pk__in=ids))
        .select_related("current_school", "caseworker")
        .annotate(open_alerts=open_alerts_subquery())
    )
    by_pk = {child.pk: child for child in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def caseworker_choices():
    """VS staff who can hold a caseload (for filters and allocation forms)."""
    from vschool.accounts.models import User
    from vschool.accounts.roles import Role

    return User.objects.filter(groups__name__in=[Role.VS_STAFF, Role.HEADTEACHER], is_active=True).distinct()


def school_is_good_or_better(school, *, rule: str | None = None) -> bool:
    """True when the school's latest inspection meets the authority's good-school rule (Authority.good_school_rule).

    Graded inspections: Outstanding or Good. Report cards: no area below Expected standard and safeguarding met;
    the strict rule also needs at least two areas Strong standard or better. With no inspection, the linked
    predecessor's inspection is used; with none at all the school is not counted as good (the VSH decides).
    """
    return school_suitability(school, rule=rule) == "suitable"


def school_suitability(school, *, rule: str | None = None) -> str:
    """"suitable", "vsh_decides" or "unsuitable" (DOMAIN 6.2)."""
    from vschool.core.models import Authority

    rule = rule or Authority.current().good_school_rule
    seen = set()
    while school is not None and school.pk not in seen:
        seen.add(school.pk)
        inspection = school.inspections.order_by("-inspected_on", "-pk").first()
        if inspection is not None:
            return inspection_suitability(inspection, rule=rule)
        school = school.predecessor
    return "vsh_decides"


def inspection_suitability(inspection, *, rule: str) -> str:
    from vschool.core.models import Authority

    from .models import Inspection

    if inspection.framework == Inspection.Framework.GRADED:
        grade = inspection.overall_grade
        if grade in (Inspection.Grade.OUTSTANDING, Inspection.Grade.GOOD):
            return "suitable"
        if grade == Inspection.Grade.INADEQUATE:
            return "unsuitable"
        return "vsh_decides"
    grades = [int(v) for v in (inspection.area_grades or {}).values()]
    if inspection.safeguarding_met is False or any(g <= Inspection.Scale.URGENT_IMPROVEMENT for g in grades):
        return "unsuitable"
    if any(g <= Inspection.Scale.NEEDS_ATTENTION for g in grades) or not grades:
        return "vsh_decides"
    if rule == Authority.GoodRule.STRICT and sum(1 for g in grades if g >= Inspection.Scale.STRONG) < 2:
        return "vsh_decides"
    return "suitable"


def annotate_latest_inspection(qs):
    """Annotate schools with their latest inspection's framework and overall grade (one query)."""
    from .models import Inspection

    latest = Inspection.objects.filter(school_id=OuterRef("pk")).order_by("-inspected_on", "-pk")
    return qs.annotate(
        latest_framework=Subquery(latest.values("framework")[:1]),
        latest_grade=Subquery(latest.values("overall_grade")[:1]),
        latest_inspected_on=Subquery(latest.values("inspected_on")[:1]),
    )


def school_list(*, user, q: str = "", area: str = ""):
    """Schools for VS staff, searchable by name or URN, with their latest inspection."""
    from .models import School

    qs = School.objects.all()
    if q:
        qs = qs.filter(Q(urn=q.strip()) | Q(name__icontains=q.strip()))
    if area == "in":
        qs = qs.filter(in_authority_area=True)
    elif area == "out":
        qs = qs.filter(in_authority_area=False)
    return annotate_latest_inspection(qs.select_related("predecessor")).order_by("name", "pk")


def children_out_of_step(on: date | None = None):
    """Children whose denormalised school, caseworker or legal status no longer matches their history
    (an enrolment, allocation or legal status ended or began by date, not by an edit)."""
    from django.db.models import Exists, F

    from .models import LegalStatus

    on = on or timezone.localdate()
    current_main = Enrolment.objects.current(on).filter(child_id=OuterRef("pk"), kind__in=Enrolment.MAIN_KINDS)
    at_their_school = current_main.filter(school_id=OuterRef("current_school_id"))
    current_cw = Allocation.objects.current(on).filter(child_id=OuterRef("pk"), role=Allocation.Role.CASEWORKER)
    cw_matches = current_cw.filter(user_id=OuterRef("caseworker_id"))
    current_ls = LegalStatus.objects.filter(child_id=OuterRef("pk"), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on))
    return Child.objects.filter(
        (Q(current_school__isnull=False) & ~Exists(at_their_school))
        | (Q(current_school__isnull=False) & ~Q(current_school_name=F("current_school__name")))
        | (Q(current_school__isnull=True) & Q(current_school_name__isnull=False))
        | (Q(current_school__isnull=True) & Exists(current_main))
        | (Q(caseworker__isnull=False) & ~Exists(cw_matches))
        | (Q(caseworker__isnull=True) & Exists(current_cw.filter(user__isnull=False)))
        | (~Q(current_legal_status="") & ~Exists(current_ls.filter(code=OuterRef("current_legal_status"))))
        | (Q(current_legal_status="") & Exists(current_ls))
    )
