from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CalendarConfig(AppConfig):
    name = "vschool.calendar"
    label = "calendar"
    verbose_name = "School calendar"

    def ready(self):
        from auditlog.registry import auditlog

        from vschool.core.models import Authority

        from . import models, services

        for model in (models.SchoolCalendar, models.TermDate, models.Closure):
            auditlog.register(model)
        if not auditlog.contains(Authority):  # the settings page edits it: keep its history
            auditlog.register(Authority)
        # Any change to what makes a school day clears the day cache; the authority's settings only its basis.
        for model in (models.SchoolCalendar, models.TermDate, models.Closure):
            post_save.connect(
                services.invalidate_cache, sender=model, dispatch_uid=f"calendar-cache-save-{model.__name__}"
            )
            post_delete.connect(
                services.invalidate_cache,
                sender=model,
                dispatch_uid=f"calendar-cache-delete-{model.__name__}",
            )
        post_save.connect(
            services.authority_changed, sender=Authority, dispatch_uid="calendar-cache-authority-save"
        )
        post_delete.connect(
            services.authority_changed, sender=Authority, dispatch_uid="calendar-cache-authority-delete"
        )
        m2m_changed.connect(
            services.invalidate_cache,
            sender=models.SchoolCalendar.schools.through,
            dispatch_uid="calendar-cache-m2m",
        )
