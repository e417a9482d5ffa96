"""seed_demo: one user per role, a roll of fake children, and a second run that changes nothing."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command

from roll.models import Child, SchoolStaff
from vschool.accounts.models import User
from vschool.accounts.roles import Role

COUNTED = ["roll.Child", "roll.Enrolment", "roll.Placement", "peps.PEP", "attendance.SessionMark", "alerts.Alert"]


def _counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_seed_demo_creates_each_role_and_is_safe_to_run_twice(db):
    out = StringIO()
    call_command("seed_demo", children=40, seed=3, stdout=out)
    text = out.getvalue()
    assert "Password:" in text and "Demo data ready" in text

    expected = {
        "vsh": Role.HEADTEACHER, "caseworker": Role.VS_STAFF, "finance": Role.FINANCE,
        "dt": Role.DESIGNATED_TEACHER, "sw": Role.SOCIAL_WORKER, "viewer": Role.VIEWER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.roles == {role}, username
    assert Child.objects.count() == 40
    dt = User.objects.get(username="dt")
    assert SchoolStaff.objects.filter(user=dt).exists()
    assert Child.objects.visible_to(dt).count() >= 2
    first = _counts()
    assert first["peps.PEP"] > 0 and first["attendance.SessionMark"] > 0

    call_command("seed_demo", children=40, seed=3, stdout=StringIO())
    assert _counts() == first
