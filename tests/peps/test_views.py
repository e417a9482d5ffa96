"""PEP pages: forms, drafts, PDFs, attachments, comments and list query counts."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from peps import services
from peps.models import PEP, Attachment, Section
from vschool.audit.models import AccessLog


def test_detail_page_is_access_logged(client, pep, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("peps:pep_detail", args=[pep.pk]))
    assert response.status_code == 200
    assert b"govuk-task-list" in response.content
    assert AccessLog.objects.filter(user=caseworker, object_id=str(pep.pk), child_id=pep.child_id).exists()


def test_section_form_saves_and_marks_complete(client, pep, dt):
    client.force_login(dt)
    url = reverse("peps:section_edit", args=[pep.pk, "wellbeing"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "health": "Well", "emotional_wellbeing": "Settled", "complete": "1"})
    assert response.status_code == 302
    section = pep.sections.get(kind="wellbeing")
    assert section.is_complete and section.content["health"] == "Well" and section.version == 2


def test_completing_with_missing_answers_shows_errors_and_a_draft_does_not(client, pep, dt):
    client.force_login(dt)
    url = reverse("peps:section_edit", args=[pep.pk, "views"])
    response = client.post(url, {"version": 1, "going_well": "Art", "complete": "1"})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    response = client.post(url, {"version": 1, "going_well": "Art", "draft": "1"})
    assert response.status_code == 302
    section = pep.sections.get(kind="views")
    assert not section.is_complete and section.content["going_well"] == "Art"


def test_fields_a_section_adds_for_itself_say_what_to_do_when_missing(client, pep, dt):
    client.force_login(dt)
    url = reverse("peps:section_edit", args=[pep.pk, "attainment"])
    response = client.post(url, {"version": 1, "complete": "1"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter english: working at" in body
    assert "Select an answer to “Maths: on track?”" in body
    assert "This field is required" not in body


def test_stale_form_post_shows_a_govuk_error_and_keeps_the_other_save(client, pep, dt, caseworker):
    section = pep.sections.get(kind="wellbeing")
    section.pep = pep
    services.section_save(actor=caseworker, section=section, content={"health": "Theirs"}, version=1)
    client.force_login(dt)
    response = client.post(reverse("peps:section_edit", args=[pep.pk, "wellbeing"]),
                           {"version": 1, "health": "Mine", "emotional_wellbeing": "x", "draft": "1"})
    assert response.status_code == 400
    assert "Someone else saved this section since you opened it" in response.content.decode()
    assert pep.sections.get(kind="wellbeing").content == {"health": "Theirs"}


def test_draft_endpoint_returns_the_new_version_and_refuses_stale(client, pep, dt):
    client.force_login(dt)
    url = reverse("peps:section_draft", args=[pep.pk, "wellbeing"])
    response = client.post(url, {"version": 1, "health": "Typing", "sdq_score": "not a number"})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert pep.sections.get(kind="wellbeing").content["health"] == "Typing"
    stale = client.post(url, {"version": 1, "health": "Older tab"})
    assert stale.status_code == 409 and stale.json()["stale"] is True
    assert pep.sections.get(kind="wellbeing").content["health"] == "Typing"


def test_restored_post_after_sign_in_is_shown(client, pep, dt):
    from vschool.accounts.restore import SESSION_KEY

    url = reverse("peps:section_edit", args=[pep.pk, "wellbeing"])
    client.force_login(dt)
    # What the sign-in middleware keeps when this form is posted after the session expired.
    session = client.session
    session[SESSION_KEY] = {"path": url, "user_id": dt.pk, "data": [("version", ["1"]), ("health", ["Kept words"])]}
    session.save()
    response = client.get(url)
    assert "We kept what you typed" in response.content.decode()
    assert "Kept words" in response.content.decode()


def test_sw_sets_the_meeting_date(client, pep, sw):
    client.force_login(sw)
    response = client.post(reverse("peps:meeting_set", args=[pep.pk]), {"meeting_date": "19/11/2026",
                                                                        "version": pep.version})
    assert response.status_code == 302
    pep.refresh_from_db()
    assert pep.meeting_date == date(2026, 11, 19) and pep.status == PEP.Status.IN_PROGRESS


def test_target_form_requires_a_category_with_a_pp_request(client, pep, dt):
    client.force_login(dt)
    url = reverse("peps:target_add", args=[pep.pk])
    data = {"area": "Maths", "target": "Times tables to 12", "success_criteria": "Quiz 90%", "actions": "Practice",
            "who": "Teacher", "by_when": "01/02/2027", "pp_request_amount": "250"}
    assert client.post(url, data).status_code == 400
    assert client.post(url, {**data, "pp_request_category": "tutoring"}).status_code == 302
    assert pep.targets.get().pp_request_category == "tutoring"


def test_qa_page_returns_with_points(client, submitted_pep, caseworker):
    client.force_login(caseworker)
    url = reverse("peps:pep_qa", args=[submitted_pep.pk])
    assert client.post(url, {"rag": "red", "feedback": "Needs work", "points": ""}).status_code == 400
    response = client.post(url, {"rag": "red", "feedback": "Needs work", "points": "One\nTwo"})
    assert response.status_code == 302
    submitted_pep.refresh_from_db()
    assert submitted_pep.status == PEP.Status.RETURNED
    assert submitted_pep.qa_reviews.get().points == ["One", "Two"]


def test_pdf_downloads_with_every_section_and_the_targets_and_is_audited(client, ready_pep, dt):
    from pypdf import PdfReader

    client.force_login(dt)
    response = client.get(reverse("peps:pep_pdf", args=[ready_pep.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Read a chapter book independently" in text
    assert "OFFICIAL-SENSITIVE" in reader.pages[-1].extract_text()
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    for label in ("Attendance and exclusions", "Child's views and carer's views", "Health and wellbeing"):
        assert label.replace("'", "") in text.replace("'", "").replace("’", "")
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, object_id=str(ready_pep.pk)).exists()


def test_comment_notifies_the_others_without_child_details(pep, dt, caseworker, sw):
    services.comment_add(actor=dt, pep=pep, body="Can we move the meeting?")
    # on_commit runs at the end of the test transaction only with the captureOnCommit helper:
    assert pep.comments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_comment_emails_everyone_but_the_author_with_a_link_only(school, dt, sw, caseworker):
    from roll.models import Allocation, Child, SchoolStaff
    from tests.peps.conftest import child as _child  # noqa: F401
    from tests.roll.factories import AllocationFactory, ChildFactory, EnrolmentFactory

    kid = ChildFactory(legal_first_name="Zebedee", legal_last_name="Uniquename", caseworker=caseworker,
                       cohort=Child.Cohort.CLA, current_school=school)
    EnrolmentFactory(child=kid, school=school)
    SchoolStaff.objects.create(school=school, user=dt)
    AllocationFactory(child=kid, role=Allocation.Role.SOCIAL_WORKER, user=sw)
    pep = services.pep_create(actor=caseworker, child=kid, academic_year=2026, term="autumn", on=date(2026, 11, 30))
    mail.outbox.clear()
    services.comment_add(actor=dt, pep=pep, body="Zebedee did well")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([sw.email, caseworker.email])
    for message in mail.outbox:
        assert "Zebedee" not in message.body + message.subject
        assert "Uniquename" not in message.body + message.subject
        assert reverse("peps:pep_detail", args=[pep.pk]) in message.body


def test_attachments_type_and_size_limits_and_audited_download(client, pep, dt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dt)
    url = reverse("peps:attachment_add", args=[pep.pk])
    client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")})
    assert not Attachment.objects.exists()
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    client.post(url, {"file": big})
    assert not Attachment.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
                      "description": "Report"})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == 13
    response = client.get(reverse("peps:attachment_download", args=[pep.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, object_type="peps.attachment").exists()


def _many_peps(n, caseworker, school, dt):
    from roll.models import Child
    from tests.roll.factories import ChildFactory, EnrolmentFactory

    for _ in range(n):
        kid = ChildFactory(cohort=Child.Cohort.CLA, caseworker=caseworker, current_school=school)
        EnrolmentFactory(child=kid, school=school)
        services.pep_create(actor=caseworker, child=kid, academic_year=2026, term="autumn", on=date(2026, 11, 30))


def test_tracker_query_count_is_flat(client, caseworker, school, dt, django_assert_max_num_queries, child):
    _many_peps(30, caseworker, school, dt)
    client.force_login(caseworker)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("peps:tracker"), {"academic_year": 2026, "term": "autumn"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 30
    response = client.get(reverse("peps:tracker"), {"academic_year": 2026, "term": "autumn", "status": "approved"})
    assert response.context["page"].paginator.count == 0


def test_my_peps_query_count_is_flat_and_prompts_sw(client, caseworker, school, dt, sw, pep,
                                                    django_assert_max_num_queries):
    _many_peps(20, caseworker, school, dt)
    client.force_login(dt)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("peps:my_peps"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 21
    client.force_login(sw)
    response = client.get(reverse("peps:my_peps"))
    assert "Set the meeting date for" in response.content.decode()


def test_child_peps_tab(client, pep, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("peps:child_peps", args=[pep.child_id]))
    assert response.status_code == 200
    assert reverse("peps:pep_detail", args=[pep.pk]) in response.content.decode()


def test_section_kinds_have_forms():
    from peps.forms import SECTION_FORMS

    assert set(SECTION_FORMS) == set(Section.Kind.values)


def test_attendance_section_is_prefilled_from_attendance_records(client, pep, dt, caseworker):
    from datetime import timedelta

    from attendance.models import PartTimeTimetable, SessionMark
    from attendance.schooldays import school_days_in_range
    from attendance.selectors import pep_attendance_figures
    from attendance.services import exclusion_record

    on = date(2026, 11, 18)  # a Wednesday in the autumn term
    days = school_days_in_range(on - timedelta(days=13), on)
    for i, day in enumerate(days):  # every session present except the first morning (unauthorised)
        for session in ("AM", "PM"):
            code = "O" if (i, session) == (0, "AM") else ("/" if session == "AM" else "\\")
            SessionMark.objects.create(child=pep.child, date=day, session=session, code=code,
                                       recorded_at=timezone.now())
    exclusion_record(actor=caseworker, child=pep.child, kind="suspension", start=days[0], days=2, reason="PD")
    PartTimeTimetable.objects.create(child=pep.child, hours_per_week=15, reason="Phased return", agreed_by="Carer",
                                     start=days[0], review_due=on + timedelta(days=20))
    figures = pep_attendance_figures(pep.child, on)
    sessions = 2 * len(days)
    assert figures == {"attendance_percent": round(100 * (sessions - 1) / sessions, 1), "suspensions": 1,
                       "suspension_days": 2.0, "part_time_timetable": "yes"}

    client.force_login(dt)
    response = client.get(reverse("peps:section_edit", args=[pep.pk, "attendance"]))
    assert pep_attendance_figures(pep.child).items() <= response.context["form"].initial.items()
    assert "suspensions" in response.context["form"].initial


def test_arrangements_section_lists_previous_schools(client, pep, dt):
    from tests.roll.factories import EnrolmentFactory, SchoolFactory

    EnrolmentFactory(child=pep.child, school=SchoolFactory(name="Old Mill Primary"), start=date(2020, 9, 1),
                     end=date(2023, 7, 20))
    client.force_login(dt)
    response = client.get(reverse("peps:section_edit", args=[pep.pk, "arrangements"]))
    assert "Old Mill Primary (1 September 2020 to 20 July 2023)" in response.content.decode()


def test_my_peps_for_a_caseworker_is_their_caseload(client, pep, caseworker, make_user):
    other = make_user("vs_staff", "other-caseworker")
    client.force_login(other)
    assert client.get(reverse("peps:my_peps")).context["rows"] == []
    client.force_login(caseworker)
    assert [row[0].pk for row in client.get(reverse("peps:my_peps")).context["rows"]] == [pep.pk]


@pytest.mark.parametrize("username", ["dt", "sw", "caseworker"])
def test_detail_page_query_count_is_bounded(client, ready_pep, username, dt, sw, caseworker,
                                            django_assert_max_num_queries):
    client.force_login({"dt": dt, "sw": sw, "caseworker": caseworker}[username])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("peps:pep_detail", args=[ready_pep.pk])).status_code == 200


def test_a_section_posted_after_the_session_expired_is_restored_after_sign_in(client, pep, dt, settings):
    import time

    client.force_login(dt)
    url = reverse("peps:section_edit", args=[pep.pk, "wellbeing"])
    client.get(url)
    session = client.session
    session["last_seen"] = int(time.time()) - (settings.SESSION_IDLE_TIMEOUT_MINUTES + 5) * 60
    session.save()
    response = client.post(url, {"version": 1, "health": "Typed before the timeout", "draft": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert pep.sections.get(kind="wellbeing").content == {}
    response = client.post(reverse("accounts:login"), {"username": dt.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "We kept what you typed" in page and "Typed before the timeout" in page
    # Shown once: a reload shows the saved record again.
    assert "We kept what you typed" not in client.get(url).content.decode()


def test_meeting_date_from_a_stale_page_is_refused(client, pep, sw, dt):
    services.pep_set_meeting(actor=dt, pep=pep, meeting_date=date(2026, 12, 1))
    client.force_login(sw)
    response = client.post(reverse("peps:meeting_set", args=[pep.pk]), {"meeting_date": "19/11/2026", "version": 1})
    assert response.status_code == 400
    assert "Someone else changed this PEP" in response.content.decode()
    pep.refresh_from_db()
    assert pep.meeting_date == date(2026, 12, 1)


def test_form_wide_errors_appear_once_in_the_error_summary(client, pep, dt):
    client.force_login(dt)
    response = client.post(reverse("peps:section_edit", args=[pep.pk, "views"]),
                           {"version": 1, "carer_views": "Fine", "complete": "1"})
    page = response.content.decode()
    assert page.count("Record the child&#x27;s views") == 1
    assert "alert-danger" not in page
