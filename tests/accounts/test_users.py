import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vschool.accounts.models import User
from vschool.accounts.roles import Role
from vschool.accounts.services import user_change_role, user_deactivate, user_unlock

PASSWORD = "correct-horse-battery"


def test_vsh_lists_and_searches_users(client, vsh, caseworker, sw):
    client.force_login(vsh)
    response = client.get(reverse("accounts:user_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert caseworker.email in html and sw.email in html
    found = client.get(reverse("accounts:user_list"), {"q": "sw@"})
    html = found.content.decode()
    assert sw.email in html and caseworker.email not in html


@pytest.mark.parametrize("role", [r for r in Role if r != Role.HEADTEACHER])
def test_only_the_vsh_manages_users(client, make_user, role, vsh):
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[vsh.pk])).status_code == 404
    assert client.post(reverse("accounts:user_deactivate", args=[vsh.pk])).status_code == 404
    vsh.refresh_from_db()
    assert vsh.is_active


def test_user_list_query_count_is_flat(client, vsh, make_user, django_assert_max_num_queries):
    for n in range(40):
        make_user(Role.SOCIAL_WORKER, f"sw{n}")
    client.force_login(vsh)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200


def test_change_role_through_the_page_is_audited(client, vsh, sw):
    client.force_login(vsh)
    response = client.post(reverse("accounts:user_role", args=[sw.pk]), {"role": Role.VS_STAFF})
    assert response.status_code == 302
    sw = User.objects.get(pk=sw.pk)
    assert sw.roles == {Role.VS_STAFF}
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_pk=str(sw.pk)).latest(
        "timestamp")
    assert entry.actor == vsh
    assert entry.changes_dict.get("role") == [Role.SOCIAL_WORKER, Role.VS_STAFF]


def test_deactivate_and_reactivate_never_delete(client, vsh, sw):
    client.force_login(vsh)
    client.post(reverse("accounts:user_deactivate", args=[sw.pk]))
    sw.refresh_from_db()
    assert not sw.is_active and sw.deactivated_at is not None
    # A deactivated user cannot sign in.
    other = client.__class__()
    response = other.post(reverse("accounts:login"), {"username": sw.email, "password": PASSWORD})
    assert response.status_code == 200
    client.post(reverse("accounts:user_reactivate", args=[sw.pk]))
    sw.refresh_from_db()
    assert sw.is_active and sw.deactivated_at is None
    assert User.objects.filter(pk=sw.pk).exists()


def test_vsh_cannot_deactivate_themselves(client, vsh):
    with pytest.raises(ValidationError):
        user_deactivate(actor=vsh, user=vsh)
    client.force_login(vsh)
    client.post(reverse("accounts:user_deactivate", args=[vsh.pk]))
    vsh.refresh_from_db()
    assert vsh.is_active


def test_services_refuse_non_managers(caseworker, sw):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=caseworker, user=sw)
    with pytest.raises(PermissionDenied):
        user_change_role(actor=caseworker, user=sw, role=Role.HEADTEACHER)
    with pytest.raises(PermissionDenied):
        user_unlock(actor=caseworker, user=sw)


def test_vsh_unlocks_a_locked_account(client, vsh, sw, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": sw.email, "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": sw.email, "password": PASSWORD})
    assert "Your account is locked" in locked.content.decode()

    manager = client.__class__()
    manager.force_login(vsh)
    page = manager.get(reverse("accounts:user_detail", args=[sw.pk]))
    assert "Unlock account" in page.content.decode()
    assert "Locked" in manager.get(reverse("accounts:user_list")).content.decode()
    manager.post(reverse("accounts:user_unlock", args=[sw.pk]))

    response = client.post(reverse("accounts:login"), {"username": sw.email, "password": PASSWORD})
    assert response.status_code == 302


def test_two_factor_reset_removes_devices(client, vsh, sw):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=sw, name="app", confirmed=True)
    client.force_login(vsh)
    client.post(reverse("accounts:user_two_factor_reset", args=[sw.pk]))
    assert not TOTPDevice.objects.filter(user=sw).exists()
