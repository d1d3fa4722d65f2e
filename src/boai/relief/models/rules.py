"""Relief types and their rules: eligibility, amount limits, the fund they draw on, the repeat
window of the duplicate check and who approves which amounts."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.donations.models import Purpose
from boai.relief.models.households import MONEY


class ReliefForm(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    BOTH = "both", _("Money or goods")


class DuplicateRule(models.TextChoices):
    WARN = "warn", _("Warn the approver")
    BLOCK = "block", _("Block approval")


class ApprovalLevel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    CITY = "city", _("City society")


class ReliefType(models.Model):
    """A kind of relief offered by an organisation (and everything under it)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="relief_types",
                            verbose_name=_("organisation"))
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    purpose = models.CharField(_("spending purpose"), max_length=12, choices=Purpose.choices,
                               default=Purpose.HARDSHIP)
    fund = models.ForeignKey("donations.Fund", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="relief_types", verbose_name=_("fund it draws on"))
    form = models.CharField(_("form of relief"), max_length=6, choices=ReliefForm.choices, default=ReliefForm.MONEY)
    description = models.TextField(_("description"), blank=True, default="")
    eligible_categories = models.CharField(_("eligible categories"), max_length=200, blank=True, default="",
                                           help_text=_("Empty: any household under monitoring."))
    max_income_per_capita = models.DecimalField(_("monthly income per person at most (yuan)"), **MONEY,
                                                null=True, blank=True)
    min_amount = models.DecimalField(_("minimum amount (yuan)"), **MONEY, default=Decimal("0.00"))
    max_amount = models.DecimalField(_("maximum amount (yuan)"), **MONEY)
    repeat_window_days = models.PositiveIntegerField(_("repeat window (days)"), default=365,
                                                     help_text=_("0: no repeat limit."))
    max_per_window = models.PositiveSmallIntegerField(_("grants per household in the window"), default=1)
    duplicate_rule = models.CharField(_("on a duplicate"), max_length=5, choices=DuplicateRule.choices,
                                      default=DuplicateRule.BLOCK)
    branch_approval_limit = models.DecimalField(
        _("branch approves up to (yuan)"), **MONEY, default=Decimal("5000.00"),
        help_text=_("Larger amounts are approved by the city society."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("relief type")
        verbose_name_plural = _("relief types")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(max_amount__gt=0) & Q(min_amount__gte=0)
                                   & Q(max_amount__gte=models.F("min_amount")), name="relief_type_amounts"),
            models.CheckConstraint(condition=Q(max_per_window__gte=1), name="relief_type_max_per_window"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("relief:type-detail", args=[self.pk])

    @property
    def eligible_category_list(self) -> list[str]:
        return [c for c in self.eligible_categories.split(",") if c]

    def approval_level(self, amount: Decimal) -> str:
        return ApprovalLevel.BRANCH if amount <= self.branch_approval_limit else ApprovalLevel.CITY

    def snapshot(self) -> dict:
        return {"code": self.code, "name": self.name, "org": self.org_id, "purpose": self.purpose,
                "fund": self.fund_id, "form": self.form, "eligible_categories": self.eligible_category_list,
                "max_income_per_capita": str(self.max_income_per_capita) if self.max_income_per_capita else None,
                "min_amount": str(self.min_amount), "max_amount": str(self.max_amount),
                "repeat_window_days": self.repeat_window_days, "max_per_window": self.max_per_window,
                "duplicate_rule": self.duplicate_rule, "branch_approval_limit": str(self.branch_approval_limit),
                "active": self.active}
