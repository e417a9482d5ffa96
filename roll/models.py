"""The roll: children, legal status, care placements, schools, inspections, enrolments and allocations."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vschool.accounts.roles import Role, role_names
from vschool.core.models import BaseModel


class School(BaseModel):
    """Any education setting: nurseries, schools, colleges, AP and PRUs (phase says which)."""

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        AP = "ap", "Alternative provision / PRU"
        POST16 = "post16", "Post-16 / college"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        OPEN_PROPOSED_TO_CLOSE = "open_closing", "Open, but proposed to close"
        PROPOSED_TO_OPEN = "proposed", "Proposed to open"
        CLOSED = "closed", "Closed"

    urn = models.CharField("URN", max_length=12, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.OTHER, db_index=True)
    type_name = models.CharField("type", max_length=120, blank=True)
    type_group = models.CharField(max_length=120, blank=True)
    la_code = models.CharField("LA code", max_length=3, blank=True, db_index=True)
    la_name = models.CharField("local authority", max_length=120, blank=True)
    establishment_number = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    in_authority_area = models.BooleanField(default=True, db_index=True)
    in_register = models.BooleanField(default=True, help_text="Listed in Get Information About Schools")
    predecessor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors")
    email_domain = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.OPEN_PROPOSED_TO_CLOSE)


class SchoolStaff(BaseModel):
    """A user's link to a school: designated teachers (and their delegates) see that school's pupils."""

    class Kind(models.TextChoices):
        DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
        DELEGATE = "delegate", "Colleague of the designated teacher"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_links")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DESIGNATED_TEACHER)
    start = models.DateField(default=date.today)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "user", "start"], name="uniq_school_staff_start")]


class Inspection(BaseModel):
    class Framework(models.TextChoices):
        GRADED = "graded", "Graded inspection (single-word judgement)"
        REPORT_CARD = "report_card", "Report card (from November 2025)"

    class Grade(models.IntegerChoices):
        OUTSTANDING = 1, "Outstanding"
        GOOD = 2, "Good"
        REQUIRES_IMPROVEMENT = 3, "Requires improvement"
        INADEQUATE = 4, "Inadequate"

    class Scale(models.IntegerChoices):
        EXCEPTIONAL = 5, "Exceptional"
        STRONG = 4, "Strong standard"
        EXPECTED = 3, "Expected standard"
        NEEDS_ATTENTION = 2, "Needs attention"
        URGENT_IMPROVEMENT = 1, "Urgent improvement"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    framework = models.CharField(max_length=20, choices=Framework.choices)
    inspected_on = models.DateField()
    overall_grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    # Report card: {area name: Scale value}
    area_grades = models.JSONField(default=dict, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-inspected_on"]
        get_latest_by = "inspected_on"


class ChildQuerySet(models.QuerySet):
    def on_roll(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(on_roll_from__lte=on).filter(Q(on_roll_until__isnull=True) | Q(on_roll_until__gte=on))

    def visible_to(self, user):
        """The children this user may see: the one place record-level scoping lives (DESIGN.md §4)."""
        roles = role_names(user)
        if not roles:
            return self.none()
        if roles & {Role.HEADTEACHER, Role.VS_STAFF}:
            return self
        today = timezone.localdate()
        q = Q(pk__in=[])
        if Role.DESIGNATED_TEACHER in roles:
            school_ids = SchoolStaff.objects.filter(user=user, start__lte=today).filter(
                Q(end__isnull=True) | Q(end__gte=today)
            ).values("school_id")
            q |= Q(
                pk__in=Enrolment.objects.current(today).filter(school_id__in=school_ids).values("child_id")
            )
        if Role.SOCIAL_WORKER in roles:
            q |= Q(
                pk__in=Allocation.objects.current(today)
                .filter(role=Allocation.Role.SOCIAL_WORKER, user=user)
                .values("child_id")
            )
        return self.filter(q)


class Child(BaseModel):
    class Cohort(models.TextChoices):
        CLA = "cla", "Looked after"
        PLAC = "plac", "Previously looked after"
        CWSW = "cwsw", "With a social worker"
        CARE_LEAVER = "care_leaver", "Care leaver"

    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Not known"

    class Send(models.TextChoices):
        NONE = "none", "No SEND"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHCP = "ehcp", "EHC plan"

    la_child_id = models.CharField("child ID", max_length=40, unique=True)
    # db_index gives PostgreSQL a pattern index too, so name searches (prefix LIKE) use an index.
    legal_first_name = models.CharField("legal first name", max_length=100, db_index=True)
    legal_last_name = models.CharField("legal last name", max_length=100, db_index=True)
    preferred_name = models.CharField(max_length=100, blank=True, db_index=True)
    date_of_birth = models.DateField(db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=8, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    upn_valid = models.BooleanField("UPN check letter valid", default=False)
    cohort = models.CharField(max_length=20, choices=Cohort.choices, default=Cohort.CLA, db_index=True)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    send_status = models.CharField("SEND", max_length=20, choices=Send.choices, default=Send.NONE, db_index=True)
    send_primary_need = models.CharField("primary need", max_length=60, blank=True)
    on_roll_from = models.DateField(db_index=True)
    on_roll_until = models.DateField(null=True, blank=True, db_index=True)
    leaving_reason = models.CharField(max_length=200, blank=True)
    # Created from an SSDA903 extract, which carries no names: VS staff complete the record.
    needs_completion = models.BooleanField(default=False)
    # Denormalised for fast lists; kept current by the roll services.
    current_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The current school's name, so the roll sorts and searches by school on the child table's own indexes.
    current_school_name = models.CharField(max_length=200, null=True, blank=True, editable=False)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    current_legal_status = models.CharField(max_length=4, blank=True, db_index=True)
    placement_in_area = models.BooleanField(null=True, blank=True, db_index=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name", "id"]),
            models.Index(fields=["cohort", "on_roll_until"]),
            models.Index(fields=["current_school", "legal_last_name"]),
            models.Index(fields=["current_school_name", "legal_last_name", "id"]),
            models.Index(fields=["caseworker", "legal_last_name"]),
            models.Index(fields=["date_of_birth", "legal_last_name"]),
            models.Index(fields=["on_roll_from"]),
            models.Index(fields=["send_status", "legal_last_name"]),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        """Keep current_school_name in step whenever the current school is saved."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"current_school", "current_school_id"} & set(update_fields):
            name = self.current_school.name if self.current_school_id else None
            if name != self.current_school_name:
                self.current_school_name = name
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "current_school_name"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("roll:child_detail", args=[self.pk])

    @property
    def year_group(self) -> int:
        """National curriculum year by age today (enrolment overrides are applied where a page shows them)."""
        from .services import year_group

        return year_group(self.date_of_birth, timezone.localdate())

    @property
    def key_stage(self) -> str:
        from .services import key_stage

        return key_stage(self.year_group)

    @property
    def is_on_roll(self) -> bool:
        today = timezone.localdate()
        return self.on_roll_from <= today and (self.on_roll_until is None or self.on_roll_until >= today)


