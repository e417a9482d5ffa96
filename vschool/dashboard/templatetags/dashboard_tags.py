from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def figure(count, suppress=False):
    """A count for a dashboard; outside the Virtual School counts of 1 to 5 are suppressed."""
    if suppress and count and 0 < count <= 5:
        return "fewer than 6"
    return intcomma(count)
