"""Reads for the people pages: users, pending invitations and sign-in locks."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Invitation, User
from .roles import is_vs_staff


def user_list(*, user, search: str = "") -> QuerySet[User]:
    """Everyone with an account (active or not), for the VSH, with their groups prefetched (one extra query)."""
    if not user.has_perm("accounts.manage_users"):
        raise PermissionDenied
    qs = User.objects.prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name")))
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            | Q(username__icontains=word) | Q(job_title__icontains=word)
        )
    return qs.order_by("last_name", "first_name", "username")


def locked_sign_in_names() -> set[str]:
    """Lower-cased sign-in names (usernames or emails) that are locked out now. Locks are few: one query."""
    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        qs = qs.filter(attempt_time__gte=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME))
    return {u.lower() for u in qs.values_list("username", flat=True) if u}


def user_is_locked(target: User, locked: set[str] | None = None) -> bool:
    locked = locked_sign_in_names() if locked is None else locked
    return target.username.lower() in locked or target.email.lower() in locked


def invitation_pending_list(*, user) -> QuerySet[Invitation]:
    """Invitations not yet accepted (including expired ones, which can be resent), newest first."""
    if not is_vs_staff(user):
        raise PermissionDenied
    return Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by").order_by("-created_at")
