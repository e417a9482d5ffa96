"""Aggregate figures for the dashboards: a fixed number of queries whatever the size of the roll."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from vschool.calendar.services import academic_year_of, current_term

PHASES = [("early_years", "Early years", None, -1), ("statutory", "School age (Reception to Year 11)", 0, 11),
          ("post16", "Post-16", 12, None)]  # fmt: skip


def _dob_q(low: int | None, high: int | None, today: date) -> Q:
    """Children whose national curriculum year (by age) is between low and high, as a date-of-birth range."""
    a = academic_year_of(today)
    q = Q()
    if high is not None:  # oldest allowed cohort starts 1 September of (a - 5 - high)
        q &= Q(date_of_birth__gte=date(a - 5 - high, 9, 1))
    if low is not None:  # youngest allowed cohort ends 31 August of (a - 5 - low + 1)
        q &= Q(date_of_birth__lte=date(a - 5 - low + 1, 8, 31))
    return q


def roll_summary(*, children, today: date | None = None) -> dict:
    """Children on the roll by cohort, phase, key stage and in or out of area: one query."""
    from roll.models import Child
    from roll.services import KEY_STAGES

    today = today or timezone.localdate()
    aggregates = {"total": Count("pk")}
    for value, _label in Child.Cohort.choices:
        aggregates[f"cohort_{value}"] = Count("pk", filter=Q(cohort=value))
    for code, _label, low, high in PHASES:
        aggregates[f"phase_{code}"] = Count("pk", filter=_dob_q(low, high, today))
    for code, _label, low, high in KEY_STAGES:
        aggregates[f"ks_{code}"] = Count("pk", filter=_dob_q(low, high, today))
    aggregates["area_in"] = Count("pk", filter=Q(placement_in_area=True))
    aggregates["area_out"] = Count("pk", filter=Q(placement_in_area=False))
    aggregates["area_unknown"] = Count("pk", filter=Q(placement_in_area__isnull=True))
    row = children.on_roll(today).aggregate(**aggregates)
    return {
        "total": row["total"],
        "by_cohort": [{"label": label, "count": row[f"cohort_{v}"]} for v, label in Child.Cohort.choices],
        "by_phase": [{"label": label, "count": row[f"phase_{c}"]} for c, label, _lo, _hi in PHASES],
        "by_key_stage": [{"label": label, "count": row[f"ks_{c}"]} for c, label, _lo, _hi in KEY_STAGES],
        "by_area": [
            {"label": "Placed in area", "count": row["area_in"]},
            {"label": "Placed out of area", "count": row["area_out"]},
            {"label": "Placement area not known", "count": row["area_unknown"]},
        ],
    }


def pep_summary(*, today: date | None = None) -> dict | None:
    """PEPs for the current term by status (one query)."""
    from peps.models import PEP

    term = current_term(today or timezone.localdate())
    labels = dict(PEP.Status.choices)
    rows = (
        PEP.objects.filter(academic_year=term.academic_year, term=term.term)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["status"]: r["n"] for r in rows}
    return {
        "term": term,
        "by_status": [{"status": s, "label": labels[s], "count": counts.get(s, 0)} for s in labels],
        "total": sum(counts.values()),
    }
