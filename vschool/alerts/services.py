"""Raising, updating and resolving alerts (scan_drift), and the people's actions on them.

`scan_drift` keeps exactly one open Alert per (rule, subject) while a rule's finding holds, updates it as the
finding changes, resolves it when the finding no longer appears, and raises a new alert if the condition comes back
after it was resolved. Running it twice in a row changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from . import registry
from .models import Alert

log = logging.getLogger(__name__)

_BATCH = 1000
UPDATABLE = ["title", "severity", "detail", "child", "school", "since", "due_at"]


@dataclass
class RuleCounts:
    raised: int = 0
    updated: int = 0
    resolved: int = 0
    open: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        out = {"raised": self.raised, "updated": self.updated, "resolved": self.resolved, "open": self.open}
        if self.error:
            out["error"] = self.error
        return out


def _chunks(items: list, size: int = _BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _caseworkers(child_ids: set[int]) -> dict[int, int | None]:
    from roll.models import Child

    out: dict[int, int | None] = {}
    for chunk in _chunks(sorted(child_ids)):
        out.update(Child.objects.filter(pk__in=chunk).values_list("pk", "caseworker_id"))
    return out


_FIELDS = ["title", "severity", "detail", "child_id", "school_id", "since", "due_at"]
_PG_TYPES = ["varchar", "varchar", "varchar", "bigint", "bigint", "date", "date"]


def _update_rows(rows: list[tuple], now) -> None:
    """Write (pk, *_FIELDS) rows in a few UPDATE ... FROM (VALUES ...) statements.

    Django's bulk_update builds one CASE per field per row, which grows quadratically; a joined VALUES list keeps a
    nightly scan that touches most of a 100k roll to seconds. Both PostgreSQL and SQLite (3.33+) take this form;
    any other database falls back to bulk_update.
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        objs = [Alert(pk=r[0], updated_at=now, **dict(zip(_FIELDS, r[1:], strict=True))) for r in rows]
        Alert.objects.bulk_update(objs, [*UPDATABLE, "updated_at"], batch_size=500)
        return
    qn = connection.ops.quote_name
    table = qn(Alert._meta.db_table)
    columns = [Alert._meta.get_field(f).column for f in _FIELDS]
    if vendor == "postgresql":
        placeholder = "(" + ", ".join(["%s::bigint", *[f"%s::{t}" for t in _PG_TYPES]]) + ")"
    else:
        placeholder = "(" + ", ".join(["%s"] * (len(_FIELDS) + 1)) + ")"
    names = ", ".join(["id", *[qn(c) for c in columns]])
    sets = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
    ops = connection.ops
    since_at, due_at = 1 + _FIELDS.index("since"), 1 + _FIELDS.index("due_at")
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 500):
            sql = (
                f"WITH v({names}) AS (VALUES {', '.join([placeholder] * len(chunk))}) "
                f"UPDATE {table} SET {sets}, {qn('updated_at')} = %s FROM v WHERE {table}.{qn('id')} = v.id"
            )
            params = []
            for row in chunk:
                params.extend(_dates_adapted(row, since_at, due_at))
            cursor.execute(sql, [*params, ops.adapt_datetimefield_value(now)])


def _dates_adapted(row: tuple, *positions: int) -> list:
    """The row as a list, with the date fields at these positions in the database's own form (for raw SQL)."""
    row = list(row)
    for i in positions:
        row[i] = connection.ops.adapt_datefield_value(row[i])
    return row


_INSERT_FIELDS = [
    "rule_code",
    "subject_type_id",
    "subject_id",
    *_FIELDS,
    "assignee_id",
    "raised_at",
    "updated_at",
    "snooze_reason",
]


