"""Every write about people and their sign-in: invitations, roles, deactivation, unlocking and two-factor devices.

Each service takes the acting user, checks the rule, runs in one transaction and is recorded by django-auditlog
(User and Invitation are registered in apps.py), so the change history shows who did what.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vschool.core.notify import notify

from .models import Invitation, User
from .roles import Role, is_headteacher, is_vs_staff

BACKUP_CODE_COUNT = 10
# VS staff may invite school and social-care colleagues; the VSH may invite anyone.
STAFF_INVITABLE_ROLES = {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}


def invitable_roles(actor) -> list[str]:
    if is_headteacher(actor):
        return [r.value for r in Role]
    if is_vs_staff(actor):
        return [r.value for r in Role if r in STAFF_INVITABLE_ROLES]
    return []


def _send_invitation(invitation: Invitation, token: str) -> None:
    notify(
        recipients=[invitation.email],
        subject="You have been invited to sign in",
        message=(
            f"{invitation.invited_by} has invited you to use {settings.SERVICE_NAME} as "
            f"{Role(invitation.role).label.lower()}. Open the link to set your password. "
            f"The link works once and expires in {settings.INVITATION_EXPIRY_DAYS} days."
        ),
        path=reverse("accounts:invitation_accept", args=[token]),
    )


@transaction.atomic
def invitation_create(*, actor, email: str, role: str, first_name: str = "", last_name: str = "",
                      schools=()) -> Invitation:
    """Invite someone by email to a role; a designated teacher is linked to `schools` when they accept.

    Sends a one-time link that expires after INVITATION_EXPIRY_DAYS. Refuses an address that already has an account
    or a pending invitation.
    """
    if role not in invitable_roles(actor):
        raise PermissionDenied
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "There is already an account with this email address"})
    pending = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now())
    if pending.exists():
        raise ValidationError({"email": "This person already has an invitation waiting; resend it instead"})
    school_ids = sorted({s.pk for s in schools})
    if role == Role.DESIGNATED_TEACHER and not school_ids:
        raise ValidationError({"schools": "Choose at least one school for a designated teacher"})
    if role != Role.DESIGNATED_TEACHER:
        school_ids = []
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email, role=role, first_name=first_name.strip(), last_name=last_name.strip(), token_hash=token_hash,
        invited_by=actor, school_ids=school_ids, expires_at=Invitation.default_expiry(),
    )
    transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


def _pending_invitation_locked(actor, invitation: Invitation) -> Invitation:
    """The invitation, locked for update, if the actor may manage its role and it is still pending."""
    if invitation.role not in invitable_roles(actor):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted")
    return invitation


@transaction.atomic
def invitation_resend(*, actor, invitation: Invitation) -> Invitation:
    """Send a fresh link (the old one stops working) with a new expiry date."""
    invitation = _pending_invitation_locked(actor, invitation)
    token, invitation.token_hash = Invitation.new_token()
    invitation.expires_at = Invitation.default_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


@transaction.atomic
def invitation_cancel(*, actor, invitation: Invitation) -> None:
    """Withdraw a pending invitation: its link stops working at once (the row is kept as an expired invitation)."""
    invitation = _pending_invitation_locked(actor, invitation)
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])


def _unique_username(email: str) -> str:
    base = email.split("@", 1)[0][:120] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Turn a usable invitation into an account in the invited role, linked to the invited schools.

    The link works once: the invitation is marked accepted in the same transaction.
    """
    from roll.models import School, SchoolStaff

    invitation = Invitation.find(token)
    if invitation is None:
        raise ValidationError("This invitation link is not valid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError("This invitation link has expired or has already been used")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError("There is already an account with this email address")
    user = User(
        username=_unique_username(invitation.email), email=invitation.email,
        first_name=first_name.strip(), last_name=last_name.strip(),
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=invitation.role)[0]])
    if invitation.role == Role.DESIGNATED_TEACHER:
        for school in School.objects.filter(pk__in=invitation.school_ids):
            link = SchoolStaff(school=school, user=user, kind=SchoolStaff.Kind.DESIGNATED_TEACHER,
                               start=timezone.localdate())
            link.stamp(invitation.invited_by)
            link.save()
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


def _require_manager(actor) -> None:
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied


@transaction.atomic
def user_change_role(*, actor, user: User, role: str) -> User:
    """Give a user exactly one of the six roles (their Django group)."""
    _require_manager(actor)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role"})
    if user.pk == actor.pk and role != Role.HEADTEACHER:
        raise ValidationError({"role": "You cannot remove your own headteacher role"})
    before = user.primary_role
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    user._role_names = None
    # Touch the row so the change history records the new role alongside the user.
    if before != role:
        from auditlog.models import LogEntry

        LogEntry.objects.log_create(
            user, action=LogEntry.Action.UPDATE, changes={"role": [before or "", role]}, actor=actor, force_log=True,
        )
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Stop a user signing in (leavers). Nothing is deleted, so their history stays attributable."""
    _require_manager(actor)
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        # Sign them out everywhere: their sessions are dropped with the next request (inactive users fail auth).
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User) -> User:
    """Let a deactivated user sign in again."""
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
    return user


def _attempt_usernames(user: User) -> list[str]:
    """Every spelling of this user's sign-in name that has failed attempts recorded (username or email, any case)."""
    names = {user.username.lower(), user.email.lower()}
    return [
        u for u in AccessAttempt.objects.values_list("username", flat=True).distinct()
        if u and u.lower() in names
    ]


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """Clear failed sign-in attempts so a locked-out user can try again. Returns how many records were cleared."""
    from auditlog.models import LogEntry
    from axes.utils import reset

    _require_manager(actor)
    cleared = 0
    for username in _attempt_usernames(user):
        cleared += reset(username=username)
    LogEntry.objects.log_create(
        user, action=LogEntry.Action.UPDATE, changes={"sign-in lock": ["locked", "unlocked"]}, actor=actor, force_log=True,
    )
    return cleared


# Two-factor devices -------------------------------------------------------------------------------------------

def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first use so the QR code stays the same on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment when `code` matches the device; returns 10 new single-use backup codes, or None."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    """Replace the user's backup codes with 10 new ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_verify(*, user, code: str):
    """The device that accepts `code` (a 6-digit authenticator code, or a backup code), or None."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    if code.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        if device.verify_token(code):
            return device
    return None


@transaction.atomic
def vsh_create(*, email: str, first_name: str, last_name: str, password: str) -> User:
    """Create the first Virtual School Headteacher of a new deployment (used by the create_vsh command)."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("There is already an account with this email address")
    user = User(username=_unique_username(email), email=email, first_name=first_name, last_name=last_name,
                is_staff=True, is_superuser=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=Role.HEADTEACHER)[0]])
    return user


@transaction.atomic
def user_two_factor_reset(*, actor, user: User) -> User:
    """Remove a user's authenticator and backup codes (lost phone); they enrol again at their next sign-in."""
    from auditlog.models import LogEntry

    _require_manager(actor)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    LogEntry.objects.log_create(
        user, action=LogEntry.Action.UPDATE, changes={"two-factor": ["set up", "reset"]}, actor=actor,
        force_log=True,
    )
    return user
