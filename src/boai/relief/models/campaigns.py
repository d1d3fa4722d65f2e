"""Relief campaigns such as 博爱送万家: quotas per branch, holiday dates, the list of households
built from monitoring data, bulk disbursement with per-household acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.relief.models.households import MONEY, Household
from boai.relief.models.rules import ReliefType


class Holiday(models.TextChoices):
    NEW_YEAR = "new_year", _("New Year's Day (元旦)")
    SPRING = "spring", _("Spring Festival (春节)")
    LANTERN = "lantern", _("Lantern Festival (元宵)")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival (端午)")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival (中秋)")
    DOUBLE_NINTH = "double_ninth", _("Double Ninth Festival (重阳)")
    RED_CROSS_DAY = "may_8", _("World Red Cross Day (5·8)")
    OTHER = "other", _("Other occasion")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="relief_campaigns",
                            verbose_name=_("organiser"))
    name = models.CharField(_("name"), max_length=100)
    holiday = models.CharField(_("occasion"), max_length=14, choices=Holiday.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    relief_type = models.ForeignKey(ReliefType, on_delete=models.PROTECT, related_name="campaigns",
                                    verbose_name=_("relief type"))
    standard_amount = models.DecimalField(_("amount per household (yuan)"), **MONEY)
    package = models.CharField(_("package contents"), max_length=200, blank=True, default="")
    target_categories = models.CharField(_("categories served"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=8, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("relief campaign")
        verbose_name_plural = _("relief campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="relief_campaign_dates"),
            models.CheckConstraint(condition=Q(standard_amount__gte=0), name="relief_campaign_amount"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("relief:campaign-detail", args=[self.pk])


class CampaignQuota(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas",
                                 verbose_name=_("campaign"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))
    households = models.PositiveIntegerField(_("households"))

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("campaign quota")
        verbose_name_plural = _("campaign quotas")
        ordering = ["org__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="relief_quota_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.org_id}={self.households}"


class CampaignHousehold(models.Model):
    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        DISBURSED = "disbursed", _("Delivered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        EXCLUDED = "excluded", _("Excluded")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="households",
                                 verbose_name=_("campaign"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="campaign_entries",
                                  verbose_name=_("household"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("responsible unit"))
    application = models.OneToOneField("relief.Application", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="campaign_entry")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.LISTED)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("campaign household")
        verbose_name_plural = _("campaign households")
        ordering = ["org__path", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="relief_campaign_hh_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"
