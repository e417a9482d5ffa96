"""Forms for VS staff to keep the roll current. Business rules live in roll.services; these only parse input."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.utils import timezone

from . import codes
from .models import Allocation, Child, Enrolment, School
from .services import year_group_label

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def date_field(label: str, required: bool = True, help_text: str = "For example, 1/9/2026") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text,
        error_messages={"invalid": f"Enter the {label.lower()} as day/month/year, like 1/9/2026",
                        "required": f"Enter the {label.lower()}"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SchoolChoiceField(forms.CharField):
    """A school chosen by URN (keeps the form usable with thousands of schools and no JavaScript)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        value = value.strip()
        school = School.objects.filter(urn=value).first() if value.isdigit() else None
        if school is None:
            matches = list(School.objects.filter(name__iexact=value)[:2])
            school = matches[0] if len(matches) == 1 else None
        if school is None:
            raise forms.ValidationError("Enter the URN of a school in the register")
        return school


def _helper(*fields, submit="Save") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class ChildDetailsForm(forms.Form):
    """The identity fields that adding a child and editing one share, and their layout."""

    legal_first_name = forms.CharField(label="Legal first name", max_length=100,
                                       error_messages={"required": "Enter the legal first name"})
    legal_last_name = forms.CharField(label="Legal last name", max_length=100,
                                      error_messages={"required": "Enter the legal last name"})
    preferred_name = forms.CharField(label="Preferred first name (optional)", max_length=100, required=False)
    date_of_birth = date_field("Date of birth", help_text="For example, 27/3/2014")
    sex = forms.ChoiceField(label="Sex", choices=Child.Sex.choices, initial=Child.Sex.UNKNOWN)
    upn = forms.CharField(label="UPN (optional)", max_length=13, required=False,
                          help_text="13 characters, starting with a letter")
    cohort = forms.ChoiceField(label="Cohort", choices=Child.Cohort.choices, initial=Child.Cohort.CLA)
    uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    send_status = forms.ChoiceField(label="SEND", choices=Child.Send.choices, initial=Child.Send.NONE)
    send_primary_need = forms.ChoiceField(label="Primary need (optional)", required=False,
                                          choices=[("", "None recorded"), *codes.SEND_PRIMARY_NEEDS])

    @staticmethod
    def details_layout(*after_sex) -> list:
        return [
            Field.text("legal_first_name", field_width=Fluid.TWO_THIRDS),
            Field.text("legal_last_name", field_width=Fluid.TWO_THIRDS),
            Field.text("preferred_name", field_width=Fluid.TWO_THIRDS),
            Field.text("date_of_birth", field_width=Fixed.TEN),
            Field.select("sex"),
            *after_sex,
            Field.text("upn", field_width=Fixed.TWENTY),
            Field.radios("cohort", legend_size=Size.SMALL),
            Field.checkbox("uasc"),
            Field.select("send_status"),
            Field.select("send_primary_need"),
        ]


class ChildAddForm(ChildDetailsForm):
    la_child_id = forms.CharField(label="Child ID", max_length=40, help_text="The council's social care ID",
                                  error_messages={"required": "Enter the child ID"})
    on_roll_from = date_field("Date joined the roll")
    caseworker = forms.ModelChoiceField(label="Caseworker", queryset=None, required=False,
                                        empty_label="Not allocated yet")
    school = SchoolChoiceField(label="Current school URN (optional)", required=False,
                               help_text="Leave blank if the child has no school place")

    field_order = ["la_child_id"]

    def __init__(self, *args, **kwargs):
        from .selectors import caseworker_choices

        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = caseworker_choices()
        self.fields["on_roll_from"].initial = timezone.localdate().strftime("%-d/%-m/%Y")
        self.helper = _helper(
            Field.text("la_child_id", field_width=Fixed.TEN),
            *self.details_layout(),
            Field.text("on_roll_from", field_width=Fixed.TEN),
            Field.select("caseworker"),
            Field.text("school", field_width=Fixed.TEN),
            submit="Add to the roll",
        )


