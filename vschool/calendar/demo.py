"""Demo seeding: make sure the authority has term dates for every year the demo covers (idempotent)."""

from .defaults import default_inset_days, default_terms
from .models import Closure, TermDate
from .services import academic_year_of, invalidate_cache


def seed(ctx) -> None:
    this_year = academic_year_of(ctx.today)
    years = range(this_year - max(ctx.years, 1), this_year + 2)
    have = set(
        TermDate.objects.filter(calendar=None, academic_year__in=years).values_list(
            "academic_year", flat=True
        )
    )
    missing = [y for y in years if y not in have]
    TermDate.objects.bulk_create(
        [
            TermDate(academic_year=t.academic_year, term=t.term, half=t.half, start=t.start, end=t.end)
            for year in missing
            for t in default_terms(year)
        ]
    )
    closed = set(Closure.objects.filter(calendar=None).values_list("date", flat=True))
    Closure.objects.bulk_create(
        [
            Closure(date=d, reason=Closure.Reason.INSET, description="INSET day")
            for year in missing
            for d in default_inset_days(year)
            if d not in closed
        ]
    )
    invalidate_cache()
    ctx.say(f"  term dates: {len(missing)} academic year(s) added")
