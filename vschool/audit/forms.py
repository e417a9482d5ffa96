from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Submit
from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class AuditSearchForm(forms.Form):
    child = forms.CharField(
        label="Child", required=False, max_length=100,
        help_text="Name, child ID or record number",
    )
    user = forms.CharField(label="User", required=False, max_length=150, help_text="Email address or name")
    date_from = forms.DateField(
        label="From", required=False, input_formats=DATE_FORMATS, help_text="For example, 1/9/2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the start date as day/month/year, like 1/9/2026"},
    )
    date_to = forms.DateField(
        label="To", required=False, input_formats=DATE_FORMATS, help_text="For example, 31/12/2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the end date as day/month/year, like 31/12/2026"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("child", field_width=Fluid.TWO_THIRDS),
            Field.text("user", field_width=Fluid.TWO_THIRDS),
            Field.text("date_from", field_width=Fixed.TEN),
            Field.text("date_to", field_width=Fixed.TEN),
            Submit("search", "Search"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
