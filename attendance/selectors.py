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
    WeeklyAttendance,
)
from .schooldays import current_term, monday, school_year, term_weeks

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


def term_rollup_queryset(on: date | None = None):
    """WeeklyAttendance rows for the weeks of the current term (Mondays from the term's first week)."""
    _term, first, last = term_weeks(on or timezone.localdate())
    return WeeklyAttendance.objects.filter(week_start__gte=first, week_start__lte=last)


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
    threshold = Authority.current().attendance_threshold
    return queryset.filter(term_attendance_pct__lt=float(threshold))


def term_counts_by_child(on: date | None = None) -> dict[int, dict[str, int]]:
    """{child_id: {possible, attended, missed}} over the current term, from the rollups (one query)."""
    rows = term_rollup_queryset(on).values("child_id").annotate(
        possible_s=Coalesce(Sum("possible"), 0),
        attended_s=Coalesce(Sum(F("present") + F("approved")), 0),
        missed_s=Coalesce(Sum(F("authorised") + F("unauthorised")), 0),
    ).filter(possible_s__gt=0)
    return {r["child_id"]: {"possible": r["possible_s"], "attended": r["attended_s"], "missed": r["missed_s"]}
            for r in rows}


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
    on_ptt = any(p.is_active(end) for p in PartTimeTimetable.objects.filter(child=child))
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


def term_overview(*, user, on: date | None = None) -> dict:
    """Whole-roll (or the user's children) attendance this term from the rollups, for dashboards: one query.

    Returns children with data, overall attendance %, and how many are below target, persistently or severely
    absent. Aggregates only, so viewers may see it.
    """
    from roll.models import Child
    from vschool.accounts.roles import Role, role_names

    authority = Authority.current()
    qs = term_rollup_queryset(on)
    if Role.VIEWER not in role_names(user):
        qs = qs.filter(child__in=Child.objects.visible_to(user))
    per_child = qs.values("child_id").annotate(
        p=Coalesce(Sum("possible"), 0), a=Coalesce(Sum(F("present") + F("approved")), 0),
    ).filter(p__gt=0)
    out = {"children": 0, "possible": 0, "attended": 0, "below_threshold": 0, "persistent_absence": 0,
           "severe_absence": 0}
    for row in per_child:
        p, a = row["p"], row["a"]
        missed = p - a
        out["children"] += 1
        out["possible"] += p
        out["attended"] += a
        out["below_threshold"] += a * HUNDRED < authority.attendance_threshold * p
        out["persistent_absence"] += missed * HUNDRED >= authority.persistent_absence_threshold * p
        out["severe_absence"] += missed * HUNDRED >= authority.severe_absence_threshold * p
    out["pct"] = (Decimal(out["attended"]) * HUNDRED / out["possible"]).quantize(Decimal("0.1")) \
        if out["possible"] else None
    return out
