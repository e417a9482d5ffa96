from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from roll import selectors, services
from roll.drift import NO_SCHOOL_RULE, no_school_place_findings, pep_not_started_findings
from roll.models import Allocation, Enrolment, Placement
from roll.selectors import child_care, placement_moves, school_is_good_or_better
from tests.roll.factories import (
    ChildFactory,
    EnrolmentFactory,
    PlacementFactory,
    SchoolFactory,
    SchoolStaffFactory,
)
from vschool.alerts.models import Alert
from vschool.core.models import Authority

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_adding_a_child_emails_dts_a_link_only_and_raises_pep_alert(caseworker, make_user):
    school = SchoolFactory()
    dt_user = make_user("designated_teacher", "dt-a", email="dt-a@school.example.org")
    SchoolStaffFactory(school=school, user=dt_user)
    child = services.child_create(
        actor=caseworker, la_child_id="N100", legal_first_name="Zora", legal_last_name="Quill",
        date_of_birth=date(2014, 3, 3), on_roll_from=TODAY, upn="C801200005001", caseworker=caseworker,
        school=school,
    )
    assert child.current_school == school and child.caseworker == caseworker
    assert child.upn == "C801200005001" and not child.upn_valid  # kept and flagged
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dt-a@school.example.org"]
    text = message.subject + message.body
    assert "Zora" not in text and "Quill" not in text and "2014" not in text and "C8012" not in text
    assert child.get_absolute_url() in message.body
    alert = Alert.objects.get(rule_code=services.PEP_START_RULE, child=child)
    assert alert.assignee == caseworker and alert.resolved_at is None


def test_only_vs_staff_may_write(dt):
    with pytest.raises(PermissionDenied):
        services.child_create(actor=dt, la_child_id="N1", legal_first_name="A", legal_last_name="B",
                              date_of_birth=date(2014, 1, 1), on_roll_from=TODAY)


def test_school_move_ends_current_place_and_keeps_one_main_enrolment(caseworker):
    old = EnrolmentFactory(start=date(2023, 9, 1))
    child = old.child
    services.child_sync(child=child)
    new_school = SchoolFactory()
    start = TODAY - timedelta(days=3)
    services.school_move_record(actor=caseworker, child=child, school=new_school, start=start,
                                leaving_reason="Care move")
    old.refresh_from_db()
    child.refresh_from_db()
    assert old.end == start - timedelta(days=1) and old.leaving_reason == "Care move"
    assert child.current_school == new_school
    assert child.current_school_name == new_school.name
    assert Enrolment.objects.filter(child=child, end__isnull=True).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(child=child, school=SchoolFactory(), start=TODAY)


def test_caseworker_handover_needs_a_note_and_keeps_history(caseworker, make_user):
    other = make_user("vs_staff", "cw2")
    child = ChildFactory()
    services.allocation_change(actor=caseworker, child=child, role=Allocation.Role.CASEWORKER, user=caseworker,
                               start=date(2024, 1, 8))
    with pytest.raises(ValidationError):
        services.allocation_change(actor=caseworker, child=child, role=Allocation.Role.CASEWORKER, user=other,
                                   start=TODAY)
    services.allocation_change(actor=caseworker, child=child, role=Allocation.Role.CASEWORKER, user=other,
                               start=TODAY, handover_note="Met the carer; PEP due in March")
    child.refresh_from_db()
    assert child.caseworker == other
    history = list(Allocation.objects.filter(child=child, role="caseworker").order_by("start"))
    assert len(history) == 2 and history[0].end == TODAY - timedelta(days=1)
    assert history[0].handover_note == "Met the carer; PEP due in March"


def test_placement_record_ends_previous_and_counts_moves(caseworker):
    child = ChildFactory()
    PlacementFactory(child=child, start=TODAY - timedelta(days=400), reason_new_episode="S")
    services.placement_record(actor=caseworker, child=child, start=TODAY - timedelta(days=100), place_code="U6",
                              in_area=False)
    services.placement_record(actor=caseworker, child=child, start=TODAY - timedelta(days=50), place_code="T1",
                              reason_new_episode="P")
    services.placement_record(actor=caseworker, child=child, start=TODAY - timedelta(days=10), place_code="ZZ9",
                              reason_new_episode="T")
    child.refresh_from_db()
    assert Placement.objects.filter(child=child, end__isnull=True).count() == 1
    assert placement_moves(child=child) == 1  # T1 is temporary and T (same carer) is not a move
    care = child_care(child=child)
    assert care["moves_12_months"] == 1
    assert [p.unknown for p in care["placements"]][0] is True  # ZZ9 stored raw and flagged


def test_take_off_roll_needs_reason(caseworker):
    child = ChildFactory()
    with pytest.raises(ValidationError):
        services.child_take_off_roll(actor=caseworker, child=child, on=TODAY, reason=" ")
    services.child_take_off_roll(actor=caseworker, child=child, on=TODAY, reason="Adopted")
    child.refresh_from_db()
    assert child.on_roll_until == TODAY


