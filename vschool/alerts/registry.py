"""The drift-rule registry. Each app declares its rules in drift.py and registers them here.

A rule's `compute()` returns the findings that hold *now*; `scan_drift` raises one open Alert per
(rule, subject), updates it while it holds, and resolves it when it no longer appears.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import models


@dataclass(frozen=True)
class Finding:
    """One subject a rule is true for. `subject` is any model instance (a Child, PEP, Exclusion ...)."""

    subject: models.Model
    child_id: int | None = None
    since: date | None = None
    due: date | None = None
    detail: str = ""
    school_id: int | None = None
    severity: str | None = (
        None  # overrides the rule's severity for this subject (e.g. amber at 10 days, red at 20)
    )


@dataclass(frozen=True)
class DriftRule:
    code: str  # stable identifier, e.g. "attendance.below_threshold"
    title: str  # what a person reads in the inbox
    severity: str  # "high" | "medium" | "low"
    audience: tuple[str, ...]  # who is told: allocation roles, e.g. ("caseworker", "designated_teacher")
    compute: Callable[[], Iterable[Finding]] = field(compare=False)


_rules: dict[str, DriftRule] = {}


def register(rule: DriftRule) -> DriftRule:
    if rule.code in _rules and _rules[rule.code] is not rule:
        raise ValueError(f"Drift rule {rule.code} is registered twice")
    _rules[rule.code] = rule
    return rule


def rules() -> list[DriftRule]:
    """Every registered rule, importing each installed app's drift.py once."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("drift")
    return sorted(_rules.values(), key=lambda r: r.code)


def unregister(code: str) -> None:
    """Remove a rule (tests register throwaway rules and clean up after themselves)."""
    _rules.pop(code, None)


def get_rule(code: str) -> DriftRule | None:
    rules()
    return _rules.get(code)
