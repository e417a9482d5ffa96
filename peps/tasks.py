"""Celery tasks for PEPs: thin, idempotent wrappers over services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="peps.tasks.send_pep_reminders", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=3)
def send_pep_reminders() -> int:
    """Start first PEPs for new entrants, then send today's PEP reminders. Each reminder goes once (ReminderSent is
    unique) and a first PEP is started once, so a retry does nothing twice."""
    from .reminders import send_pep_reminders as send
    from .services import pep_create_first_peps

    started = pep_create_first_peps()
    if started:
        logger.info("first PEPs started: %d", started)
    lines = send()
    logger.info("send_pep_reminders task: %d sent", len(lines))
    return len(lines)
