"""Factories for the roll: fake people only."""

from datetime import date

import factory

from roll.models import Allocation, Child, Enrolment, LegalStatus, Placement, School, SchoolStaff


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: str(100000 + n))
    name = factory.Sequence(lambda n: f"Riverside School {n}")
    phase = School.Phase.SECONDARY
    type_name = "Academy converter"
    la_code = "999"
    la_name = "Demo County"
    postcode = "ZZ1 1ZZ"
    email_domain = "school.example.org"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    legal_last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2014, 5, 1)
    sex = Child.Sex.FEMALE
    cohort = Child.Cohort.CLA
    on_roll_from = date(2024, 1, 8)


class LegalStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalStatus

    child = factory.SubFactory(ChildFactory)
    code = "C2"
    start = date(2024, 1, 8)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    start = date(2024, 1, 8)
    place_code = "U4"
    provider_code = "PR1"
    postcode_district = "ZZ1"
    in_area = True


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    start = date(2024, 1, 8)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    child = factory.SubFactory(ChildFactory)
    role = Allocation.Role.CASEWORKER
    start = date(2024, 1, 8)


class SchoolStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolStaff

    school = factory.SubFactory(SchoolFactory)
    start = date(2024, 1, 1)
