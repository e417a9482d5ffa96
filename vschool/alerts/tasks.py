"""Celery tasks for alerts. Idempotent: a second scan with nothing changed changes nothing."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(
    name="vschool.alerts.tasks.scan_drift",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def scan_drift() -> dict:
    """Evaluate every drift rule now (nightly and after imports)."""
    report = services.scan_drift()
    log.info("scan_drift finished: %s", report)
    return report
