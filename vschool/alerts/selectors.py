"""Reads for the alerts inbox and dashboards, always scoped to the user."""

from __future__ import annotations

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from vschool.accounts.roles import Role, is_vs_staff, role_names

from . import registry
from .models import Alert


def _dt_school_ids(user, today):
    from roll.models import SchoolStaff

    return (
        SchoolStaff.objects.filter(user=user, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values("school_id")
    )


def _codes_for(role: str) -> list[str]:
    return [r.code for r in registry.rules() if role in r.audience]


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Every alert (open or resolved) this user may see.

    VS staff and the VSH: all. A designated teacher: alerts for rules that tell designated teachers, about children
    visible to them or their school. A social worker: rules that tell social workers, about their allocated children.
    Everyone else: none.
    """
    from roll.models import Child

    if is_vs_staff(user):
        return Alert.objects.all()
    roles = role_names(user)
    today = timezone.localdate()
    q = Q(pk__in=[])
    if Role.DESIGNATED_TEACHER in roles:
        q |= Q(rule_code__in=_codes_for("designated_teacher")) & (
            Q(child__in=Child.objects.visible_to(user).values("pk"))
            | Q(school_id__in=_dt_school_ids(user, today))
        )
    if Role.SOCIAL_WORKER in roles:
        q |= Q(rule_code__in=_codes_for("social_worker")) & Q(
            child__in=Child.objects.visible_to(user).values("pk")
        )
    return Alert.objects.filter(q)


def alert_list(*, user, filters: dict | None = None) -> QuerySet[Alert]:
    """Open alerts in the user's inbox, filtered (see filters.AlertFilter), oldest-due first, ready to paginate."""
    from .filters import AlertFilter

    qs = alerts_visible_to(user).filter(resolved_at__isnull=True)
    qs = AlertFilter(filters or {}, queryset=qs, user=user).qs
    return qs.select_related("child", "school", "assignee").order_by(
        F("due_at").asc(nulls_last=True), "-raised_at", "-pk"
    )


def open_alert_counts(*, user) -> dict:
    """Open, unsnoozed alerts by rule and by severity in the user's scope (two queries).

    A viewer sees aggregates of the whole roll (never an alert itself), so counts everything.
    """
    today = timezone.localdate()
    base = Alert.objects.all() if Role.VIEWER in role_names(user) else alerts_visible_to(user)
    qs = base.filter(resolved_at__isnull=True).filter(
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
    )
    titles = {r.code: r.title for r in registry.rules()}
    by_rule = [
        {
            "code": row["rule_code"],
            "title": titles.get(row["rule_code"], row["last_title"]),
            "count": row["n"],
        }
        for row in qs.values("rule_code")
        .annotate(n=Count("pk"), last_title=Max("title"))
        .order_by("-n", "rule_code")
    ]
    order = {s: i for i, s in enumerate(Alert.Severity.values)}
    labels = dict(Alert.Severity.choices)
    by_severity = sorted(
        (
            {
                "severity": row["severity"],
                "label": labels.get(row["severity"], row["severity"]),
                "count": row["n"],
            }
            for row in qs.values("severity").annotate(n=Count("pk")).order_by()
        ),
        key=lambda r: order.get(r["severity"], 99),
    )
    return {"by_rule": by_rule, "by_severity": by_severity, "total": sum(r["count"] for r in by_rule)}
