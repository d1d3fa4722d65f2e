"""Account writes: users, roles, passwords, logins, second factors. Each one audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts.models import LoginEvent, PasswordHistory, User, UserRole
from boai.accounts.roles import ROLES
from boai.core import context
from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope


class LoginError(Exception):
    def __init__(self, message: str, *, locked_until: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


def locked_until(username: str) -> datetime | None:
    """When the lockout for this username ends, if it is locked now.

    Counts failures since the last successful login within the lockout window; the fifth one locks
    the account for the window from that failure on.
    """
    window = timedelta(minutes=settings.BOAI_LOCKOUT_MINUTES)
    now = timezone.now()
    events = LoginEvent.objects.filter(username=username, created_at__gte=now - window).order_by("-created_at")
    failures = []
    for kind, at in events.values_list("kind", "created_at")[:50]:
        if kind == LoginEvent.Kind.SUCCESS:
            break
        if kind in (LoginEvent.Kind.FAILURE, LoginEvent.Kind.OTP_FAILURE):
            failures.append(at)
    if len(failures) >= settings.BOAI_LOCKOUT_FAILURES:
        until = failures[settings.BOAI_LOCKOUT_FAILURES - 1] + window
        return until if until > now else None
    return None


def _event(username: str, kind: str, user: User | None = None) -> None:
    LoginEvent.objects.create(username=username[:150], user=user, kind=kind, ip=context.current().ip)


def login_check_password(*, request, username: str, password: str) -> User:
    """First login step. Raises LoginError with a message safe to show (no user enumeration)."""
    username = username.strip()
    until = locked_until(username)
    if until:
        message = _("Too many failed attempts. Try again after %(t)s.") % {"t": _local(until)}
        raise LoginError(message, locked_until=until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        known = User.objects.filter(username=username).first()
        with transaction.atomic():
            _event(username, LoginEvent.Kind.FAILURE, known)
            audit_record(actor=known, action="accounts.login_failed", obj=known, object_repr=username,
                         org=known.org if known else None)
        until = locked_until(username)
        if until:
            with transaction.atomic():
                _event(username, LoginEvent.Kind.LOCKED, known)
                audit_record(actor=known, action="accounts.locked_out", obj=known, object_repr=username,
                             org=known.org if known else None, after={"until": until})
            raise LoginError(_("Too many failed attempts. Try again after %(t)s.") % {"t": _local(until)},
                             locked_until=until)
        raise LoginError(_("Wrong username or password."))
    return user


def login_succeeded(*, user: User, second_factor: bool) -> None:
    with transaction.atomic():
        _event(user.username, LoginEvent.Kind.SUCCESS, user)
        audit_record(actor=user, action="accounts.login", obj=user, org=user.org,
                     after={"second_factor": second_factor})


def otp_failed(*, user: User) -> datetime | None:
    with transaction.atomic():
        _event(user.username, LoginEvent.Kind.OTP_FAILURE, user)
        audit_record(actor=user, action="accounts.otp_failed", obj=user, org=user.org)
    return locked_until(user.username)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment (replaces an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        otp_failed(user=user)
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="accounts.otp_enrolled", obj=user, org=user.org)
    return True


def totp_device_reset(*, actor: User, user: User) -> None:
    _require_manage(actor, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="accounts.otp_reset", obj=user, org=user.org)


def _require_manage(actor: User, user: User) -> None:
    if not actor.can("accounts.change") or not org_in_scope(user.org, actor):
        raise ValidationError(_("You cannot manage this account."))


def _validate_roles(roles: Iterable[str], actor: User | None) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationError(_("Unknown role: %(r)s") % {"r": ", ".join(unknown)})
    if not roles:
        raise ValidationError(_("Choose at least one role."))
    if actor is not None and "city_admin" in roles and "city_admin" not in actor.role_codes:
        raise ValidationError(_("Only a city administrator can grant the city administrator role."))
    return roles


def _store_password(user: User, password: str) -> None:
    validate_password(password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, org, roles: Iterable[str], password: str,
    display_name: str = "", email: str = "", mobile: str = "",
) -> User:
    if actor is not None and (not actor.can("accounts.add") or not org_in_scope(org, actor)):
        raise ValidationError(_("You cannot create accounts for this organisation."))
    roles = _validate_roles(roles, actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(username=username, org=org, display_name=display_name, email=email, mobile=mobile)
    _store_password(user, password)
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    user.__dict__.pop("role_codes", None)
    audit_record(actor=actor, action="accounts.user.create", obj=user, org=org, after=user.snapshot())
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, org=None, roles: Iterable[str] | None = None, display_name: str | None = None,
    email: str | None = None, mobile: str | None = None, is_active: bool | None = None,
) -> User:
    _require_manage(actor, user)
    before = user.snapshot()
    if org is not None:
        if not org_in_scope(org, actor):
            raise ValidationError({"org": _("Choose an organisation within your scope.")})
        user.org = org
    for name, value in (("display_name", display_name), ("email", email), ("mobile", mobile)):
        if value is not None:
            setattr(user, name, value)
    if is_active is not None:
        if user.pk == actor.pk and not is_active:
            raise ValidationError(_("You cannot deactivate your own account."))
        user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save()
    if roles is not None:
        roles = _validate_roles(roles, actor)
        UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles], ignore_conflicts=True)
        user.__dict__.pop("role_codes", None)
    old, new = diff(before, user.snapshot())
    audit_record(actor=actor, action="accounts.user.update", obj=user, org=user.org, before=old, after=new)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, old_password: str | None = None) -> User:
    if actor.pk == user.pk:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": _("Your current password is not correct.")})
    else:
        _require_manage(actor, user)
    _store_password(user, password)
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(actor=actor, action="accounts.user.password", obj=user, org=user.org)
    from boai.core.notifications import notify

    notify(recipients=[user], category="accounts.security", title=_("Your password was changed"),
           body=_("If this was not you, contact your administrator at once."))
    return user


@transaction.atomic
def api_token_issue(*, actor: User):
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    audit_record(actor=actor, action="accounts.api_token.issue", obj=actor, org=actor.org)
    return token
