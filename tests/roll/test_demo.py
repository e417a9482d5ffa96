import random

import pytest
from django.utils import timezone

from roll import demo
from roll.models import Child, School, SchoolStaff
from vschool.accounts import demo as accounts_demo
from vschool.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def _ctx(n=80, seed=1):
    ctx = DemoContext(children=n, seed=seed, years=1, today=timezone.localdate(), password="demo-password-2026",
                      rng=random.Random(seed))
    accounts_demo.seed(ctx)
    return ctx


def test_demo_roll_is_deterministic_safe_twice_and_scoped_for_dt_and_sw():
    ctx = _ctx()
    demo.seed(ctx)
    first = list(Child.objects.order_by("la_child_id").values_list("la_child_id", "legal_last_name", "date_of_birth"))
    assert len(first) == 80 and School.objects.count() >= 10
    demo.seed(_ctx())
    assert list(Child.objects.order_by("la_child_id").values_list(
        "la_child_id", "legal_last_name", "date_of_birth")) == first
    assert SchoolStaff.objects.filter(user=ctx.users["dt"]).count() == 1
    assert Child.objects.visible_to(ctx.users["dt"]).count() == 10
    assert Child.objects.visible_to(ctx.users["sw"]).count() == 8
    assert Child.objects.filter(cohort="cla").count() > Child.objects.exclude(cohort="cla").count()
    assert Child.objects.exclude(upn="").filter(upn_valid=False).exists()
    assert Child.objects.filter(caseworker__isnull=False).exists()
