"""The roll list's 'Attendance this term' column and 'below target' filter come from the weekly rollups."""

import pytest
from django.urls import reverse

from attendance.services import marks_record_week
from tests.roll.factories import ChildFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_children(child, school, caseworker, week_days):
    from django.utils import timezone

    from attendance.schooldays import current_term

    if week_days[0] < current_term(timezone.localdate()).start:
        pytest.skip("the first week of a term has no complete school week in the term yet")
    other = ChildFactory(la_child_id="C000002", legal_last_name="Aardvark", current_school=school)
    EnrolmentFactory(child=other, school=school)
    good = {(d, s): "/" for d in week_days for s in ("AM", "PM")}
    poor = dict(good)
    for d in week_days[:2]:
        poor[(d, "AM")] = "N"
    marks_record_week(actor=caseworker, child=other, marks=good)
    marks_record_week(actor=caseworker, child=child, marks=poor)
    return child, other


def test_roll_list_shows_sorts_and_filters_term_attendance(client, caseworker, two_children):
    poor, good = two_children
    client.force_login(caseworker)
    url = reverse("roll:child_list")
    html = client.get(url, {"sort": "attendance"}).content.decode()
    assert "Attendance this term" in html
    assert html.index("80.0%") < html.index("100.0%")
    html = client.get(url, {"sort": "-attendance"}).content.decode()
    assert html.index("100.0%") < html.index("80.0%")
    html = client.get(url, {"attendance_low": "true"}).content.decode()
    assert poor.get_absolute_url() in html and good.get_absolute_url() not in html
