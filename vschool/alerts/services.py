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
from django.db import transaction
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


def _scan_rule(rule: registry.DriftRule, now) -> RuleCounts:
    counts = RuleCounts()
    findings: dict[tuple[int, str], registry.Finding] = {}
    for finding in rule.compute():
        ct = ContentType.objects.get_for_model(finding.subject, for_concrete_model=True)
        findings[(ct.pk, str(finding.subject.pk))] = finding

    open_alerts = {
        (a.subject_type_id, a.subject_id): a
        for a in Alert.objects.filter(rule_code=rule.code, resolved_at__isnull=True).only(
            "pk",
            "subject_type_id",
            "subject_id",
            *[f if f not in ("child", "school") else f"{f}_id" for f in UPDATABLE],
        )
    }
    to_create: list[Alert] = []
    to_update: list[Alert] = []
    for key, f in findings.items():
        wanted = {
            "title": rule.title[:200],
            "severity": f.severity or rule.severity,
            "detail": (f.detail or "")[:300],
            "child_id": f.child_id,
            "school_id": f.school_id,
            "since": f.since,
            "due_at": f.due,
        }
        alert = open_alerts.get(key)
        if alert is None:
            to_create.append(Alert(rule_code=rule.code, subject_type_id=key[0], subject_id=key[1], **wanted))
            continue
        if any(getattr(alert, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(alert, k, v)
            alert.updated_at = now
            to_update.append(alert)

    if to_create and "caseworker" in rule.audience:
        owners = _caseworkers({a.child_id for a in to_create if a.child_id})
        for a in to_create:
            a.assignee_id = owners.get(a.child_id)
    gone = [a.pk for key, a in open_alerts.items() if key not in findings]

    with transaction.atomic():
        for chunk in _chunks(gone):
            counts.resolved += Alert.objects.filter(pk__in=chunk, resolved_at__isnull=True).update(
                resolved_at=now, updated_at=now
            )
        if to_update:
            Alert.objects.bulk_update(to_update, [*UPDATABLE, "updated_at"], batch_size=500)
        # A concurrent scan may have raised the same alert a moment ago: the partial unique index keeps one.
        Alert.objects.bulk_create(to_create, batch_size=_BATCH, ignore_conflicts=True)
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
