"""Template tags for the child record layout that other apps extend (templates/roll/child_base.html)."""

from django import template
from django.utils import timezone

from roll.services import key_stage, year_group, year_group_label

register = template.Library()


@register.simple_tag
def child_tabs(child, active=None):
    """The sub-navigation tabs of a child's record; tabs whose app is not installed are left out."""
    from roll.views import child_tabs as tabs

    return tabs(child, active)


@register.simple_tag
def child_identity(child):
    """What the identity bar shows: age, year group (override aware), key stage, open alerts."""
    today = timezone.localdate()
    dob = child.date_of_birth
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    override = getattr(child, "year_group_override_now", None)
    if override is None and not hasattr(child, "year_group_override_now"):
        from roll.models import Enrolment

        main = (
            Enrolment.objects.current(today)
            .filter(child=child, kind__in=Enrolment.MAIN_KINDS)
            .values_list("year_group_override", flat=True)
            .first()
        )
        override = main
    year = override if override is not None else year_group(dob, today)
    open_alerts = getattr(child, "open_alerts", None)
    if open_alerts is None:
        open_alerts = child.alerts.filter(resolved_at__isnull=True).count()
    return {
        "age": age,
        "year_group": year,
        "year_group_label": year_group_label(year),
        "year_group_overridden": override is not None,
        "key_stage": key_stage(year),
        "open_alerts": open_alerts,
    }


@register.filter
def year_label(year):
    return year_group_label(year)


@register.filter
def year_group_on(dob, on):
    """Year-group label for a date of birth on a given day (the roll list passes today once)."""
    if not dob:
        return ""
    return year_group_label(year_group(dob, on or timezone.localdate()))