def _insert_rows(rows: list[tuple], now) -> None:
    """Insert new alerts as (rule_code, subject_type_id, subject_id, *_FIELDS, assignee_id) rows.

    A multi-row INSERT that skips a row another scan raised a moment ago (the partial unique index keeps one open
    alert per rule and subject). bulk_create spends most of its time building model instances and SQL per field;
    this is several times faster for a rule that holds for a large part of the roll.
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        objs = [Alert(**dict(zip(_INSERT_FIELDS[:-3], r, strict=True))) for r in rows]
        Alert.objects.bulk_create(objs, batch_size=_BATCH, ignore_conflicts=True)
        return
    qn = connection.ops.quote_name
    table = qn(Alert._meta.db_table)
    names = ", ".join(qn(Alert._meta.get_field(f).column) for f in _INSERT_FIELDS)
    placeholder = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    verb, tail = ("INSERT", " ON CONFLICT DO NOTHING") if vendor == "postgresql" else ("INSERT OR IGNORE", "")
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    since_at, due_at = 3 + _FIELDS.index("since"), 3 + _FIELDS.index("due_at")
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 1000):
            params = []
            for row in chunk:
                params.extend((*_dates_adapted(row, since_at, due_at), stamp, stamp, ""))
            sql = f"{verb} INTO {table} ({names}) VALUES {', '.join([placeholder] * len(chunk))}{tail}"
            cursor.execute(sql, params)


def _scan_rule(rule: registry.DriftRule, now) -> RuleCounts:
    counts = RuleCounts()
    findings: dict[tuple[int, str], registry.Finding] = {}
    ct_ids: dict[type, int] = {}
    for finding in rule.compute():
        cls = type(finding.subject)
        ct_id = ct_ids.get(cls)
        if ct_id is None:
            ct_id = ct_ids[cls] = ContentType.objects.get_for_model(cls, for_concrete_model=True).pk
        findings[(ct_id, str(finding.subject.pk))] = finding

    # Plain tuples, not model instances: a rule can hold for most of a 100k roll.
    open_alerts = {
        (row[1], row[2]): (row[0], row[3:])
        for row in Alert.objects.filter(rule_code=rule.code, resolved_at__isnull=True).values_list(
            "pk", "subject_type_id", "subject_id", *_FIELDS
        )
    }
    title = rule.title[:200]
    to_create: list[list] = []
    to_update: list[tuple] = []
    for key, f in findings.items():
        wanted = (
            title,
            f.severity or rule.severity,
            (f.detail or "")[:300],
            f.child_id,
            f.school_id,
            f.since,
            f.due,
        )
        current = open_alerts.get(key)
        if current is None:
            to_create.append([rule.code, key[0], key[1], *wanted, None])
        elif current[1] != wanted:
            to_update.append((current[0], *wanted))

    if to_create and "caseworker" in rule.audience:
        child_at = 3 + _FIELDS.index("child_id")
        owners = _caseworkers({row[child_at] for row in to_create if row[child_at]})
        for row in to_create:
            row[-1] = owners.get(row[child_at])
    gone = [pk for key, (pk, _values) in open_alerts.items() if key not in findings]

    with transaction.atomic():
        for chunk in _chunks(gone):
            counts.resolved += Alert.objects.filter(pk__in=chunk, resolved_at__isnull=True).update(
                resolved_at=now, updated_at=now
            )
        if to_update:
            _update_rows(to_update, now)
        if to_create:
            _insert_rows(to_create, now)
    counts.raised, counts.updated = len(to_create), len(to_update)
    counts.open = len(findings)
    return counts


def scan_drift(*, codes: Iterable[str] | None = None) -> dict[str, dict]:
    """Evaluate every registered drift rule (or just `codes`) now; return counts per rule code.

    Each rule is scanned in its own transaction: one rule failing is logged and reported, the others still run.
    """
    now = timezone.now()
    wanted = set(codes) if codes else None
    report: dict[str, dict] = {}
    for rule in registry.rules():
        if wanted is not None and rule.code not in wanted:
            continue
        try:
            counts = _scan_rule(rule, now)
        except Exception as exc:  # a broken rule must not stop the nightly scan of the others
            log.exception("Drift rule %s failed", rule.code)
            counts = RuleCounts(error=f"{type(exc).__name__}: {exc}"[:200])
        report[rule.code] = counts.as_dict()
        log.debug("scan_drift %s %s", rule.code, report[rule.code])
    return report


def alert_raise(*, rule_code: str, subject, child, title: str, severity: str, detail: str, since: date,
                due_at: date | None = None) -> Alert:
    """Raise an alert on an event, as the rule's scan would: once per rule and subject while it is open (the open
    one is returned as it is), assigned to the child's caseworker."""
    alert, _created = Alert.objects.get_or_create(
        rule_code=rule_code, subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=str(subject.pk), resolved_at=None,
        defaults={"title": title, "severity": severity, "detail": detail, "child": child,
                  "school": child.current_school, "since": since, "due_at": due_at, "assignee": child.caseworker},
    )
    return alert


# ---------------------------------------------------------------------------------------------------------------
# People's actions (each checks the rule and that the alert is in the actor's inbox)


def _lock_visible(actor, alert: Alert) -> Alert:
    from .selectors import alerts_visible_to

    if not actor.has_perm("alerts.act_on_alert"):
        raise PermissionDenied
    try:
        return alerts_visible_to(actor).select_for_update().get(pk=alert.pk, resolved_at__isnull=True)
    except Alert.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def alert_assign(*, actor, alert: Alert, assignee) -> Alert:
    """Give an open alert to `assignee` (the actor, or a VS staff member when the actor is VS staff); None unassigns."""
    from vschool.accounts.roles import is_vs_staff

    alert = _lock_visible(actor, alert)
    if assignee is not None and assignee.pk != actor.pk:
        if not actor.has_perm("alerts.assign_to_others"):
            raise PermissionDenied
        if not is_vs_staff(assignee):
            raise ValidationError({"assignee": "Choose a member of Virtual School staff"})
    alert.assignee = assignee
    alert.save(update_fields=["assignee", "updated_at"])
    return alert


@transaction.atomic
def alert_snooze(*, actor, alert: Alert, until: date | None, reason: str) -> Alert:
    """Hide an open alert from the inbox until a future date, with the reason a colleague will read."""
    errors = {}
    if until is None:
        errors["until"] = "Enter the date to snooze the alert until"
    elif until <= timezone.localdate():
        errors["until"] = "The snooze date must be in the future"
    if not (reason or "").strip():
        errors["reason"] = "Enter why you are snoozing this alert"
    if errors:
        raise ValidationError(errors)
    alert = _lock_visible(actor, alert)
    alert.snoozed_until = until
    alert.snooze_reason = reason.strip()[:300]
    alert.save(update_fields=["snoozed_until", "snooze_reason", "updated_at"])
    return alert


@transaction.atomic
def alert_unsnooze(*, actor, alert: Alert) -> Alert:
    """Bring a snoozed alert back into the inbox now."""
    alert = _lock_visible(actor, alert)
    alert.snoozed_until = None
    alert.snooze_reason = ""
    alert.save(update_fields=["snoozed_until", "snooze_reason", "updated_at"])
    return alert
