from django.apps import AppConfig


class RollConfig(AppConfig):
    name = "roll"
    label = "roll"
    verbose_name = "Roll"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.School, models.SchoolStaff, models.Inspection, models.Child, models.LegalStatus,
                      models.Placement, models.Enrolment, models.Allocation):
            auditlog.register(model)
