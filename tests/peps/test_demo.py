"""The demo seeder makes PEPs in every state, quickly, and is safe to run twice."""

import random
from datetime import date

from peps import demo
from peps.models import PEP, QAReview, Section
from roll.models import Child
from tests.roll.factories import ChildFactory
from vschool.core.demo import DemoContext


def test_seed_makes_every_state_and_is_safe_twice(dt, sw, caseworker, django_assert_max_num_queries):
    ChildFactory.create_batch(40, cohort=Child.Cohort.CLA, on_roll_from=date(2023, 9, 1))
    ChildFactory.create_batch(3, cohort=Child.Cohort.PLAC, on_roll_from=date(2023, 9, 1))
    ctx = DemoContext(children=40, seed=1, years=2, today=date(2026, 11, 30), password="x", rng=random.Random(1),
                      users={"dt": dt, "sw": sw, "caseworker": caseworker})
    with django_assert_max_num_queries(80):
        demo.seed(ctx)
    statuses = set(PEP.objects.values_list("status", flat=True))
    assert set(PEP.Status.values) - {PEP.Status.CANCELLED} <= statuses
    assert not PEP.objects.filter(child__cohort=Child.Cohort.PLAC).exists()
    # Two years of terms up to the autumn term 2026: spring 2025 to autumn 2026.
    assert PEP.objects.filter(child__cohort=Child.Cohort.CLA).count() == 40 * 6
    assert Section.objects.count() == PEP.objects.count() * 11
    assert QAReview.objects.filter(rag=QAReview.Rag.RED).count() == PEP.objects.filter(status="returned").count()
    before = PEP.objects.count()
    demo.seed(ctx)
    assert PEP.objects.count() == before
