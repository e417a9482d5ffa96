"""Demo PEPs: every looked-after child gets a PEP for each term of the demo years, in every state.

Past terms are mostly approved (some amber, a few cancelled); the current term has a spread of every status.
Written with bulk_create so a large roll seeds quickly. Children who already have PEPs are left alone, so it is
safe to run twice.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from .models import PEP, QAReview, Section, StatusChange, Target
from .services import AFTER_MEETING, SECTION_PLAN

BATCH = 2000
S = PEP.Status
CURRENT_TERM_MIX = [S.NOT_STARTED] * 3 + [S.IN_PROGRESS] * 4 + [S.READY_TO_SUBMIT] * 2 + [S.SUBMITTED] * 2 + [
    S.RETURNED, S.APPROVED, S.APPROVED]
PAST_TERM_MIX = [S.APPROVED] * 12 + [S.CANCELLED]

AREAS = [
    ("Reading", "Read a book of their choice for 20 minutes each evening", "Reading log shows 4 evenings a week"),
    ("Maths", "Know times tables to 12 by heart", "Scores 45 out of 50 on the weekly quiz"),
    ("Friendships", "Join a lunchtime club", "Attends the club every week for half a term"),
    ("Attendance", "Arrive before the register closes every day", "No late marks for four weeks"),
    ("Writing", "Plan a piece of writing before starting it", "Uses a plan in 3 of 4 pieces of work"),
]
CATEGORIES = [c for c, _ in Target.PPCategory.choices]
ATTAINMENT_BY_TEMPLATE = {
    PEP.Template.EARLY_YEARS: {"setting_hours": "15", "area_communication": "expected", "area_physical": "expected",
                               "area_psed": "emerging", "area_literacy": "emerging", "area_maths": "expected",
                               "area_world": "expected", "area_arts": "exceeding",
                               "eypp_use": "Speech and language sessions in small groups."},
    PEP.Template.POST16: {"provider": "Demo Further Education College", "course": "Level 2 Business",
                          "eet_status": "education", "neet_risk": "low", "bursary_advice": "yes",
                          "pathway_plan": "Progress to Level 3 next year."},
}

CONTENT = {
    Section.Kind.MEETING: {"venue": "At school", "invited": "Carer, designated teacher, child",
                           "care_context": "Settled in the current placement.", "placement_stable": "yes"},
    Section.Kind.ATTENDANCE: {"attendance_percent": "94.5", "suspensions": 0, "part_time_timetable": "no",
                              "actions": "Weekly check-in with the form tutor."},
    Section.Kind.ARRANGEMENTS: {"provision": "full_time", "achievements": "Certificate for effort in science."},
    Section.Kind.ATTAINMENT: {"english_working_at": "Expected", "english_expected": "Expected",
                              "english_on_track": "yes", "maths_working_at": "Working towards",
                              "maths_expected": "Expected", "maths_on_track": "partly",
                              "science_working_at": "Expected", "science_expected": "Expected",
                              "science_on_track": "yes"},
    Section.Kind.SEND: {"send_status": "none", "support": "Small-group literacy twice a week."},
    Section.Kind.WELLBEING: {"health": "Good.", "emotional_wellbeing": "Some worries about changes; sees the "
                             "school counsellor fortnightly."},
    Section.Kind.VIEWS: {"going_well": "Football and art.", "hard": "Spelling tests.",
                         "want": "To be in the school team.", "who_helps": "My carer and Miss in class.",
                         "carer_views": "Much happier at school this term."},
    Section.Kind.MEETING_RECORD: {"attendees": "Designated teacher, social worker, carer, child"},
    Section.Kind.TARGET_REVIEW: {"summary": "Good progress on last term's targets."},
    Section.Kind.TARGETS: {"notes": ""},
    Section.Kind.NEXT_PEP: {},
}


def _terms(ctx):
    from vschool.calendar.services import academic_year_of, terms_in_year

    """Terms that started in the last `ctx.years` years, up to and including the current one."""
    years = max(ctx.years, 1)
    this_year = academic_year_of(ctx.today)
    since = ctx.today - timedelta(days=365 * years)
    out = []
    for year in range(this_year - years - 1, this_year + 1):
        out += [t for t in terms_in_year(year) if since < t.start <= ctx.today]
    return out


def seed(ctx) -> None:
    from functools import lru_cache

    from roll.models import Child
    from roll.services import phase_for_year, year_group
    from vschool.calendar.services import add_school_days as _add_school_days
    from vschool.core.models import Authority

    add_school_days = lru_cache(maxsize=None)(_add_school_days)  # few distinct dates: compute each once

    authority = Authority.current()
    users = ctx.users
    caseworker, dt, sw = users.get("caseworker"), users.get("dt"), users.get("sw")
    has_peps = set(PEP.objects.values_list("child_id", flat=True).distinct())
    children = list(
        Child.objects.filter(cohort=Child.Cohort.CLA).exclude(pk__in=has_peps)
        .order_by("pk").values_list("pk", "date_of_birth", "on_roll_from", "on_roll_until", "current_school_id")
    )
    if not children:
        ctx.say("  peps: nothing to do")
        return
    terms = _terms(ctx)
    rng = ctx.rng
    today = ctx.today
    peps: list[PEP] = []
    for child_id, dob, on_from, on_until, school_id in children:
        for term in terms:
            if on_from > term.end or (on_until and on_until < term.start):
                continue
            yg = year_group(dob, term.start)
            if yg < -2 or yg > 13:
                continue
            current = term.start <= today <= term.end
            status = rng.choice(CURRENT_TERM_MIX if current else PAST_TERM_MIX)
            pep = PEP(child_id=child_id, academic_year=term.academic_year, term=term.term, status=status,
                      template=phase_for_year(yg), school_id=school_id, created_by=caseworker, modified_by=caseworker)
            if status != S.NOT_STARTED:
                latest = min(term.end, today)
                span = max((latest - term.start).days, 1)
                meeting = add_school_days(term.start, 1 + rng.randrange(min(span, 40)) // 2)
                if current and status in (S.IN_PROGRESS,) and rng.random() < 0.5:
                    meeting = add_school_days(today, rng.randint(2, 12))  # some meetings still to come
                pep.meeting_date = meeting
                pep.sections_due = add_school_days(meeting, -authority.pep_sections_due_before_meeting)
                pep.completion_due = add_school_days(meeting, authority.pep_complete_after_meeting)
                if status in (S.SUBMITTED, S.RETURNED, S.APPROVED):
                    pep.submitted_on = min(add_school_days(meeting, rng.randint(1, 6)), today)
                    pep.qa_due = add_school_days(pep.submitted_on, authority.pep_qa_school_days)
                if status == S.APPROVED:
                    pep.approved_on = min(add_school_days(pep.submitted_on, rng.randint(1, 12)), today)
                if status in (S.READY_TO_SUBMIT, S.SUBMITTED, S.RETURNED, S.APPROVED):
                    pep.next_pep_date = add_school_days(term.end, 20)
            peps.append(pep)
    if not peps:  # the remaining children have no term on the roll in a PEP year group
        ctx.say("  peps: nothing to do")
        return
    PEP.objects.bulk_create(peps, batch_size=BATCH)
    if not peps[0].pk:  # databases without RETURNING: read the keys back
        lookup = {(p.child_id, p.academic_year, p.term): p.pk for p in PEP.objects.filter(
            child_id__in=[c[0] for c in children]).only("pk", "child_id", "academic_year", "term")}
        for p in peps:
            p.pk = p.id = lookup[(p.child_id, p.academic_year, p.term)]

    sections, targets, changes, reviews = [], [], [], []
    now = timezone.now()
    for pep in peps:
        done_all = pep.status in (S.READY_TO_SUBMIT, S.SUBMITTED, S.RETURNED, S.APPROVED)
        for position, (kind, owner) in enumerate(SECTION_PLAN):
            if done_all:
                complete = True
            elif pep.status == S.IN_PROGRESS:
                complete = kind not in AFTER_MEETING and rng.random() < 0.6
            else:
                complete = False
            base = ATTAINMENT_BY_TEMPLATE.get(pep.template, CONTENT[kind]) if kind == Section.Kind.ATTAINMENT \
                else CONTENT[kind]
            content = dict(base) if complete or (pep.status == S.IN_PROGRESS and rng.random() < 0.3) else {}
            if kind == Section.Kind.MEETING_RECORD and content and pep.meeting_date:
                content["held_on"] = pep.meeting_date.isoformat()
            if kind == Section.Kind.NEXT_PEP and pep.next_pep_date:
                content = {"next_pep_date": pep.next_pep_date.isoformat()}
            author = sw if owner == "social_worker" else dt
            sections.append(Section(
                pep_id=pep.pk, kind=kind, owner_role=owner, position=position, content=content,
                is_complete=complete, completed_by=author if complete else None,
                completed_at=now if complete else None, created_by=caseworker, modified_by=author or caseworker))
        if done_all:
            for n in range(rng.randint(1, 3)):
                area, text, criteria = AREAS[(pep.pk + n) % len(AREAS)]
                pp = pep.template != PEP.Template.POST16 and rng.random() < 0.6
                targets.append(Target(
                    pep_id=pep.pk, area=area, target=text, success_criteria=criteria,
                    actions="Agreed at the PEP meeting.", who="Class teacher",
                    by_when=pep.next_pep_date or date(pep.academic_year + 1, 7, 1),
                    pp_request_amount=Decimal(rng.choice([150, 250, 300, 450, 600])) if pp else None,
                    pp_request_category=rng.choice(CATEGORIES) if pp else "",
                    created_by=dt, modified_by=dt))
        changes.append(StatusChange(pep_id=pep.pk, from_status="", to_status=S.NOT_STARTED, actor=caseworker,
                                    reason="Termly PEP created"))
        if pep.status != S.NOT_STARTED:
            changes.append(StatusChange(pep_id=pep.pk, from_status=S.NOT_STARTED, to_status=pep.status,
                                        actor=caseworker if pep.status in (S.APPROVED, S.RETURNED) else dt,
                                        reason="Returned: targets need success criteria" if pep.status == S.RETURNED
                                        else ""))
        if pep.status == S.APPROVED:
            rag = QAReview.Rag.AMBER if rng.random() < 0.25 else QAReview.Rag.GREEN
            reviews.append(QAReview(
                pep_id=pep.pk, reviewer=caseworker, rag=rag, smart_targets=True, childs_voice=True,
                pp_linked_to_targets=True, attendance_addressed=rag == QAReview.Rag.GREEN,
                feedback="Say how attendance will be improved next term." if rag == QAReview.Rag.AMBER else "",
                created_by=caseworker, modified_by=caseworker))
        elif pep.status == S.RETURNED:
            reviews.append(QAReview(
                pep_id=pep.pk, reviewer=caseworker, rag=QAReview.Rag.RED, feedback="Targets need success criteria.",
                points=["Make each target measurable", "Record the child's own words"],
                created_by=caseworker, modified_by=caseworker))
    Section.objects.bulk_create(sections, batch_size=BATCH)
    Target.objects.bulk_create(targets, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    QAReview.objects.bulk_create(reviews, batch_size=BATCH)
    ctx.say(f"  peps: {len(peps)} PEPs, {len(sections)} sections, {len(targets)} targets")
