"""Every read of attendance: rates, summaries, week grids, the roll-list annotation."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from vschool.core.models import Authority

from . import codes
from .models import (
    AlternativeProvision,
    Exclusion,
    ImportBatch,
    PartTimeTimetable,
    SessionMark,
    TermAttendance,
    WeeklyAttendance,
)
from .schooldays import current_term, monday, school_year

HUNDRED = Decimal(100)


@dataclass
class Summary:
    """Counts of sessions and what they mean against the authority's thresholds."""

    label: str
    start: date
    end: date
    possible: int = 0
    present: int = 0
    approved: int = 0
    authorised: int = 0
    unauthorised: int = 0
    attendance_threshold: Decimal = Decimal(95)
    persistent_threshold: Decimal = Decimal(10)
    severe_threshold: Decimal = Decimal(50)

    @property
    def attended(self) -> int:
        return self.present + self.approved

    @property
    def missed(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.attended) / Decimal(self.possible) if self.possible else None

    @property
    def pct(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else (rate * HUNDRED).quantize(Decimal("0.1"))

    @property
    def has_data(self) -> bool:
        return bool(self.possible)

    # Compared as exact fractions, so 95%, 90% and 50% fall on the right side of each line.
    @property
    def below_threshold(self) -> bool:
        return self.has_data and self.attended * HUNDRED < self.attendance_threshold * self.possible

    @property
    def persistent_absence(self) -> bool:
        return self.has_data and self.missed * HUNDRED >= self.persistent_threshold * self.possible

    @property
    def severe_absence(self) -> bool:
        return self.has_data and self.missed * HUNDRED >= self.severe_threshold * self.possible

    @property
    def status(self) -> str:
        if not self.has_data:
            return "No data"
        if self.severe_absence:
            return "Severe absence"
        if self.persistent_absence:
            return "Persistent absence"
        if self.below_threshold:
            return "Below target"
        return "Good"


def _counts_from_marks(child_ids, start: date, end: date) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    rows = (
        SessionMark.objects.filter(child_id__in=child_ids, date__gte=start, date__lte=end)
        .values("child_id", "code")
        .annotate(n=Count("*"))
    )
    field = {codes.PRESENT: "present", codes.APPROVED_ACTIVITY: "approved", codes.AUTHORISED: "authorised",
             codes.UNAUTHORISED: "unauthorised"}
    for row in rows:
        try:
            cat = codes.classify(row["code"])
        except ValueError:
            continue
        if cat == codes.NOT_POSSIBLE:
            continue
        c = out.setdefault(row["child_id"], dict.fromkeys(["possible", *field.values()], 0))
        c[field[cat]] += row["n"]
        c["possible"] += row["n"]
    return out


def _add_returns(counts, child_ids, start: date, end: date) -> None:
    from .models import WeeklyReturn

    for ret in WeeklyReturn.objects.filter(child_id__in=child_ids, week_start__gte=start, week_start__lte=end):
        c = counts.setdefault(ret.child_id, dict.fromkeys(["possible", "present", "approved", "authorised",
                                                           "unauthorised"], 0))
        c["possible"] += ret.possible
        c["present"] += ret.attended
        c["authorised"] += ret.authorised
        c["unauthorised"] += ret.unauthorised


def attendance_rate(child, start: date, end: date) -> Decimal | None:
    """(present + approved_activity) / possible sessions from start to end; None when nothing was possible."""
    child_id = getattr(child, "pk", child)
    counts = _counts_from_marks([child_id], start, end)
    _add_returns(counts, [child_id], start, end)
    c = counts.get(child_id)
    if not c or not c["possible"]:
        return None
    return Decimal(c["present"] + c["approved"]) / Decimal(c["possible"])


def attendance_summary(child, start: date, end: date, label: str = "") -> Summary:
    """Session counts and threshold flags for any date range (exact, from the marks and weekly returns)."""
    authority = Authority.current()
    child_id = getattr(child, "pk", child)
    counts = _counts_from_marks([child_id], start, end)
    _add_returns(counts, [child_id], start, end)
    return Summary(label=label, start=start, end=end, **counts.get(child_id, {}),
                   attendance_threshold=authority.attendance_threshold,
                   persistent_threshold=authority.persistent_absence_threshold,
                   severe_threshold=authority.severe_absence_threshold)


def child_summaries(child, on: date | None = None) -> dict[str, Summary]:
    """This term and the school year to date."""
    on = on or timezone.localdate()
    term = current_term(on)
    year_start, _ = school_year(on)
    return {
        "term": attendance_summary(child, term.start, min(term.end, on), label=term.name),
        "year": attendance_summary(child, year_start, on, label="School year to date"),
    }


def weekly_series(child, start: date, end: date) -> list[WeeklyAttendance]:
    """The child's weekly rollups from start to end, one row per week that has any data."""
    return list(WeeklyAttendance.objects.filter(child=child, week_start__gte=monday(start), week_start__lte=end))


def week_marks(child, week_start: date) -> dict[tuple[date, str], SessionMark]:
    qs = SessionMark.objects.filter(child=child, date__gte=week_start, date__lt=week_start + timedelta(days=7))
    return {(m.date, m.session): m for m in qs}


def marks_calendar(child, start: date, end: date) -> list[dict]:
    """Weeks (Monday to Friday) with each day's AM and PM mark, for the marks calendar."""
    marks = {
        (m.date, m.session): m
        for m in SessionMark.objects.filter(child=child, date__gte=start, date__lte=end).only(
            "date", "session", "code"
        )
    }
    weeks = []
    wk = monday(start)
    while wk <= end:
        days = []
        for i in range(5):
            day = wk + timedelta(days=i)
            days.append({"date": day, "am": marks.get((day, "AM")), "pm": marks.get((day, "PM")),
                         "in_range": start <= day <= end})
        weeks.append({"week_start": wk, "days": days})
        wk += timedelta(days=7)
    return weeks


def term_attendance_rows(on: date | None = None):
    """This term's TermAttendance rows with sessions possible, for the children on the roll on `on` (today).

    One narrow row per child, kept current by every rollup write, so whole-roll figures are one query. `on` must
    fall in the current term: the table holds no other.
    """
    from roll.models import Child

    on = on or timezone.localdate()
    # Children off the roll that day are few and indexed, so they are left out rather than the rest joined in.
    off_roll = Child.objects.filter(Q(on_roll_from__gt=on) | Q(on_roll_until__lt=on)).values("pk")
    return TermAttendance.objects.filter(term_start=current_term(on).start, possible__gt=0).exclude(
        child__in=off_roll)


def threshold_filters(authority: Authority | None = None, field: str = "pct") -> dict[str, Q]:
    """Below target, persistent and severe absence as filters on an attended percentage (TermAttendance's, or the
    roll's `term_attendance_pct`): missing t% or more of sessions is attending 100 - t% or less."""
    authority = authority or Authority.current()
    return {
        "below_threshold": Q(**{f"{field}__lt": float(authority.attendance_threshold)}),
        "persistent_absence": Q(**{f"{field}__lte": float(HUNDRED - authority.persistent_absence_threshold)}),
        "severe_absence": Q(**{f"{field}__lte": float(HUNDRED - authority.severe_absence_threshold)}),
    }


def annotate_term_attendance(queryset, on: date | None = None):
    """Annotate each child with `term_attendance_pct` (percentage, null when there is nothing this term).

    A join to the children's TermAttendance rows (kept current by every rollup write), so a roll page sorts and
    filters the whole roll by it with one join. `on` must fall in the current term: the table holds no other.
    """
    term = current_term(on or timezone.localdate())
    return queryset.annotate(
        _term=FilteredRelation("term_attendance", condition=Q(term_attendance__term_start=term.start)),
        term_attendance_pct=F("_term__pct"),
    )


def filter_below_threshold(queryset, on: date | None = None):
    """Children annotated by annotate_term_attendance whose term attendance is below the authority threshold."""
    return queryset.filter(threshold_filters(field="term_attendance_pct")["below_threshold"])


def pep_attendance_figures(child, on: date | None = None) -> dict:
    """This term's figures for a PEP's attendance section on `on` (today): attendance % so far, the number and days
    of suspensions in the term, and whether a part-time timetable is in force. A rate with no sessions is left out."""
    from .services import suspension_days_in_term

    on = on or timezone.localdate()
    term = current_term(on)
    end = min(on, term.end)
    figures = {}
    rate = attendance_rate(child, term.start, end)
    if rate is not None:
        figures["attendance_percent"] = round(float(rate) * 100, 1)
    figures["suspensions"] = Exclusion.objects.filter(
        child=child, kind=Exclusion.Kind.SUSPENSION, start__gte=term.start, start__lte=term.end).count()
    days = suspension_days_in_term(child, on)
    if days:
        figures["suspension_days"] = float(days)
    on_ptt = PartTimeTimetable.objects.current(end).filter(child=child).exists()
    figures["part_time_timetable"] = "yes" if on_ptt else "no"
    return figures


def exclusions_for_child(child):
    return Exclusion.objects.filter(child=child).select_related("school")


def part_time_for_child(child):
    return PartTimeTimetable.objects.filter(child=child).select_related("school")


def ap_for_child(child):
    return AlternativeProvision.objects.filter(child=child).select_related("enrolment__school")


def import_batches(*, user, limit: int = 10):
    from vschool.accounts.roles import is_vs_staff

    if not is_vs_staff(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.select_related("created_by").order_by("-created_at")[:limit]


def _of_users_children(queryset, user):
    """Rows of the children the user may see; whole-roll aggregates for the Virtual School and viewers."""
    from roll.models import Child
    from vschool.accounts.roles import WHOLE_ROLL_ROLES, Role, role_names

    if role_names(user) & (WHOLE_ROLL_ROLES | {Role.VIEWER}):
        return queryset
    return queryset.filter(child__in=Child.objects.visible_to(user))


def term_overview(*, user, on: date | None = None) -> dict:
    """This term's attendance across the roll (or the user's children) for dashboards, in one query: children with
    sessions this term, their sessions possible and attended, the overall attendance %, and how many are below
    target, persistently or severely absent. Aggregates only, so viewers see the whole roll's.
    """
    authority = Authority.current()
    qs = _of_users_children(term_attendance_rows(on), user)
    out = qs.aggregate(
        children=Count("pk"), possible=Coalesce(Sum("possible"), 0), attended=Coalesce(Sum("attended"), 0),
        **{name: Count("pk", filter=q) for name, q in threshold_filters(authority).items()},
    )
    out["pct"] = (Decimal(out["attended"]) * HUNDRED / out["possible"]).quantize(Decimal("0.1")) \
        if out["possible"] else None
    out["term"] = current_term(on or timezone.localdate())
    out["threshold"] = authority.attendance_threshold
    return out


def exclusions_overview(*, user, on: date | None = None) -> dict:
    """This school year's suspensions and permanent exclusions, and part-time timetables in force on `on` (today),
    across the roll or the user's children, for dashboards: two queries."""
    on = on or timezone.localdate()
    start, end = school_year(on)
    exclusions = Exclusion.objects.filter(start__gte=start, start__lte=end)
    timetables = PartTimeTimetable.objects.current(on)
    exclusions, timetables = _of_users_children(exclusions, user), _of_users_children(timetables, user)
    suspension = Q(kind=Exclusion.Kind.SUSPENSION)
    out = exclusions.aggregate(
        suspensions=Count("pk", filter=suspension),
        children_suspended=Count("child_id", filter=suspension, distinct=True),
        permanent=Count("pk", filter=Q(kind=Exclusion.Kind.PERMANENT)),
    )
    out["part_time_timetables"] = timetables.count()
    return out

