"""Demo roll: fake children, schools, placements, enrolments and allocations at any scale (bulk inserts).

Deterministic for a seed. Safe to run twice: children are keyed by child ID (DEMO000001 ...) and schools by URN,
so a second run adds only what is missing.
"""

import enum
import json
import time
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models
from django.utils import timezone

from vschool.accounts.models import User
from vschool.accounts.roles import Role
from vschool.core.models import Authority

from .models import Allocation, Child, Enrolment, Inspection, LegalStatus, Placement, School, SchoolStaff
from .services import upn_is_valid, upn_with_check_letter, year_group

FIRST_NAMES = ["Aisha", "Alfie", "Amelia", "Archie", "Ava", "Bella", "Charlie", "Chloe", "Daisy", "Dylan", "Ella",
               "Emily", "Ethan", "Evie", "Finley", "Freddie", "George", "Grace", "Harry", "Harper", "Isla", "Isaac",
               "Jack", "Jacob", "Jayden", "Kai", "Layla", "Leo", "Lily", "Logan", "Lucas", "Maisie", "Mason",
               "Mia", "Millie", "Mohammed", "Noah", "Olivia", "Oliver", "Oscar", "Phoebe", "Poppy", "Reggie",
               "Riley", "Rosie", "Ruby", "Sienna", "Sofia", "Theo", "Tommy", "Willow", "Zara"]
LAST_NAMES = ["Adams", "Ahmed", "Allen", "Bailey", "Baker", "Bennett", "Brown", "Campbell", "Carter", "Clarke",
              "Collins", "Cooper", "Davies", "Edwards", "Evans", "Fisher", "Green", "Hall", "Harris", "Hill",
              "Hughes", "Jackson", "James", "Johnson", "Jones", "Kaur", "Khan", "King", "Lee", "Lewis", "Martin",
              "Mitchell", "Moore", "Morris", "Murphy", "Parker", "Patel", "Phillips", "Price", "Roberts",
              "Robinson", "Scott", "Shaw", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
              "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young"]
PLACES = ["Ashby", "Beacon", "Brookfield", "Castle", "Cedar", "Elmwood", "Fairview", "Greenway", "Hawthorn",
          "Highfield", "Kingsmead", "Lakeside", "Meadow", "Millbrook", "Northgate", "Oakwood", "Parkside",
          "Queensway", "Riverside", "Rowan", "Southfield", "Springfield", "Stonebridge", "Westcliff", "Willow"]
ETHNICITIES = ["WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWBA", "MOTH", "AIND", "APKN", "ABAN", "BCRB", "BAFR",
               "CHNE", "OOTH", "WROM"]
SEND_NEEDS = ["SEMH", "SEMH", "SPLD", "MLD", "ASD", "SLCN", "SLD", "PD", "HI", "OTH"]
EXTRA_CASEWORKERS = [("caseworker2", "Dana", "Reed"), ("caseworker3", "Lee", "Fraser"),
                     ("caseworker4", "Nia", "Owusu"), ("caseworker5", "Priya", "Shah"),
                     ("caseworker6", "Tom", "Gallagher")]
PHASE_MIX = [(School.Phase.PRIMARY, 45), (School.Phase.SECONDARY, 28), (School.Phase.SPECIAL, 8),
             (School.Phase.AP, 5), (School.Phase.POST16, 8), (School.Phase.NURSERY, 6)]
PHASE_NAMES = {School.Phase.PRIMARY: ("Primary School", "Community school"),
               School.Phase.SECONDARY: ("Academy", "Academy converter"),
               School.Phase.SPECIAL: ("School", "Community special school"),
               School.Phase.AP: ("Learning Centre", "Pupil referral unit"),
               School.Phase.POST16: ("College", "Further education"),
               School.Phase.NURSERY: ("Nursery School", "Local authority nursery school")}
PLACE_MIX = ["U4"] * 6 + ["U6"] * 6 + ["U1", "U3", "U3", "K2", "K2", "K2", "H5", "P1", "A4", "R1", "S1", "T0"]
LEGAL_MIX = ["C2"] * 10 + ["C1"] * 3 + ["V2"] * 4 + ["E1", "E1", "J1", "L2"]
BATCH = 5000


class _Row:
    """A row to insert: plain attributes (building 100,000 model instances costs more than inserting them)."""

    pk = None
    current_school = None

    def __init__(self, **fields):
        self.__dict__.update(fields)


def _plain(value):
    """Choices members as their plain values (database drivers adapt exact types)."""
    return value.value if isinstance(value, enum.Enum) else value


