"""Term dates and closures: what makes a weekday a school day.

`calendar=None` everywhere means the authority's own calendar (rows with no SchoolCalendar). A SchoolCalendar lets an
academy or an out-of-area school keep its own dates; for any academic year it has no terms for, the authority's
dates apply.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vschool.core.models import BaseModel


class SchoolCalendar(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    schools = models.ManyToManyField("roll.School", blank=True, related_name="school_calendars")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


TERM_ORDER = {Term.AUTUMN: 0, Term.SPRING: 1, Term.SUMMER: 2}


def academic_year_label(start_year: int) -> str:
    """2026 -> '2026/27'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class TermDate(BaseModel):
    """One half term: the first or second half of the autumn, spring or summer term of an academic year."""

    class Half(models.IntegerChoices):
        FIRST = 1, "First half"
        SECOND = 2, "Second half"

    calendar = models.ForeignKey(
        SchoolCalendar, null=True, blank=True, on_delete=models.CASCADE, related_name="term_dates"
    )
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts, e.g. 2026 for 2026/27"
    )
    term = models.CharField(max_length=10, choices=Term.choices)
    half = models.PositiveSmallIntegerField(choices=Half.choices)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["calendar_id", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="term_date_end_after_start"),
            models.UniqueConstraint(
                fields=["academic_year", "term", "half"],
                condition=Q(calendar__isnull=True),
                name="one_authority_half_term",
            ),
            models.UniqueConstraint(
                fields=["calendar", "academic_year", "term", "half"],
                condition=Q(calendar__isnull=False),
                name="one_calendar_half_term",
            ),
        ]

    def __str__(self):
        return f"{self.get_term_display()} {self.half} {academic_year_label(self.academic_year)}"

    @property
    def academic_year_label(self) -> str:
        return academic_year_label(self.academic_year)

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The end date must be the same as or after the start date"
        if (
            self.start
            and self.academic_year
            and not (date(self.academic_year, 8, 1) <= self.start <= date(self.academic_year + 1, 7, 31))
        ):
            errors["start"] = (
                f"The start date must be inside the academic year {academic_year_label(self.academic_year)}"
            )
        if not errors and self.start and self.end:
            clash = (
                TermDate.objects.filter(calendar=self.calendar, start__lte=self.end, end__gte=self.start)
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors["start"] = f"These dates overlap the {clash} term dates"
        if errors:
            raise ValidationError(errors)


class Closure(BaseModel):
    """A weekday inside term when children are not in school: an INSET (training) day or a closure."""

    class Reason(models.TextChoices):
        INSET = "inset", "INSET day"
        CLOSURE = "closure", "School closure"

    calendar = models.ForeignKey(
        SchoolCalendar, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.INSET)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(calendar__isnull=True), name="one_authority_closure_a_day"
            ),
            models.UniqueConstraint(
                fields=["calendar", "date"],
                condition=Q(calendar__isnull=False),
                name="one_calendar_closure_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.date:%-d %B %Y}"
