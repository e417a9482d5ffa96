"""The base every domain model inherits: when and by whom a row was created and last changed."""

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    def stamp(self, actor) -> None:
        """Record who is writing this row (call in services before save)."""
        if actor is not None and getattr(actor, "pk", None):
            if self._state.adding and self.created_by_id is None:
                self.created_by = actor
            self.modified_by = actor


class Authority(models.Model):
    """The local authority running this Virtual School, with its configurable rules (DOMAIN.md: 'Configurable').

    One row. Read it with `Authority.current()`.
    """

    class DayBasis(models.TextChoices):
        SCHOOL = "school", "School days"
        WORKING = "working", "Working days"

    class GoodRule(models.TextChoices):
        LEGACY_GOOD = "legacy_good", "Latest graded inspection Good or Outstanding; report cards: no area below Expected standard and safeguarding met"
        STRICT = "strict", "As above, and report cards need at least two areas Strong or better"

    name = models.CharField(max_length=200, default="Demo County Council")
    la_code = models.CharField("LA code", max_length=3, default="999")
    deadline_day_basis = models.CharField(max_length=10, choices=DayBasis.choices, default=DayBasis.SCHOOL)
    good_school_rule = models.CharField(max_length=20, choices=GoodRule.choices, default=GoodRule.LEGACY_GOOD)
    # Attendance and exclusions
    attendance_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=95)
    persistent_absence_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=10)
    severe_absence_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    no_marks_alert_school_days = models.PositiveSmallIntegerField(default=5)
    suspension_warning_days = models.PositiveSmallIntegerField(default=30)
    suspension_limit_days = models.PositiveSmallIntegerField(default=45)
    part_time_review_school_days = models.PositiveSmallIntegerField(default=30)
    part_time_max_school_days = models.PositiveSmallIntegerField(default=60)
    # PEPs
    pep_sections_due_before_meeting = models.PositiveSmallIntegerField(default=3)
    pep_complete_after_meeting = models.PositiveSmallIntegerField(default=5)
    pep_qa_school_days = models.PositiveSmallIntegerField(default=10)
    first_pep_start_working_days = models.PositiveSmallIntegerField(default=10)
    first_pep_ready_working_days = models.PositiveSmallIntegerField(default=20)
    # Admissions
    placement_search_days = models.PositiveSmallIntegerField(default=20)
    application_decision_days = models.PositiveSmallIntegerField(default=15)

    class Meta:
        verbose_name_plural = "authority"

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "Authority":
        """The authority's settings (created with defaults on first use)."""
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj = cls.objects.create()
        return obj
