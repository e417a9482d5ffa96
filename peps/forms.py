"""Forms for the PEP: one per section kind (with variants per template), targets, QA and the rest.

Section forms save their cleaned data into Section.content. Saving a draft relaxes every "required"; marking a
section complete enforces them. Each section form carries the section's version so a stale save is refused.
"""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from .models import ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, PEP, QAReview, Section, Target

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HELP = "For example, 27/03/2027"


def _date_field(label, required=True, help_text=DATE_HELP):
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )


def _text(label, required=True, help_text="", rows=4):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _radios(label, choices, required=True, help_text=""):
    return forms.ChoiceField(label=label, choices=choices, required=required, help_text=help_text,
                             widget=forms.RadioSelect)


class GdsForm(forms.Form):
    """A crispy-forms-gds form without its own <form> tag (the page's template owns it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper = None

    def full_clean(self):
        # Fields that subclasses add after __init__ get their GOV.UK messages here, before validation needs them.
        for field in self.fields.values():
            _govuk_required_message(field)
        super().full_clean()

    @property
    def helper(self) -> FormHelper:
        """Built when first rendered, after subclasses have added their fields."""
        if self._helper is None:
            helper = FormHelper()
            helper.form_tag = False
            helper.label_size = Size.SMALL
            # Form-wide errors appear in the GOV.UK error summary at the top of the page, not again in the form.
            helper.show_non_field_errors = False
            helper.layout = Layout(*self.fields)
            self._helper = helper
        return self._helper


def _govuk_required_message(field) -> None:
    """GOV.UK style: say what to do ("Enter the date of the PEP meeting"), not "This field is required"."""
    if field.error_messages.get("required") != forms.Field.default_error_messages["required"]:
        return
    label = str(field.label or "an answer")
    verb = "Select" if isinstance(field, forms.ChoiceField | forms.BooleanField) else "Enter"
    if label.endswith("?"):
        field.error_messages["required"] = f"{verb} an answer to “{label}”"
        return
    if len(label) > 1 and not label[1].isupper():
        label = label[0].lower() + label[1:]
    field.error_messages["required"] = f"{verb} {label}"


class SectionForm(GdsForm):
    """Base of every section form. `complete=False` (a draft) makes every field optional."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, complete: bool = True, pep: PEP | None = None, **kwargs):
        self.pep = pep
        self.complete = complete
        super().__init__(*args, **kwargs)
        if not complete:
            for name, field in self.fields.items():
                if name != "version":
                    field.required = False

    def content(self) -> dict:
        """Cleaned data as JSON-safe content (dates as ISO strings)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif value is None:
                value = ""
            elif not isinstance(value, str | int | bool | list):
                value = str(value)
            out[name] = value
        return out


class MeetingForm(SectionForm):
    venue = forms.CharField(label="Where the meeting will be held", required=True, max_length=200)
    invited = _text("Who is invited", help_text="For example, the carer, the child, the designated teacher", rows=3)
    care_context = _text("Care context the school needs to know",
                         help_text="Only what helps the school support the child. No confidential addresses.")
    placement_stable = _radios("Is the care placement expected to continue this term?", YES_NO)
    sw_education_views = _text("Social worker's view of the child's education", required=False)


class AttendanceForm(SectionForm):
    attendance_percent = forms.DecimalField(
        label="Attendance this term (%)", min_value=0, max_value=100, decimal_places=1, required=True,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "step": "0.1"}),
    )
    suspensions = forms.IntegerField(label="Suspensions this term", min_value=0, required=True,
                                     widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
    suspension_days = forms.DecimalField(label="School days lost to suspension this term", min_value=0,
                                         decimal_places=1, required=False,
                                         widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
    part_time_timetable = _radios("Is the child on a part-time timetable?", YES_NO)
    actions = _text("What the school is doing about attendance or exclusions", required=False)


class ArrangementsForm(SectionForm):
    PROVISION = [("full_time", "Full-time at school"), ("part_time", "Part-time timetable"),
                 ("alternative", "Alternative provision")]
    provision = _radios("Current arrangements", PROVISION)
    timetable_details = _text("Timetable or alternative provision details", required=False, rows=3)
    previous_schools = _text("Previous schools", required=False, rows=3)
    achievements = _text("Achievements to celebrate this term", required=False, rows=3)


SUBJECTS = [("english", "English"), ("maths", "Maths"), ("science", "Science")]
ON_TRACK = [("yes", "On track"), ("partly", "Partly on track"), ("no", "Not on track")]


class AttainmentForm(SectionForm):
    """School age: attainment and progress by subject (working at, expected, on track)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in SUBJECTS:
            self.fields[f"{code}_working_at"] = forms.CharField(
                label=f"{label}: working at", required=self.complete, max_length=60,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
            self.fields[f"{code}_expected"] = forms.CharField(
                label=f"{label}: expected by the end of the year", required=self.complete, max_length=60,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
            self.fields[f"{code}_on_track"] = _radios(f"{label}: on track?", ON_TRACK, required=self.complete)
        self.fields["progress_notes"] = _text("Progress in other subjects", required=False)
        self.fields["careers"] = _text("Careers and transition (Year 9 upwards)", required=False, rows=3)


EY_AREAS = [
    ("communication", "Communication and language"), ("physical", "Physical development"),
    ("psed", "Personal, social and emotional development"), ("literacy", "Literacy"), ("maths", "Mathematics"),
    ("world", "Understanding the world"), ("arts", "Expressive arts and design"),
]
EY_LEVELS = [("expected", "Expected"), ("emerging", "Emerging"), ("exceeding", "Exceeding")]


class EarlyYearsAttainmentForm(SectionForm):
    """Early years: EYFS areas of learning, funded hours and the early years pupil premium."""

    setting_hours = forms.DecimalField(label="Funded hours a week", min_value=0, max_value=60, required=True,
                                       widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in EY_AREAS:
            self.fields[f"area_{code}"] = _radios(label, EY_LEVELS, required=self.complete)
        self.fields["eypp_use"] = _text("How the early years pupil premium (EYPP) is used", required=self.complete)


class Post16AttainmentForm(SectionForm):
    """Post-16: course, provider, pathway plan and NEET risk (no PP+: the 16 to 19 bursary instead)."""

    EET = [("education", "In education"), ("training", "In training or an apprenticeship"),
           ("employment", "In employment"), ("neet", "Not in education, employment or training")]
    RISK = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
    provider = forms.CharField(label="Provider", max_length=200)
    course = forms.CharField(label="Course and level", max_length=200)
    eet_status = _radios("Education, employment or training status", EET)
    neet_risk = _radios("Risk of becoming NEET", RISK)
    pathway_plan = _text("Pathway plan: education goals")
    bursary_advice = _radios("Has the young person been told about the 16 to 19 bursary?", YES_NO)


class SendForm(SectionForm):
    STATUS = [("none", "No SEND"), ("sen_support", "SEN support"), ("ehcp", "EHC plan")]
    send_status = _radios("Special educational needs and disabilities", STATUS)
    primary_need = forms.CharField(label="Primary need", required=False, max_length=120)
    support = _text("Support in place", required=True)
    ehcp_review_date = _date_field("Next EHC plan annual review", required=False)


class WellbeingForm(SectionForm):
    health = _text("Physical health")
    emotional_wellbeing = _text("Emotional wellbeing and mental health")
    sdq_score = forms.IntegerField(label="Latest SDQ score (if known)", min_value=0, max_value=40, required=False,
                                   widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
    support = _text("Support for wellbeing", required=False)


class ViewsForm(SectionForm):
    going_well = _text("What is going well?", required=False)
    hard = _text("What is hard?", required=False)
    want = _text("What would you like to happen?", required=False)
    who_helps = _text("Who helps you?", required=False)
    unable_reason = _text("If the child's views could not be obtained, why not?", required=False, rows=2)
    carer_views = _text("Carer's views")

    def clean(self):
        data = super().clean()
        if self.complete:
            answered = [data.get(k, "").strip() for k in ("going_well", "hard", "want", "who_helps")]
            if not all(answered) and not data.get("unable_reason", "").strip():
                raise ValidationError(
                    "Record the child's views (all four questions), or say why they could not be obtained"
                )
        return data


class MeetingRecordForm(SectionForm):
    held_on = _date_field("Date the meeting was held")
    attendees = _text("Who attended", rows=3)
    notes = _text("Notes of the discussion", required=False)


class NextPepForm(SectionForm):
    next_pep_date = _date_field("Date of the next PEP meeting")

    def clean_next_pep_date(self):
        value = self.cleaned_data.get("next_pep_date")
        if value and self.pep and self.pep.meeting_date and value <= self.pep.meeting_date:
            raise ValidationError("The next PEP date must be after this PEP's meeting")
        return value


class TargetsSectionForm(SectionForm):
    notes = _text("Anything else about this term's targets", required=False, rows=3)

    def clean(self):
        data = super().clean()
        if self.complete and self.pep is not None and not self.pep.targets.exists():
            raise ValidationError("Add at least one SMART target before marking this section complete")
        return data


class TargetReviewForm(SectionForm):
    """One outcome and evidence per target from the previous plan."""

    def __init__(self, *args, previous_targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_targets = list(previous_targets)
        for t in self.previous_targets:
            self.fields[f"outcome_{t.pk}"] = _radios(f"Outcome of “{t.target}”", Target.Outcome.choices,
                                                     required=self.complete)
            self.fields[f"evidence_{t.pk}"] = _text(f"Evidence for “{t.target}”", required=self.complete, rows=3)
        self.fields["summary"] = _text(
            "Summary of the review", required=self.complete and not self.previous_targets, rows=3,
            help_text="" if self.previous_targets else "There were no previous targets: say so here")


SECTION_FORMS = {
    Section.Kind.MEETING: MeetingForm,
    Section.Kind.ATTENDANCE: AttendanceForm,
    Section.Kind.ARRANGEMENTS: ArrangementsForm,
    Section.Kind.ATTAINMENT: AttainmentForm,
    Section.Kind.SEND: SendForm,
    Section.Kind.WELLBEING: WellbeingForm,
    Section.Kind.VIEWS: ViewsForm,
    Section.Kind.MEETING_RECORD: MeetingRecordForm,
    Section.Kind.TARGET_REVIEW: TargetReviewForm,
    Section.Kind.TARGETS: TargetsSectionForm,
    Section.Kind.NEXT_PEP: NextPepForm,
}


def section_form_class(section: Section):
    if section.kind == Section.Kind.ATTAINMENT:
        return {
            PEP.Template.EARLY_YEARS: EarlyYearsAttainmentForm,
            PEP.Template.POST16: Post16AttainmentForm,
        }.get(section.pep.template, AttainmentForm)
    return SECTION_FORMS[section.kind]


def section_form(section: Section, *, data=None, initial=None, complete=True, previous_targets=()):
    cls = section_form_class(section)
    kwargs = {"complete": complete, "pep": section.pep}
    if cls is TargetReviewForm:
        kwargs["previous_targets"] = previous_targets
    init = dict(initial if initial is not None else section.content)
    init["version"] = section.version
    return cls(data=data, initial=init, **kwargs)


def section_display_rows(section: Section, previous_targets=()) -> list[tuple[str, str]]:
    """(label, value) pairs for a section's content, in form order, for the detail page and the PDF."""
    form = section_form(section, previous_targets=previous_targets)
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        value = section.content.get(name, "")
        if value in ("", None):
            continue
        if isinstance(field, forms.ChoiceField):
            value = dict(field.choices).get(value, value)
        elif isinstance(field, forms.DateField):
            try:
                value = f"{date.fromisoformat(value):%-d %B %Y}"
            except (TypeError, ValueError):
                pass
        rows.append((str(field.label), str(value)))
    return rows


class MeetingDateForm(GdsForm):
    meeting_date = _date_field("Date of the PEP meeting")
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetForm(GdsForm):
    area = forms.CharField(label="Area", max_length=120,
                           help_text="For example, reading, maths, friendships, attendance")
    target = _text("Target", help_text="Specific and measurable: what the child will be able to do", rows=3)
    success_criteria = _text("Success criteria", help_text="How everyone will know the target is met", rows=3)
    actions = _text("Actions", help_text="What will be done to help", rows=3)
    who = forms.CharField(label="Who is responsible", max_length=200)
    by_when = _date_field("By when")
    pp_request_amount = forms.DecimalField(
        label="PP+ request (£, optional)", required=False, min_value=0.01, max_digits=8, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.01"}),
    )
    pp_request_category = forms.ChoiceField(
        label="What the PP+ would pay for", required=False,
        choices=[("", "Choose a category")] + list(Target.PPCategory.choices),
    )

    def __init__(self, *args, pep: PEP | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pep = pep
        if pep is not None and pep.template == PEP.Template.POST16:
            # No PP+ after Year 11: post-16 students apply for the 16 to 19 bursary instead.
            del self.fields["pp_request_amount"]
            del self.fields["pp_request_category"]

    def clean(self):
        data = super().clean()
        amount, category = data.get("pp_request_amount"), data.get("pp_request_category")
        if amount and not category:
            self.add_error("pp_request_category", "Choose what the PP+ would pay for")
        if category and not amount:
            self.add_error("pp_request_amount", "Enter the amount of PP+ requested")
        by_when = data.get("by_when")
        if by_when and self.pep is not None and self.pep.meeting_date and by_when < self.pep.meeting_date:
            self.add_error("by_when", "The target date must be on or after the PEP meeting")
        return data


class ReturnReasonForm(GdsForm):
    reason = _text("Why is the PEP being returned?")


class QAForm(GdsForm):
    smart_targets = forms.BooleanField(label="Targets are SMART", required=False)
    childs_voice = forms.BooleanField(label="The child's voice is present", required=False)
    pp_linked_to_targets = forms.BooleanField(label="PP+ requests are linked to targets", required=False)
    attendance_addressed = forms.BooleanField(label="Attendance and exclusions are addressed", required=False)
    rag = _radios("RAG rating", [
        (QAReview.Rag.GREEN, "Green: approve"),
        (QAReview.Rag.AMBER, "Amber: approve with feedback the school must act on next time"),
        (QAReview.Rag.RED, "Red: return to the school"),
    ])
    feedback = _text("Feedback for the school", required=False)
    points = _text("Points the school must answer before resubmitting (one a line)", required=False,
                   help_text="Needed for a red rating")

    def clean(self):
        data = super().clean()
        rag = data.get("rag")
        points = [p.strip() for p in (data.get("points") or "").splitlines() if p.strip()]
        data["points_list"] = points
        if rag == QAReview.Rag.RED:
            if not data.get("feedback", "").strip():
                self.add_error("feedback", "Enter why the PEP is being returned")
            if not points:
                self.add_error("points", "Enter at least one point the school must answer")
        if rag == QAReview.Rag.AMBER and not data.get("feedback", "").strip():
            self.add_error("feedback", "Enter the feedback the school must act on")
        return data


class QAResponseForm(GdsForm):
    def __init__(self, *args, review: QAReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        for i, point in enumerate(review.points):
            self.fields[f"response_{i}"] = _text(f"Your answer to: {point}", rows=3)
            if i < len(review.responses):
                self.initial.setdefault(f"response_{i}", review.responses[i])

    def responses(self) -> list[str]:
        return [self.cleaned_data[f"response_{i}"] for i in range(len(self.review.points))]


class ReopenForm(GdsForm):
    reason = forms.CharField(label="Why is this approved PEP being reopened?", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter why this approved PEP is being reopened"})


class CommentForm(GdsForm):
    body = forms.CharField(label="Add a comment", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter a comment"},
                           help_text="Everyone working on this PEP will be told there is a new comment.")


class AttachmentForm(GdsForm):
    file = forms.FileField(label="Upload a file", help_text="PDF, Word document, JPG or PNG, up to 10MB",
                           error_messages={"required": "Select a file", "empty": "The selected file is empty"})
    description = forms.CharField(label="Description (optional)", required=False, max_length=200)

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_attachment(f.name, f.size)
        return f


def validate_attachment(name: str, size: int) -> None:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError("The selected file must be a PDF, Word document, JPG or PNG")
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError("The selected file must be smaller than 10MB")
    if size == 0:
        raise ValidationError("The selected file is empty")


class DelegationForm(GdsForm):
    delegate_email = forms.EmailField(label="Colleague's email address",
                                      help_text="They must have an account with your school's email domain")
    child = forms.ChoiceField(label="Child")
    section_kinds = forms.MultipleChoiceField(
        label="Sections they may complete", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every school section",
    )

    def __init__(self, *args, children=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.pk), c.display_name) for c in children]
        self.fields["section_kinds"].choices = list(kinds)
