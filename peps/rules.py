"""Who may do what with PEPs (django-rules). The only place these decisions are made.

- Designated teachers (and colleagues they delegate to) edit the school's sections of their pupils' open PEPs;
  a pupil is theirs when the child is currently enrolled at a school where they are school staff.
- Social workers edit their own sections for children allocated to them, and read the rest.
- VS staff and the VSH edit and quality-assure every PEP; only the VSH reopens an approved one.
- Viewers never see a PEP (the selectors answer 404).
"""

import rules
from django.db.models import Q
from django.utils import timezone

from vschool.accounts.roles import Role, has_role
from vschool.accounts.rules import is_headteacher, is_vs_staff

from .models import PEP, OwnerRole


def _school_ids(user) -> frozenset:
    """Schools where the user is current school staff (cached on the user object for the request)."""
    cached = getattr(user, "_peps_school_ids", None)
    if cached is None:
        from roll.models import SchoolStaff

        today = timezone.localdate()
        cached = frozenset(
            SchoolStaff.objects.filter(user=user, start__lte=today)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .values_list("school_id", flat=True)
        ) if getattr(user, "pk", None) else frozenset()
        user._peps_school_ids = cached
    return cached


def _current_school_ids(child) -> frozenset:
    cached = getattr(child, "_peps_current_school_ids", None)
    if cached is None:
        from roll.models import Enrolment

        cached = frozenset(Enrolment.objects.current().filter(child=child).values_list("school_id", flat=True))
        child._peps_current_school_ids = cached
    return cached


def _delegation(user, child):
    from .models import Delegation

    key = f"_peps_delegation_{child.pk}"
    if not hasattr(user, key):
        setattr(user, key, Delegation.objects.filter(delegate=user, child=child, revoked_at__isnull=True).first())
    return getattr(user, key)


def is_school_staff_of_child(user, child) -> bool:
    """The user is staff (DT or colleague) at a school where the child is currently enrolled."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_school_ids(user) & _current_school_ids(child))


def is_dt_of_child(user, child) -> bool:
    return has_role(user, Role.DESIGNATED_TEACHER) and is_school_staff_of_child(user, child)


def is_allocated_sw(user, child) -> bool:
    if not has_role(user, Role.SOCIAL_WORKER):
        return False
    key = f"_peps_sw_of_{child.pk}"
    if not hasattr(user, key):
        from roll.models import Allocation

        setattr(user, key, Allocation.objects.current().filter(
            child=child, role=Allocation.Role.SOCIAL_WORKER, user=user).exists())
    return getattr(user, key)


@rules.predicate
def is_pep_open(user, pep) -> bool:
    return pep is not None and pep.status in PEP.EDITABLE_STATUSES


@rules.predicate
def is_pep_dt(user, pep) -> bool:
    return pep is not None and is_dt_of_child(user, pep.child)


@rules.predicate
def is_pep_delegate(user, pep) -> bool:
    return pep is not None and getattr(user, "pk", None) is not None and _delegation(user, pep.child) is not None


@rules.predicate
def is_pep_sw(user, pep) -> bool:
    return pep is not None and is_allocated_sw(user, pep.child)


@rules.predicate
def is_submitted(user, pep) -> bool:
    return pep is not None and pep.status == PEP.Status.SUBMITTED


@rules.predicate
def is_approved(user, pep) -> bool:
    return pep is not None and pep.status == PEP.Status.APPROVED


@rules.predicate
def can_edit_section(user, section) -> bool:
    if section is None or section.pep.status not in PEP.EDITABLE_STATUSES:
        return False
    if is_vs_staff(user):
        return True
    pep = section.pep
    if section.owner_role == OwnerRole.DESIGNATED_TEACHER:
        if is_dt_of_child(user, pep.child):
            return True
        delegation = _delegation(user, pep.child) if getattr(user, "pk", None) else None
        return delegation is not None and delegation.covers(section.kind)
    if section.owner_role == OwnerRole.SOCIAL_WORKER:
        return is_allocated_sw(user, pep.child)
    return False


can_view = is_vs_staff | is_pep_dt | is_pep_delegate | is_pep_sw

rules.add_perm("peps.view_pep", can_view)
rules.add_perm("peps.edit_section", can_edit_section)
rules.add_perm("peps.set_meeting", is_pep_open & (is_vs_staff | is_pep_dt | is_pep_sw))
rules.add_perm("peps.edit_targets", is_pep_open & (is_vs_staff | is_pep_dt | is_pep_delegate))
rules.add_perm("peps.submit_pep", is_pep_open & (is_vs_staff | is_pep_dt))
rules.add_perm("peps.answer_qa", is_pep_open & (is_vs_staff | is_pep_dt | is_pep_delegate))
rules.add_perm("peps.qa_pep", is_submitted & is_vs_staff)
rules.add_perm("peps.reopen_pep", is_approved & is_headteacher)
rules.add_perm("peps.cancel_pep", is_pep_open & is_vs_staff)
rules.add_perm("peps.comment", can_view)
rules.add_perm("peps.attach", can_view & ~is_approved)
rules.add_perm("peps.create_pep", is_vs_staff)
rules.add_perm("peps.view_tracker", is_vs_staff)
rules.add_perm("peps.delegate", rules.is_authenticated & rules.predicate(lambda u: has_role(u, Role.DESIGNATED_TEACHER)))
