"""Who sees which children: the scoping every selector builds on."""

from roll.models import Allocation, Child
from tests.roll.factories import (
    AllocationFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SchoolStaffFactory,
)


def test_each_role_sees_only_the_children_it_may(vsh, caseworker, dt, sw, viewer, finance_user):
    mine, other = SchoolFactory(), SchoolFactory()
    SchoolStaffFactory(school=mine, user=dt)
    at_mine = EnrolmentFactory(school=mine).child
    at_other = EnrolmentFactory(school=other).child
    allocated = ChildFactory()
    AllocationFactory(child=allocated, role=Allocation.Role.SOCIAL_WORKER, user=sw)

    everyone = {at_mine, at_other, allocated}
    assert set(Child.objects.visible_to(vsh)) == everyone
    assert set(Child.objects.visible_to(caseworker)) == everyone
    assert set(Child.objects.visible_to(dt)) == {at_mine}
    assert set(Child.objects.visible_to(sw)) == {allocated}
    assert not Child.objects.visible_to(viewer).exists()
    assert not Child.objects.visible_to(finance_user).exists()


def test_dt_loses_sight_of_a_child_who_has_left_the_school(dt):
    school = SchoolFactory()
    SchoolStaffFactory(school=school, user=dt)
    enrolment = EnrolmentFactory(school=school)
    enrolment.end = enrolment.start
    enrolment.save()
    assert not Child.objects.visible_to(dt).exists()
