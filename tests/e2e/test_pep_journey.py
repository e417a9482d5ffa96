"""The termly PEP journey in a browser: SW books the meeting, DT completes and submits, the caseworker returns it,
the DT answers and resubmits, the caseworker approves, and the PDF carries the new target."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peps import services
from peps.models import PEP, QAReview, Target
from roll.models import Allocation, Child, SchoolStaff
from tests.roll.factories import (
    AllocationFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SchoolStaffFactory,
)

NEW_TARGET = "Write a paragraph with a topic sentence and three linked ideas"


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def journey(transactional_db, dt, sw, caseworker):
    from vschool.calendar.services import current_term, previous_term

    today = timezone.localdate()
    school = SchoolFactory(name="Hillside Primary", email_domain="school.example.org")
    child = ChildFactory(legal_first_name="Robin", legal_last_name="Example", cohort=Child.Cohort.CLA,
                         on_roll_from=today - timedelta(days=400), caseworker=caseworker, current_school=school)
    EnrolmentFactory(child=child, school=school, start=today - timedelta(days=400))
    SchoolStaffFactory(school=school, user=dt, kind=SchoolStaff.Kind.DESIGNATED_TEACHER)
    AllocationFactory(child=child, role=Allocation.Role.SOCIAL_WORKER, user=sw, start=today - timedelta(days=400))
    # Last term's approved PEP with a target to review.
    last = previous_term(current_term(today).start)
    prev = services.pep_create(actor=caseworker, child=child, academic_year=last.academic_year, term=last.term,
                               on=last.start)
    PEP.objects.filter(pk=prev.pk).update(status=PEP.Status.APPROVED)
    Target.objects.create(pep=prev, area="Reading", target="Read aloud to the carer three times a week",
                          success_criteria="Reading log", who="Carer", by_when=last.end)
    QAReview.objects.create(pep=prev, rag=QAReview.Rag.AMBER, feedback="Say how reading is measured next time")
    term = current_term(today)
    pep = services.pep_create(actor=caseworker, child=child, academic_year=term.academic_year, term=term.term,
                              on=today)
    return {"pep": pep, "child": child, "today": today}


def _loaded(page, heading):
    """Wait for the new page (and its stylesheet) before checking it."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("load")


def _open_section(page, name):
    page.get_by_role("link", name=name, exact=True).click()
    _loaded(page, name)


def _radio(page, legend, option):
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def _complete(page, check_a11y):
    check_a11y(page)
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.get_by_test_id("pep-status")).to_be_visible()
    page.wait_for_load_state("load")


def _switch(page, sign_in, user, live_server):
    page.context.clear_cookies()
    sign_in(page, user)


