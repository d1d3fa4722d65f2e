"""Users act for one node of the organisation tree with one or more roles."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boai.accounts.roles import ROLE_CHOICES, requires_second_factor, roles_allow
from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    pass


class BoaiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("acts for"),
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    mobile = EncryptedTextField(_("mobile number"), blank=True, default="")
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = BoaiUserManager()
    scope_org_field = "org"
    scope_permission = "accounts"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    @property
    def scope_path(self) -> str | None:
        return self.org.path if self.org_id and self.org.is_active else None

    @property
    def scope_is_root(self) -> bool:
        return bool(self.org_id and self.org.depth == 1)

    def can(self, perm: str) -> bool:
        return self.is_active and roles_allow(self.role_codes, perm)

    @property
    def needs_second_factor(self) -> bool:
        return requires_second_factor(self.role_codes)

    @property
    def is_staff_user(self) -> bool:
        from boai.accounts.roles import ROLES

        return any(ROLES[c].staff for c in self.role_codes if c in ROLES)

    def snapshot(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "email": self.email,
            "org": self.org_id,
            "roles": sorted(self.role_codes),
            "is_active": self.is_active,
        }


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last five cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"


class LoginEvent(models.Model):
    """Login successes and failures by username: lockout is decided from these rows."""

    class Kind(models.TextChoices):
        SUCCESS = "success", _("Login")
        FAILURE = "failure", _("Failed login")
        LOCKED = "locked", _("Locked out")
        OTP_FAILURE = "otp_failure", _("Wrong one-time code")

    username = models.CharField(_("username"), max_length=150, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["username", "created_at"], name="accounts_login_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.kind}"

