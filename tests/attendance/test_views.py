from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import SessionMark
from tests.roll.factories import ChildFactory
from vschool.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_dt_enters_a_week_and_the_rate_changes(client, child, dt_of_school, week_days):
    client.force_login(dt_of_school)
    url = reverse("attendance:week", args=[child.pk, week_days[0].isoformat()])
    page = client.get(url)
    assert page.status_code == 200
    label = f"{week_days[0]:%A %-d %B} morning"
    assert label in page.content.decode()
    data = {f"mark-{d.isoformat()}-{s}": ("/" if s == "AM" else "N") for d in week_days for s in ("AM", "PM")}
    response = client.post(url, data)
    assert response.status_code == 302
    assert SessionMark.objects.filter(child=child).count() == 10
    page = client.get(url)
    assert "50.0%" in page.content.decode()


def test_the_week_grid_follows_the_schools_own_calendar(client, child, school, caseworker, week_days):
    """A closure day in the calendar the child's school follows is not offered for marks, and a post for it saves
    nothing."""
    from vschool.calendar.models import Closure, SchoolCalendar

    calendar = SchoolCalendar.objects.create(name="Academy trust calendar")
    calendar.schools.add(school)
    closed = week_days[1]
    Closure.objects.create(calendar=calendar, date=closed, reason=Closure.Reason.INSET)
    client.force_login(caseworker)
    url = reverse("attendance:week", args=[child.pk, week_days[0].isoformat()])
    html = client.get(url).content.decode()
    assert f"{week_days[0]:%A %-d %B} morning" in html
    assert f"{closed:%A %-d %B} morning" not in html
    client.post(url, {f"mark-{d.isoformat()}-{s}": "/" for d in week_days for s in ("AM", "PM")})
    assert SessionMark.objects.filter(child=child).count() == 8
    assert not SessionMark.objects.filter(child=child, date=closed).exists()


def test_unknown_code_is_refused_with_a_message(client, child, caseworker, week_days):
    client.force_login(caseworker)
    url = reverse("attendance:week", args=[child.pk, week_days[0].isoformat()])
    response = client.post(url, {f"mark-{week_days[0].isoformat()}-AM": "H"})
    assert response.status_code == 400
    assert "Choose a code from the list" in response.content.decode()
    assert not SessionMark.objects.exists()


def test_other_dt_and_viewer_get_404(client, child, make_user, viewer, week_days):
    other = make_user("designated_teacher", "dt-other")
    for user in (other, viewer):
        client.force_login(user)
        assert client.get(reverse("attendance:child_attendance", args=[child.pk])).status_code == 404
        assert client.get(reverse("attendance:week", args=[child.pk, week_days[0].isoformat()])).status_code == 404


def test_child_tab_renders_chart_and_is_access_logged(client, child, caseworker, term_week_days):
    client.force_login(caseworker)
    url = reverse("attendance:week", args=[child.pk, term_week_days[0].isoformat()])
    client.post(url, {f"mark-{d.isoformat()}-{s}": "/" if s == "AM" else "\\" for d in term_week_days for s in ("AM", "PM")})
    response = client.get(reverse("attendance:child_attendance", args=[child.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in html and "<title" in html and "app-attendance-chart__bar" in html
    assert 'style="' not in html
    assert AccessLog.objects.filter(child_id=child.pk).exists()


def test_caseworker_uploads_a_file_and_sees_the_row_report(client, child, caseworker, week_days):
    client.force_login(caseworker)
    d = week_days[0].isoformat()
    body = f"child_id,urn,date,session,code\nC000001,123456,{d},AM,/\nC000404,123456,{d},AM,/\n"
    upload = SimpleUploadedFile("marks.csv", body.encode(), content_type="text/csv")
    response = client.post(reverse("attendance:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No child with ID C000404" in html
    assert SessionMark.objects.count() == 1


def test_upload_of_a_wrong_file_shows_the_file_error(client, caseworker):
    client.force_login(caseworker)
    upload = SimpleUploadedFile("marks.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post(reverse("attendance:import"), {"file": upload})
    assert response.status_code == 400
    assert "missing the column" in response.content.decode()


def test_import_page_is_for_vs_staff_only(client, dt_of_school):
    client.force_login(dt_of_school)
    assert client.get(reverse("attendance:import")).status_code == 404


def test_exclusion_form_shows_the_limit_message(client, child, caseworker, week_days):
    client.force_login(caseworker)
    url = reverse("attendance:exclusion_add", args=[child.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "suspension", "start": week_days[0].strftime("%d/%m/%Y"), "days": "46", "reason": "PD"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The limit is 45 days" in response.content.decode()
    data["days"] = "2"
    assert client.post(url, data).status_code == 302


def test_part_time_timetable_recorded_then_reviewed(client, child, caseworker, week_days):
    from attendance.models import PartTimeTimetable

    client.force_login(caseworker)
    url = reverse("attendance:part_time_add", args=[child.pk])
    data = {"hours_per_week": "15", "reason": "Phased return", "agreed_by": "Carer and social worker",
            "start": week_days[0].strftime("%d/%m/%Y")}
    assert client.post(url, data).status_code == 302
    ptt = PartTimeTimetable.objects.get(child=child)
    page = client.get(reverse("attendance:child_attendance", args=[child.pk])).content.decode()
    review_url = reverse("attendance:part_time_review", args=[child.pk, ptt.pk])
    assert review_url in page
    before_start = (week_days[0] - timedelta(days=1)).strftime("%d/%m/%Y")
    refused = client.post(review_url, {"end": before_start})
    assert refused.status_code == 400 and "The end date must be on or after the start" in refused.content.decode()
    past = client.post(review_url, {"next_review": week_days[0].strftime("%d/%m/%Y")})
    assert past.status_code == 400 and "The next review must be after today" in past.content.decode()
    other = ChildFactory(la_child_id="C000777")
    assert client.get(reverse("attendance:part_time_review", args=[other.pk, ptt.pk])).status_code == 404
    assert client.post(review_url, {"end": week_days[4].strftime("%d/%m/%Y")}).status_code == 302
    ptt.refresh_from_db()
    assert ptt.end == week_days[4]


def test_child_tab_query_count_does_not_grow_with_history(client, child, caseworker, django_assert_max_num_queries):
    import random as rnd
    from datetime import timedelta

    from django.utils import timezone

    from attendance import demo
    from vschool.core.demo import DemoContext

    client.force_login(caseworker)
    url = reverse("attendance:child_attendance", args=[child.pk])
    client.get(url)  # warm caches
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    demo.seed(DemoContext(children=1, seed=1, years=1, today=timezone.localdate() - timedelta(days=1), password="x",
                          rng=rnd.Random(1)))
    assert SessionMark.objects.filter(child=child).count() > 100
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = client.get(url)
    assert response.status_code == 200
