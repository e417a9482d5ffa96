"""Drift rules for the roll: school-age children with no school place, and new joiners whose PEP has not started."""

from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from vschool.alerts.registry import DriftRule, Finding, register

from .models import Child, Enrolment, Placement
from .selectors import twelve_months_before
from .services import KS4_MOVE_RULE, PEP_START_RULE, dob_range_for_year_group

NO_SCHOOL_RULE = "roll.no_school_place"


def _school_age_q(on: date) -> Q:
    """Reception to Y11 on `on`, as a date-of-birth range (runs in SQL)."""
    return Q(date_of_birth__gte=dob_range_for_year_group(11, on)[0],
             date_of_birth__lte=dob_range_for_year_group(0, on)[1])


def children_without_school(on: date | None = None):
    """Looked-after children of school age on the roll now with no current main enrolment, with the day the
    no-school clock started (the day after their last main place ended, or the day they joined the roll)."""
    on = on or timezone.localdate()
    current_main = Enrolment.objects.current(on).filter(child_id=OuterRef("pk"), kind__in=Enrolment.MAIN_KINDS)
    return (
        Child.objects.on_roll(on).filter(cohort=Child.Cohort.CLA).filter(_school_age_q(on))
        .exclude(Exists(current_main))
        .annotate(last_main_end=Max("enrolments__end", filter=Q(enrolments__kind__in=Enrolment.MAIN_KINDS,
                                                                 enrolments__end__lt=on)))
        .only("pk", "on_roll_from")
    )


def no_school_place_findings(on: date | None = None):
    from vschool.calendar.services import add_school_days

    on = on or timezone.localdate()
    due_for = {}  # many children share a clock start: work each deadline out once
    for child in children_without_school(on):
        since = child.on_roll_from
        if child.last_main_end and child.last_main_end + timedelta(days=1) > since:
            since = child.last_main_end + timedelta(days=1)
        if since not in due_for:
            due_for[since] = add_school_days(since, 20)
        yield Finding(subject=child, child_id=child.pk, since=since, due=due_for[since],
                      detail="School-age child with no school place")


def pep_not_started_findings(on: date | None = None):
    """Children who joined the roll or a new school in the last 10 working days and have no PEP yet."""
    from django.apps import apps

    from vschool.calendar.services import add_working_days

    on = on or timezone.localdate()
    # Ten working days back is at most 10 + weekends + bank holidays: a generous calendar window, then exact check.
    window_start = on - timedelta(days=28)
    joined = Child.objects.on_roll(on).filter(cohort=Child.Cohort.CLA).filter(
        Q(on_roll_from__gte=window_start)
        | Q(enrolments__start__gte=window_start, enrolments__kind__in=Enrolment.MAIN_KINDS)
    )
    try:
        pep_model = apps.get_model("peps", "PEP")
    except LookupError:
        pep_model = None
    if pep_model is not None and any(f.name == "child" for f in pep_model._meta.get_fields()):
        joined = joined.exclude(Exists(pep_model.objects.filter(child_id=OuterRef("pk"))))
    joined = joined.annotate(
        last_join=Max("enrolments__start", filter=Q(enrolments__kind__in=Enrolment.MAIN_KINDS))
    ).distinct()
    for child in joined:
        since = max(d for d in (child.on_roll_from, child.last_join) if d is not None and d <= on)
        due = add_working_days(since, 10)
        if due < on:
            continue
        yield Finding(subject=child, child_id=child.pk, since=since, due=due,
                      detail="Joined recently: check the PEP has started")


register(DriftRule(
    code=NO_SCHOOL_RULE,
    title="School-age child with no school place",
    severity="high",
    audience=("caseworker", "social_worker"),
    compute=no_school_place_findings,
))

register(DriftRule(
    code=PEP_START_RULE,
    title="Check the PEP has started for a child who has joined",
    severity="medium",
    audience=("caseworker",),
    compute=pep_not_started_findings,
))


INSTABILITY_RULE = "roll.placement_instability"
NO_CASEWORKER_RULE = "roll.no_caseworker"


def placement_instability_findings(on: date | None = None):
    """Looked-after children with 3 or more care placements in the last 12 months (moves are RNE P or B;
    temporary placements are not counted), counting the placement they were in 12 months ago."""
    from django.db.models import Count

    from . import codes

    on = on or timezone.localdate()
    since = twelve_months_before(on)
    moves = Q(placements__start__gt=since, placements__start__lte=on,
              placements__reason_new_episode__in=sorted(codes.MOVE_REASONS)) & ~Q(
        placements__place_code__in=sorted(codes.TEMPORARY_PLACEMENTS))
    children = (
        Child.objects.on_roll(on).filter(cohort=Child.Cohort.CLA)
        .annotate(moves=Count("placements", filter=moves))
        .filter(moves__gte=2)
        .only("pk")
    )
    for child in children:
        # Two moves in the year means three placements in it.
        yield Finding(subject=child, child_id=child.pk, since=on, detail=f"{child.moves + 1} placements in 12 months")


def no_caseworker_findings(on: date | None = None):
    """Looked-after children on the roll with no VS caseworker allocated."""
    on = on or timezone.localdate()
    for child in Child.objects.on_roll(on).filter(cohort=Child.Cohort.CLA, caseworker__isnull=True).only(
            "pk", "on_roll_from"):
        yield Finding(subject=child, child_id=child.pk, since=child.on_roll_from, detail="No caseworker allocated")


register(DriftRule(
    code=INSTABILITY_RULE,
    title="Three or more care placements in 12 months",
    severity="medium",
    audience=("caseworker",),
    compute=placement_instability_findings,
))

register(DriftRule(
    code=NO_CASEWORKER_RULE,
    title="No caseworker allocated",
    severity="medium",
    audience=("caseworker",),
    compute=no_caseworker_findings,
))


# A school or care move in Years 10-11 stays raised this long after the move (the service raises it on the day).
KS4_MOVE_DAYS = 28


def ks4_move_findings(on: date | None = None):
    """School moves (a new main enrolment) and care placement moves in the last KS4_MOVE_DAYS for children in
    Years 10 and 11, each the subject of its own alert (as `services.ks4_move_alert_raise` raises them)."""
    from . import codes

    on = on or timezone.localdate()
    window = on - timedelta(days=KS4_MOVE_DAYS)
    ks4 = Q(child__date_of_birth__gte=dob_range_for_year_group(11, on)[0],
            child__date_of_birth__lte=dob_range_for_year_group(10, on)[1]) & (
        Q(child__on_roll_until__isnull=True) | Q(child__on_roll_until__gte=on))
    for e in Enrolment.objects.filter(ks4, kind__in=Enrolment.MAIN_KINDS, start__gt=window, start__lte=on).only(
            "pk", "child_id", "school_id", "start"):
        yield Finding(subject=e, child_id=e.child_id, since=e.start, school_id=e.school_id,
                      detail="School move in Year 10 or 11: check the impact on exams and agree support")
    placements = (Placement.objects.filter(ks4, start__gt=window, start__lte=on)
                  .exclude(place_code__in=sorted(codes.TEMPORARY_PLACEMENTS)).only("pk", "child_id", "start"))
    for p in placements:
        yield Finding(subject=p, child_id=p.child_id, since=p.start,
                      detail="Care placement move in Year 10 or 11: check the impact on exams and agree support")


register(DriftRule(
    code=KS4_MOVE_RULE,
    title="Move in Key Stage 4",
    severity="high",
    audience=("caseworker",),
    compute=ks4_move_findings,
))