class PlacementForm(forms.Form):
    start = date_field("Start date")
    place_code = forms.ChoiceField(label="Placement type", choices=[(c, f"{c}: {e.label}")
                                                                    for c, e in codes.PLACEMENT.items()])
    provider_code = forms.ChoiceField(label="Provider", required=False,
                                      choices=[("", "Not known")] + [(c, f"{c}: {e.label}")
                                                                     for c, e in codes.PROVIDER.items()])
    placing_authority = forms.CharField(label="Placing authority (optional)", max_length=120, required=False)
    postcode_district = forms.CharField(label="Postcode district (optional)", max_length=5, required=False,
                                        help_text="The first half of the postcode only, for example ZZ1")
    in_area = forms.ChoiceField(label="Is the placement in the authority's area?", widget=forms.RadioSelect,
                                choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")], initial="unknown")
    reason_for_change = forms.ChoiceField(label="Reason for the change", required=False,
                                          choices=[("", "Not recorded")] + [(c, e.label) for c, e in
                                                                             codes.REASON_PLACE_CHANGE.items()])
    same_carer = forms.BooleanField(label="Same carer as before (not counted as a placement move)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("start", field_width=Fixed.TEN), Field.select("place_code"), Field.select("provider_code"),
            Field.text("placing_authority", field_width=Fluid.TWO_THIRDS),
            Field.text("postcode_district", field_width=Fixed.FIVE),
            Field.radios("in_area", legend_size=Size.SMALL, inline=True), Field.select("reason_for_change"),
            Field.checkbox("same_carer"), submit="Record placement",
        )

    def cleaned_in_area(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("in_area"))


class SchoolMoveForm(forms.Form):
    school = SchoolChoiceField(label="New school URN", error_messages={"required": "Enter the new school's URN"})
    start = date_field("Start date")
    kind = forms.ChoiceField(label="Kind of place", choices=[(k, v) for k, v in Enrolment.Kind.choices
                                                             if k in Enrolment.MAIN_KINDS])
    pattern = forms.ChoiceField(label="Attendance pattern", choices=Enrolment.Pattern.choices,
                                widget=forms.RadioSelect, initial=Enrolment.Pattern.FULL_TIME)
    leaving_reason = forms.CharField(label="Why the child left the previous school (optional)", max_length=200,
                                     required=False)
    managed_move = forms.BooleanField(label="This is a managed move", required=False)
    year_group_override = forms.TypedChoiceField(
        label="Taught in a different year group (optional)", required=False, coerce=int, empty_value=None,
        choices=[("", "No, taught with their age group")] + [(str(y), year_group_label(y)) for y in range(-1, 14)],
    )
    override_reason = forms.CharField(label="Reason for teaching out of year (optional)", max_length=200,
                                      required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("school", field_width=Fixed.TEN), Field.text("start", field_width=Fixed.TEN),
            Field.select("kind"), Field.radios("pattern", legend_size=Size.SMALL, inline=True),
            Field.text("leaving_reason", field_width=Fluid.TWO_THIRDS), Field.checkbox("managed_move"),
            Field.select("year_group_override"), Field.text("override_reason", field_width=Fluid.TWO_THIRDS),
            submit="Record school move",
        )


class AllocationForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Allocation.Role.choices)
    user = forms.ModelChoiceField(label="Person with an account", queryset=None, required=False,
                                  empty_label="Someone without an account")
    person_name = forms.CharField(label="Name (for someone without an account)", max_length=150, required=False)
    person_contact = forms.CharField(label="Contact details (optional)", max_length=200, required=False)
    start = date_field("Start date")
    handover_note = forms.CharField(label="Handover note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text="Needed when a caseworker hands over")

    def __init__(self, *args, **kwargs):
        from vschool.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True, groups__isnull=False).distinct()
        self.fields["start"].initial = timezone.localdate().strftime("%-d/%-m/%Y")
        self.helper = _helper(
            Field.select("role"), Field.select("user"), Field.text("person_name", field_width=Fluid.TWO_THIRDS),
            Field.text("person_contact", field_width=Fluid.TWO_THIRDS), Field.text("start", field_width=Fixed.TEN),
            Field.textarea("handover_note"), submit="Save allocation",
        )


class OffRollForm(forms.Form):
    on = date_field("Leaving date")
    reason = forms.CharField(label="Reason", max_length=200, error_messages={"required": "Enter the reason"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("on", field_width=Fixed.TEN),
                              Field.text("reason", field_width=Fluid.TWO_THIRDS), submit="Take off the roll")


class Import903Form(forms.Form):
    header = forms.FileField(label="Header file (CSV)", error_messages={"required": "Choose the header file"})
    episodes = forms.FileField(label="Episodes file (CSV)", error_messages={"required": "Choose the episodes file"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("header"), Field("episodes"), submit="Check the files")


class ChildEditForm(ChildDetailsForm):
    ethnicity = forms.CharField(label="Ethnicity code (optional)", max_length=8, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.details_layout(Field.text("ethnicity", field_width=Fixed.FIVE)),
                              submit="Save details")

    @classmethod
    def initial_for(cls, child) -> dict:
        initial = {name: getattr(child, name) for name in cls.base_fields}
        initial["date_of_birth"] = child.date_of_birth.strftime("%-d/%-m/%Y")
        return initial
