"""Who may see and do what with a PEP."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from peps import services
from peps.models import PEP, Section
from peps.selectors import pep_visible_to
from roll.models import SchoolStaff
from tests.roll.factories import SchoolFactory, SchoolStaffFactory


def _section(pep, kind):
    section = pep.sections.get(kind=kind)
    section.pep = PEP.objects.select_related("child").get(pk=pep.pk)
    return section


def test_visibility_by_role(pep, dt, sw, caseworker, vsh, viewer, make_user, finance_user):
    other_dt = make_user("designated_teacher", "other-dt", email="t@other.example.org")
    SchoolStaffFactory(school=SchoolFactory(), user=other_dt)
    other_sw = make_user("social_worker", "other-sw")
    for user in (dt, sw, caseworker, vsh):
        assert pep_visible_to(user).filter(pk=pep.pk).exists(), user
    for user in (viewer, other_dt, other_sw, finance_user):
        assert not pep_visible_to(user).filter(pk=pep.pk).exists(), user


@pytest.mark.parametrize("username", ["viewer", "other", "finance"])
def test_pages_answer_404_to_people_who_may_not_see_the_pep(client, pep, make_user, username):
    role = {"viewer": "viewer", "other": "designated_teacher", "finance": "finance"}[username]
    client.force_login(make_user(role, username))
    for name in ("peps:pep_detail", "peps:pep_pdf", "peps:meeting_set"):
        assert client.get(reverse(name, args=[pep.pk])).status_code == 404
    assert client.get(reverse("peps:section_edit", args=[pep.pk, "views"])).status_code == 404
    assert client.post(reverse("peps:pep_submit", args=[pep.pk])).status_code == 404
    assert client.get(reverse("peps:child_peps", args=[pep.child_id])).status_code == 404


def test_dt_edits_school_sections_not_the_social_workers(pep, dt):
    services.section_save(actor=dt, section=_section(pep, Section.Kind.VIEWS), content={"hard": "x"}, version=1)
    with pytest.raises(PermissionDenied):
        services.section_save(actor=dt, section=_section(pep, Section.Kind.MEETING), content={}, version=1)


def test_sw_edits_their_section_and_reads_the_rest(pep, sw, client):
    services.section_save(actor=sw, section=_section(pep, Section.Kind.MEETING), content={"venue": "x"}, version=1)
    with pytest.raises(PermissionDenied):
        services.section_save(actor=sw, section=_section(pep, Section.Kind.VIEWS), content={}, version=1)
    client.force_login(sw)
    response = client.get(reverse("peps:pep_detail", args=[pep.pk]))
    assert response.status_code == 200
    # A section they cannot edit sends them to read it on the PEP page.
    assert client.get(reverse("peps:section_edit", args=[pep.pk, "views"])).status_code == 302


def test_dt_who_left_the_school_loses_the_pep(pep, dt):
    SchoolStaff.objects.filter(user=dt).update(end=date(2025, 1, 1))
    dt._peps_school_ids = None
    assert not pep_visible_to(dt).filter(pk=pep.pk).exists()


def test_sw_cannot_submit_and_dt_cannot_qa(ready_pep, sw, dt):
    with pytest.raises(PermissionDenied):
        services.pep_submit(actor=sw, pep=ready_pep)
    submitted = services.pep_submit(actor=dt, pep=ready_pep)
    with pytest.raises(PermissionDenied):
        services.pep_return(actor=dt, pep=submitted, reason="no")


def test_delegation_to_same_domain_colleague(pep, dt, make_user):
    colleague = make_user("designated_teacher", "colleague", email="colleague@school.example.org")
    outsider = make_user("designated_teacher", "outsider", email="someone@elsewhere.example.org")
    with pytest.raises(ValidationError):
        services.delegation_create(actor=dt, delegate=outsider, child=pep.child)
    services.delegation_create(actor=dt, delegate=colleague, child=pep.child, section_kinds=["views"])
    assert pep_visible_to(colleague).filter(pk=pep.pk).exists()
    services.section_save(actor=colleague, section=_section(pep, Section.Kind.VIEWS), content={"hard": "x"},
                          version=1)
    with pytest.raises(PermissionDenied):
        services.section_save(actor=colleague, section=_section(pep, Section.Kind.WELLBEING), content={},
                              version=1)
    # The DT stays accountable: a delegate cannot submit.
    assert not colleague.has_perm("peps.submit_pep", pep)


def test_delegation_by_someone_not_the_childs_dt_is_refused(pep, make_user):
    stranger = make_user("designated_teacher", "stranger", email="a@school.example.org")
    colleague = make_user("designated_teacher", "colleague2", email="b@school.example.org")
    with pytest.raises(PermissionDenied):
        services.delegation_create(actor=stranger, delegate=colleague, child=pep.child)


def test_tracker_is_for_vs_staff_only(client, dt, caseworker):
    client.force_login(dt)
    assert client.get(reverse("peps:tracker")).status_code == 404
    client.force_login(caseworker)
    assert client.get(reverse("peps:tracker")).status_code == 200


def test_viewer_has_no_my_peps(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("peps:my_peps")).status_code == 404
