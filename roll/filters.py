"""The roll list's filters (django-filter). Age-based filters become date-of-birth ranges so they run in SQL."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vschool.accounts.roles import Role

from . import codes
from .models import Child
from .services import (
    KEY_STAGES,
    PHASES,
    dob_range_for_year_group,
    key_stage_years,
    phase_years,
    year_group_label,
)

YEAR_GROUP_CHOICES = [(str(y), year_group_label(y)) for y in range(-1, 14)]
KEY_STAGE_CHOICES = [(code, label) for code, label, _lo, _hi in KEY_STAGES]
LEGAL_STATUS_CHOICES = [(c, f"{c}: {e.label}") for c, e in codes.LEGAL_STATUS.items()]
AREA_CHOICES = [("in", "In area"), ("out", "Out of area"), ("unknown", "Not known")]
ROLL_CHOICES = [("on", "On the roll now"), ("off", "Left the roll"), ("all", "Everyone")]

SORTS = {
    "name": ("legal_last_name", "legal_first_name", "id"),
    "age": ("-date_of_birth", "legal_last_name", "id"),  # youngest first = lowest year group first
    "school": ("current_school_name", "legal_last_name", "id"),
    "cohort": ("cohort", "legal_last_name", "id"),
    "joined": ("on_roll_from", "legal_last_name", "id"),
    "attendance": ("term_attendance_pct", "legal_last_name", "id"),  # annotated by the attendance app
}


def _dob_between(year_low: int | None, year_high: int | None, on) -> Q:
    """Children whose year group on `on` lies in [year_low, year_high] (None = unbounded)."""
    q = Q()
    if year_high is not None:
        q &= Q(date_of_birth__gte=dob_range_for_year_group(year_high, on)[0])
    if year_low is not None:
        q &= Q(date_of_birth__lte=dob_range_for_year_group(year_low, on)[1])
    return q


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Name, UPN or child ID")
    cohort = django_filters.MultipleChoiceFilter(choices=Child.Cohort.choices, distinct=False)
    phase = django_filters.ChoiceFilter(choices=PHASES, method="filter_phase", empty_label="Any phase")
    year_group = django_filters.ChoiceFilter(choices=YEAR_GROUP_CHOICES, method="filter_year_group",
                                             empty_label="Any year group")
    key_stage = django_filters.ChoiceFilter(choices=KEY_STAGE_CHOICES, method="filter_key_stage",
                                            empty_label="Any key stage")
    school = django_filters.CharFilter(method="filter_school", label="School name or URN")
    area = django_filters.ChoiceFilter(choices=AREA_CHOICES, method="filter_area", empty_label="Anywhere")
    caseworker = django_filters.NumberFilter(field_name="caseworker_id")
    legal_status = django_filters.ChoiceFilter(choices=LEGAL_STATUS_CHOICES, field_name="current_legal_status",
                                               empty_label="Any legal status")
    send = django_filters.MultipleChoiceFilter(choices=Child.Send.choices, field_name="send_status", distinct=False)
    alerts = django_filters.BooleanFilter(method="filter_alerts", label="Has open alerts")
    roll = django_filters.ChoiceFilter(choices=ROLL_CHOICES, method="filter_roll", empty_label=None)
    mine = django_filters.BooleanFilter(method="filter_mine", label="My caseload")
    attendance_low = django_filters.BooleanFilter(method="filter_attendance_low",
                                                  label="Attendance below target this term")

    class Meta:
        model = Child
        fields: list = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("roll"):
            data["roll"] = "on"
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.today = timezone.localdate()

    def filter_queryset(self, queryset):
        # The roll filter always runs (its default is "on the roll now").
        qs = super().filter_queryset(queryset)
        return qs

    def filter_search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        words = value.split()
        compact = value.replace(" ", "")
        # UPNs and child IDs compare exactly (UPNs are stored in capitals), so their indexes serve; each word starts
        # a name in any case, which indexes on the upper-cased names serve on PostgreSQL (migration roll 0006).
        q = Q(upn=compact.upper()) | Q(la_child_id=value) | Q(la_child_id=value.upper())
        name_q = Q()
        for word in words:
            name_q &= (Q(legal_last_name__istartswith=word) | Q(legal_first_name__istartswith=word)
                       | Q(preferred_name__istartswith=word))
        return qs.filter(q | name_q)

    def filter_attendance_low(self, qs, name, value):
        if not value:
            return qs
        from attendance.selectors import annotate_term_attendance, filter_below_threshold

        return filter_below_threshold(annotate_term_attendance(qs))

    def filter_phase(self, qs, name, value):
        low, high = phase_years(value)
        return qs.filter(_dob_between(low, high, self.today))

    def filter_year_group(self, qs, name, value):
        year = int(value)
        return qs.filter(_dob_between(year, year, self.today))

    def filter_key_stage(self, qs, name, value):
        bounds = key_stage_years(value)
        if bounds is None:
            return qs
        low, high = bounds
        return qs.filter(_dob_between(None if value == "EYFS" else low, high, self.today))

    def filter_school(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        if value.isdigit():
            from .models import School

            return qs.filter(current_school__in=School.objects.filter(urn=value).values("pk"))
        # The school's name is kept on the child, so this is one scan of the child table (no join to schools).
        return qs.filter(current_school_name__icontains=value)

    def filter_area(self, qs, name, value):
        if value == "in":
            return qs.filter(placement_in_area=True)
        if value == "out":
            return qs.filter(placement_in_area=False)
        return qs.filter(placement_in_area__isnull=True)

    def filter_alerts(self, qs, name, value):
        from vschool.alerts.models import Alert

        open_alerts = Alert.objects.filter(child_id=OuterRef("pk"), resolved_at__isnull=True)
        return qs.filter(Exists(open_alerts)) if value else qs.exclude(Exists(open_alerts))

    def filter_roll(self, qs, name, value):
        if value == "all":
            return qs
        on_roll = Q(on_roll_from__lte=self.today) & (Q(on_roll_until__isnull=True) | Q(on_roll_until__gte=self.today))
        return qs.filter(on_roll) if value == "on" else qs.exclude(on_roll)

    def filter_mine(self, qs, name, value):
        """VS staff: children they are caseworker for. DTs and social workers already see only their own."""
        if not value or self.user is None:
            return qs
        if self.user.roles & {Role.HEADTEACHER, Role.VS_STAFF}:
            return qs.filter(caseworker=self.user)
        return qs
