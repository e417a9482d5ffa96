"""The access log: every view of a child's record, PEP or PDF. Changes are recorded by django-auditlog."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AccessLog(models.Model):
    """Append-only: rows are never updated or deleted."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    # What was seen: a label such as "child record", "PEP", "PEP PDF", and the child it concerns.
    what = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    path = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["child_id", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Access log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Access log rows cannot be deleted")
