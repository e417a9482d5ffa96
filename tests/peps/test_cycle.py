"""The PEP status flow, QA, deadlines and stale saves."""

from datetime import date
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from peps import services
from peps.models import PEP, QAReview, Section, StatusChange
from roll.models import Child
from tests.peps.conftest import SAMPLE_CONTENT, complete_sections
from tests.roll.factories import ChildFactory, EnrolmentFactory

S = PEP.Status
LEGAL = {
    (S.NOT_STARTED, S.IN_PROGRESS), (S.NOT_STARTED, S.READY_TO_SUBMIT), (S.NOT_STARTED, S.CANCELLED),
    (S.IN_PROGRESS, S.READY_TO_SUBMIT), (S.IN_PROGRESS, S.CANCELLED),
    (S.READY_TO_SUBMIT, S.IN_PROGRESS), (S.READY_TO_SUBMIT, S.SUBMITTED), (S.READY_TO_SUBMIT, S.CANCELLED),
    (S.SUBMITTED, S.RETURNED), (S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.CANCELLED),
    (S.RETURNED, S.SUBMITTED), (S.RETURNED, S.CANCELLED),
    (S.APPROVED, S.IN_PROGRESS),
}


@pytest.mark.parametrize("old,new", list(product(S.values, S.values)))
def test_transition_to_allows_only_the_status_model(old, new):
    pep = PEP(status=old, version=1)
    if (old, new) in LEGAL:
        assert pep.transition_to(new) == old
        assert pep.status == new and pep.version == 2
    else:
        with pytest.raises(ValidationError):
            pep.transition_to(new)
        assert pep.status == old and pep.version == 1


# --- creation -------------------------------------------------------------------------------------------------


def test_term_peps_for_looked_after_children_only_and_idempotent(child, caseworker):
    from vschool.calendar.services import TermInfo

    ChildFactory(cohort=Child.Cohort.PLAC, on_roll_from=date(2024, 1, 8))
    ChildFactory(cohort=Child.Cohort.CWSW, on_roll_from=date(2024, 1, 8))
    ChildFactory(cohort=Child.Cohort.CLA, on_roll_from=date(2024, 1, 8), on_roll_until=date(2025, 1, 1))
    term = TermInfo(2026, "autumn", date(2026, 9, 2), date(2026, 12, 18))
    assert services.pep_create_term_peps(term, actor=caseworker, on=date(2026, 11, 30)) == 1
    assert services.pep_create_term_peps(term, actor=caseworker, on=date(2026, 11, 30)) == 0
    pep = PEP.objects.get()
    assert pep.child == child and pep.template == PEP.Template.STATUTORY and pep.school_id == child.current_school_id
    assert pep.sections.count() == len(services.SECTION_PLAN)
    assert pep.sections.get(kind=Section.Kind.MEETING).owner_role == "social_worker"


def test_term_peps_need_vs_staff(child, dt):
    from vschool.calendar.services import TermInfo

    with pytest.raises(PermissionDenied):
        services.pep_create_term_peps(TermInfo(2026, "autumn", date(2026, 9, 2), date(2026, 12, 18)), actor=dt)


@pytest.mark.parametrize("dob,template", [
    (date(2023, 3, 1), PEP.Template.EARLY_YEARS),   # age 3: nursery
    (date(2014, 5, 1), PEP.Template.STATUTORY),
    (date(2009, 10, 1), PEP.Template.POST16),       # Year 12 in 2026/27
])
def test_template_follows_the_phase(caseworker, dob, template):
    kid = ChildFactory(date_of_birth=dob)
    pep = services.pep_create(actor=caseworker, child=kid, academic_year=2026, term="autumn", on=date(2026, 11, 30))
    assert pep.template == template


def test_year_group_override_chooses_the_template(caseworker, school):
    kid = ChildFactory(date_of_birth=date(2014, 5, 1))
    EnrolmentFactory(child=kid, school=school, start=date(2024, 1, 8), year_group_override=12)
    assert services.template_for(kid, date(2026, 11, 30)) == PEP.Template.POST16


