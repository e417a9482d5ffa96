import random
from datetime import date

import pytest
from django.utils import timezone

from attendance import demo
from attendance.models import SessionMark, WeeklyAttendance
from attendance.rollups import rollups_recompute
from vschool.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_seed_is_consistent_and_safe_to_run_twice(child):
    ctx = DemoContext(children=1, seed=3, years=1, today=timezone.localdate(), password="x", rng=random.Random(3))
    demo.seed(ctx)
    marks = SessionMark.objects.filter(child=child).count()
    assert marks > 100
    weekly = {(w.week_start, w.possible, w.present, w.authorised, w.unauthorised)
              for w in WeeklyAttendance.objects.filter(child=child)}
    rollups_recompute((child.pk, w[0]) for w in weekly)
    assert weekly == {(w.week_start, w.possible, w.present, w.authorised, w.unauthorised)
                      for w in WeeklyAttendance.objects.filter(child=child)}
    demo.seed(ctx)
    assert SessionMark.objects.filter(child=child).count() == marks


def test_demo_marks_go_to_reception_to_year_11_only(child, school):
    from roll.services import dob_range_for_year_group
    from tests.roll.factories import ChildFactory

    today = date(2026, 3, 10)  # spring, when the calendar year and the academic year differ
    reception = ChildFactory(la_child_id="C000101", current_school=school, on_roll_from=child.on_roll_from,
                             date_of_birth=dob_range_for_year_group(0, today)[1])
    year_12 = ChildFactory(la_child_id="C000102", current_school=school, on_roll_from=child.on_roll_from,
                           date_of_birth=dob_range_for_year_group(12, today)[1])
    nursery = ChildFactory(la_child_id="C000103", current_school=school, on_roll_from=child.on_roll_from,
                           date_of_birth=dob_range_for_year_group(-1, today)[0])
    demo.seed(DemoContext(children=4, seed=3, years=1, today=today, password="x", rng=random.Random(3)))
    with_marks = set(SessionMark.objects.values_list("child_id", flat=True).distinct())
    assert reception.pk in with_marks
    assert year_12.pk not in with_marks and nursery.pk not in with_marks
