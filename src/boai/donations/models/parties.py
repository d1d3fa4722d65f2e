"""Who gives: individual donors (a role of a Person, or known only by a telephone number when they
gave online), enterprises and organisations (unified social credit code, GB 32100), the charity
alliance of enterprises with its contact history, and the recognition tiers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager


class DonorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")
    ORGANISATION = "organisation", _("Organisation")


class Donor(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="donors",
                            verbose_name=_("organisation"))
    kind = models.CharField(_("donor type"), max_length=16, choices=DonorKind.choices, default=DonorKind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="donor_roles", verbose_name=_("person"))
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, default="")
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True, default="")
    mobile = EncryptedTextField(_("mobile number"), blank=True, default="")
    mobile_masked = models.CharField(_("mobile number"), max_length=20, blank=True, default="")
    mobile_blind = models.CharField(_("mobile blind index"), max_length=64, null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="donations_donor_uscc_unique"),
            models.UniqueConstraint(fields=["person"], condition=Q(person__isnull=False),
                                    name="donations_donor_person_unique"),
            models.UniqueConstraint(fields=["mobile_blind"], condition=Q(mobile_blind__isnull=False),
                                    name="donations_donor_mobile_unique"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in DonorKind]), name="donations_donor_kind"),
            models.CheckConstraint(condition=Q(kind="individual") | Q(person__isnull=True),
                                   name="donations_donor_person_individual"),
        ]
        indexes = [models.Index(fields=["name"], name="donations_donor_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("donations:donor-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {"org": self.org_id, "kind": self.kind, "name": self.name, "person": self.person_id,
                "uscc": self.uscc, "contact_name": self.contact_name, "mobile": self.mobile_masked}


class AllianceMember(models.Model):
    """An enterprise or organisation in the charity alliance (爱心企业联盟)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="alliance_members",
                            verbose_name=_("organisation"))
    donor = models.OneToOneField(Donor, on_delete=models.PROTECT, related_name="alliance",
                                 verbose_name=_("donor"))
    joined_on = models.DateField(_("joined on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    pledge = models.TextField(_("commitment"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("charity alliance")
        ordering = ["-joined_on", "-id"]

    def __str__(self) -> str:
        return self.donor.name

    def get_absolute_url(self) -> str:
        return reverse("donations:alliance-detail", args=[self.pk])


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    GATHERING = "gathering", _("Donor gathering")
    CALL = "call", _("Telephone call")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class ContactRecord(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    member = models.ForeignKey(AllianceMember, on_delete=models.CASCADE, related_name="contacts",
                               verbose_name=_("alliance member"))
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact history")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}"


class RecognitionTier(models.Model):
    """A level of donor recognition reached by cumulative giving, with what it brings (configurable)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=40)
    min_total = models.DecimalField(_("cumulative giving from (yuan)"), max_digits=14, decimal_places=2)
    donor_kind = models.CharField(_("for donor type"), max_length=16, choices=DonorKind.choices, blank=True,
                                  default="", help_text=_("Empty: every donor type."))
    benefits = models.TextField(_("benefits"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("recognition tier")
        verbose_name_plural = _("recognition tiers")
        ordering = ["org_id", "donor_kind", "min_total"]
        constraints = [
            models.CheckConstraint(condition=Q(min_total__gt=Decimal(0)), name="donations_tier_min_positive"),
            models.UniqueConstraint(fields=["org", "donor_kind", "min_total"], name="donations_tier_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("donations:tier-update", args=[self.pk])
