import random

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
