"""Reminders are sent once, on school days, without child details; drift rules find what is late."""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from peps import services
from peps.models import PEP, ReminderSent
from peps.reminders import send_pep_reminders
from vschool.calendar.services import add_school_days

SCHOOL_DAY = date(2026, 11, 30)  # a Monday in the autumn term


def test_a_second_run_sends_nothing_new(pep, sw):
    assert send_pep_reminders(today=SCHOOL_DAY)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [sw.email]
    assert send_pep_reminders(today=SCHOOL_DAY) == []
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(pep=pep, kind=ReminderSent.Kind.SET_MEETING, recipient=sw).count() == 1


def test_reminder_emails_carry_no_child_details(pep):
    send_pep_reminders(today=SCHOOL_DAY)
    message = mail.outbox[0]
    for secret in (pep.child.legal_first_name, pep.child.legal_last_name, "2014"):
        assert secret not in message.subject + message.body
    assert f"/peps/{pep.pk}/" in message.body


def test_dry_run_lists_and_sends_nothing(pep, capsys):
    call_command("send_pep_reminders", "--dry-run")
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_nothing_is_sent_on_a_day_that_is_not_a_school_day(pep):
    assert send_pep_reminders(today=date(2026, 12, 25)) == []
    assert send_pep_reminders(today=date(2026, 11, 28)) == []  # a Saturday
    assert not mail.outbox


def test_sections_due_reminds_owners_of_incomplete_sections(pep, sw, dt):
    services.pep_set_meeting(actor=sw, pep=pep, meeting_date=date(2026, 12, 7))
    lines = send_pep_reminders(today=SCHOOL_DAY)
    kinds = set(ReminderSent.objects.values_list("kind", "recipient__username"))
    assert ("sections_due", "dt") in kinds and ("sections_due", "sw") in kinds
    assert len(lines) == 2


def test_chase_after_the_meeting_and_qa_waiting(ready_pep, dt, caseworker):
    lines = send_pep_reminders(today=SCHOOL_DAY)  # meeting was 20 November; not submitted yet
    assert ReminderSent.objects.filter(kind="complete_after_meeting", recipient=dt).exists(), lines
    services.pep_submit(actor=dt, pep=ready_pep)
    send_pep_reminders(today=SCHOOL_DAY)
    assert ReminderSent.objects.filter(kind="qa_waiting", recipient=caseworker).exists()


def test_celery_task_name_matches_the_beat_schedule(pep):
    from peps.tasks import send_pep_reminders as task

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert task.name == "peps.tasks.send_pep_reminders" and task.name in names


# --- drift ----------------------------------------------------------------------------------------------------


def _codes(rule_fn):
    return list(rule_fn())


def test_drift_rules_are_registered():
    from vschool.alerts.registry import rules

    codes = {r.code for r in rules()}
    assert {"PEP_SECTIONS_LATE", "PEP_NOT_FINALISED", "PEP_QA_PENDING", "PEP_NOT_HELD_TERM",
            "FIRST_PEP_10WD", "FIRST_PEP_20WD"} <= codes


def test_late_sections_and_unfinished_and_qa_overdue(pep, ready_pep):
    from peps import drift

    today = timezone.localdate()
    PEP.objects.filter(pk=pep.pk).update(status=PEP.Status.IN_PROGRESS, sections_due=today - timedelta(days=2),
                                         completion_due=today - timedelta(days=1))
    pep.sections.filter(kind="meeting").update(is_complete=False)
    assert [f.subject.pk for f in drift.sections_late()] == [pep.pk]
    assert [f.subject.pk for f in drift.not_finalised()] == [pep.pk]
    PEP.objects.filter(pk=pep.pk).update(status=PEP.Status.SUBMITTED, qa_due=today - timedelta(days=1))
    assert [f.subject.pk for f in drift.qa_overdue()] == [pep.pk]
    assert drift.not_finalised() == []


def test_first_pep_late_rules(child, caseworker):
    from peps import drift

    today = timezone.localdate()
    child.on_roll_from = today - timedelta(days=40)
    child.save()
    findings = drift.first_pep_not_started()
    assert [f.child_id for f in findings] == [child.pk]
    pep = services.pep_create_first(actor=caseworker, child=child, entered_care_on=child.on_roll_from)
    assert [f.subject.pk for f in drift.first_pep_not_started()] == [pep.pk]
    assert [f.subject.pk for f in drift.first_pep_not_ready()] == [pep.pk]


@pytest.mark.parametrize("status", [PEP.Status.APPROVED, PEP.Status.CANCELLED])
def test_closed_peps_raise_nothing(pep, status):
    from peps import drift

    today = timezone.localdate()
    PEP.objects.filter(pk=pep.pk).update(status=status, sections_due=today - timedelta(days=9),
                                         completion_due=today - timedelta(days=5), qa_due=today - timedelta(days=1))
    assert drift.sections_late() == drift.not_finalised() == drift.qa_overdue() == []


def test_returned_and_not_resubmitted_is_stale(submitted_pep, caseworker):
    from peps import drift
    from peps.models import StatusChange

    services.pep_return(actor=caseworker, pep=submitted_pep, reason="Fix targets")
    assert drift.returned_stale() == []
    # Returned ten school days ago (counted in school days: thirty calendar days can fall in a holiday).
    returned = add_school_days(timezone.localdate(), -10)
    StatusChange.objects.filter(pep=submitted_pep, to_status="returned").update(
        at=timezone.make_aware(datetime.combine(returned, time(12))))
    assert [f.subject.pk for f in drift.returned_stale()] == [submitted_pep.pk]


def test_last_term_without_an_approved_pep_is_overdue(child, caseworker):
    from peps import drift
    from vschool.calendar.services import previous_term

    last = previous_term(timezone.localdate())
    pep = services.pep_create(actor=caseworker, child=child, academic_year=last.academic_year, term=last.term,
                              on=last.start)
    assert [f.subject.pk for f in drift.overdue_last_term()] == [pep.pk]
    PEP.objects.filter(pk=pep.pk).update(status=PEP.Status.APPROVED)
    assert drift.overdue_last_term() == []
