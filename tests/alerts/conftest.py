"""A test-only drift rule whose findings the test controls, removed from the registry afterwards."""

from datetime import date

import pytest

from vschool.alerts import registry
from vschool.alerts.registry import DriftRule, Finding


class Switchboard:
    """What the test rule finds right now: child -> (detail, due)."""

    def __init__(self):
        self.children: dict = {}
        self.fail = False

    def compute(self):
        if self.fail:
            raise RuntimeError("source unavailable")
        for child, (detail, due) in self.children.items():
            yield Finding(
                subject=child,
                child_id=child.pk,
                school_id=child.current_school_id,
                since=date(2026, 11, 2),
                due=due,
                detail=detail,
            )


@pytest.fixture
def test_rule():
    board = Switchboard()
    rule = registry.register(
        DriftRule(
            code="test.no_widget",
            title="Child has no widget",
            severity="high",
            audience=("caseworker", "designated_teacher", "social_worker"),
            compute=board.compute,
        )
    )
    board.rule = rule
    yield board
    registry.unregister(rule.code)


@pytest.fixture
def quiet_rule():
    """A second rule telling VS staff only."""
    board = Switchboard()
    rule = registry.register(
        DriftRule(
            code="test.vs_only",
            title="VS-only check",
            severity="low",
            audience=("vsh",),
            compute=board.compute,
        )
    )
    yield board
    registry.unregister(rule.code)


@pytest.fixture(autouse=True)
def _only_test_rules(monkeypatch):
    """Scan only the rules a test registered, whatever other apps have registered."""
    from vschool.alerts import services

    real = services.scan_drift

    def scoped(*, codes=None):
        return real(codes=codes or [c for c in registry._rules if c.startswith("test.")])

    monkeypatch.setattr(services, "scan_drift", scoped)
