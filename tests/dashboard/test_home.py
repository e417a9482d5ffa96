from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roll.models import Allocation, Child
from tests.roll.factories import (
    AllocationFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SchoolStaffFactory,
)
from vschool.alerts.models import Alert
from vschool.dashboard.selectors import roll_summary

pytestmark = pytest.mark.django_db


def _dob_for_year(year_group: int, today: date) -> date:
    a = today.year if today.month >= 9 else today.year - 1
    return date(a - 5 - year_group, 12, 1)


def _alert(child, rule="x.rule", severity="high"):
    from django.contrib.contenttypes.models import ContentType

    return Alert.objects.create(
        rule_code=rule,
        title="Something is late",
        severity=severity,
        child=child,
        subject_type=ContentType.objects.get_for_model(Child),
        subject_id=str(child.pk),
    )


@pytest.fixture
def roll():
    today = timezone.localdate()
    kids = [
        ChildFactory(date_of_birth=_dob_for_year(0, today), cohort=Child.Cohort.CLA, placement_in_area=True),
        ChildFactory(date_of_birth=_dob_for_year(3, today), cohort=Child.Cohort.CLA, placement_in_area=False),
        ChildFactory(date_of_birth=_dob_for_year(10, today), cohort=Child.Cohort.PLAC),
        ChildFactory(date_of_birth=_dob_for_year(12, today), cohort=Child.Cohort.CLA, placement_in_area=True),
        ChildFactory(date_of_birth=_dob_for_year(-1, today), cohort=Child.Cohort.CWSW),
    ]
    ChildFactory(on_roll_until=date(2024, 2, 1))  # left: not counted
    return kids


def test_roll_summary_buckets(roll):
    s = roll_summary(children=Child.objects.all())
    assert s["total"] == 5
    by = {r["label"]: r["count"] for r in s["by_cohort"] + s["by_phase"] + s["by_key_stage"] + s["by_area"]}
    assert by["Looked after"] == 3 and by["Previously looked after"] == 1
    assert by["Early years"] == 1 and by["School age (Reception to Year 11)"] == 3 and by["Post-16"] == 1
    assert by["Early years foundation stage"] == 2  # Nursery and Reception
    assert by["Key stage 2"] == 1 and by["Key stage 4"] == 1 and by["Key stage 5"] == 1
    assert by["Placed in area"] == 2 and by["Placed out of area"] == 1 and by["Placement area not known"] == 2


def test_vsh_dashboard_has_figures_and_inbox_links(client, vsh, roll):
    _alert(roll[0])
    client.force_login(vsh)
    r = client.get(reverse("dashboard:home"))
    body = r.content.decode()
    assert r.status_code == 200
    assert r.context["roll"]["total"] == 5
    assert r.context["alerts"]["total"] == 1
    assert "/alerts/?severity=high" in body
    assert roll[0].legal_last_name not in body


def test_viewer_sees_the_same_figures_suppressed_and_no_links(client, viewer, roll):
    _alert(roll[0])
    client.force_login(viewer)
    r = client.get(reverse("dashboard:home"))
    body = r.content.decode()
    assert r.context["roll"]["total"] == 5
    assert "fewer than 6" in body
    assert "/alerts/?" not in body
    for child in roll:
        assert child.legal_last_name not in body


def test_dt_sees_their_pupils_count(client, dt, roll):
    school = SchoolFactory()
    SchoolStaffFactory(school=school, user=dt, start=date(2020, 1, 1))
    EnrolmentFactory(child=roll[0], school=school)
    EnrolmentFactory(child=roll[1], school=school)
    client.force_login(dt)
    r = client.get(reverse("dashboard:home"))
    assert r.context["my_children"] == 2
    assert "Your pupils on the roll" in r.content.decode()


def test_sw_sees_allocated_count(client, sw, roll):
    AllocationFactory(child=roll[2], role=Allocation.Role.SOCIAL_WORKER, user=sw)
    client.force_login(sw)
    r = client.get(reverse("dashboard:home"))
    assert r.context["my_children"] == 1


def test_finance_gets_funding_link_and_no_children(client, finance_user, roll):
    client.force_login(finance_user)
    r = client.get(reverse("dashboard:home"))
    assert r.status_code == 200
    assert "Funding" in r.content.decode()
    assert "roll" not in r.context


@pytest.mark.parametrize("n", [5, 60])
def test_dashboard_queries_do_not_grow(client, vsh, n, django_assert_max_num_queries):
    kids = ChildFactory.create_batch(n)
    for k in kids[: n // 2]:
        _alert(k, rule=f"rule.{k.pk % 7}", severity=["high", "low"][k.pk % 2])
    client.force_login(vsh)
    client.get(reverse("dashboard:home"))  # warm the calendar cache
    with django_assert_max_num_queries(14):
        client.get(reverse("dashboard:home"))


@pytest.fixture
def attendance_roll(roll, caseworker):
    """Two of the roll's children with a week of marks this term (90% and 100%), one suspended this school year and
    on a part-time timetable; a child who has left the roll, with marks, counts for nothing."""
    from attendance.services import exclusion_record, marks_record_week, part_time_timetable_record
    from tests.attendance.conftest import a_week_this_term

    with a_week_this_term() as days:
        marks = {(d, s): "/" for d in days for s in ("AM", "PM")}
        marks_record_week(actor=caseworker, child=roll[1], marks={**marks, (days[0], "AM"): "N"})
        marks_record_week(actor=caseworker, child=roll[3], marks=marks)
        exclusion_record(actor=caseworker, child=roll[1], kind="suspension", start=days[1], days=1, reason="PD")
        part_time_timetable_record(actor=caseworker, child=roll[1], hours_per_week=15, reason="Reintegration",
                                   agreed_by="Carer and social worker", start=days[0])
        yield roll


def test_staff_dashboard_shows_this_terms_attendance_and_the_years_exclusions(client, vsh, attendance_roll):
    client.force_login(vsh)
    r = client.get(reverse("dashboard:home"))
    body = r.content.decode()
    attendance = r.context["attendance"]
    assert (attendance["children"], attendance["pct"], attendance["below_threshold"],
            attendance["persistent_absence"], attendance["severe_absence"]) == (2, Decimal("95.0"), 1, 1, 0)
    assert r.context["exclusions"] == {"suspensions": 1, "children_suspended": 1, "permanent": 0,
                                       "part_time_timetables": 1}
    assert 'data-testid="attendance-pct">95.0%' in body
    assert "/children/?attendance_low=true" in body and "Below the 95% target" in body
    assert "/alerts/?rule=attendance.persistent_absence" in body


def test_viewer_sees_attendance_figures_suppressed(client, viewer, attendance_roll):
    client.force_login(viewer)
    body = client.get(reverse("dashboard:home")).content.decode()
    assert 'data-testid="attendance-pct">95.0%' in body
    assert 'data-testid="attendance-below">fewer than 6' in body and 'data-testid="suspensions">fewer than 6' in body
    assert "attendance_low" not in body


def test_dt_sees_only_their_pupils_attendance(client, dt, attendance_roll):
    school = SchoolFactory()
    SchoolStaffFactory(school=school, user=dt, start=date(2020, 1, 1))
    EnrolmentFactory(child=attendance_roll[3], school=school)
    client.force_login(dt)
    r = client.get(reverse("dashboard:home"))
    assert (r.context["attendance"]["children"], r.context["attendance"]["pct"]) == (1, Decimal("100.0"))
    assert r.context["exclusions"]["suspensions"] == 0
    assert "Attendance so far this term" in r.content.decode()
