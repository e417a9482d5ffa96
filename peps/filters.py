"""The PEP tracker's filters (django-filter), all applied in the database."""

import django_filters
from django.utils import timezone

from vschool.accounts.models import User
from vschool.accounts.roles import Role

from .models import PEP, Term


def _years():
    this = timezone.localdate().year
    return [(y, f"{y}/{str(y + 1)[-2:]}") for y in range(this + 1, this - 6, -1)]


def _schools(request=None):
    from roll.models import School

    return School.objects.filter(pk__in=PEP.objects.values("school_id")).order_by("name")


def _caseworkers(request=None):
    return User.objects.filter(groups__name__in=[Role.VS_STAFF, Role.HEADTEACHER], is_active=True).distinct()


class PEPTrackerFilter(django_filters.FilterSet):
    academic_year = django_filters.ChoiceFilter(choices=[], label="Academic year",
                                                     empty_label="Any year")
    term = django_filters.ChoiceFilter(choices=Term.choices, label="Term", empty_label="Any term")
    status = django_filters.ChoiceFilter(choices=PEP.Status.choices, label="Status", empty_label="Any status")
    school = django_filters.ModelChoiceFilter(queryset=_schools, label="School", empty_label="Any school")
    caseworker = django_filters.ModelChoiceFilter(
        field_name="child__caseworker", queryset=_caseworkers, label="Caseworker", empty_label="Any caseworker")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only",
                                           widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = PEP
        fields = ["academic_year", "term", "status", "school", "caseworker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["academic_year"].extra["choices"] = _years()

    def filter_overdue(self, queryset, name, value):
        from .selectors import overdue_q

        if value:
            return queryset.filter(overdue_q(timezone.localdate()))
        return queryset