def test_no_school_place_rule_finds_school_age_children_without_a_main_place():
    from vschool.calendar.services import add_school_days

    at_school = EnrolmentFactory(child__date_of_birth=date(TODAY.year - 10, 1, 1)).child
    left = EnrolmentFactory(child__date_of_birth=date(TODAY.year - 10, 1, 1), start=date(2023, 9, 1),
                            end=TODAY - timedelta(days=5)).child
    toddler = ChildFactory(date_of_birth=TODAY - timedelta(days=365 * 2))
    findings = {f.child_id: f for f in no_school_place_findings()}
    assert left.pk in findings and at_school.pk not in findings and toddler.pk not in findings
    assert findings[left.pk].since == TODAY - timedelta(days=4)
    assert findings[left.pk].due == add_school_days(TODAY - timedelta(days=4), 20)
    assert NO_SCHOOL_RULE == "roll.no_school_place"


def test_pep_start_rule_finds_recent_joiners():
    recent = ChildFactory(on_roll_from=TODAY - timedelta(days=2))
    ChildFactory(on_roll_from=date(2020, 1, 6))
    assert [f.child_id for f in pep_not_started_findings()] == [recent.pk]


def test_good_or_better_follows_the_authority_rule(caseworker):
    from roll.models import Inspection

    graded = SchoolFactory()
    services.inspection_record(actor=caseworker, school=graded, framework="graded", inspected_on=date(2023, 5, 1),
                               overall_grade=2)
    card = SchoolFactory()
    areas = {"Inclusion": 3, "Curriculum and teaching": 3, "Achievement": 4, "Leadership and governance": 3}
    services.inspection_record(actor=caseworker, school=card, framework="report_card", inspected_on=TODAY,
                               area_grades=areas, safeguarding_met=True)
    unsafe = SchoolFactory()
    Inspection.objects.create(school=unsafe, framework="report_card", inspected_on=TODAY, area_grades=areas,
                              safeguarding_met=False)
    academy = SchoolFactory(predecessor=graded)
    assert school_is_good_or_better(graded)
    assert school_is_good_or_better(card)
    assert not school_is_good_or_better(unsafe)
    assert school_is_good_or_better(academy)  # no inspection yet: the predecessor's counts
    assert not school_is_good_or_better(SchoolFactory())
    authority = Authority.current()
    authority.good_school_rule = Authority.GoodRule.STRICT
    authority.save()
    assert not school_is_good_or_better(card)  # only one area Strong or better
    assert school_is_good_or_better(graded)


def test_forms_for_vs_staff(client, caseworker, dt):
    school = SchoolFactory(urn="123456")
    client.force_login(caseworker)
    response = client.post(reverse("roll:child_add"), {
        "la_child_id": "F1", "legal_first_name": "Ivy", "legal_last_name": "Stone", "date_of_birth": "3/4/2015",
        "sex": "F", "cohort": "cla", "send_status": "none", "on_roll_from": TODAY.strftime("%d/%m/%Y"),
        "caseworker": caseworker.pk, "school": "123456",
    })
    assert response.status_code == 302
    from roll.models import Child

    child = Child.objects.get(la_child_id="F1")
    assert child.current_school == school
    response = client.post(reverse("roll:child_off_roll", args=[child.pk]), {"on": "", "reason": ""})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    for name in ("roll:placement_add", "roll:school_move", "roll:allocation_change", "roll:child_off_roll"):
        assert client.get(reverse(name, args=[child.pk])).status_code == 200
    SchoolStaffFactory(school=school, user=dt)
    client.force_login(dt)
    assert client.get(reverse("roll:child_detail", args=[child.pk])).status_code == 200
    assert client.get(reverse("roll:placement_add", args=[child.pk])).status_code == 404
    assert client.get(reverse("roll:child_add")).status_code == 404


