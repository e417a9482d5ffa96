from datetime import date

import pytest
from django.urls import reverse

from roll.views import child_tabs
from tests.roll.factories import ChildFactory, EnrolmentFactory, SchoolStaffFactory
from vschool.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_child_detail_shows_identity_bar_and_logs_access(client, caseworker):
    child = ChildFactory(legal_first_name="Ada", legal_last_name="Example", date_of_birth=date(2014, 5, 1))
    client.force_login(caseworker)
    for name in ("roll:child_detail", "roll:child_education", "roll:child_care", "roll:child_timeline"):
        response = client.get(reverse(name, args=[child.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Ada Example" in body
        assert 'aria-current="page"' in body
    assert AccessLog.objects.filter(child_id=child.pk).count() == 4


def test_child_tabs_skip_apps_that_do_not_reverse():
    child = ChildFactory.build(pk=5)
    keys = [t["key"] for t in child_tabs(child, "care")]
    assert keys[:4] == ["overview", "education", "care", "timeline"]
    assert [t["key"] for t in child_tabs(child, "care") if t["current"]] == ["care"]


def test_dt_gets_404_for_another_schools_child(client, dt):
    mine = EnrolmentFactory(start=date(2024, 1, 8))
    SchoolStaffFactory(school=mine.school, user=dt)
    other = EnrolmentFactory(start=date(2024, 1, 8))
    client.force_login(dt)
    assert client.get(reverse("roll:child_detail", args=[mine.child.pk])).status_code == 200
    assert client.get(reverse("roll:child_detail", args=[other.child.pk])).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "finance_user"])
def test_viewer_and_finance_get_404(client, request, role):
    user = request.getfixturevalue(role)
    child = ChildFactory()
    client.force_login(user)
    assert client.get(reverse("roll:child_detail", args=[child.pk])).status_code == 404
    assert client.get(reverse("roll:child_list")).status_code == 404
