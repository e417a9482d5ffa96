from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from roll.models import Allocation
from tests.roll.factories import (
    AllocationFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SchoolStaffFactory,
)
from vschool.alerts import services
from vschool.alerts.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(test_rule, dt, sw, caseworker):
    school, other = SchoolFactory(name="Hillside Academy"), SchoolFactory(name="Lowfield School")
    SchoolStaffFactory(school=school, user=dt, start=date(2020, 1, 1))
    mine = ChildFactory(
        legal_first_name="Ada", legal_last_name="Quill", current_school=school, caseworker=caseworker
    )
    EnrolmentFactory(child=mine, school=school, start=date(2024, 1, 8))
    theirs = ChildFactory(legal_first_name="Ben", legal_last_name="Rook", current_school=other)
    EnrolmentFactory(child=theirs, school=other, start=date(2024, 1, 8))
    AllocationFactory(child=theirs, role=Allocation.Role.SOCIAL_WORKER, user=sw, start=date(2024, 1, 8))
    test_rule.children = {mine: ("no widget at Hillside", date(2026, 12, 1)), theirs: ("no widget", None)}
    services.scan_drift()
    return {"mine": mine, "theirs": theirs, "school": school}


def _rows(response):
    return [a.child.legal_first_name for a in response.context["page"].object_list]


def test_scopes(client, world, vsh, caseworker, dt, sw):
    for user, expected in [(vsh, {"Ada", "Ben"}), (caseworker, {"Ada", "Ben"}), (dt, {"Ada"}), (sw, {"Ben"})]:
        client.force_login(user)
        r = client.get(reverse("alerts:inbox"))
        assert r.status_code == 200
        assert set(_rows(r)) == expected, user


@pytest.mark.parametrize("who", ["viewer", "finance_user"])
def test_viewer_and_finance_get_404(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("alerts:inbox")).status_code == 404
    alert = Alert.objects.first()
    assert client.post(reverse("alerts:assign", args=[alert.pk]), {"assignee": "me"}).status_code == 404


def test_dt_cannot_act_on_an_alert_outside_their_school(client, world, dt):
    client.force_login(dt)
    theirs = Alert.objects.get(child=world["theirs"])
    assert client.post(reverse("alerts:assign", args=[theirs.pk]), {"assignee": "me"}).status_code == 404
    assert client.get(reverse("alerts:snooze", args=[theirs.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.alert_assign(actor=dt, alert=theirs, assignee=dt)


def test_filters(client, world, caseworker, vsh):
    client.force_login(caseworker)
    url = reverse("alerts:inbox")
    assert _rows(client.get(url, {"q": "quill"})) == ["Ada"]
    assert _rows(client.get(url, {"q": world["theirs"].la_child_id})) == ["Ben"]
    assert _rows(client.get(url, {"school": world["school"].pk})) == ["Ada"]
    assert _rows(client.get(url, {"assignee": "me"})) == ["Ada"]  # raised to the child's caseworker
    assert _rows(client.get(url, {"assignee": "unassigned"})) == ["Ben"]
    assert set(_rows(client.get(url, {"severity": "high", "rule": "test.no_widget"}))) == {"Ada", "Ben"}
    assert _rows(client.get(url, {"severity": "low"})) == []


def test_snooze_needs_a_reason_then_hides_until_asked(client, world, caseworker):
    client.force_login(caseworker)
    alert = Alert.objects.get(child=world["mine"])
    until = timezone.localdate() + timedelta(days=14)
    day = {"until_0": until.day, "until_1": until.month, "until_2": until.year}
    r = client.post(reverse("alerts:snooze", args=[alert.pk]), day | {"reason": " "})
    assert r.status_code == 400
    body = r.content.decode()
    assert "govuk-error-summary" in body and "Enter why you are snoozing this alert" in body
    alert.refresh_from_db()
    assert alert.snoozed_until is None

    r = client.post(reverse("alerts:snooze", args=[alert.pk]), day | {"reason": "Meeting booked"})
    assert r.status_code == 302
    assert _rows(client.get(reverse("alerts:inbox"))) == ["Ben"]
    assert set(_rows(client.get(reverse("alerts:inbox"), {"snoozed": "true"}))) == {"Ada", "Ben"}

    client.post(reverse("alerts:unsnooze", args=[alert.pk]))
    assert set(_rows(client.get(reverse("alerts:inbox")))) == {"Ada", "Ben"}


def test_snooze_in_the_past_is_refused(world, caseworker):
    alert = Alert.objects.get(child=world["mine"])
    with pytest.raises(ValidationError):
        services.alert_snooze(actor=caseworker, alert=alert, until=timezone.localdate(), reason="x")


def test_assign_to_me_and_to_a_colleague(client, world, caseworker, vsh, dt):
    alert = Alert.objects.get(child=world["theirs"])
    client.force_login(caseworker)
    assert client.post(reverse("alerts:assign", args=[alert.pk]), {"assignee": "me"}).status_code == 302
    alert.refresh_from_db()
    assert alert.assignee == caseworker
    client.post(reverse("alerts:assign", args=[alert.pk]), {"assignee": str(vsh.pk)})
    alert.refresh_from_db()
    assert alert.assignee == vsh
    # A DT may take an alert for themselves but not hand one to someone else
    mine = Alert.objects.get(child=world["mine"])
    with pytest.raises(PermissionDenied):
        services.alert_assign(actor=dt, alert=mine, assignee=vsh)
    services.alert_assign(actor=dt, alert=mine, assignee=dt)
    # and VS staff can only hand alerts to VS staff
    with pytest.raises(ValidationError):
        services.alert_assign(actor=caseworker, alert=mine, assignee=dt)


def test_assignment_is_audited(world, caseworker):
    from auditlog.models import LogEntry

    alert = Alert.objects.get(child=world["theirs"])
    services.alert_assign(actor=caseworker, alert=alert, assignee=caseworker)
    assert LogEntry.objects.get_for_object(alert).filter(changes__icontains="assignee").exists()


def test_inbox_query_count_is_flat(client, test_rule, caseworker, django_assert_max_num_queries):
    school = SchoolFactory()
    test_rule.children = {c: ("d", None) for c in ChildFactory.create_batch(80, current_school=school)}
    services.scan_drift()
    client.force_login(caseworker)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("alerts:inbox"))
    assert len(r.context["page"].object_list) == 50