def test_completing_a_903_record_clears_the_flag(client, caseworker):
    child = ChildFactory(legal_first_name="Unknown", legal_last_name="(child 77)", needs_completion=True)
    client.force_login(caseworker)
    assert "has no names" in client.get(reverse("roll:child_detail", args=[child.pk])).content.decode()
    response = client.post(reverse("roll:child_edit", args=[child.pk]), {
        "legal_first_name": "Rae", "legal_last_name": "Holloway", "date_of_birth": "1/5/2014", "sex": "F",
        "cohort": "cla", "send_status": "none", "upn": "b801200005001"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert not child.needs_completion and child.upn == "B801200005001" and child.upn_valid


def test_nightly_resync_follows_dated_history(caseworker):
    resync_children = services.children_resync  # what roll.tasks.resync_children runs nightly

    ended = EnrolmentFactory(start=date(2023, 9, 1), end=TODAY - timedelta(days=1))
    child = ended.child
    child.current_school = ended.school
    child.save()
    starting = EnrolmentFactory(start=TODAY - timedelta(days=2))
    assert starting.child.current_school is None
    steady = EnrolmentFactory(start=date(2023, 9, 1)).child
    services.child_sync(child=steady)
    out_of_step = set(selectors.children_out_of_step().values_list("pk", flat=True))
    assert {child.pk, starting.child.pk} <= out_of_step and steady.pk not in out_of_step
    assert resync_children() >= 2
    child.refresh_from_db()
    starting.child.refresh_from_db()
    assert child.current_school is None and starting.child.current_school == starting.school
    assert resync_children() == 0


def test_placement_instability_and_no_caseworker_rules(caseworker):
    from roll.drift import no_caseworker_findings, placement_instability_findings

    unstable = ChildFactory(caseworker=caseworker)
    PlacementFactory(child=unstable, start=TODAY - timedelta(days=500), reason_new_episode="S")
    PlacementFactory(child=unstable, start=TODAY - timedelta(days=200), reason_new_episode="P")
    PlacementFactory(child=unstable, start=TODAY - timedelta(days=100), reason_new_episode="B")
    settled = ChildFactory(caseworker=caseworker)
    PlacementFactory(child=settled, start=TODAY - timedelta(days=200), reason_new_episode="P")
    PlacementFactory(child=settled, start=TODAY - timedelta(days=100), reason_new_episode="P", place_code="T1")
    PlacementFactory(child=settled, start=TODAY - timedelta(days=50), reason_new_episode="T")
    found = {f.child_id: f for f in placement_instability_findings()}
    assert set(found) == {unstable.pk}
    assert found[unstable.pk].detail == "3 placements in 12 months"
    no_cw = ChildFactory()
    assert [f.child_id for f in no_caseworker_findings()] == [no_cw.pk]


def test_moves_in_key_stage_4_raise_an_alert(caseworker):
    from roll.services import KS4_MOVE_RULE, dob_range_for_year_group

    dob = dob_range_for_year_group(10, TODAY)[0]
    old = EnrolmentFactory(start=date(2022, 9, 1), child__date_of_birth=dob)
    services.allocation_change(actor=caseworker, child=old.child, role=Allocation.Role.CASEWORKER, user=caseworker,
                               start=date(2022, 9, 1))
    services.school_move_record(actor=caseworker, child=old.child, school=SchoolFactory(), start=TODAY)
    PlacementFactory(child=old.child, start=TODAY - timedelta(days=30))
    services.placement_record(actor=caseworker, child=old.child, start=TODAY, place_code="U6")
    alerts = Alert.objects.filter(rule_code=KS4_MOVE_RULE, child=old.child)
    assert alerts.count() == 2 and all(a.assignee == caseworker for a in alerts)
    young = EnrolmentFactory(start=date(2022, 9, 1), child__date_of_birth=dob_range_for_year_group(5, TODAY)[0])
    services.school_move_record(actor=caseworker, child=young.child, school=SchoolFactory(), start=TODAY)
    assert not Alert.objects.filter(rule_code=KS4_MOVE_RULE, child=young.child).exists()


def test_a_key_stage_4_move_alert_stays_while_the_move_is_recent_then_closes(caseworker):
    from django.utils import timezone

    from roll.drift import KS4_MOVE_DAYS
    from roll.services import KS4_MOVE_RULE, dob_range_for_year_group
    from vschool.alerts.services import scan_drift

    today = timezone.localdate()
    old = EnrolmentFactory(start=date(2022, 9, 1), child__date_of_birth=dob_range_for_year_group(10, today)[0])
    enrolment = services.school_move_record(actor=caseworker, child=old.child, school=SchoolFactory(), start=today)
    scan_drift(codes=[KS4_MOVE_RULE])
    open_alerts = Alert.objects.filter(rule_code=KS4_MOVE_RULE, child=old.child, resolved_at__isnull=True)
    assert open_alerts.count() == 1
    Enrolment.objects.filter(pk=enrolment.pk).update(start=today - timedelta(days=KS4_MOVE_DAYS + 1))
    scan_drift(codes=[KS4_MOVE_RULE])
    assert not open_alerts.exists()


def test_a_school_renamed_outside_the_register_import_is_caught_by_the_nightly_resync():
    old = EnrolmentFactory(start=date(2023, 9, 1))
    child = services.child_sync(child=old.child)
    assert child.current_school_name == old.school.name
    type(old.school).objects.filter(pk=old.school.pk).update(name="Renamed Academy")  # e.g. an admin edit
    assert child.pk in set(selectors.children_out_of_step().values_list("pk", flat=True))
    services.children_resync()
    child.refresh_from_db()
    assert child.current_school_name == "Renamed Academy"
    assert not selectors.children_out_of_step().filter(pk=child.pk).exists()
