from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.roll.factories import ChildFactory, SchoolFactory
from vschool.alerts import services
from vschool.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_raise_update_resolve_and_raise_again(test_rule, caseworker):
    a, b = ChildFactory(caseworker=caseworker), ChildFactory()
    test_rule.children = {a: ("first", date(2026, 12, 1)), b: ("first", None)}

    report = services.scan_drift()
    assert report["test.no_widget"] == {"raised": 2, "updated": 0, "resolved": 0, "open": 2}
    alert_a = Alert.objects.get(child=a, resolved_at__isnull=True)
    assert abs((timezone.now() - alert_a.raised_at).total_seconds()) < 60
    assert alert_a.since == date(2026, 11, 2) and alert_a.snooze_reason == ""
    assert alert_a.assignee == caseworker  # the rule tells caseworkers: the child's caseworker gets it
    assert Alert.objects.get(child=b).assignee is None
    assert (alert_a.title, alert_a.severity, alert_a.detail, alert_a.due_at) == (
        "Child has no widget",
        "high",
        "first",
        date(2026, 12, 1),
    )

    test_rule.children = {a: ("changed", date(2026, 12, 8))}
    before = alert_a.updated_at
    report = services.scan_drift()
    assert report["test.no_widget"] == {"raised": 0, "updated": 1, "resolved": 1, "open": 1}
    alert_a.refresh_from_db()
    assert alert_a.updated_at > before
    assert (alert_a.detail, alert_a.due_at, alert_a.resolved_at) == ("changed", date(2026, 12, 8), None)
    assert Alert.objects.get(child=b).resolved_at is not None

    test_rule.children = {a: ("changed", date(2026, 12, 8)), b: ("back", None)}
    report = services.scan_drift()
    assert report["test.no_widget"]["raised"] == 1
    assert Alert.objects.filter(child=b).count() == 2  # the old resolved one stays as history
    assert Alert.objects.filter(child=b, resolved_at__isnull=True).count() == 1


def test_second_scan_changes_nothing(test_rule, django_assert_max_num_queries):
    children = ChildFactory.create_batch(30)
    test_rule.children = {c: ("detail", date(2026, 12, 1)) for c in children}
    services.scan_drift()
    before = list(Alert.objects.order_by("pk").values())
    report = services.scan_drift()
    assert report["test.no_widget"] == {"raised": 0, "updated": 0, "resolved": 0, "open": 30}
    assert list(Alert.objects.order_by("pk").values()) == before


def test_query_count_does_not_grow_with_findings(test_rule, django_assert_max_num_queries):
    school = SchoolFactory()
    children = ChildFactory.create_batch(120, current_school=school)
    test_rule.children = {c: ("detail", None) for c in children[:100]}
    services.scan_drift()
    test_rule.children = {c: ("new detail", None) for c in children[20:]}
    with django_assert_max_num_queries(12):
        report = services.scan_drift()
    assert report["test.no_widget"] == {"raised": 20, "updated": 80, "resolved": 20, "open": 100}


def test_snooze_and_assignment_survive_updates(test_rule, caseworker, vsh):
    child = ChildFactory(caseworker=caseworker)
    test_rule.children = {child: ("one", None)}
    services.scan_drift()
    alert = Alert.objects.get(child=child)
    services.alert_assign(actor=caseworker, alert=alert, assignee=vsh)
    services.alert_snooze(
        actor=caseworker, alert=alert, until=date(2099, 1, 1), reason="Waiting for the school"
    )
    test_rule.children = {child: ("two", None)}
    services.scan_drift()
    alert.refresh_from_db()
    assert (alert.detail, alert.assignee, alert.snoozed_until) == ("two", vsh, date(2099, 1, 1))


def test_a_failing_rule_does_not_stop_the_others(test_rule, quiet_rule):
    child = ChildFactory()
    quiet_rule.children = {child: ("x", None)}
    test_rule.fail = True
    report = services.scan_drift()
    assert "RuntimeError" in report["test.no_widget"]["error"]
    assert report["test.vs_only"]["open"] == 1


def test_command_prints_counts(test_rule, capsys):
    child = ChildFactory()
    test_rule.children = {child: ("x", None)}
    call_command("scan_drift", "--rule", "test.no_widget")
    out = capsys.readouterr().out
    assert "test.no_widget" in out
    assert "1" in out.splitlines()[1]
    call_command("scan_drift", "--rule", "test.no_widget")
    line = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("test.no_widget")][0]
    assert line.split()[1:] == ["0", "0", "0", "1"]


def test_celery_task_is_named_for_the_beat_schedule_and_idempotent(test_rule, settings):
    from vschool.alerts.tasks import scan_drift

    assert scan_drift.name == settings.CELERY_BEAT_SCHEDULE["scan-drift-nightly"]["task"]
    assert scan_drift.acks_late
    child = ChildFactory()
    test_rule.children = {child: ("x", None)}
    scan_drift.apply()
    scan_drift.apply()
    assert Alert.objects.filter(child=child).count() == 1