class Source(models.TextChoices):
    SSDA903 = "ssda903", "SSDA903 import"
    MANUAL = "manual", "Entered by VS staff"


class LegalStatus(BaseModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_statuses")
    code = models.CharField(max_length=4)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    # Codes outside the reference lists are kept as given and flagged for checking.
    code_known = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["-start"]
        verbose_name_plural = "legal statuses"
        indexes = [models.Index(fields=["child", "start"])]


class Placement(BaseModel):
    """A care placement (where the child lives), from SSDA903 episodes or entered by VS staff."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    place_code = models.CharField("placement type", max_length=4)
    provider_code = models.CharField("provider", max_length=4, blank=True)
    reason_new_episode = models.CharField("reason for new episode", max_length=2, blank=True)
    reason_for_change = models.CharField(max_length=8, blank=True)
    reason_episode_ceased = models.CharField(max_length=4, blank=True)
    placing_authority = models.CharField(max_length=120, blank=True)
    postcode_district = models.CharField(max_length=5, blank=True)
    in_area = models.BooleanField(null=True, blank=True)
    # Ofsted number of the care setting (children's home or agency). Never a school URN.
    ofsted_urn = models.CharField("care setting Ofsted URN", max_length=12, blank=True)
    code_known = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["child", "start"])]


class EnrolmentQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class Enrolment(BaseModel):
    class Kind(models.TextChoices):
        MAIN = "main", "Main"
        DUAL_MAIN = "dual_main", "Dual registration (main)"
        DUAL_SUBSIDIARY = "dual_subsidiary", "Dual registration (subsidiary)"
        AP = "ap", "Alternative provision"
        EARLY_YEARS = "early_years", "Early years"
        POST16 = "post16", "Post-16"

    class Pattern(models.TextChoices):
        FULL_TIME = "ft", "Full-time"
        PART_TIME = "pt", "Part-time"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAIN)
    pattern = models.CharField(max_length=2, choices=Pattern.choices, default=Pattern.FULL_TIME)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    year_group_override = models.SmallIntegerField(null=True, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)
    leaving_reason = models.CharField(max_length=200, blank=True)
    managed_move = models.BooleanField(default=False)

    # Kinds that count as the child's main school place (one current at a time).
    MAIN_KINDS = ("main", "dual_main", "early_years", "post16")

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["school", "end"]), models.Index(fields=["child", "end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end__isnull=True, kind__in=["main", "dual_main", "early_years", "post16"]),
                name="one_open_main_enrolment_per_child",
            ),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="enrolment_end_after_start"),
        ]

    @property
    def is_main(self) -> bool:
        return self.kind in (self.Kind.MAIN, self.Kind.DUAL_MAIN, self.Kind.EARLY_YEARS, self.Kind.POST16)


class AllocationQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class Allocation(BaseModel):
    """A named professional for a child, with history."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", "VS caseworker"
        SOCIAL_WORKER = "social_worker", "Social worker"
        DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
        IRO = "iro", "Independent reviewing officer"
        CARER = "carer", "Carer"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    role = models.CharField(max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    person_name = models.CharField(max_length=150, blank=True, help_text="For people without an account")
    person_contact = models.CharField(max_length=200, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    handover_note = models.TextField(blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-start"]
        indexes = [models.Index(fields=["user", "role", "end"]), models.Index(fields=["child", "role", "end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end__isnull=True, role="caseworker"),
                name="one_open_caseworker_per_child",
            ),
        ]

    @property
    def person(self) -> str:
        return str(self.user) if self.user_id else self.person_name
