"""Load English term dates and INSET days for 2024/25 to 2027/28 as the authority's calendar.

Frozen copies of the pattern in vschool/calendar/defaults.py, so every environment (tests included) has real rows the
headteacher can edit. Reversible: removes exactly these rows if they are still unchanged.
"""

from datetime import date

from django.db import migrations

TERMS = [
    (2024, "autumn", 1, "2024-09-03", "2024-10-25"),
    (2024, "autumn", 2, "2024-11-04", "2024-12-20"),
    (2024, "spring", 1, "2025-01-06", "2025-02-14"),
    (2024, "spring", 2, "2025-02-24", "2025-04-04"),
    (2024, "summer", 1, "2025-04-22", "2025-05-23"),
    (2024, "summer", 2, "2025-06-02", "2025-07-21"),
    (2025, "autumn", 1, "2025-09-03", "2025-10-24"),
    (2025, "autumn", 2, "2025-11-03", "2025-12-19"),
    (2025, "spring", 1, "2026-01-05", "2026-02-13"),
    (2025, "spring", 2, "2026-02-23", "2026-03-27"),
    (2025, "summer", 1, "2026-04-13", "2026-05-22"),
    (2025, "summer", 2, "2026-06-01", "2026-07-21"),
    (2026, "autumn", 1, "2026-09-03", "2026-10-23"),
    (2026, "autumn", 2, "2026-11-02", "2026-12-18"),
    (2026, "spring", 1, "2027-01-05", "2027-02-12"),
    (2026, "spring", 2, "2027-02-22", "2027-03-26"),
    (2026, "summer", 1, "2027-04-12", "2027-05-28"),
    (2026, "summer", 2, "2027-06-07", "2027-07-21"),
    (2027, "autumn", 1, "2027-09-06", "2027-10-22"),
    (2027, "autumn", 2, "2027-11-01", "2027-12-17"),
    (2027, "spring", 1, "2028-01-05", "2028-02-18"),
    (2027, "spring", 2, "2028-02-28", "2028-03-31"),
    (2027, "summer", 1, "2028-04-18", "2028-05-26"),
    (2027, "summer", 2, "2028-06-05", "2028-07-21"),
]
INSET_DAYS = [
    "2024-09-03",
    "2025-06-02",
    "2025-09-03",
    "2026-06-01",
    "2026-09-03",
    "2027-06-07",
    "2027-09-06",
    "2028-06-05",
]


def load(apps, schema_editor):
    TermDate = apps.get_model("calendar", "TermDate")
    Closure = apps.get_model("calendar", "Closure")
    for year, term, half, start, end in TERMS:
        TermDate.objects.get_or_create(
            calendar=None,
            academic_year=year,
            term=term,
            half=half,
            defaults={"start": date.fromisoformat(start), "end": date.fromisoformat(end)},
        )
    for day in INSET_DAYS:
        Closure.objects.get_or_create(
            calendar=None, date=date.fromisoformat(day), defaults={"reason": "inset", "description": "INSET day"}
        )


def unload(apps, schema_editor):
    TermDate = apps.get_model("calendar", "TermDate")
    Closure = apps.get_model("calendar", "Closure")
    for year, term, half, start, end in TERMS:
        TermDate.objects.filter(
            calendar=None, academic_year=year, term=term, half=half, start=start, end=end
        ).delete()
    Closure.objects.filter(calendar=None, date__in=INSET_DAYS, reason="inset").delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
