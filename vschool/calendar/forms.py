from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from vschool.core.models import Authority

from .models import Closure, Term, TermDate

HALVES = [(term, half) for term in (Term.AUTUMN, Term.SPRING, Term.SUMMER) for half in (1, 2)]


def half_label(term: str, half: int) -> str:
    return f"{Term(term).label} term, {'first' if half == 1 else 'second'} half"


def _date_field(label: str, what: str) -> DateInputField:
    field = DateInputField(label=label, require_all_fields=True)
    field.error_messages = {
        **field.error_messages,
        "required": f"Enter the {what}",
        "incomplete": f"Enter the {what} as a day, month and year",
        "invalid": f"The {what} must be a real date",
    }
    return field


class AuthorityForm(forms.ModelForm):
    """The authority's configurable rules."""

    class Meta:
        model = Authority
        fields = [
            "deadline_day_basis",
            "good_school_rule",
            "attendance_threshold",
            "persistent_absence_threshold",
            "severe_absence_threshold",
            "no_marks_alert_school_days",
            "suspension_warning_days",
            "suspension_limit_days",
            "part_time_review_school_days",
            "part_time_max_school_days",
            "pep_sections_due_before_meeting",
            "pep_complete_after_meeting",
            "pep_qa_school_days",
            "first_pep_start_working_days",
            "first_pep_ready_working_days",
            "placement_search_days",
            "application_decision_days",
        ]
        widgets = {"deadline_day_basis": forms.RadioSelect, "good_school_rule": forms.RadioSelect}
        labels = {
            "deadline_day_basis": "Count deadlines in",
            "good_school_rule": "What counts as a good school",
            "attendance_threshold": "Attendance alert below (%)",
            "persistent_absence_threshold": "Persistent absence from (% of sessions missed)",
            "severe_absence_threshold": "Severe absence from (% of sessions missed)",
            "no_marks_alert_school_days": "Alert when no attendance marks for (school days)",
            "suspension_warning_days": "Warn when suspension days in a school year reach",
            "suspension_limit_days": "Suspension limit in a school year (days)",
            "part_time_review_school_days": "Review a part-time timetable every (school days)",
            "part_time_max_school_days": "Alert when a part-time timetable lasts longer than (school days)",
            "pep_sections_due_before_meeting": "PEP sections due before the meeting (days)",
            "pep_complete_after_meeting": "PEP to be finished after the meeting within (days)",
            "pep_qa_school_days": "PEP quality assurance within (school days)",
            "first_pep_start_working_days": "First PEP started within (working days of entering care)",
            "first_pep_ready_working_days": "First PEP ready within (working days of entering care)",
            "placement_search_days": "New school place found within (days)",
            "application_decision_days": "Admission decision expected within (days)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = f"{field.label[0].lower()}{field.label[1:]}"
            if isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = f"Select {label}"
            else:
                field.error_messages["required"] = f"Enter {label}"
                field.error_messages["invalid"] = "Enter a number"
            if isinstance(field, forms.DecimalField):
                field.validators.append(_percent)
        self.helper = FormHelper()
        self.helper.form_tag = False
        numbers = [n for n in self.Meta.fields if n not in ("deadline_day_basis", "good_school_rule")]
        self.helper.layout = Layout(
            Field.radios("deadline_day_basis", legend_size=Size.MEDIUM),
            Field.radios("good_school_rule", legend_size=Size.MEDIUM),
            *[Field.text(n, field_width=Fixed.FIVE) for n in numbers],
            Submit("submit", "Save settings"),
        )

    def clean(self):
        data = super().clean()
        warn, limit = data.get("suspension_warning_days"), data.get("suspension_limit_days")
        if warn is not None and limit is not None and warn > limit:
            self.add_error(
                "suspension_warning_days", "The warning must come at or before the suspension limit"
            )
        pa, sa = data.get("persistent_absence_threshold"), data.get("severe_absence_threshold")
        if pa is not None and sa is not None and pa > sa:
            self.add_error(
                "severe_absence_threshold", "Severe absence must be at or above persistent absence"
            )
        return data


def _percent(value):
    if value is not None and not (0 <= value <= 100):
        raise forms.ValidationError("Enter a percentage from 0 to 100")


class TermDatesForm(forms.Form):
    """The six half terms of one academic year."""

    def __init__(self, *args, academic_year: int, terms: list[TermDate] | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        for t in terms or []:
            initial[f"{t.term}_{t.half}_start"] = t.start
            initial[f"{t.term}_{t.half}_end"] = t.end
        super().__init__(*args, initial=initial, **kwargs)
        self.academic_year = academic_year
        fieldsets = []
        for term, half in HALVES:
            label = half_label(term, half)
            self.fields[f"{term}_{half}_start"] = _date_field(
                "First day", f"first day of the {label.lower()}"
            )
            self.fields[f"{term}_{half}_end"] = _date_field("Last day", f"last day of the {label.lower()}")
            fieldsets.append(
                Fieldset(
                    Field(f"{term}_{half}_start"),
                    Field(f"{term}_{half}_end"),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fieldsets, Submit("submit", "Save term dates"))

    def dates(self) -> dict:
        d = self.cleaned_data
        return {(term, half): (d[f"{term}_{half}_start"], d[f"{term}_{half}_end"]) for term, half in HALVES}


class ClosureForm(forms.Form):
    day = _date_field("Date", "date of the closure")
    reason = forms.ChoiceField(
        label="Reason",
        choices=Closure.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason"},
    )
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].help_text = "For example, 27 3 2027"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("day"),
            Field.radios("reason", legend_size=Size.SMALL, inline=True),
            Field.text("description", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Add closure day"),
        )
