"""Alerts raised by drift rules: one open alert per (rule, subject)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Alert(models.Model):
    class Severity(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    rule_code = models.CharField(max_length=60, db_index=True)
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    detail = models.CharField(max_length=300, blank=True)
    child = models.ForeignKey(
        "roll.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    school = models.ForeignKey(
        "roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.CharField(max_length=40)
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    since = models.DateField(null=True, blank=True)
    due_at = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
    )
    snoozed_until = models.DateField(null=True, blank=True)
    snooze_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_type", "subject_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_alert_per_rule_subject",
            )
        ]
        indexes = [
            models.Index(fields=["child", "resolved_at"]),
            models.Index(fields=["assignee", "resolved_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
