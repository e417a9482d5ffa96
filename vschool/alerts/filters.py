import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from . import registry
from .models import Alert


def _rule_choices():
    return [(r.code, r.title) for r in registry.rules()]


class AlertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_child", label="Child name or ID")
    rule = django_filters.ChoiceFilter(field_name="rule_code", label="Alert", choices=[], empty_label="All")
    severity = django_filters.ChoiceFilter(
        choices=Alert.Severity.choices, label="Severity", empty_label="All"
    )
    school = django_filters.NumberFilter(field_name="school_id", label="School", widget=forms.Select)
    assignee = django_filters.ChoiceFilter(
        method="filter_assignee",
        label="Assigned to",
        choices=[("me", "Me"), ("unassigned", "Nobody")],
        empty_label="Anyone",
    )
    snoozed = django_filters.BooleanFilter(
        method="filter_snoozed", label="Include snoozed alerts", widget=forms.CheckboxInput
    )

    class Meta:
        model = Alert
        fields = ["q", "rule", "severity", "school", "assignee", "snoozed"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        self.user = user
        data = data.copy() if data is not None else {}
        super().__init__(data, *args, **kwargs)
        self.filters["rule"].extra["choices"] = _rule_choices()

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("snoozed"):
            today = timezone.localdate()
            qs = qs.filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        return qs

    def filter_child(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(child__la_child_id__iexact=value)
        parts = value.split()
        name_q = Q()
        for part in parts:
            name_q &= (
                Q(child__legal_first_name__istartswith=part)
                | Q(child__preferred_name__istartswith=part)
                | Q(child__legal_last_name__istartswith=part)
            )
        return queryset.filter(q | name_q)

    def filter_assignee(self, queryset, name, value):
        if value == "me" and self.user is not None:
            return queryset.filter(assignee=self.user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_snoozed(self, queryset, name, value):
        return queryset  # applied in qs so that "unticked" also filters
