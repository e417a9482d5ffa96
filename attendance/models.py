"""Attendance: session marks, weekly rollups and returns, imports, exclusions, part-time timetables and AP."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vschool.core.models import BaseModel

from . import codes


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class ImportBatch(BaseModel):
    """One run of an attendance import: the compact audit record of what a bulk write changed."""

    class Status(models.TextChoices):
        COMPLETE = "complete", "Imported"
        DRY_RUN = "dry_run", "Checked (dry run)"
        FAILED = "failed", "File refused"

    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    file_error = models.CharField(max_length=300, blank=True)
    # The first errors, [[line, message], ...]; the full list is returned to the caller.
    errors = models.JSONField(default=list, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class SessionMark(models.Model):
    """One register mark for one session. Unique per (child, date, session); a later mark replaces an earlier one.

    Kept narrow (no created/modified-by columns) because there are hundreds of millions of these: single writes are
    audited by django-auditlog, bulk imports by ImportBatch + MarkChange. The key is (child, date, session) itself,
    so each import writes one index instead of a surrogate id index beside the unique one.
    """

    class Source(models.TextChoices):
        IMPORT = "import", "Import"
        MANUAL = "manual", "Entered by hand"
        WEEKLY = "weekly", "Weekly return"

    pk = models.CompositePrimaryKey("child", "date", "session")
    # The (child, date, session) key index serves lookups by child, so the FK needs no index of its own; the
    # import checks every child against the roll in one join, so the per-row FK trigger is left out (ADR 0001).
    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="session_marks", db_index=False,
                              db_constraint=False)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2)
    school = models.ForeignKey("roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_constraint=False, db_index=False)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.MANUAL)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_constraint=False, db_index=False)
    # The code this mark replaced at its last change (lets an import audit changes in the same statement).
    previous_code = models.CharField(max_length=2, blank=True, null=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_constraint=False, db_index=False)

    def __str__(self):
        return f"{self.date} {self.session} {self.code}"

    @property
    def category(self) -> str:
        return codes.classify(self.code)

    @property
    def meaning(self) -> str:
        return codes.meaning(self.code)


class MarkChange(models.Model):
    """A mark an import changed: old code to new code, within one ImportBatch."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    old_code = models.CharField(max_length=2)
    new_code = models.CharField(max_length=2)

    class Meta:
        indexes = [models.Index(fields=["child", "date"])]


class WeeklyAttendance(models.Model):
    """Per child per week (Monday) counts of sessions by category, kept current by every write.

    Keyed by (child, week) itself, like the marks, and with no per-row foreign-key check: every writer has the child
    in hand (the import checks the whole file against the roll in one join), and deleting a child cascades here.
    """

    pk = models.CompositePrimaryKey("child", "week_start")
    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="weekly_attendance", db_index=False,
                              db_constraint=False)
    week_start = models.DateField()
    possible = models.PositiveSmallIntegerField(default=0)
    present = models.PositiveSmallIntegerField(default=0)
    approved = models.PositiveSmallIntegerField(default=0)
    authorised = models.PositiveSmallIntegerField(default=0)
    unauthorised = models.PositiveSmallIntegerField(default=0)
    not_possible = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["week_start"])]
        ordering = ["week_start"]

    @property
    def attended(self) -> int:
        return self.present + self.approved

    @property
    def pct(self) -> Decimal | None:
        if not self.possible:
            return None
        return (Decimal(self.attended) * 100 / self.possible).quantize(Decimal("0.1"))


class TermAttendance(models.Model):
    """Per child, the current term's totals from the weekly rollups, kept current by every rollup write.

    One narrow row per child, so the roll list sorts and filters a whole roll by this term's attendance with one
    join. A row whose term is not the current one is out of date and reads as "no data this term".
    """

    child = models.OneToOneField("roll.Child", on_delete=models.CASCADE, primary_key=True,
                                 related_name="term_attendance", db_constraint=False)
    term_start = models.DateField()
    possible = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    # attended / possible * 100, unrounded (null when nothing was possible): the sort key.
    pct = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["term_start", "pct"])]

    def __str__(self):
        return f"{self.term_start}: {self.attended}/{self.possible}"


class WeeklyReturn(BaseModel):
    """A weekly count of possible and attended sessions for early-years and post-16 settings (no daily register)."""

    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="weekly_returns")
    week_start = models.DateField()
    school = models.ForeignKey("roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    possible = models.PositiveSmallIntegerField("possible sessions")
    attended = models.PositiveSmallIntegerField("sessions attended")
    authorised = models.PositiveSmallIntegerField("authorised absences", default=0)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "week_start"], name="uniq_return_child_week"),
            models.CheckConstraint(condition=Q(attended__lte=models.F("possible")), name="return_attended_le_possible"),
        ]

    @property
    def unauthorised(self) -> int:
        return max(self.possible - self.attended - self.authorised, 0)


class Exclusion(BaseModel):
    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    class Reason(models.TextChoices):
        PP = "PP", "Physical assault against a pupil"
        PA = "PA", "Physical assault against an adult"
        VP = "VP", "Verbal abuse or threats against a pupil"
        VA = "VA", "Verbal abuse or threats against an adult"
        OW = "OW", "Offensive weapon or prohibited item"
        BU = "BU", "Bullying"
        RA = "RA", "Racist abuse"
        LG = "LG", "Abuse related to sexual orientation or gender identity"
        DS = "DS", "Abuse related to disability"
        SM = "SM", "Sexual misconduct"
        DA = "DA", "Drugs or alcohol"
        DM = "DM", "Damage"
        TH = "TH", "Theft"
        PD = "PD", "Persistent disruptive behaviour"
        MT = "MT", "Misuse of social media or online technology"
        WT = "WT", "Wilful breach of public-health measures"

    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="exclusions")
    school = models.ForeignKey("roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SUSPENSION)
    start = models.DateField()
    # Suspension length in school days; a lunchtime suspension is half a day.
    days = models.DecimalField("length in school days", max_digits=4, decimal_places=1, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0.5"))])
    reason = models.CharField("reason", max_length=2, choices=Reason.choices)
    notes = models.TextField(blank=True)
    vs_consulted = models.BooleanField("Virtual School consulted beforehand", default=False)
    vsh_notified = models.BooleanField("Virtual School Headteacher notified", default=False)
    sw_notified = models.BooleanField("social worker notified", default=False)
    provision_from = models.DateField("full-time provision from", null=True, blank=True)
    board_deadline = models.DateField("governing board to meet by", null=True, blank=True)
    board_outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["child", "start"])]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start:%-d %B %Y}"


class PartTimeTimetableQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Timetables in force on `on` (today): started, and not ended before it."""
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class PartTimeTimetable(BaseModel):
    """A temporary reduced timetable (marks coded C2), agreed in the PEP and reviewed at least every half term."""

    objects = PartTimeTimetableQuerySet.as_manager()

    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="part_time_timetables")
    school = models.ForeignKey("roll.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])
    reason = models.CharField(max_length=300)
    agreed_by = models.CharField(max_length=200, help_text="Who agreed it, for example the carer and social worker")
    start = models.DateField()
    review_due = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start"]


class AlternativeProvision(BaseModel):
    child = models.ForeignKey("roll.Child", on_delete=models.CASCADE, related_name="alternative_provision")
    enrolment = models.ForeignKey("roll.Enrolment", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="alternative_provision")
    provider = models.CharField(max_length=200)
    days = models.CharField("days attended", max_length=100, help_text="For example, Monday and Wednesday mornings")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name_plural = "alternative provision"
