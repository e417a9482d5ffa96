"""Celery tasks for PEPs: thin, idempotent wrappers over services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="peps.tasks.send_pep_reminders", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=3)
def send_pep_reminders() -> int:
    """Send today's PEP reminders; each goes once (ReminderSent is unique), so a retry sends nothing twice."""
    from .reminders import send_pep_reminders as send

    lines = send()
    logger.info("send_pep_reminders task: %d sent", len(lines))
    return len(lines)
