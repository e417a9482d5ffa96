"""The six roles (Django groups) and small helpers to ask a user about them."""

from django.db import models


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Virtual School Headteacher"
    VS_STAFF = "vs_staff", "Virtual School staff"
    FINANCE = "finance", "Finance"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    SOCIAL_WORKER = "social_worker", "Social worker"
    VIEWER = "viewer", "Viewer (aggregates only)"


ALL_ROLES = [r.value for r in Role]
# Roles that see every child on the roll.
WHOLE_ROLL_ROLES = {Role.HEADTEACHER, Role.VS_STAFF}


def role_names(user) -> frozenset[str]:
    """The user's role names, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_vs_staff(user) -> bool:
    """VS staff and the VSH: the people who work the whole roll."""
    return has_role(user, Role.HEADTEACHER, Role.VS_STAFF)


def is_headteacher(user) -> bool:
    return has_role(user, Role.HEADTEACHER)
