"""Campaigns: the yearly mass-giving campaign (人道万人捐), online giving days with a start and an
end, appeals; targets per branch and per day; peer fundraising pages (一起捐)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.donations.models.money import money_field

MILLION = Decimal("1000000.00")


class CampaignKind(models.TextChoices):
    ANNUAL = "annual", _("Yearly mass-giving campaign (人道万人捐)")
    GIVING_DAY = "giving_day", _("Online giving day")
    APPEAL = "appeal", _("Emergency appeal")
    OTHER = "other", _("Other campaign")


class Campaign(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="campaigns",
                            verbose_name=_("organisation"))
    slug = models.SlugField(_("address name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CampaignKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    target = money_field(_("target (yuan)"), default=Decimal("0.00"))
    projects = models.ManyToManyField("donations.Project", blank=True, related_name="campaigns",
                                      verbose_name=_("projects"))
    summary = models.CharField(_("summary"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    public_fundraising = models.BooleanField(_("public fundraising (公开募捐)"), default=True)
    record_number = models.CharField(_("filing number"), max_length=40, blank=True, default="",
                                     help_text=_("The public-fundraising filing number on the national platform."))
    is_public = models.BooleanField(_("shown publicly"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="donations_campaign_dates"),
            models.CheckConstraint(condition=Q(target__gte=0), name="donations_campaign_target"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("donations:campaign-detail", args=[self.pk])

    def public_url(self) -> str:
        return reverse("donations:public-campaign", args=[self.slug])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def snapshot(self) -> dict:
        return {"org": self.org_id, "slug": self.slug, "name": self.name, "kind": self.kind,
                "starts_at": self.starts_at, "ends_at": self.ends_at, "target": self.target,
                "public_fundraising": self.public_fundraising, "record_number": self.record_number,
                "is_public": self.is_public}


class CampaignTarget(models.Model):
    """A target of a campaign for one branch (org) and/or one day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name=_("branch"))
    day = models.DateField(_("day"), null=True, blank=True)
    amount = money_field(_("target (yuan)"))

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org", "day"], name="donations_target_unique",
                                    condition=Q(org__isnull=False, day__isnull=False)),
            models.UniqueConstraint(fields=["campaign", "org"], name="donations_target_org_unique",
                                    condition=Q(day__isnull=True)),
            models.UniqueConstraint(fields=["campaign", "day"], name="donations_target_day_unique",
                                    condition=Q(org__isnull=True)),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_target_positive"),
            models.CheckConstraint(condition=Q(org__isnull=False) | Q(day__isnull=False),
                                   name="donations_target_has_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.org_id} {self.day} {self.amount}"


class PeerPage(models.Model):
    """一起捐: a supporter's own fundraising page under a project, with a personal target."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    project = models.ForeignKey("donations.Project", on_delete=models.PROTECT, related_name="peer_pages",
                                verbose_name=_("project"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="peer_pages", verbose_name=_("campaign"))
    slug = models.SlugField(max_length=24, unique=True)
    title = models.CharField(_("title"), max_length=60)
    supporter_name = models.CharField(_("supporter"), max_length=40)
    message = models.CharField(_("message"), max_length=300, blank=True, default="")
    target = money_field(_("personal target (yuan)"))
    owner_mobile_blind = models.CharField(max_length=64, blank=True, default="", db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("fundraising page")
        verbose_name_plural = _("fundraising pages")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="donations_peer_target_positive")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("donations:peer-page", args=[self.slug])
