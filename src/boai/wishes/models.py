"""Micro-wishes (微心愿): a beneficiary's small need, published anonymously after review, claimed
by a member of the public who delivers it; the beneficiary confirms receipt.

    draft ─submit→ submitted ─approve→ published ─claim→ claimed ─deliver→ delivered ─confirm→ confirmed
      ↑              └─reject→ rejected (reason kept; edit and submit again)   │
      └──────────────────────────────────────────── claim expires or is cancelled: back to published
    any state before confirmed ─withdraw→ withdrawn

At most one open claim (active or delivered) per wish: a partial unique index says so in the
database, and the services lock the wish row so concurrent claims give one claim and clear
messages. A claimant is a verified mobile number (`Claimant`, one row per number, locked while a
claim is made) so the limit of open claims per number holds under concurrency too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager, ScopedQuerySet


class Category(models.TextChoices):
    STUDY = "study", _("School supplies")
    DAILY = "daily", _("Daily necessities")
    CLOTHING = "clothing", _("Clothing")
    HEALTH = "health", _("Medical and rehabilitation")
    FESTIVAL = "festival", _("Festival gift")
    OTHER = "other", pgettext_lazy("wish category", "Other")


class WishStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("wish", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("wish", "Waiting for review")
    REJECTED = "rejected", pgettext_lazy("wish", "Returned")
    PUBLISHED = "published", pgettext_lazy("wish", "Published")
    CLAIMED = "claimed", pgettext_lazy("wish", "Claimed")
    DELIVERED = "delivered", pgettext_lazy("wish", "Delivered")
    CONFIRMED = "confirmed", pgettext_lazy("wish", "Fulfilled")
    WITHDRAWN = "withdrawn", pgettext_lazy("wish", "Withdrawn")


EDITABLE = (WishStatus.DRAFT, WishStatus.REJECTED)
PUBLIC = (WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED)


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("claim", "Active")
    DELIVERED = "delivered", pgettext_lazy("claim", "Delivered")
    CONFIRMED = "confirmed", pgettext_lazy("claim", "Confirmed")
    EXPIRED = "expired", pgettext_lazy("claim", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("claim", "Cancelled")


OPEN_CLAIM = (ClaimStatus.ACTIVE, ClaimStatus.DELIVERED)


class ConfirmMethod(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    LINK = "link", _("By the beneficiary with the confirmation link")


class WishQuerySet(ScopedQuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC)


class WishManager(models.Manager.from_queryset(WishQuerySet)):
    pass


class MicroWish(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="micro_wishes",
                            verbose_name=_("grassroots unit"))
    district = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                 verbose_name=_("district"), editable=False)
    beneficiary = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="micro_wishes",
                                    verbose_name=_("beneficiary"))
    household_note = models.CharField(_("household note"), max_length=200, blank=True,
                                      help_text=_("For staff only, never shown in public."))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("wish"), max_length=40,
                             help_text=_("What is wished for, e.g. “一套初中数学辅导书”."))
    story = models.TextField(_("public story"), max_length=300,
                             help_text=_("Shown in public: no name, ID number, telephone, school or address."))
    public_profile = models.CharField(_("public description"), max_length=40, editable=False, default="")
    estimated_value = models.DecimalField(_("estimated value (yuan)"), max_digits=8, decimal_places=2)
    photo = models.ImageField(_("photo"), upload_to="wishes/%Y/", blank=True)
    deadline = models.DateField(_("wish deadline"))
    status = models.CharField(_("status"), max_length=12, choices=WishStatus.choices, default=WishStatus.DRAFT)
    rejection_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    withdraw_reason = models.CharField(_("reason withdrawn"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    confirm_token_expires = models.DateTimeField(null=True, blank=True, editable=False)
    ledger_entry = models.BigIntegerField(_("log entry"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WishManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "category", "-published_at"], name="wishes_public_idx"),
            models.Index(fields=["org", "status"], name="wishes_org_status_idx"),
            models.Index(fields=["district", "status"], name="wishes_district_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_value__gt=0), name="wishes_value_positive"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in WishStatus]), name="wishes_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("wishes:detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("wishes:public-detail", args=[self.number])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def public_area(self) -> str:
        """“梁溪区某社区”: the district and the kind of unit, never the unit itself."""
        district = ""
        if self.district_id:
            district = self.district.short_name or self.district.name.removesuffix("红十字会")
        return f"{district}{_AREA_WORD.get(self.org.subtype, '某社区')}"

    def snapshot(self) -> dict:
        return {"number": self.number, "org": self.org_id, "beneficiary": self.beneficiary_id,
                "category": self.category, "title": self.title, "story": self.story,
                "estimated_value": str(self.estimated_value), "deadline": self.deadline.isoformat(),
                "status": self.status, "household_note": self.household_note, "photo": bool(self.photo)}


_AREA_WORD = {"street": "某街道", "town": "某镇", "community": "某社区", "school": "某学校", "enterprise": "某企业",
              "hospital": "某医院", "boai_home": "某社区"}


class Claimant(models.Model):
    """A verified mobile number that claims wishes; its row is locked while it makes a claim."""

    mobile = EncryptedTextField(_("mobile number"))
    mobile_masked = models.CharField(_("mobile number"), max_length=20)
    mobile_blind = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")

    def __str__(self) -> str:
        return self.mobile_masked


class Claim(models.Model):
    wish = models.ForeignKey(MicroWish, on_delete=models.PROTECT, related_name="claims", verbose_name=_("wish"))
    claimant = models.ForeignKey(Claimant, on_delete=models.PROTECT, related_name="claims",
                                 verbose_name=_("claimant"))
    claimant_name = models.CharField(_("claimant's name"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE)
    claimed_at = models.DateTimeField(_("claimed"))
    expires_at = models.DateTimeField(_("deliver by"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True)
    delivery_photo = models.ImageField(_("delivery photo"), upload_to="wishes/delivered/%Y/", blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirm_method = models.CharField(_("confirmed how"), max_length=8, choices=ConfirmMethod.choices, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmation recorded by"))
    ledger_opening = models.CharField(max_length=100, blank=True, editable=False)  # the claimant's, see docs
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason ended"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_org_field = "wish__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="wishes_claim_due_idx"),
            models.Index(fields=["claimant", "status"], name="wishes_claim_claimant_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["wish"], condition=Q(status__in=["active", "delivered"]),
                                    name="wishes_one_open_claim"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ClaimStatus]), name="wishes_claim_status"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("claimed_at")), name="wishes_claim_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.wish.number} · {self.claimant_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CLAIM

    @property
    def masked_name(self) -> str:
        name = self.claimant_name
        return name[:1] + "*" * max(1, len(name) - 1) if name else ""


class WishNumber(models.Model):
    """The last sequence number given per year (locked while a number is taken)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
