from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager

DEFAULT_STAR_THRESHOLDS = [100, 300, 600, 1000, 1500]  # national default: one to five stars, in hours


def default_thresholds() -> list[int]:
    return list(DEFAULT_STAR_THRESHOLDS)


class IncentivePolicy(models.Model):
    """Star thresholds, the public notice period, points and the active-volunteer rule. One row for the
    society (the tree's root); without it the national defaults apply."""

    org = models.OneToOneField("orgs.Org", on_delete=models.CASCADE, related_name="volunteer_policy",
                               verbose_name=_("organisation"))
    star_thresholds = models.JSONField(_("star thresholds (hours)"), default=default_thresholds)
    notice_days = models.PositiveSmallIntegerField(_("public notice period (days)"), default=7)
    points_per_hour = models.PositiveSmallIntegerField(_("points per certified hour"), default=10)
    active_hours_per_month = models.DecimalField(_("active: hours per month"), max_digits=5, decimal_places=1,
                                                 default=Decimal("8"))
    active_window_months = models.PositiveSmallIntegerField(_("active: over the last … months"), default=12)
    active_min_months = models.PositiveSmallIntegerField(
        _("active: months that must each reach the hours"), null=True, blank=True,
        help_text=_("Blank: the average over the window counts."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("incentive policy")
        verbose_name_plural = _("incentive policies")

    def __str__(self) -> str:
        return str(_("Incentive policy"))

    def snapshot(self) -> dict:
        return {"star_thresholds": self.star_thresholds, "notice_days": self.notice_days,
                "points_per_hour": self.points_per_hour, "active_hours_per_month": self.active_hours_per_month,
                "active_window_months": self.active_window_months, "active_min_months": self.active_min_months}


class StarAward(models.Model):
    """A star level reached: first a public notice (公示期), then awarded unless withdrawn."""

    class Status(models.TextChoices):
        NOTICE = "notice", _("In public notice")
        AWARDED = "awarded", _("Awarded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="star_awards")
    level = models.PositiveSmallIntegerField(_("star level"))
    hours_at = models.DecimalField(_("hours when reached"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOTICE)
    notice_starts = models.DateField(_("notice from"))
    notice_ends = models.DateField(_("notice until"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "volunteer__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("star award")
        verbose_name_plural = _("star awards")
        ordering = ["-notice_starts", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "level"], condition=~Q(status="withdrawn"),
                                    name="volunteers_star_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="volunteers_star_award_level"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} ★{self.level}"


class PointEntry(models.Model):
    """The points ledger: the balance on the volunteer is the sum of these rows."""

    class Kind(models.TextChoices):
        HOURS = "hours", _("Certified hours")
        REDEMPTION = "redemption", _("Redemption")
        REVERSAL = "reversal", _("Correction of hours")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REFUND = "refund", _("Redemption cancelled")

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="points")
    delta = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    record = models.ForeignKey("volunteers.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    redemption = models.ForeignKey("volunteers.Redemption", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ScopedManager()
    scope_org_field = "volunteer__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], condition=Q(record__isnull=False),
                                    name="volunteers_points_once_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.delta:+d}"


class Reward(models.Model):
    """Recognition that points can be exchanged for (a badge, a training place, a letter of thanks...)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_rewards",
                            verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    points_cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Blank: unlimited."))
    is_active = models.BooleanField(_("available"), default=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["points_cost", "name"]
        constraints = [models.CheckConstraint(condition=Q(points_cost__gt=0), name="volunteers_reward_cost_positive")]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict:
        return {"org": self.org_id, "name": self.name, "description": self.description,
                "points_cost": self.points_cost, "stock": self.stock, "is_active": self.is_active}


class Redemption(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        FULFILLED = "fulfilled", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ScopedManager()
    scope_org_field = "volunteer__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reward_id} ← {self.volunteer_id}"


class Certificate(models.Model):
    """A service certificate (志愿服务证明). What it states is frozen at issue, so the PDF and the public
    verification page always say the same thing; the code in its QR is random and unguessable."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="certificates")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_certificates",
                            verbose_name=_("issued by"))
    serial = models.CharField(_("certificate number"), max_length=32, unique=True)
    code = models.CharField(max_length=40, unique=True, editable=False)
    holder_name = models.CharField(_("holder"), max_length=50)
    holder_masked = models.CharField(_("holder (masked)"), max_length=50)
    id_masked = models.CharField(_("ID number"), max_length=40, blank=True, default="")
    unit_name = models.CharField(_("issuing unit"), max_length=100)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    records_count = models.PositiveIntegerField(_("service records"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="volunteers_certificate_period")]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        return reverse("volunteers:certificate-detail", args=[self.pk])

    def verify_path(self) -> str:
        return reverse("volunteers:certificate-verify", args=[self.code])
