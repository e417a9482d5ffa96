import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password

from .models import User
from .roles import Role


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the <form> (with `next`)
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Sign in"),
        )


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app (or, when verifying, a backup code)."""

    code = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false",
                                      "inputmode": "numeric"}),
    )

    def __init__(self, *args, button="Continue", hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("code", field_width=Fixed.TEN), Submit("submit", button))


_URN_SPLIT = re.compile(r"[\s,;]+")


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", error_messages={
        "required": "Enter their email address",
        "invalid": "Enter an email address in the correct format, like name@example.org",
    })
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect,
                             error_messages={"required": "Choose a role"})
    school_urns = forms.CharField(
        label="School URNs (designated teachers only)", required=False,
        help_text="The unique reference number of each school they will see, separated by commas, like 100001, 100002",
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.radios("role", legend_size=Size.MEDIUM),
            Field.text("school_urns", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Send invitation"),
        )

    def clean(self):
        from roll.models import School

        data = super().clean()
        urns = [u for u in _URN_SPLIT.split(data.get("school_urns", "") or "") if u]
        schools = list(School.objects.filter(urn__in=urns))
        unknown = sorted(set(urns) - {s.urn for s in schools})
        if unknown:
            self.add_error("school_urns", f"No school has the URN {', '.join(unknown)}")
        elif data.get("role") == Role.DESIGNATED_TEACHER and not schools:
            self.add_error("school_urns", "Enter the URN of at least one school for a designated teacher")
        data["schools"] = schools
        return data


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter your first name"})
    last_name = forms.CharField(label="Last name", max_length=150,
                                error_messages={"required": "Enter your last name"})
    password1 = forms.CharField(
        label="Create a password", strip=False,
        help_text="At least 12 characters. Avoid common words and your name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.text("password1", field_width=Fluid.TWO_THIRDS),
            Field.text("password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Create account"),
        )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            probe = User(email=self.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UserSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("q", field_width=Fluid.TWO_THIRDS), Submit("search", "Search",
                                                                                        css_class="govuk-button--secondary"))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Change role", choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose a role"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.radios("role", legend_size=Size.MEDIUM), Submit("submit", "Change role"))


class GovukPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, like name@example.org"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("email", field_width=Fluid.TWO_THIRDS), Submit("submit", "Send link"))


class GovukSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters. Avoid common words and your name."
        self.fields["new_password2"].label = "Confirm new password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Change password"),
        )
