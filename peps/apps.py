from django.apps import AppConfig


class PepsConfig(AppConfig):
    name = "peps"
    label = "peps"
    verbose_name = "PEPs"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.PEP, models.Section, models.Target, models.StatusChange, models.QAReview,
                      models.Comment, models.Attachment, models.Delegation, models.ReminderSent):
            auditlog.register(model)
