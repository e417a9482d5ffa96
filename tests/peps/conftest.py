"""Fixtures for PEP tests: a school with a DT, a looked-after child there with a SW and a caseworker."""

from datetime import date

import pytest

from peps import services
from peps.models import PEP, Section
from roll.models import Allocation, Child, SchoolStaff
from tests.roll.factories import (
    AllocationFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SchoolStaffFactory,
)


@pytest.fixture
def school(db):
    return SchoolFactory(name="Riverside Academy", email_domain="school.example.org")


@pytest.fixture
def child(db, school, dt, sw, caseworker):
    child = ChildFactory(legal_first_name="Ada", legal_last_name="Testchild", date_of_birth=date(2014, 5, 1),
                         cohort=Child.Cohort.CLA, on_roll_from=date(2024, 1, 8), caseworker=caseworker,
                         current_school=school)
    EnrolmentFactory(child=child, school=school, start=date(2024, 1, 8))
    SchoolStaffFactory(school=school, user=dt, kind=SchoolStaff.Kind.DESIGNATED_TEACHER)
    AllocationFactory(child=child, role=Allocation.Role.SOCIAL_WORKER, user=sw)
    AllocationFactory(child=child, role=Allocation.Role.CASEWORKER, user=caseworker)
    return child


@pytest.fixture
def pep(child, caseworker):
    return services.pep_create(actor=caseworker, child=child, academic_year=2026, term="autumn",
                               on=date(2026, 11, 30))


SAMPLE_CONTENT = {
    Section.Kind.MEETING: {"venue": "School", "invited": "Carer", "care_context": "Settled",
                           "placement_stable": "yes", "sw_education_views": ""},
    Section.Kind.ATTENDANCE: {"attendance_percent": "96.5", "suspensions": 0, "part_time_timetable": "no"},
    Section.Kind.ARRANGEMENTS: {"provision": "full_time"},
    Section.Kind.ATTAINMENT: {"english_working_at": "Year 6", "english_expected": "Year 6", "english_on_track": "yes"},
    Section.Kind.SEND: {"send_status": "none", "support": "Mentor"},
    Section.Kind.WELLBEING: {"health": "Good", "emotional_wellbeing": "Good"},
    Section.Kind.VIEWS: {"going_well": "Football", "hard": "Spelling", "want": "A tutor", "who_helps": "Carer",
                         "carer_views": "Happy"},
    Section.Kind.MEETING_RECORD: {"held_on": "2026-11-20", "attendees": "DT, SW, carer"},
    Section.Kind.TARGET_REVIEW: {"summary": "No previous targets"},
    Section.Kind.TARGETS: {"notes": ""},
    Section.Kind.NEXT_PEP: {"next_pep_date": "2027-02-10"},
}


def complete_sections(pep, *, dt, sw, kinds=None):
    """Complete every section of a PEP through the service, as its owner."""
    for section in pep.sections.all():
        if kinds and section.kind not in kinds:
            continue
        actor = sw if section.owner_role == "social_worker" else dt
        section.pep = PEP.objects.get(pk=pep.pk)
        services.section_save(actor=actor, section=section, content=SAMPLE_CONTENT[section.kind],
                              version=section.version, complete=True)
    return PEP.objects.get(pk=pep.pk)


@pytest.fixture
def ready_pep(pep, dt, sw):
    services.pep_set_meeting(actor=sw, pep=pep, meeting_date=date(2026, 11, 20))
    services.target_save(actor=dt, pep=PEP.objects.get(pk=pep.pk), data={
        "area": "Reading", "target": "Read a chapter book independently", "success_criteria": "Reads 20 minutes",
        "actions": "Daily reading", "who": "Class teacher", "by_when": date(2027, 2, 1),
        "pp_request_amount": "300.00", "pp_request_category": "tutoring"})
    return complete_sections(pep, dt=dt, sw=sw)


@pytest.fixture
def submitted_pep(ready_pep, dt):
    return services.pep_submit(actor=dt, pep=ready_pep)
