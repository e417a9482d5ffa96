"""Celery tasks for attendance. Idempotent: a rescan with nothing changed changes nothing."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


def attendance_rule_codes() -> list[str]:
    from vschool.alerts.registry import rules

    return [r.code for r in rules() if r.code.startswith("attendance.")]


@shared_task(name="attendance.tasks.scan_attendance_drift", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=30, retry_backoff_max=600, max_retries=5)
def scan_attendance_drift(codes: list[str] | None = None) -> dict:
    """Re-evaluate the attendance drift rules (all of them, or just `codes`)."""
    from vschool.alerts.services import scan_drift

    report = scan_drift(codes=codes or attendance_rule_codes())
    log.info("attendance drift scan: %s", report)
    return report


def queue_attendance_scan(codes: list[str] | None = None) -> None:
    """Ask for a scan after the current transaction commits; a broker outage must not fail the write."""
    from django.db import transaction

    def send():
        try:
            scan_attendance_drift.delay(codes)
        except Exception:  # noqa: BLE001
            log.exception("could not queue the attendance drift scan; the nightly scan will catch up")

    transaction.on_commit(send)


@shared_task(name="attendance.tasks.create_mark_partitions_ahead")
def create_mark_partitions_ahead() -> list[str]:
    """Keep a partition ready for each of the coming months' session marks (PostgreSQL only)."""
    from django.utils import timezone

    from .partitions import ensure_partitions_ahead

    created = ensure_partitions_ahead(timezone.localdate())
    if created:
        log.info("session mark partitions created: %s", ", ".join(created))
    return created
