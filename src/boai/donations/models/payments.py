"""Online payment orders, reconciliation, and the tables of the local payment simulator."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager
from boai.donations.models.money import money_field


class OrderStatus(models.TextChoices):
    CREATED = "created", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")


class PaymentOrder(models.Model):
    """What the donor asked to give online, before the gateway says it was paid."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    out_trade_no = models.CharField(_("order number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=10)
    amount = money_field(_("amount (yuan)"))
    status = models.CharField(_("status"), max_length=8, choices=OrderStatus.choices, default=OrderStatus.CREATED)
    fund = models.ForeignKey("donations.Fund", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("donations.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    campaign = models.ForeignKey("donations.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    peer_page = models.ForeignKey("donations.PeerPage", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    donor_name = models.CharField(_("name"), max_length=40, blank=True, default="")
    anonymous = models.BooleanField(default=False)
    name_public = models.BooleanField(default=False)
    mobile = EncryptedTextField(blank=True, default="")
    mobile_blind = models.CharField(max_length=64, blank=True, default="")
    message = models.CharField(max_length=200, blank=True, default="")
    access_token = models.CharField(max_length=32, unique=True)
    transaction_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donations_order_positive")]

    def __str__(self) -> str:
        return self.out_trade_no


class ReconciliationRun(models.Model):
    """One day's statement of one gateway compared with the gifts recorded."""

    channel = models.CharField(_("channel"), max_length=10)
    bill_date = models.DateField(_("statement date"))
    lines = models.IntegerField(_("statement lines"), default=0)
    matched = models.IntegerField(_("matched"), default=0)
    issues = models.IntegerField(_("mismatches"), default=0)
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-bill_date", "channel"]
        constraints = [models.UniqueConstraint(fields=["channel", "bill_date"], name="donations_recon_unique")]

    def __str__(self) -> str:
        return f"{self.channel} {self.bill_date}"


class ReconciliationIssue(models.Model):
    class Kind(models.TextChoices):
        MISSING_GIFT = "missing_gift", _("Paid at the gateway, no gift recorded")
        UNKNOWN_PAYMENT = "unknown_payment", _("Gift recorded, not on the statement")
        AMOUNT = "amount", _("Amounts differ")
        UNKNOWN_ORDER = "unknown_order", _("Statement line for an unknown order")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", null=True)
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="issue_rows")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    out_trade_no = models.CharField(_("order number"), max_length=32, blank=True, default="")
    transaction_id = models.CharField(_("gateway transaction"), max_length=64, blank=True, default="")
    expected = money_field(_("recorded"), null=True, blank=True)
    actual = money_field(_("on the statement"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("reconciliation mismatch")
        verbose_name_plural = _("reconciliation mismatches")
        ordering = ["resolved", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.out_trade_no}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("donations:issue-resolve", args=[self.pk])


class SimulatorOrder(models.Model):
    """The simulated gateway's own record of an order (what the payment platform would hold)."""

    channel = models.CharField(max_length=10)
    merchant = models.CharField(max_length=32)  # mchid / seller id
    app_id = models.CharField(max_length=32)
    out_trade_no = models.CharField(max_length=32)
    transaction_id = models.CharField(max_length=64, unique=True)
    amount_fen = models.BigIntegerField()
    description = models.CharField(max_length=128)
    notify_url = models.CharField(max_length=300)
    return_url = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=12, default="NOTPAY")  # NOTPAY / SUCCESS / CLOSED
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "merchant", "out_trade_no"],
                                               name="donations_simorder_unique")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.out_trade_no}"


class SimulatorDelivery(models.Model):
    """One scheduled notification delivery of the simulator (retried on the gateway's schedule)."""

    order = models.ForeignKey(SimulatorOrder, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.IntegerField(default=0)
    due_at = models.DateTimeField(db_index=True)
    done = models.BooleanField(default=False)
    last_status = models.IntegerField(null=True, blank=True)
    last_body = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.order} #{self.attempt}"
