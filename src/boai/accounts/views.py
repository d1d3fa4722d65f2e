from __future__ import annotations

import time

import django_filters
import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts import services
from boai.accounts.forms import LoginForm, PasswordChangeForm, TokenForm, UserCreateForm, UserForm, initial_for
from boai.accounts.models import User
from boai.accounts.roles import ROLE_CHOICES
from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, ScopedObjectMixin, ServiceFormPage

PENDING_KEY = "boai_pending_login"
PENDING_SECONDS = 300
BACKEND = "boai.accounts.backends.RoleBackend"


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("core:dashboard")


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending["uid"], is_active=True).select_related("org").first()


def _finish_login(request, user: User, device=None) -> None:
    nxt = request.session.get(PENDING_KEY, {}).get("next")
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    services.login_succeeded(user=user, second_factor=device is not None)
    request.session["boai_next"] = nxt


class LoginPage(FormView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(_safe_next(request, request.GET.get("next")))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        try:
            user = services.login_check_password(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        nxt = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
        if not user.needs_second_factor:
            request.session[PENDING_KEY] = {"uid": user.pk, "at": time.time(), "next": nxt}
            _finish_login(request, user)
            return redirect(nxt)
        request.session[PENDING_KEY] = {"uid": user.pk, "at": time.time(), "next": nxt}
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("accounts:otp-verify")
        return redirect("accounts:otp-setup")


class OtpVerifyPage(FormView):
    template_name = "accounts/otp_verify.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = _pending_user(request)
        if self.pending is None:
            messages.warning(request, _("Please log in again."))
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user, token = self.pending, form.cleaned_data["token"].strip()
        if services.locked_until(user.username):
            self.request.session.pop(PENDING_KEY, None)
            messages.error(self.request, _("Too many failed attempts. Try again later."))
            return redirect("accounts:login")
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                nxt = self.request.session[PENDING_KEY].get("next")
                _finish_login(self.request, user, device)
                return redirect(_safe_next(self.request, nxt))
        if services.otp_failed(user=user):
            self.request.session.pop(PENDING_KEY, None)
            messages.error(self.request, _("Too many failed attempts. Try again later."))
            return redirect("accounts:login")
        form.add_error("token", _("This code is not correct or has expired."))
        return self.form_invalid(form)


class OtpSetupPage(FormView):
    """First login of a staff user: enrol an authenticator app by QR code, confirm with a code."""

    template_name = "accounts/otp_setup.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = _pending_user(request)
        if self.pending is None:
            return redirect("accounts:login")
        if TOTPDevice.objects.filter(user=self.pending, confirmed=True).exists():
            return redirect("accounts:otp-verify")
        return super().dispatch(request, *args, **kwargs)

    def device(self) -> TOTPDevice:
        device_id = self.request.session.get(PENDING_KEY, {}).get("device")
        device = TOTPDevice.objects.filter(pk=device_id, user=self.pending, confirmed=False).first()
        if device is None:
            device = services.totp_device_start(user=self.pending)
            pending = self.request.session[PENDING_KEY]
            pending["device"] = device.pk
            self.request.session[PENDING_KEY] = pending
        return device

    def get_context_data(self, **kwargs):
        from base64 import b32encode

        device = self.device()
        qr = segno.make(device.config_url, error="m")
        return super().get_context_data(
            qr_svg=qr.svg_inline(scale=4), secret=b32encode(device.bin_key).decode(), **kwargs
        )

    def form_valid(self, form):
        device = self.device()
        if not services.totp_device_confirm(user=self.pending, device=device, token=form.cleaned_data["token"]):
            if services.locked_until(self.pending.username):
                self.request.session.pop(PENDING_KEY, None)
                messages.error(self.request, _("Too many failed attempts. Try again later."))
                return redirect("accounts:login")
            form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
            return self.form_invalid(form)
        nxt = self.request.session[PENDING_KEY].get("next")
        _finish_login(self.request, self.pending, device)
        messages.success(self.request, _("Two-factor authentication is on."))
        return redirect(_safe_next(self.request, nxt))


class LogoutView(View):
    def post(self, request):
        auth_logout(request)
        return redirect("core:home")


class ProfilePage(LoginRequiredMixin, View):
    template_name = "accounts/profile.html"

    def get(self, request, form=None):
        from boai.core.notifications import preferences_table

        context = {"form": form or PasswordChangeForm(), "token": None,  # nosec B105
                   "preferences": preferences_table(request.user)}
        return render(request, self.template_name, context)

    def post(self, request):
        if "save_preferences" in request.POST:
            from boai.core.notifications import CATEGORIES, preference_set

            for code in CATEGORIES:
                preference_set(user=request.user, category=code, email=f"email:{code}" in request.POST,
                               sms=f"sms:{code}" in request.POST)
            messages.success(request, _("Notification preferences saved."))
            return redirect("accounts:profile")
        if "issue_token" in request.POST:
            token = services.api_token_issue(actor=request.user)
            messages.success(request, _("A new API token was issued; the old one no longer works."))
            from boai.core.notifications import preferences_table

            return render(request, self.template_name, {"form": PasswordChangeForm(), "token": token.key,
                                                        "preferences": preferences_table(request.user)})
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                services.user_set_password(actor=request.user, user=request.user,
                                           password=form.cleaned_data["new_password"],
                                           old_password=form.cleaned_data["old_password"])
            except ValidationError as exc:
                _errors_to_form(form, exc, default_field="new_password")
                return self.get(request, form)
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
        return self.get(request, form)


def _errors_to_form(form, exc: ValidationError, *, default_field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc)


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(label=gettext_lazy("Role"), choices=ROLE_CHOICES, field_name="role_grants__role")
    is_active = django_filters.BooleanFilter(label=gettext_lazy("Active"))

    class Meta:
        model = User
        fields = ["role", "is_active"]


USER_COLUMNS = (
    Column("username", gettext_lazy("Username"), link=True),
    Column("display_name", gettext_lazy("Display name")),
    Column("org", gettext_lazy("Acts for")),
    Column("roles", gettext_lazy("Roles"), accessor=lambda u: "、".join(
        str(dict(ROLE_CHOICES)[g.role]) for g in u.role_grants.all())),
    Column("last_login", gettext_lazy("Last login")),
    Column("is_active", gettext_lazy("Active")),
)


class UserListPage(ListPage):
    model = User
    title = gettext_lazy("Users")
    filterset_class = UserFilter
    columns = USER_COLUMNS
    search_fields = ("username__icontains", "display_name__icontains")
    export_url_name = "accounts:user-export"
    create_url_name = "accounts:user-create"
    create_permission = "accounts.add"

    def base_queryset(self):
        return super().base_queryset().select_related("org").prefetch_related("role_grants").distinct()


class UserExportPage(ExportPage):
    model = User
    filterset_class = UserFilter
    search_fields = UserListPage.search_fields
    export_columns = (*USER_COLUMNS, Column("email", gettext_lazy("E-mail")))
    filename = "users"

    def base_queryset(self):
        return super().base_queryset().select_related("org").prefetch_related("role_grants").distinct()


class UserDetailPage(DetailPage):
    model = User
    template_name = "accounts/user_detail.html"
    select_related = ("org",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        u = self.object
        ctx.update(roles=[dict(ROLE_CHOICES)[c] for c in sorted(u.role_codes)],
                   has_totp=TOTPDevice.objects.filter(user=u, confirmed=True).exists(),
                   can_change=self.request.user.has_perm("accounts.change"),
                   events=u.loginevent_set.all()[:10])
        return ctx


class UserCreatePage(ServiceFormPage):
    model = User
    action = "add"
    form_class = UserCreateForm
    title = gettext_lazy("New user")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.user_create(actor=self.request.user, username=d["username"], org=d["org"], roles=d["roles"],
                                    password=d["password"], display_name=d["display_name"], email=d["email"],
                                    mobile=d["mobile"])


class UserUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = User
    action = "change"
    form_class = UserForm
    title = gettext_lazy("Edit user")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "initial": initial_for(self.get_object())}

    def perform(self, form):
        return services.user_update(actor=self.request.user, user=self.get_object(), **form.cleaned_data)


class UserOtpResetPage(ScopedObjectMixin, ServiceFormPage):
    """Remove a user's authenticator (lost phone): they enrol a new one at next login."""

    model = User
    action = "change"
    title = gettext_lazy("Reset two-factor authentication")
    template_name = "accounts/confirm.html"

    def get_form_class(self):
        from django import forms

        return forms.Form

    def perform(self, form):
        services.totp_device_reset(actor=self.request.user, user=self.get_object())
        return self.get_object()
