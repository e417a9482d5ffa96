"""The PEP cycle: personal education plans, their sections, SMART targets, QA, and the work around them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from vschool.core.models import BaseModel


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class OwnerRole(models.TextChoices):
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    SOCIAL_WORKER = "social_worker", "Social worker"
    VS_STAFF = "vs_staff", "Virtual School"


class PEP(BaseModel):
    """One child's personal education plan for one term (or a first PEP on entering care)."""

    class Template(models.TextChoices):
        EARLY_YEARS = "early_years", "Early years"
        STATUTORY = "statutory", "School age"
        POST16 = "post16", "Post-16"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        READY_TO_SUBMIT = "ready_to_submit", "Ready to submit"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        CANCELLED = "cancelled", "Cancelled"

    # Legal moves of the status model (DOMAIN 3.4). Reopening an approved PEP is the VSH's alone (services).
    TRANSITIONS = {
        Status.NOT_STARTED: {Status.IN_PROGRESS, Status.READY_TO_SUBMIT, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.READY_TO_SUBMIT, Status.CANCELLED},
        Status.READY_TO_SUBMIT: {Status.IN_PROGRESS, Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.RETURNED, Status.APPROVED, Status.CANCELLED},
        Status.RETURNED: {Status.SUBMITTED, Status.CANCELLED},
        Status.APPROVED: {Status.IN_PROGRESS},
        Status.CANCELLED: set(),
    }
    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.READY_TO_SUBMIT, Status.RETURNED)
    EDITABLE_STATUSES = OPEN_STATUSES

    child = models.ForeignKey("roll.Child", on_delete=models.PROTECT, related_name="peps")
    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts, e.g. 2026 for 2026/27")
    term = models.CharField(max_length=10, choices=Term.choices)
    template = models.CharField(max_length=20, choices=Template.choices, default=Template.STATUTORY)
    is_first_pep = models.BooleanField("first PEP", default=False)
    school = models.ForeignKey("roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="peps")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save, for stale-save checks")
    revision = models.PositiveSmallIntegerField(default=1, help_text="Plan revision: bumped when reopened")
    meeting_date = models.DateField(null=True, blank=True)
    next_pep_date = models.DateField(null=True, blank=True)
    entered_care_on = models.DateField(null=True, blank=True)
    first_pep_start_by = models.DateField(null=True, blank=True)
    first_pep_ready_by = models.DateField(null=True, blank=True)
    sections_due = models.DateField(null=True, blank=True)
    completion_due = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    qa_due = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "PEP"
        verbose_name_plural = "PEPs"
        ordering = ["-academic_year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "academic_year", "term"], condition=Q(is_first_pep=False),
                name="one_termly_pep_per_child_term",
            ),
        ]
        indexes = [
            models.Index(fields=["academic_year", "term", "status"]),
            models.Index(fields=["child", "academic_year"]),
        ]

    def __str__(self):
        kind = "First PEP" if self.is_first_pep else "PEP"
        return f"{kind} {self.term_label}"

    @property
    def term_label(self) -> str:
        return f"{self.get_term_display()} {self.academic_year}/{str(self.academic_year + 1)[-2:]}"

    def get_absolute_url(self):
        return reverse("peps:pep_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status not in self.EDITABLE_STATUSES

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str) -> str:
        """Move to `status` (not saved); ValidationError on an illegal move. Returns the old status."""
        if status == self.status or not self.can_transition_to(status):
            raise ValidationError(
                f"A PEP that is {self.get_status_display().lower()} cannot become "
                f"{self.Status(status).label.lower()}."
            )
        old = self.status
        self.status = status
        self.version += 1
        return old