def test_only_one_termly_pep_per_child_and_term_but_first_peps_may_share(child, caseworker, pep):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PEP.objects.create(child=child, academic_year=2026, term="autumn")
    first = services.pep_create_first(actor=caseworker, child=child, entered_care_on=date(2026, 11, 2))
    assert first.is_first_pep and first.term == "autumn"


def test_first_pep_deadlines_are_working_days_across_bank_holidays(child, caseworker):
    # Entering care on 21 December 2026: 25, 28 (substitute for Boxing Day) December and 1 January are bank holidays.
    pep = services.pep_create_first(actor=caseworker, child=child, entered_care_on=date(2026, 12, 21))
    assert pep.first_pep_start_by == date(2027, 1, 7)   # 22,23,24,29,30,31 Dec; 4,5,6,7 Jan
    assert pep.first_pep_ready_by == date(2027, 1, 21)
    again = services.pep_create_first(actor=caseworker, child=child, entered_care_on=date(2026, 12, 21))
    assert again.pk == pep.pk


# --- deadlines ------------------------------------------------------------------------------------------------


def test_meeting_deadlines_skip_the_christmas_holiday(pep, sw):
    from vschool.calendar.services import add_school_days, school_days_between

    meeting = date(2027, 1, 7)
    services.pep_set_meeting(actor=sw, pep=pep, meeting_date=meeting)
    pep.refresh_from_db()
    assert pep.status == S.IN_PROGRESS
    # Sections are due 3 school days before the meeting: back across the holiday into December.
    assert pep.sections_due == add_school_days(meeting, -3)
    assert pep.sections_due < date(2027, 1, 1)
    assert school_days_between(pep.sections_due, meeting) == 3
    assert pep.completion_due == add_school_days(meeting, 5)
    assert school_days_between(meeting, pep.completion_due) == 5
    assert StatusChange.objects.filter(pep=pep, to_status=S.IN_PROGRESS).exists()


def test_deadlines_follow_authority_settings(pep, sw):
    from vschool.calendar.services import add_school_days
    from vschool.core.models import Authority

    authority = Authority.current()
    authority.pep_sections_due_before_meeting = 5
    authority.pep_complete_after_meeting = 10
    authority.save()
    services.pep_set_meeting(actor=sw, pep=pep, meeting_date=date(2026, 11, 19))
    pep.refresh_from_db()
    assert pep.sections_due == add_school_days(date(2026, 11, 19), -5)
    assert pep.completion_due == add_school_days(date(2026, 11, 19), 10)


def test_qa_deadline_counts_school_days(submitted_pep):
    from vschool.calendar.services import school_days_between

    assert school_days_between(submitted_pep.submitted_on, submitted_pep.qa_due) == 10 or (
        submitted_pep.qa_due > submitted_pep.submitted_on)


# --- sections and stale saves ---------------------------------------------------------------------------------


def test_stale_save_is_refused_and_nothing_is_overwritten(pep, dt, caseworker):
    section = pep.sections.get(kind=Section.Kind.WELLBEING)
    opened_version = section.version
    services.section_save(actor=caseworker, section=section, content={"health": "Their words"},
                          version=opened_version)
    stale = pep.sections.get(kind=Section.Kind.WELLBEING)
    with pytest.raises(ValidationError) as exc:
        services.section_save(actor=dt, section=stale, content={"health": "My words"}, version=opened_version)
    assert "Someone else saved this section" in exc.value.messages[0]
    stale.refresh_from_db()
    assert stale.content == {"health": "Their words"}
    assert stale.version == opened_version + 1


def test_completing_every_section_makes_it_ready_and_reopening_one_undoes_it(pep, dt, sw):
    pep = complete_sections(pep, dt=dt, sw=sw)
    assert pep.status == S.READY_TO_SUBMIT
    assert pep.next_pep_date == date(2027, 2, 10)
    section = pep.sections.get(kind=Section.Kind.VIEWS)
    section.pep = pep
    services.section_reopen(actor=dt, section=section)
    pep.refresh_from_db()
    assert pep.status == S.IN_PROGRESS


# --- submit, QA, return, approve, reopen ----------------------------------------------------------------------


def test_cannot_submit_until_everything_is_done(pep, dt, sw):
    complete_sections(pep, dt=dt, sw=sw, kinds=[Section.Kind.MEETING])
    with pytest.raises(ValidationError):
        services.pep_submit(actor=dt, pep=PEP.objects.get(pk=pep.pk))
    pep.refresh_from_db()
    assert pep.status != S.SUBMITTED


