"""Sign-in, two-factor, invitations, password reset and user management: thin views over services/selectors."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vschool.core.pagination import paginate

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    CodeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    InvitationForm,
    RoleForm,
    SignInForm,
    UserSearchForm,
)
from .models import Invitation, User
from .qr import qr_svg
from .roles import Role, is_vs_staff

SIGN_IN_BACKEND = "vschool.accounts.backends.EmailOrUsernameBackend"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context


class SignOutView(auth_views.LogoutView):
    pass


def _safe_next(request, default: str | None = None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


# Two-factor ---------------------------------------------------------------------------------------------------

def two_factor(request):
    """Enrol an authenticator app (first time) or verify a code from it; then carry on to ?next."""
    user = request.user
    next_url = _safe_next(request)
    if user.is_verified():
        return redirect(next_url)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return _two_factor_verify(request, next_url)
    return _two_factor_enrol(request, next_url)


def _two_factor_verify(request, next_url):
    form = CodeForm(request.POST or None, button="Continue",
                    hint="The 6-digit code shown in your authenticator app, or one of your backup codes")
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("code", "The code is not correct or has expired; enter the code now shown in your app")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


def _two_factor_enrol(request, next_url):
    device = services.totp_device_for_enrolment(user=request.user)
    form = CodeForm(request.POST or None, button="Confirm and continue",
                    hint="The 6-digit code your authenticator app shows after you add this account")
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            # The backup codes are shown on this response only; they are not stored in a readable form elsewhere.
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", "The code is not correct; enter the 6-digit code now shown in your app")
    secret = _spaced(_b32(device))
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url, label="QR code to add this account to an authenticator app"),
        "secret": secret,
    }, status=400 if form.errors else 200)


def _b32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def _spaced(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# Invitations --------------------------------------------------------------------------------------------------

def _require_vs_staff(request):
    if not is_vs_staff(request.user):
        raise Http404


def invitation_list(request):
    _require_vs_staff(request)
    page, query = paginate(request, selectors.invitation_pending_list(user=request.user))
    return render(request, "accounts/invitation_list.html", {
        "page": page, "query": query, "breadcrumbs": _people_crumbs(request, "Invitations"),
    })


def invitation_create(request):
    _require_vs_staff(request)
    form = InvitationForm(request.POST or None, roles=services.invitable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                actor=request.user, email=data["email"], role=data["role"], first_name=data["first_name"],
                last_name=data["last_name"], schools=data["schools"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {
        "form": form, "breadcrumbs": _people_crumbs(request, "Invite someone"),
    }, status=400 if form.errors else 200)


@require_POST
def invitation_resend(request, pk):
    _require_vs_staff(request)
    invitation = get_object_or_404(Invitation, pk=pk, accepted_at__isnull=True)
    invitation = services.invitation_resend(actor=request.user, invitation=invitation)
    messages.success(request, f"Invitation sent again to {invitation.email}")
    return redirect("accounts:invitation_list")


@require_POST
def invitation_cancel(request, pk):
    _require_vs_staff(request)
    invitation = get_object_or_404(Invitation, pk=pk, accepted_at__isnull=True)
    services.invitation_cancel(actor=request.user, invitation=invitation)
    messages.success(request, f"Invitation to {invitation.email} cancelled")
    return redirect("accounts:invitation_list")


def invitation_accept(request, token):
    invitation = Invitation.find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not invitation.is_usable:
        reason = "used" if invitation.accepted_at else "expired"
        return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=410)
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(token=token, first_name=data["first_name"],
                                              last_name=data["last_name"], password=data["password1"])
        except ValidationError as error:
            _add_errors(form, error, field="password1")
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            if settings.REQUIRE_2FA:
                return redirect(f"{reverse('accounts:two_factor')}?next={reverse(settings.LOGIN_REDIRECT_URL)}")
            messages.success(request, "Your account is ready")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/invitation_accept.html", {
        "form": form, "invitation": invitation, "role_label": Role(invitation.role).label,
    }, status=400 if form.errors else 200)


def _add_errors(form, error: ValidationError, field: str | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error.messages)


# User management (the VSH) ------------------------------------------------------------------------------------

def _require_manager(request):
    if not request.user.has_perm("accounts.manage_users"):
        raise Http404


def _people_crumbs(request, current: str) -> list[dict]:
    crumbs = [{"label": "Home", "url": reverse("dashboard:home")}]
    if request.user.has_perm("accounts.manage_users"):
        crumbs.append({"label": "Users", "url": reverse("accounts:user_list")})
    crumbs.append({"label": current, "url": ""})
    return crumbs


def user_list(request):
    _require_manager(request)
    form = UserSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page, query = paginate(request, selectors.user_list(user=request.user, search=search))
    locked = selectors.locked_sign_in_names()
    rows = [{"user": u, "locked": selectors.user_is_locked(u, locked), "roles": _role_labels(u)}
            for u in page.object_list]
    return render(request, "accounts/user_list.html", {
        "form": form, "page": page, "query": query, "rows": rows, "search": search,
        "breadcrumbs": [{"label": "Home", "url": reverse("dashboard:home")}, {"label": "Users", "url": ""}],
    })


def _role_labels(user) -> str:
    """Role labels from the prefetched groups (no extra query)."""
    labels = [Role(g.name).label for g in user.groups.all() if g.name in Role.values]
    return ", ".join(labels) or "No role"


def user_detail(request, pk):
    _require_manager(request)
    target = get_object_or_404(User, pk=pk)
    role_form = RoleForm(initial={"role": target.primary_role})
    return _render_user_detail(request, target, role_form)


def _render_user_detail(request, target, role_form, status=200):
    has_device = TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    return render(request, "accounts/user_detail.html", {
        "target": target, "role_form": role_form, "locked": selectors.user_is_locked(target),
        "has_device": has_device, "is_self": target.pk == request.user.pk,
        "breadcrumbs": _people_crumbs(request, str(target)),
    }, status=status)


@require_POST
def user_role(request, pk):
    _require_manager(request)
    target = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.user_change_role(actor=request.user, user=target, role=form.cleaned_data["role"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{target} is now {Role(form.cleaned_data['role']).label.lower()}")
            return redirect("accounts:user_detail", pk=target.pk)
    return _render_user_detail(request, target, form, status=400)


def _user_action(request, pk, action, done: str):
    _require_manager(request)
    target = get_object_or_404(User, pk=pk)
    try:
        action(actor=request.user, user=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(user=target))
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
def user_deactivate(request, pk):
    return _user_action(request, pk, services.user_deactivate, "{user} can no longer sign in")


@require_POST
def user_reactivate(request, pk):
    return _user_action(request, pk, services.user_reactivate, "{user} can sign in again")


@require_POST
def user_unlock(request, pk):
    return _user_action(request, pk, services.user_unlock, "{user} is unlocked and can try to sign in again")


@require_POST
def user_two_factor_reset(request, pk):
    return _user_action(request, pk, services.user_two_factor_reset,
                        "{user} will set up two-factor sign-in again next time they sign in")


# Password reset (Django's views, GOV.UK templates) ------------------------------------------------------------

class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = GovukPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["service_name"] = settings.SERVICE_NAME
        return context

    def form_valid(self, form):
        self.extra_email_context = {
            "service_name": settings.SERVICE_NAME, "authority_name": settings.AUTHORITY_NAME,
            "site_url": settings.SITE_URL,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        # Proving control of the mailbox is enough to lift a sign-in lock on the account.
        for username in services._attempt_usernames(form.user):
            reset(username=username)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
