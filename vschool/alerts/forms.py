from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms


class SnoozeForm(forms.Form):
    until = DateInputField(label="Snooze until", require_all_fields=True)
    reason = forms.CharField(
        label="Why are you snoozing this alert?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are snoozing this alert"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].error_messages.update(
            required="Enter the date to snooze the alert until",
            incomplete="Enter the date to snooze the alert until as a day, month and year",
            invalid="The snooze date must be a real date",
        )
        self.fields[
            "until"
        ].help_text = "The alert comes back to the inbox on this day. For example, 12 1 2027"
        self.fields["reason"].help_text = "Colleagues see this reason"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("until"),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            Submit("submit", "Snooze alert"),
        )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(
        label="Assign to", error_messages={"required": "Select who to assign the alert to"}
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("me", "Me"), ("nobody", "Nobody")] + [
            (str(u.pk), u.get_full_name() or u.username) for u in staff
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.select("assignee"), Submit("submit", "Assign alert"))