def _insert(model, rows, batch: int = BATCH) -> None:
    """Multi-row INSERTs, filling defaults (bulk_create's per-field work dominates at this scale)."""
    if not rows:
        return
    now = timezone.now()
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    head = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, min(batch, 30000 // len(fields)))  # stay under SQLite's bound-parameter limit
    getters = []
    for f in fields:
        if isinstance(f, models.ForeignKey):
            getters.append(lambda r, f=f: (getattr(getattr(r, f.name), "pk", None) if f.name in r.__dict__
                                           else r.__dict__.get(f.attname)))
        elif isinstance(f, models.DateTimeField):
            getters.append(lambda r, f=f: ops.adapt_datetimefield_value(r.__dict__.get(f.name) or now))
        elif isinstance(f, models.DateField):
            getters.append(lambda r, f=f: ops.adapt_datefield_value(r.__dict__.get(f.name)))
        elif isinstance(f, models.JSONField):
            getters.append(lambda r, f=f: json.dumps(r.__dict__.get(f.name, f.get_default())))
        else:
            default = f.get_default()
            getters.append(lambda r, f=f, d=default: _plain(r.__dict__.get(f.name, d)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the fast path; the portable path below is for SQLite
            table = ops.quote_name(model._meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([g(r) for g in getters])
            return
        for i in range(0, len(rows), per_statement):
            chunk = rows[i:i + per_statement]
            params = [v for r in chunk for v in (g(r) for g in getters)]
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def _weighted(rng, mix):
    total = sum(w for _v, w in mix)
    pick = rng.uniform(0, total)
    for value, weight in mix:
        pick -= weight
        if pick <= 0:
            return value
    return mix[-1][0]


def _caseworkers(ctx) -> list:
    group, _ = Group.objects.get_or_create(name=Role.VS_STAFF)
    users = [ctx.users["caseworker"]] if "caseworker" in ctx.users else []
    hashed = None
    for username, first, last in EXTRA_CASEWORKERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@council.example.org", "first_name": first,
                                         "last_name": last, "job_title": "Caseworker"})
        if created:
            hashed = hashed or make_password(ctx.password)  # hash once: the same demo password for all
            user.password = hashed
            user.save(update_fields=["password"])
            user.groups.add(group)
        users.append(user)
    return users


def _schools(ctx, rng, la_code, n) -> list[School]:
    existing = {s.urn: s for s in School.objects.filter(urn__startswith="8", urn__regex=r"^8[0-9]{5}$")}
    new, inspections = [], []
    for i in range(n):
        phase = School.Phase.PRIMARY if i == 0 else _weighted(rng, PHASE_MIX)
        in_area = i == 0 or rng.random() < 0.7
        suffix, type_name = PHASE_NAMES[phase]
        urn = f"{800001 + i}"
        name = f"{PLACES[i % len(PLACES)]} {['', 'Park ', 'Hill ', 'Green ', 'Vale '][(i // len(PLACES)) % 5]}" \
               f"{suffix}" + (f" {i // (len(PLACES) * 5) + 1}" if i >= len(PLACES) * 5 else "")
        grade = _weighted(rng, [(1, 20), (2, 60), (3, 15), (4, 5)])
        report_card = rng.random() < 0.15
        if urn in existing:
            continue
        school = School(urn=urn, name=name, phase=phase, type_name=type_name, la_code=la_code if in_area else "888",
                        la_name="Demo County" if in_area else "Neighbouring Borough", status=School.Status.OPEN,
                        street=f"{rng.randint(1, 200)} School Lane", town=PLACES[(i * 7) % len(PLACES)],
                        postcode=f"ZZ{rng.randint(1, 20)} {rng.randint(1, 9)}ZZ", in_authority_area=in_area,
                        email_domain="school.example.org")
        new.append(school)
        inspections.append((school, grade, report_card))
    School.objects.bulk_create(new, batch_size=BATCH)
    rows = []
    for school, grade, report_card in inspections:
        if report_card:
            areas = {a: max(1, min(5, 6 - grade - rng.randint(0, 1))) for a in (
                "Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
                "Personal development and well-being", "Leadership and governance")}
            rows.append(Inspection(school=school, framework=Inspection.Framework.REPORT_CARD,
                                   inspected_on=ctx.today - timedelta(days=rng.randint(1, 20)),
                                   area_grades=areas, safeguarding_met=grade < 4))
        else:
            rows.append(Inspection(school=school, framework=Inspection.Framework.GRADED,
                                   inspected_on=ctx.today - timedelta(days=rng.randint(200, 1800)),
                                   overall_grade=grade))
    Inspection.objects.bulk_create(rows, batch_size=BATCH)
    return list(School.objects.filter(urn__regex=r"^8[0-9]{5}$").order_by("urn"))


def _school_for(rng, year, send, by_phase, in_area_bias):
    if year < 0:
        phase = School.Phase.NURSERY
    elif send == Child.Send.EHCP and rng.random() < 0.4:
        phase = School.Phase.SPECIAL
    elif year >= 12:
        phase = School.Phase.POST16 if rng.random() < 0.7 else School.Phase.SECONDARY
    elif rng.random() < 0.03:
        phase = School.Phase.AP
    else:
        phase = School.Phase.PRIMARY if year <= 6 else School.Phase.SECONDARY
    choices = by_phase.get(phase) or by_phase.get(School.Phase.PRIMARY if year <= 6 else School.Phase.SECONDARY)
    if not choices:
        return None
    return rng.choice(choices)


def seed(ctx) -> None:
    started = time.monotonic()
    rng = ctx.rng
    la_code = Authority.current().la_code
    la_digits = la_code if la_code.isdigit() else "999"
    caseworkers = _caseworkers(ctx)
    n = max(ctx.children, 0)
    schools = _schools(ctx, rng, la_code, max(10, n // 8))
    dt_school = schools[0]
    by_phase = {}
    for s in schools[1:]:  # the demo DT's school takes exactly the ten pupils chosen for it below
        by_phase.setdefault(s.phase, []).append(s)
    sw_user = ctx.users.get("sw")
    existing_ids = set(Child.objects.filter(la_child_id__startswith="DEMO").values_list("la_child_id", flat=True))

    plans = []
    dt_pupils = 0
    sw_count = 0
    for i in range(1, n + 1):
        la_child_id = f"DEMO{i:06d}"
        age_days = rng.randint(2 * 365 + 10, 17 * 365 + 300)
        dob = ctx.today - timedelta(days=age_days)
        roll = rng.random()
        cohort = (Child.Cohort.CLA if roll < 0.8 else Child.Cohort.PLAC if roll < 0.88
                  else Child.Cohort.CWSW if roll < 0.95 else Child.Cohort.CARE_LEAVER)
        if cohort == Child.Cohort.CARE_LEAVER and age_days < 16 * 365:
            cohort = Child.Cohort.CLA
        earliest = dob + timedelta(days=30)
        on_roll_from = max(earliest, ctx.today - timedelta(days=rng.randint(5, 6 * 365)))
        left = rng.random() < 0.04
        on_roll_until = ctx.today - timedelta(days=rng.randint(1, 200)) if left else None
        if on_roll_until and on_roll_until < on_roll_from:
            on_roll_until = None
        send_roll = rng.random()
        send = Child.Send.NONE if send_roll < 0.7 else Child.Send.SEN_SUPPORT if send_roll < 0.88 else Child.Send.EHCP
        upn_roll = rng.random()
        if upn_roll < 0.05:
            upn = ""
        else:
            upn = upn_with_check_letter(f"{la_digits}{rng.randint(1000, 7999)}{dob.year % 100 + 4:02d}"
                                        f"{rng.randint(0, 999):03d}"[:12])
            if upn_roll > 0.97 or i % 40 == 13:  # a few mistyped UPNs for the data-quality warning, always some
                upn = ("A" if upn[0] != "A" else "B") + upn[1:]
        year = year_group(dob, ctx.today)
        plan = {
            "child": _Row(
                la_child_id=la_child_id, legal_first_name=rng.choice(FIRST_NAMES),
                legal_last_name=rng.choice(LAST_NAMES), preferred_name="", date_of_birth=dob,
                sex=rng.choice([Child.Sex.MALE, Child.Sex.FEMALE]), ethnicity=rng.choice(ETHNICITIES), upn=upn,
                upn_valid=upn_is_valid(upn), cohort=cohort, uasc=age_days > 14 * 365 and rng.random() < 0.08,
                send_status=send, send_primary_need=rng.choice(SEND_NEEDS) if send != Child.Send.NONE else "",
                on_roll_from=on_roll_from, on_roll_until=on_roll_until,
                leaving_reason="Returned home" if on_roll_until else "",
            ),
            "year": year, "enrolments": [], "placements": [], "legal": [], "allocations": [],
        }
        if rng.random() < 0.06 and plan["child"].legal_first_name in ("Charlie", "Alfie", "Millie"):
            plan["child"].preferred_name = plan["child"].legal_first_name[:3]
        child = plan["child"]
        # School places: most school-age children have one; a few have none (the no-school drift rule).
        if year >= -1 and rng.random() < (0.55 if year < 0 else 0.93):
            if dt_pupils < 10 and 0 <= year <= 6 and cohort == Child.Cohort.CLA and not on_roll_until:
                school = dt_school
                dt_pupils += 1
            else:
                school = _school_for(rng, year, send, by_phase, 0.7)
            if school is not None:
                start = max(on_roll_from, ctx.today - timedelta(days=rng.randint(20, 900)))
                if rng.random() < 0.2 and start - timedelta(days=400) > dob + timedelta(days=4 * 365):
                    before = _school_for(rng, max(year - 1, 0), send, by_phase, 0.7)
                    if before is not None and before.pk != school.pk:
                        plan["enrolments"].append(_Row(
                            school=before, start=start - timedelta(days=400), end=start - timedelta(days=1),
                            leaving_reason="Care placement moved", kind=Enrolment.Kind.MAIN))
                kind = (Enrolment.Kind.EARLY_YEARS if year < 0 else Enrolment.Kind.POST16 if year >= 12
                        else Enrolment.Kind.MAIN)
                pattern = Enrolment.Pattern.PART_TIME if rng.random() < 0.03 else Enrolment.Pattern.FULL_TIME
                plan["enrolments"].append(_Row(school=school, start=start, kind=kind, pattern=pattern))
                child.current_school = school
                child.current_school_name = school.name
        # Care history for looked-after children and care leavers.
        if cohort in (Child.Cohort.CLA, Child.Cohort.CARE_LEAVER):
            moves = _weighted(rng, [(0, 45), (1, 30), (2, 15), (3, 7), (4, 3)])
            start = on_roll_from
            span = max((ctx.today - on_roll_from).days, 1)
            starts = sorted({start} | {on_roll_from + timedelta(days=rng.randint(1, span)) for _ in range(moves)})
            for k, s in enumerate(starts):
                end = starts[k + 1] - timedelta(days=1) if k + 1 < len(starts) else None
                in_area = rng.random() < 0.7
                plan["placements"].append(_Row(
                    start=s, end=end, place_code=rng.choice(PLACE_MIX), provider_code=rng.choice(
                        ["PR1", "PR1", "PR4", "PR5", "PR2"]), reason_new_episode="S" if k == 0 else rng.choice(
                        ["P", "P", "B", "T"]), postcode_district=f"ZZ{rng.randint(1, 30)}", in_area=in_area,
                    reason_for_change="CARPL" if end else "", source="manual"))
            if plan["placements"]:
                child.placement_in_area = plan["placements"][-1].in_area
            code = rng.choice(LEGAL_MIX)
            if rng.random() < 0.25 and code == "C2":
                mid = on_roll_from + timedelta(days=max(span // 3, 1))
                plan["legal"].append(_Row(code="C1", start=on_roll_from, end=mid - timedelta(days=1)))
                plan["legal"].append(_Row(code="C2", start=mid))
            else:
                plan["legal"].append(_Row(code=code, start=on_roll_from))
            child.current_legal_status = plan["legal"][-1].code
        # A caseworker for every child on the roll in the looked-after cohorts.
        if cohort in (Child.Cohort.CLA, Child.Cohort.CARE_LEAVER) and caseworkers:
            cw = caseworkers[i % len(caseworkers)]
            plan["allocations"].append(_Row(role=Allocation.Role.CASEWORKER, user=cw, start=on_roll_from))
            child.caseworker = cw
            if cohort == Child.Cohort.CLA and not on_roll_until and sw_user is not None and sw_count < 8 \
                    and child.current_school is not None:
                plan["allocations"].append(_Row(role=Allocation.Role.SOCIAL_WORKER, user=sw_user,
                                                      start=on_roll_from))
                sw_count += 1
            else:
                plan["allocations"].append(_Row(
                    role=Allocation.Role.SOCIAL_WORKER, person_name=f"{rng.choice(FIRST_NAMES)} "
                                                                     f"{rng.choice(LAST_NAMES)}",
                    person_contact="Children's social care", start=on_roll_from))
        if la_child_id not in existing_ids:
            plans.append(plan)

    children = [p["child"] for p in plans]
    _insert(Child, children)
    ids = dict(Child.objects.filter(la_child_id__startswith="DEMO").values_list("la_child_id", "pk"))
    for c in children:
        c.pk = ids[c.la_child_id]
    enrolments, placements, legal, allocations = [], [], [], []
    for p in plans:
        for rows, out in ((p["enrolments"], enrolments), (p["placements"], placements), (p["legal"], legal),
                          (p["allocations"], allocations)):
            for row in rows:
                row.child = p["child"]
                out.append(row)
    _insert(Enrolment, enrolments)
    _insert(Placement, placements)
    _insert(LegalStatus, legal)
    _insert(Allocation, allocations)

    if "dt" in ctx.users:
        SchoolStaff.objects.get_or_create(
            school=dt_school, user=ctx.users["dt"], kind=SchoolStaff.Kind.DESIGNATED_TEACHER,
            defaults={"start": date(ctx.today.year - 2, 9, 1)})
    ctx.say(f"  roll: {len(children)} children added ({len(existing_ids)} already there), {len(schools)} schools, "
            f"{len(placements)} placements, {len(enrolments)} enrolments in {time.monotonic() - started:.1f}s")
