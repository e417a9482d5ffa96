"""The admin shows attendance records but cannot write them: writes go through the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Exclusion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["exclusion", "parttimetimetable", "alternativeprovision", "weeklyreturn",
                                   "importbatch"])
def test_admin_lists_attendance_records_but_offers_no_add(client, vsh, model):
    vsh.is_staff = vsh.is_superuser = True
    vsh.save()
    client.force_login(vsh)
    assert client.get(reverse(f"admin:attendance_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:attendance_{model}_add")).status_code == 403


def test_an_exclusion_opens_read_only_and_cannot_be_deleted(client, vsh, child):
    vsh.is_staff = vsh.is_superuser = True
    vsh.save()
    ex = Exclusion.objects.create(child=child, kind="suspension", start=timezone.localdate(), days=2, reason="PD")
    client.force_login(vsh)
    page = client.get(reverse("admin:attendance_exclusion_change", args=[ex.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:attendance_exclusion_change", args=[ex.pk]), {"days": "9"}).status_code == 403
    assert client.post(reverse("admin:attendance_exclusion_delete", args=[ex.pk]), {"post": "yes"}).status_code == 403
    ex.refresh_from_db()
    assert ex.days == 2