def test_full_cycle_red_return_answer_resubmit_approve(submitted_pep, dt, caseworker):
    pep = submitted_pep
    assert pep.status == S.SUBMITTED and pep.qa_due
    with pytest.raises(ValidationError):
        services.pep_qa(actor=caseworker, pep=pep, rag=QAReview.Rag.RED, feedback="Weak", points=[])
    services.pep_qa(actor=caseworker, pep=pep, rag=QAReview.Rag.RED, feedback="Targets are vague",
                    points=["Make the reading target measurable", "Add the child's views on maths"])
    pep.refresh_from_db()
    assert pep.status == S.RETURNED
    assert StatusChange.objects.filter(pep=pep, to_status=S.RETURNED, reason="Targets are vague").exists()
    # The school must answer each point before resubmitting.
    with pytest.raises(ValidationError) as exc:
        services.pep_submit(actor=dt, pep=pep)
    assert "Answer each point" in " ".join(exc.value.messages)
    services.qa_respond(actor=dt, pep=pep, responses=["Done", ""])
    with pytest.raises(ValidationError):
        services.pep_submit(actor=dt, pep=PEP.objects.get(pk=pep.pk))
    services.qa_respond(actor=dt, pep=pep, responses=["Done", "Added"])
    services.pep_submit(actor=dt, pep=PEP.objects.get(pk=pep.pk))
    pep.refresh_from_db()
    assert pep.status == S.SUBMITTED
    services.pep_qa(actor=caseworker, pep=pep, rag=QAReview.Rag.GREEN)
    pep.refresh_from_db()
    assert pep.status == S.APPROVED and pep.approved_on
    assert list(pep.status_changes.order_by("at", "pk").values_list("to_status", flat=True))[-4:] == [
        S.SUBMITTED, S.RETURNED, S.SUBMITTED, S.APPROVED]


def test_return_needs_a_reason_and_changes_nothing_without_one(submitted_pep, caseworker):
    with pytest.raises(ValidationError):
        services.pep_return(actor=caseworker, pep=submitted_pep, reason="  ")
    submitted_pep.refresh_from_db()
    assert submitted_pep.status == S.SUBMITTED
    assert not StatusChange.objects.filter(pep=submitted_pep, to_status=S.RETURNED).exists()
    services.pep_return(actor=caseworker, pep=submitted_pep, reason="Missing views")
    submitted_pep.refresh_from_db()
    assert submitted_pep.status == S.RETURNED


def test_only_vs_staff_quality_assure(submitted_pep, dt, sw):
    for user in (dt, sw):
        with pytest.raises(PermissionDenied):
            services.pep_qa(actor=user, pep=submitted_pep, rag=QAReview.Rag.GREEN)


def test_amber_approves_and_feedback_carries_to_the_next_pep(submitted_pep, caseworker, child):
    from peps.selectors import carried_feedback

    with pytest.raises(ValidationError):
        services.pep_qa(actor=caseworker, pep=submitted_pep, rag=QAReview.Rag.AMBER, feedback="")
    services.pep_qa(actor=caseworker, pep=submitted_pep, rag=QAReview.Rag.AMBER, feedback="Link PP+ to targets")
    submitted_pep.refresh_from_db()
    assert submitted_pep.status == S.APPROVED
    nxt = services.pep_create(actor=caseworker, child=child, academic_year=2026, term="spring", on=date(2027, 1, 11))
    assert carried_feedback(nxt).feedback == "Link PP+ to targets"
    assert services.previous_pep(nxt) == submitted_pep


