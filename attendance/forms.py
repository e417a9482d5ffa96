"""Attendance forms. They parse input only; the rules live in attendance.services."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from .models import Exclusion

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text="For example, 3/11/2025",
        error_messages={"invalid": f"Enter the {label.lower()} as day/month/year, like 3/11/2025",
                        "required": f"Enter the {label.lower()}"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _helper(button: str, *fields) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Attendance file (CSV)",
        help_text="A header row with child_id (or upn), urn, date, session, code; dates as YYYY-MM-DD.",
        error_messages={"required": "Choose a CSV file to upload"},
    )
    dry_run = forms.BooleanField(label="Check the file only, do not import", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Field("dry_run"))


class WeeklyReturnForm(forms.Form):
    possible = forms.IntegerField(label="Possible sessions", min_value=0, max_value=14,
                                  error_messages={"required": "Enter the number of possible sessions"})
    attended = forms.IntegerField(label="Sessions attended", min_value=0, max_value=14,
                                  error_messages={"required": "Enter the number of sessions attended"})
    authorised = forms.IntegerField(label="Authorised absences", min_value=0, max_value=14, initial=0)
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save weekly return",
            Field.text("possible", field_width=3), Field.text("attended", field_width=3),
            Field.text("authorised", field_width=3), Field.text("notes"),
        )


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=Exclusion.Kind.choices, widget=forms.RadioSelect,
                             initial=Exclusion.Kind.SUSPENSION)
    start = date_field("Start date")
    days = forms.DecimalField(label="Length in school days", required=False, min_value=0.5, max_digits=4,
                              decimal_places=1, help_text="Suspensions only. A lunchtime suspension is half a day.")
    reason = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason")] + Exclusion.Reason.choices,
                               error_messages={"required": "Choose the reason"})
    vs_consulted = forms.BooleanField(label="The school consulted the Virtual School beforehand", required=False)
    vsh_notified = forms.BooleanField(label="The head told the Virtual School Headteacher", required=False)
    sw_notified = forms.BooleanField(label="The head told the social worker", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Record exclusion",
            Field.radios("kind", legend_size=Size.SMALL), Field.text("start", field_width=10),
            Field.text("days", field_width=5), Field.select("reason"), Field.checkbox("vs_consulted"),
            Field.checkbox("vsh_notified"), Field.checkbox("sw_notified"), Field.textarea("notes"),
        )


class PartTimeTimetableForm(forms.Form):
    hours_per_week = forms.DecimalField(label="Hours a week", min_value=0, max_digits=4, decimal_places=1)
    reason = forms.CharField(label="Reason", max_length=300)
    agreed_by = forms.CharField(label="Agreed by", max_length=200,
                                help_text="For example, carer, social worker and designated teacher at the PEP")
    start = date_field("Start date")
    review_due = date_field("Review due", required=False)
    end = date_field("End date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_due"].help_text = "Leave blank to review half a term from the start"
        self.helper = _helper(
            "Record part-time timetable",
            Field.text("hours_per_week", field_width=4), Field.text("reason"), Field.text("agreed_by"),
            Field.text("start", field_width=10), Field.text("review_due", field_width=10),
            Field.text("end", field_width=10),
        )


class AlternativeProvisionForm(forms.Form):
    provider = forms.CharField(label="Provider", max_length=200)
    days = forms.CharField(label="Days attended", max_length=100, help_text="For example, Monday and Wednesday")
    hours_per_week = forms.DecimalField(label="Hours a week", min_value=0, max_digits=4, decimal_places=1)
    start = date_field("Start date")
    end = date_field("End date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Record alternative provision",
            Field.text("provider"), Field.text("days"), Field.text("hours_per_week", field_width=4),
            Field.text("start", field_width=10), Field.text("end", field_width=10),
        )


class PartTimeReviewForm(forms.Form):
    next_review = date_field("Next review due", required=False)
    end = date_field("End date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_review"].help_text = "Leave blank to review again in half a term"
        self.fields["end"].help_text = "Only if the timetable has ended and the child is back full time"
        self.helper = _helper("Record review", Field.text("next_review", field_width=10),
                              Field.text("end", field_width=10))