def test_pep_journey(page, live_server, sign_in, check_a11y, journey, dt, sw, caseworker):
    from pypdf import PdfReader

    pep, today = journey["pep"], journey["today"]
    detail = f"{live_server.url}/peps/{pep.pk}/"

    # --- The social worker sets the meeting date and completes their section.
    sign_in(page, sw)
    page.goto(f"{live_server.url}/peps/mine/")
    check_a11y(page)
    page.get_by_role("link", name="Set the meeting date for Robin Example").click()
    _loaded(page, "Set the meeting date")
    check_a11y(page)
    page.get_by_label("Date of the PEP meeting").fill(_d(today))
    page.get_by_role("button", name="Save meeting date").click()
    expect(page.get_by_test_id("meeting-date")).to_have_text(re.compile(str(today.year)))
    expect(page.get_by_test_id("pep-status")).to_have_text("In progress")
    check_a11y(page)
    _open_section(page, "Meeting arrangements and care context")
    page.get_by_label("Where the meeting will be held", exact=True).fill("At school, meeting room 2")
    page.get_by_label("Who is invited", exact=True).fill("Carer, designated teacher, Robin")
    page.get_by_label("Care context the school needs to know", exact=True).fill("Settled with long-term carers")
    _radio(page, "Is the care placement expected to continue this term?", "Yes")
    _complete(page, check_a11y)

    # --- The designated teacher completes every school section.
    _switch(page, sign_in, dt, live_server)
    page.goto(f"{live_server.url}/peps/mine/")
    check_a11y(page)
    page.get_by_role("link", name=re.compile("Robin Example")).click()
    expect(page.get_by_test_id("carried-feedback")).to_contain_text("Say how reading is measured")
    check_a11y(page)

    _open_section(page, "Attendance and exclusions")
    page.get_by_label("Attendance this term (%)").fill("96.5")
    page.get_by_label("Suspensions this term").fill("0")
    _radio(page, "Is the child on a part-time timetable?", "No")
    _complete(page, check_a11y)

    _open_section(page, "Current arrangements and previous schools")
    _radio(page, "Current arrangements", "Full-time at school")
    _complete(page, check_a11y)

    _open_section(page, "Attainment and progress")
    for subject in ("English", "Maths", "Science"):
        page.get_by_label(f"{subject}: working at", exact=True).fill("Expected standard")
        page.get_by_label(f"{subject}: expected by the end of the year", exact=True).fill("Expected standard")
        _radio(page, f"{subject}: on track?", "On track")
    _complete(page, check_a11y)

    _open_section(page, "SEND and support")
    _radio(page, "Special educational needs and disabilities", "SEN support")
    page.get_by_label("Support in place", exact=True).fill("Small-group phonics three times a week")
    _complete(page, check_a11y)

    _open_section(page, "Health and wellbeing")
    page.get_by_label("Physical health", exact=True).fill("Well")
    # Nothing typed is lost: the draft saves itself as the user types, and survives a reload.
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved", timeout=15_000)
    page.reload()
    expect(page.get_by_label("Physical health", exact=True)).to_have_value("Well")
    page.get_by_label("Emotional wellbeing and mental health", exact=True).fill("Happier since joining football")
    _complete(page, check_a11y)

    _open_section(page, "Child's views and carer's views")
    page.get_by_label("What is going well?", exact=True).fill("Football and drawing")
    page.get_by_label("What is hard?", exact=True).fill("Spellings")
    page.get_by_label("What would you like to happen?", exact=True).fill("Join the school team")
    page.get_by_label("Who helps you?", exact=True).fill("My carer and my teacher")
    page.get_by_label("Carer's views", exact=True).fill("Robin is more confident")
    _complete(page, check_a11y)

    _open_section(page, "Meeting record")
    page.get_by_label("Date the meeting was held").fill(_d(today))
    page.get_by_label("Who attended", exact=True).fill("Designated teacher, social worker, carer, Robin")
    _complete(page, check_a11y)

    _open_section(page, "Review of previous targets")
    _radio(page, "Outcome of “Read aloud to the carer three times a week”", "Partly met")
    page.get_by_label("Evidence for “Read aloud to the carer three times a week”").fill("Reading log: twice a week")
    _complete(page, check_a11y)

    _open_section(page, "New SMART targets")
    check_a11y(page)
    page.get_by_role("link", name="Add a target").click()
    _loaded(page, "Add a SMART target")
    check_a11y(page)
    page.get_by_label("Area", exact=True).fill("Writing")
    page.get_by_label("Target", exact=True).fill(NEW_TARGET)
    page.get_by_label("Success criteria", exact=True).fill("Three of four paragraphs meet the checklist")
    page.get_by_label("Actions", exact=True).fill("Weekly writing tutor")
    page.get_by_label("Who is responsible").fill("Class teacher")
    page.get_by_label("By when").fill(_d(today + timedelta(days=60)))
    page.get_by_label("PP+ request (£, optional)").fill("450")
    page.get_by_label("What the PP+ would pay for").select_option("tutoring")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_test_id("targets-table")).to_contain_text(NEW_TARGET)
    _complete(page, check_a11y)

    _open_section(page, "Next PEP date")
    page.get_by_label("Date of the next PEP meeting").fill(_d(today + timedelta(days=90)))
    _complete(page, check_a11y)

    expect(page.get_by_test_id("pep-status")).to_have_text("Ready to submit")
    page.get_by_role("button", name="Submit the PEP").click()
    expect(page.get_by_test_id("pep-status")).to_have_text("Submitted")
    check_a11y(page)

    # --- The caseworker returns it with a reason and points to answer.
    _switch(page, sign_in, caseworker, live_server)
    page.goto(detail)
    check_a11y(page)
    page.get_by_role("link", name="Quality assure this PEP").click()
    _loaded(page, "Quality assure this PEP")
    check_a11y(page)
    page.get_by_label("Targets are SMART").check()
    _radio(page, "RAG rating", "Red: return to the school")
    page.get_by_label("Feedback for the school").fill("The writing target needs a baseline")
    page.get_by_label("Points the school must answer before resubmitting (one a line)").fill(
        "What is Robin's writing level now?")
    page.get_by_role("button", name="Save quality assurance").click()
    expect(page.get_by_test_id("pep-status")).to_have_text("Returned")
    check_a11y(page)

    # --- The DT answers the point and resubmits.
    _switch(page, sign_in, dt, live_server)
    page.goto(detail)
    expect(page.get_by_text("The writing target needs a baseline").first).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Answer the review points").click()
    _loaded(page, "Answer the review points")
    check_a11y(page)
    page.get_by_label("Your answer to: What is Robin's writing level now?").fill("Working towards the expected standard")
    page.get_by_role("button", name="Save answers").click()
    page.get_by_role("button", name="Resubmit the PEP").click()
    expect(page.get_by_test_id("pep-status")).to_have_text("Submitted")
    check_a11y(page)

    # --- The caseworker approves it.
    _switch(page, sign_in, caseworker, live_server)
    page.goto(f"{live_server.url}/peps/{pep.pk}/qa/")
    check_a11y(page)
    for item in ("Targets are SMART", "The child's voice is present", "PP+ requests are linked to targets",
                 "Attendance and exclusions are addressed"):
        page.get_by_label(item).check()
    _radio(page, "RAG rating", "Green: approve")
    page.get_by_role("button", name="Save quality assurance").click()
    expect(page.get_by_test_id("pep-status")).to_have_text("Approved")
    check_a11y(page)
    page.goto(f"{live_server.url}/peps/tracker/")
    check_a11y(page)
    page.goto(f"{live_server.url}/peps/child/{journey['child'].pk}/")
    expect(page.get_by_test_id("child-peps")).to_contain_text("Approved")
    check_a11y(page)

    # --- The PDF downloads and carries the new target.
    page.goto(detail)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    reader = PdfReader(io.BytesIO(open(info.value.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert NEW_TARGET in text
    assert "OFFICIAL-SENSITIVE" in text

    pep.refresh_from_db()
    assert pep.status == PEP.Status.APPROVED
    assert pep.targets.get().pp_request_amount == 450


def test_vsh_reopens_an_approved_pep_and_dt_delegates(page, live_server, sign_in, check_a11y, journey, dt, sw,
                                                      caseworker, vsh, make_user):
    from tests.peps.conftest import complete_sections

    pep, today = journey["pep"], journey["today"]
    services.pep_set_meeting(actor=sw, pep=pep, meeting_date=today)
    services.target_save(actor=dt, pep=PEP.objects.get(pk=pep.pk), data={
        "area": "Maths", "target": "Count to 100 in tens", "success_criteria": "Does it unaided", "who": "Teacher",
        "by_when": today + timedelta(days=30)})
    pep = complete_sections(pep, dt=dt, sw=sw)
    services.pep_submit(actor=dt, pep=pep)
    services.pep_qa(actor=caseworker, pep=PEP.objects.get(pk=pep.pk), rag=QAReview.Rag.GREEN)
    colleague = make_user("designated_teacher", "colleague", email="colleague@school.example.org")

    # The caseworker cannot reopen; the VSH can, with a reason.
    sign_in(page, caseworker)
    page.goto(f"{live_server.url}/peps/{pep.pk}/")
    expect(page.get_by_role("link", name="Reopen this PEP")).to_have_count(0)
    _switch(page, sign_in, vsh, live_server)
    page.goto(f"{live_server.url}/peps/{pep.pk}/")
    page.get_by_role("link", name="Reopen this PEP").click()
    _loaded(page, "Reopen this PEP")
    check_a11y(page)
    page.get_by_role("button", name="Reopen PEP").click()
    expect(page.get_by_role("link", name="Enter why this approved PEP is being reopened")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Why is this approved PEP being reopened?").fill("The wrong school year was recorded")
    page.get_by_role("button", name="Reopen PEP").click()
    expect(page.get_by_test_id("pep-status")).to_have_text("In progress")
    check_a11y(page)

    # The DT lets a colleague complete the child's views.
    _switch(page, sign_in, dt, live_server)
    page.goto(f"{live_server.url}/peps/{pep.pk}/")
    expect(page.get_by_role("button", name="Submit the PEP")).to_be_visible()
    page.goto(f"{live_server.url}/peps/colleagues/")
    check_a11y(page)
    page.get_by_label("Colleague's email address").fill(colleague.email)
    page.get_by_label("Child", exact=True).select_option(label="Robin Example")
    page.get_by_label("Child's views and carer's views").check()
    page.get_by_role("button", name="Add colleague").click()
    expect(page.locator("table")).to_contain_text(str(colleague))
    check_a11y(page)
