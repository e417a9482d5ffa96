"""Demo users, one per role (usernames are part of the stable contract: DESIGN.md §3)."""

from django.contrib.auth.models import Group

from vschool.core.models import Authority

from .models import User
from .roles import ALL_ROLES, Role

DEMO_USERS = [
    ("vsh", Role.HEADTEACHER, "Alex", "Morgan", "Virtual School Headteacher"),
    ("caseworker", Role.VS_STAFF, "Sam", "Patel", "Caseworker"),
    ("finance", Role.FINANCE, "Jo", "Baker", "Finance officer"),
    ("dt", Role.DESIGNATED_TEACHER, "Chris", "Evans", "Designated teacher"),
    ("sw", Role.SOCIAL_WORKER, "Robin", "Hughes", "Social worker"),
    ("viewer", Role.VIEWER, "Kim", "Lewis", "Data analyst"),
]


def ensure_groups() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}


def seed(ctx) -> None:
    Authority.current()
    groups = ensure_groups()
    for username, role, first, last, title in DEMO_USERS:
        domain = "school.example.org" if role == Role.DESIGNATED_TEACHER else "council.example.org"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@{domain}", "first_name": first, "last_name": last, "job_title": title},
        )
        if created or not user.has_usable_password():
            user.set_password(ctx.password)
            user.save()
        elif not user.check_password(ctx.password):
            user.set_password(ctx.password)
            user.save(update_fields=["password"])
        user.groups.set([groups[role]])
        if role == Role.HEADTEACHER and not user.is_staff:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        ctx.users[username] = user
