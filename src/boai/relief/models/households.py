"""Households under dynamic monitoring: members (people of the registry), vulnerability
categories, dated assessments, home visits with photos, and the alerts monitoring raises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    """Vulnerability categories (民政 classifications and the Red Cross's own)."""

    DIBAO = "dibao", _("Minimum-living-allowance household (低保)")
    DIBAO_EDGE = "dibao_edge", _("Near-dibao household (低保边缘)")
    TEKUN = "tekun", _("Extreme-hardship person (特困)")
    ILLNESS = "illness", _("Impoverished by illness (因病致贫)")
    DISABILITY = "disability", _("Person with disability (残疾)")
    ELDERLY = "elderly_alone", _("Elderly living alone (孤寡老人)")
    CHILD = "child", _("Child in difficulty (困境儿童)")
    DISASTER = "disaster", _("Disaster-affected (受灾)")
    OTHER = "other", _("Other hardship")


CATEGORY_CODES = frozenset(c.value for c in Category)


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Under monitoring")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    NORMAL = "normal", _("Stable")
    WATCH = "watch", _("Watch")
    URGENT = "urgent", _("Urgent")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", pgettext_lazy("household relation", "Child")
    PARENT = "parent", pgettext_lazy("household relation", "Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", pgettext_lazy("household relation", "Other")


def categories_text(codes) -> str:
    """Categories are stored as ",a,b," so `categories__contains=",a,"` filters on every database."""
    codes = sorted({c for c in codes if c})
    return f",{','.join(codes)}," if codes else ""


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=24, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="relief_households",
                            verbose_name=_("responsible unit"))
    head = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="headed_households",
                             verbose_name=_("head of household"))
    address = EncryptedTextField(_("address"), blank=True, default="")
    address_masked = models.CharField(_("address"), max_length=120, blank=True, default="")
    region = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True, default="")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    categories = models.CharField(_("categories"), max_length=200, blank=True, default="")
    size = models.PositiveSmallIntegerField(_("members"), default=1)
    monthly_income = models.DecimalField(_("household monthly income (yuan)"), **MONEY, default=0)
    situation = models.TextField(_("situation"), blank=True, default="")
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices,
                                  default=RiskLevel.NORMAL)
    status = models.CharField(_("status"), max_length=8, choices=HouseholdStatus.choices,
                              default=HouseholdStatus.ACTIVE, db_index=True)
    review_due = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    last_assessed_on = models.DateField(_("last assessed"), null=True, blank=True)
    last_visited_on = models.DateField(_("last visited"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="relief_household_income"),
            models.CheckConstraint(condition=Q(size__gte=1), name="relief_household_size"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("relief:household-detail", args=[self.pk])

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def get_categories_display(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.category_list]

    def snapshot(self) -> dict:
        return {"number": self.number, "org": self.org_id, "head": self.head_id, "address": self.address_masked,
                "region": self.region, "categories": self.category_list, "size": self.size,
                "monthly_income": str(self.monthly_income), "risk_level": self.risk_level, "status": self.status,
                "review_due": self.review_due}


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("household"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="relief_memberships",
                               verbose_name=_("person"))
    relation = models.CharField(_("relation to the head"), max_length=10, choices=Relation.choices)
    categories = models.CharField(_("categories"), max_length=200, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    active = models.BooleanField(_("current member"), default=True)

    objects = ScopedManager()
    scope_org_field = "household__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="relief_member_unique"),
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head", active=True),
                                    name="relief_member_one_head"),
        ]
        indexes = [models.Index(fields=["person"], name="relief_member_person_idx")]

    def __str__(self) -> str:
        return f"{self.household} · {self.person}"


class Assessment(models.Model):
    """A dated record of the household's situation; the household row carries the latest."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assessments",
                                  verbose_name=_("household"))
    assessed_on = models.DateField(_("assessed on"))
    categories = models.CharField(_("categories"), max_length=200, blank=True, default="")
    monthly_income = models.DecimalField(_("household monthly income (yuan)"), **MONEY)
    size = models.PositiveSmallIntegerField(_("members"))
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    situation = models.TextField(_("situation"), blank=True, default="")
    next_review_on = models.DateField(_("next review"))
    sudden_change = models.BooleanField(_("sudden change"), default=False)
    change_summary = models.CharField(_("what changed"), max_length=300, blank=True, default="")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assessor"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "household__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.household} @ {self.assessed_on}"


class HomeVisit(models.Model):
    """走访: a visit to the household, its notes and photos."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits",
                                  verbose_name=_("household"))
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("visitor"))
    visitor_name = models.CharField(_("visited by"), max_length=100, blank=True, default="")
    purpose = models.CharField(_("purpose"), max_length=100, blank=True, default="")
    notes = models.TextField(_("notes"))
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "household__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.household} @ {self.visited_on}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    image = models.ImageField(_("photo"), upload_to="relief/visits/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True, default="")
    sha256 = models.CharField(max_length=64, editable=False)

    objects = ScopedManager()
    scope_org_field = "visit__household__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class AlertKind(models.TextChoices):
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    SUDDEN_CHANGE = "sudden_change", _("Sudden change in situation")
    FOLLOW_UP = "follow_up", _("Visit asks for follow-up")


class Alert(models.Model):
    """Raised by monitoring to the household's responsible unit; at most one open per kind."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="alerts",
                                  verbose_name=_("household"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("responsible unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    message = models.CharField(_("message"), max_length=300)
    raised_on = models.DateField(_("raised on"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    resolution = models.CharField(_("resolution"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["resolved_at", "-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "kind"], condition=Q(resolved_at__isnull=True),
                                    name="relief_alert_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.household}"