class Section(BaseModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting arrangements and care context"
        ATTENDANCE = "attendance", "Attendance and exclusions"
        ARRANGEMENTS = "arrangements", "Current arrangements and previous schools"
        ATTAINMENT = "attainment", "Attainment and progress"
        SEND = "send", "SEND and support"
        WELLBEING = "wellbeing", "Health and wellbeing"
        VIEWS = "views", "Child's views and carer's views"
        MEETING_RECORD = "meeting_record", "Meeting record"
        TARGET_REVIEW = "target_review", "Review of previous targets"
        TARGETS = "targets", "New SMART targets"
        NEXT_PEP = "next_pep", "Next PEP date"

    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    owner_role = models.CharField(max_length=20, choices=OwnerRole.choices)
    required = models.BooleanField(default=True)
    content = models.JSONField(default=dict, blank=True)
    is_complete = models.BooleanField(default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pep", "position"]
        constraints = [models.UniqueConstraint(fields=["pep", "kind"], name="one_section_kind_per_pep")]

    def __str__(self):
        return self.get_kind_display()


class Target(BaseModel):
    class Outcome(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    class PPCategory(models.TextChoices):
        TUTORING = "tutoring", "Tutoring"
        MENTORING = "mentoring", "Mentoring"
        THERAPEUTIC = "therapeutic", "Therapeutic support"
        LITERACY_NUMERACY = "literacy_numeracy", "Literacy and numeracy"
        SEN_ASSESSMENT = "sen_assessment", "SEN assessment"
        EQUIPMENT = "equipment", "Equipment"
        ENRICHMENT = "enrichment", "Enrichment"
        TRANSITION = "transition", "Transition"
        CAREERS = "careers", "Careers"
        STAFF_TRAINING = "staff_training", "Staff training"

    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(max_length=120)
    target = models.TextField()
    success_criteria = models.TextField()
    actions = models.TextField(blank=True)
    who = models.CharField(max_length=200)
    by_when = models.DateField()
    previous_target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_forward_as"
    )
    review_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    review_evidence = models.TextField(blank=True)
    reviewed_in = models.ForeignKey(PEP, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_targets")
    pp_request_amount = models.DecimalField(
        "PP+ request (£)", max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    pp_request_category = models.CharField(max_length=20, choices=PPCategory.choices, blank=True)

    class Meta:
        ordering = ["pep", "created_at", "pk"]

    def __str__(self):
        return self.area


class StatusChange(models.Model):
    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=PEP.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PEP.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]


class QAReview(BaseModel):
    class Rag(models.TextChoices):
        GREEN = "green", "Green"
        AMBER = "amber", "Amber"
        RED = "red", "Red"

    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="qa_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    smart_targets = models.BooleanField("Targets are SMART", default=False)
    childs_voice = models.BooleanField("The child's voice is present", default=False)
    pp_linked_to_targets = models.BooleanField("PP+ requests are linked to targets", default=False)
    attendance_addressed = models.BooleanField("Attendance and exclusions are addressed", default=False)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    feedback = models.TextField(blank=True)
    points = models.JSONField(default=list, blank=True, help_text="Points the school must answer (red)")
    responses = models.JSONField(default=list, blank=True, help_text="The school's answer to each point")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "QA review"

    @property
    def all_points_answered(self) -> bool:
        return len(self.responses) >= len(self.points) and all(
            str(r).strip() for r in self.responses[: len(self.points)]
        )

    @property
    def points_with_responses(self):
        return [(p, self.responses[i] if i < len(self.responses) else "") for i, p in enumerate(self.points)]


class Comment(BaseModel):
    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]


ALLOWED_ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class Attachment(BaseModel):
    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="peps/attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]


class Delegation(BaseModel):
    """A designated teacher lets a colleague (same email domain) work on a child's PEPs. The DT stays accountable."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pep_delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pep_delegations")
    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="pep_delegations")
    section_kinds = models.JSONField(default=list, blank=True, help_text="Empty means every school section")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegate", "child"], condition=Q(revoked_at__isnull=True), name="one_open_delegation"
            )
        ]

    @property
    def section_labels(self) -> list[str]:
        return [Section.Kind(k).label for k in self.section_kinds if k in Section.Kind.values]

    def covers(self, kind: str) -> bool:
        return not self.section_kinds or kind in self.section_kinds


class ReminderSent(models.Model):
    class Kind(models.TextChoices):
        SET_MEETING = "set_meeting", "Set the meeting date"
        SECTIONS_DUE = "sections_due", "Sections due"
        COMPLETE_AFTER_MEETING = "complete_after_meeting", "Finish the PEP after the meeting"
        QA_WAITING = "qa_waiting", "QA waiting"

    pep = models.ForeignKey(PEP, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pep", "kind", "recipient"], name="one_reminder_per_pep_kind_recipient")
        ]
