"""Role predicates every app's rules.py builds on (django-rules)."""

import rules

from .roles import Role, has_role


@rules.predicate
def is_headteacher(user) -> bool:
    return has_role(user, Role.HEADTEACHER)


@rules.predicate
def is_vs_staff(user) -> bool:
    """VS staff or the VSH."""
    return has_role(user, Role.HEADTEACHER, Role.VS_STAFF)


@rules.predicate
def is_finance(user) -> bool:
    return has_role(user, Role.FINANCE)


@rules.predicate
def is_designated_teacher(user) -> bool:
    return has_role(user, Role.DESIGNATED_TEACHER)


@rules.predicate
def is_social_worker(user) -> bool:
    return has_role(user, Role.SOCIAL_WORKER)


@rules.predicate
def is_viewer(user) -> bool:
    return has_role(user, Role.VIEWER)


rules.add_perm("accounts.manage_users", is_headteacher)
rules.add_perm("accounts.invite_user", is_vs_staff)
rules.add_perm("audit.search", is_headteacher)