def test_approved_pep_is_read_only_and_only_the_vsh_reopens_it(submitted_pep, caseworker, dt, vsh):
    services.pep_qa(actor=caseworker, pep=submitted_pep, rag=QAReview.Rag.GREEN)
    pep = PEP.objects.get(pk=submitted_pep.pk)
    section = pep.sections.get(kind=Section.Kind.WELLBEING)
    section.pep = pep
    for user in (dt, caseworker):
        with pytest.raises(PermissionDenied):
            services.section_save(actor=user, section=section, content={}, version=section.version)
    with pytest.raises(PermissionDenied):
        services.pep_reopen(actor=caseworker, pep=pep, reason="Typo")
    with pytest.raises(ValidationError):
        services.pep_reopen(actor=vsh, pep=pep, reason="")
    services.pep_reopen(actor=vsh, pep=pep, reason="Wrong school recorded")
    pep.refresh_from_db()
    assert pep.status == S.IN_PROGRESS and pep.revision == 2
    assert StatusChange.objects.filter(pep=pep, to_status=S.IN_PROGRESS, reason="Wrong school recorded",
                                       actor=vsh).exists()


def test_post16_targets_never_carry_pp_plus(caseworker, dt, school):
    from peps.models import Target

    kid = ChildFactory(date_of_birth=date(2009, 10, 1))
    EnrolmentFactory(child=kid, school=school, start=date(2024, 1, 8))
    pep = services.pep_create(actor=caseworker, child=kid, academic_year=2026, term="autumn", on=date(2026, 11, 30))
    target = services.target_save(actor=caseworker, pep=pep, data={
        "area": "Course", "target": "Pass unit 3", "success_criteria": "Merit", "who": "Tutor",
        "by_when": date(2027, 2, 1), "pp_request_amount": "100", "pp_request_category": "tutoring"})
    assert Target.objects.get(pk=target.pk).pp_request_amount is None


def test_sample_content_covers_every_section():
    assert set(SAMPLE_CONTENT) == {k for k, _ in services.SECTION_PLAN}


def test_section_saves_are_in_the_change_log(pep, dt):
    from auditlog.models import LogEntry

    section = pep.sections.get(kind=Section.Kind.WELLBEING)
    section.pep = pep
    services.section_save(actor=dt, section=section, content={"health": "Fine"}, version=1, complete=False)
    entry = LogEntry.objects.get_for_object(section).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == dt
    assert "content" in entry.changes_dict and "version" in entry.changes_dict


def test_create_term_peps_command_is_idempotent(child):
    from django.core.management import call_command

    call_command("create_term_peps")
    call_command("create_term_peps")
    assert PEP.objects.filter(child=child).count() == 1


def test_a_reopened_pep_can_be_resubmitted_when_its_sections_are_still_complete(submitted_pep, caseworker, vsh, dt):
    services.pep_qa(actor=caseworker, pep=submitted_pep, rag=QAReview.Rag.GREEN)
    services.pep_reopen(actor=vsh, pep=PEP.objects.get(pk=submitted_pep.pk), reason="Correct the school")
    pep = services.pep_submit(actor=dt, pep=PEP.objects.get(pk=submitted_pep.pk))
    assert pep.status == S.SUBMITTED
    assert list(pep.status_changes.order_by("at", "pk").values_list("to_status", flat=True))[-3:] == [
        S.IN_PROGRESS, S.READY_TO_SUBMIT, S.SUBMITTED]


def test_first_peps_start_for_new_entrants_once(child, caseworker):
    from django.utils import timezone

    today = timezone.localdate()
    child.on_roll_from = today
    child.save()
    assert services.pep_create_first_peps(on=today) == 1
    assert services.pep_create_first_peps(on=today) == 0
    pep = PEP.objects.get(child=child)
    assert pep.is_first_pep and pep.entered_care_on == today and pep.first_pep_start_by > today


def test_term_pep_creation_gives_a_child_new_to_care_a_first_pep_not_a_termly_one(child, caseworker, dt):
    from django.core.management import call_command
    from django.utils import timezone

    from vschool.calendar.services import current_term

    child.on_roll_from = timezone.localdate()
    child.save()
    # Even when only the termly creation runs, it leaves the child to the first PEP.
    assert services.pep_create_term_peps(current_term(), actor=caseworker) == 0
    call_command("create_term_peps")
    pep = PEP.objects.get(child=child)
    assert pep.is_first_pep and pep.entered_care_on == child.on_roll_from
    with pytest.raises(PermissionDenied):
        services.pep_create_first_peps(actor=dt)


def test_first_pep_needs_vs_staff(child, dt):
    with pytest.raises(PermissionDenied):
        services.pep_create_first(actor=dt, child=child, entered_care_on=date(2026, 11, 2))
