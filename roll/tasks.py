"""Celery tasks for the roll. Idempotent: running again with nothing changed changes nothing."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="roll.tasks.resync_children", acks_late=True, autoretry_for=(Exception,), retry_backoff=30,
             retry_backoff_max=600, max_retries=5)
def resync_children() -> int:
    """Nightly: keep each child's current school, caseworker and legal status in step with dated history."""
    from .services import children_resync

    changed = children_resync()
    log.info("roll resync: %d children brought up to date", changed)
    return changed
