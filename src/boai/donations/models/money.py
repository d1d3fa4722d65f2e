"""Funds, projects and how money moves between them.

Balances are double-entry: every movement is a `JournalTxn` whose `JournalLine`s sum to zero
(a deferred constraint trigger refuses an unbalanced transaction at commit on PostgreSQL), each
line moves one `Account`'s balance (kept by a trigger, never negative by a CHECK). Next to the
balances, `Lot`s say *which* money an account holds, so restricted gifts are only spent on their
purpose and every allocation and payment names its sources: gift → fund → allocation → project →
spending → acknowledgement, each hop a row pointing at its source and a leaf of the transparency
log (`ledger_entry`: the log's entry number; the leaf index follows once integrated).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager

MONEY = {"max_digits": 14, "decimal_places": 2}


def money_field(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, **MONEY, **kwargs)


class Purpose(models.TextChoices):
    """What money may be spent on (the categories of the transparency log's relief types)."""

    DISASTER = "disaster", _("Disaster relief")
    MEDICAL = "medical", _("Medical assistance")
    HARDSHIP = "hardship", _("Hardship relief")
    EDUCATION = "education", _("Student aid")
    FIRST_AID = "first_aid", _("First aid")
    COMMUNITY = "community", _("Community services")
    OTHER = "other", _("Other relief")


class FundKind(models.TextChoices):
    GENERAL = "general", _("General (unrestricted) fund")
    NAMED = "named", _("Named fund")
    SPECIAL = "special", _("Special fund")


class Fund(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="funds",
                            verbose_name=_("organisation"))
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("fund type"), max_length=10, choices=FundKind.choices, default=FundKind.SPECIAL)
    purposes = models.JSONField(_("purposes"), default=list, blank=True,
                                help_text=_("What a restricted fund may pay for besides its own projects."))
    named_after = models.ForeignKey("donations.Donor", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="named_funds", verbose_name=_("named after"))
    description = models.TextField(_("description"), blank=True, default="")
    management_cap = models.DecimalField(_("management cost cap (%)"), max_digits=5, decimal_places=2,
                                         default=Decimal("10.00"))
    is_active = models.BooleanField(_("active"), default=True)
    is_public = models.BooleanField(_("shown publicly"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in FundKind]), name="donations_fund_kind"),
            models.CheckConstraint(condition=Q(management_cap__gte=0) & Q(management_cap__lte=100),
                                   name="donations_fund_cap_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("donations:fund-detail", args=[self.pk])

    @property
    def restricted(self) -> bool:
        return self.kind != FundKind.GENERAL

    def snapshot(self) -> dict:
        return {"org": self.org_id, "code": self.code, "name": self.name, "kind": self.kind,
                "purposes": self.purposes, "management_cap": self.management_cap, "is_active": self.is_active,
                "is_public": self.is_public}


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Project(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="donation_projects",
                            verbose_name=_("organisation"))
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="projects", verbose_name=_("fund"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.OTHER)
    budget = money_field(_("budget (yuan)"), default=Decimal("0.00"))
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    summary = models.CharField(_("summary"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    accepts_online = models.BooleanField(_("accepts online gifts"), default=True)
    is_public = models.BooleanField(_("shown publicly"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="donations_project_budget_positive"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gte=F("starts_on")), name="donations_project_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("donations:project-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {"org": self.org_id, "code": self.code, "name": self.name, "fund": self.fund_id,
                "purpose": self.purpose, "budget": self.budget, "starts_on": self.starts_on, "ends_on": self.ends_on,
                "status": self.status, "accepts_online": self.accepts_online, "is_public": self.is_public}


class AccountKind(models.TextChoices):
    FUND = "fund", _("Fund")
    PROJECT = "project", _("Project")
    RELIEF = "relief", _("Relief purpose")
    INCOME = "income", _("Gift income")
    EXPENSE = "expense", _("Spending")


INTERNAL_KINDS = ("fund", "project", "relief")  # accounts that hold money: never below zero


class Account(models.Model):
    """One side of a journal line. Internal accounts hold money (balance kept by the database from
    the lines, never negative); the income and expense accounts are where money enters and leaves."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    fund = models.OneToOneField(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="account")
    project = models.OneToOneField(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="account")
    purpose = models.CharField(_("relief purpose"), max_length=12, choices=Purpose.choices, blank=True, default="")
    balance = money_field(_("balance"), default=Decimal("0.00"))

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(condition=~Q(kind__in=INTERNAL_KINDS) | Q(balance__gte=0),
                                   name="donations_account_never_negative"),
            models.CheckConstraint(
                condition=(Q(kind="fund", fund__isnull=False, project__isnull=True, purpose="")
                           | Q(kind="project", project__isnull=False, fund__isnull=True, purpose="")
                           | Q(kind="relief", fund__isnull=True, project__isnull=True) & ~Q(purpose="")
                           | Q(kind__in=["income", "expense"], fund__isnull=True, project__isnull=True, purpose="")),
                name="donations_account_shape"),
            models.UniqueConstraint(fields=["org", "kind", "purpose"], condition=Q(kind__in=["relief", "income",
                                                                                               "expense"]),
                                    name="donations_account_org_unique"),
        ]

    def __str__(self) -> str:
        if self.kind == AccountKind.FUND and self.fund_id:
            return str(self.fund)
        if self.kind == AccountKind.PROJECT and self.project_id:
            return str(self.project)
        if self.kind == AccountKind.RELIEF:
            return f"{self.get_kind_display()} · {self.get_purpose_display()}"
        return self.get_kind_display()


class JournalTxn(models.Model):
    """One balanced movement of money (append-only)."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift")
        ALLOCATION = "allocation", _("Allocation")
        SPENDING = "spending", _("Spending")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("journal transaction")
        verbose_name_plural = _("journal")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class JournalLine(models.Model):
    txn = models.ForeignKey(JournalTxn, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="donations_line_nonzero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"


class GiftKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods in kind")


class Channel(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CHEQUE = "cheque", _("Cheque")
    IN_KIND = "in_kind", _("In kind")
    OTHER = "other", _("Other")


ONLINE_CHANNELS = ("wechat", "alipay")


class ValuationBasis(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    MARKET = "market", _("Market price")
    APPRAISAL = "appraisal", _("Appraisal")
    DECLARED = "declared", _("Declared by the donor")


class Gift(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="gifts",
                            verbose_name=_("organisation"))
    donor = models.ForeignKey("donations.Donor", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="gifts", verbose_name=_("donor"))
    donor_name = models.CharField(_("donor name"), max_length=100, blank=True, default="")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name_public = models.BooleanField(_("name may be published"), default=False)
    kind = models.CharField(_("kind"), max_length=8, choices=GiftKind.choices, default=GiftKind.MONEY)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    amount = money_field(_("amount (yuan)"))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("fund"))
    restricted_project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="restricted_gifts", verbose_name=_("restricted to project"))
    restricted_purpose = models.CharField(_("restricted to purpose"), max_length=12, choices=Purpose.choices,
                                          blank=True, default="")
    campaign = models.ForeignKey("donations.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="gifts", verbose_name=_("campaign"))
    peer_page = models.ForeignKey("donations.PeerPage", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="gifts", verbose_name=_("fundraising page"))
    received_at = models.DateTimeField(_("received"), db_index=True)
    item = models.CharField(_("item"), max_length=60, blank=True, default="")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True, default="")
    valuation_basis = models.CharField(_("valuation basis"), max_length=10, choices=ValuationBasis.choices,
                                       blank=True, default="")
    expires_on = models.DateField(_("expiry"), null=True, blank=True)
    receipt_number = models.CharField(_("official receipt number"), max_length=40, blank=True, default="")
    receipt_issued_on = models.DateField(_("receipt issued"), null=True, blank=True)
    order = models.OneToOneField("donations.PaymentOrder", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="gift", verbose_name=_("payment order"))
    gateway_txn = models.CharField(_("gateway transaction"), max_length=64, blank=True, default="")
    bank_ref = models.CharField(_("bank reference"), max_length=64, blank=True, default="")
    message = models.CharField(_("message"), max_length=200, blank=True, default="")
    ledger_entry = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_gift_amount_positive"),
            models.UniqueConstraint(fields=["channel", "gateway_txn"], condition=~Q(gateway_txn=""),
                                    name="donations_gift_gateway_txn_unique"),
            models.UniqueConstraint(fields=["org", "bank_ref"], condition=~Q(bank_ref=""),
                                    name="donations_gift_bank_ref_unique"),
            models.UniqueConstraint(fields=["org", "receipt_number"], condition=~Q(receipt_number=""),
                                    name="donations_gift_receipt_unique"),
            models.CheckConstraint(condition=Q(kind="money") | (~Q(item="") & Q(quantity__gt=0) & ~Q(unit="")),
                                   name="donations_gift_goods_complete"),
            models.CheckConstraint(condition=Q(anonymous=False) | Q(name_public=False),
                                   name="donations_gift_anonymous_never_named"),
            models.CheckConstraint(condition=Q(restricted_project__isnull=True) | Q(restricted_purpose=""),
                                   name="donations_gift_one_restriction"),
        ]
        indexes = [
            models.Index(fields=["campaign", "received_at"], name="donations_gift_campaign_idx"),
            models.Index(fields=["restricted_project", "received_at"], name="donations_gift_project_idx"),
            models.Index(fields=["fund", "received_at"], name="donations_gift_fund_idx"),
            models.Index(fields=["peer_page"], name="donations_gift_peer_idx", condition=Q(peer_page__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("donations:gift-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return gift_number(self.pk, self.received_at)

    @property
    def public_name(self) -> str:
        """The name as disclosure shows it: never for anonymous gifts, masked unless the donor agreed."""
        from boai.donations.selectors import public_donor_name

        return public_donor_name(self)

    def snapshot(self) -> dict:
        return {"org": self.org_id, "donor": self.donor_id, "anonymous": self.anonymous, "kind": self.kind,
                "channel": self.channel, "amount": self.amount, "fund": self.fund_id,
                "restricted_project": self.restricted_project_id, "restricted_purpose": self.restricted_purpose,
                "campaign": self.campaign_id, "item": self.item, "quantity": self.quantity, "unit": self.unit,
                "receipt_number": self.receipt_number, "gateway_txn": self.gateway_txn, "bank_ref": self.bank_ref,
                "ledger_entry": self.ledger_entry}


def gift_number(pk: int | None, received_at) -> str:
    year = received_at.year if received_at else 0
    return f"JZ{year:04d}{pk or 0:08d}"


class LotSource(models.TextChoices):
    GIFT = "gift", _("Gift")
    POOL = "pool", _("Pooled")
    ALLOCATION = "allocation", _("Allocation")


class Lot(models.Model):
    """A parcel of money an account holds, with the restriction it carries and the log entry it is.

    Gifts become lots of a fund; allocations become lots of a project or relief account. Before an
    allocation or payment draws from many lots, they are pooled (pro rata) into one, so each log
    entry names at most a handful of parents however many small gifts stand behind it.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lots")
    source = models.CharField(max_length=12, choices=LotSource.choices)
    restricted_project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+")
    restricted_purpose = models.CharField(max_length=12, choices=Purpose.choices, blank=True, default="")
    gift = models.OneToOneField(Gift, on_delete=models.PROTECT, null=True, blank=True, related_name="lot")
    allocation = models.OneToOneField("donations.Allocation", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="lot")
    amount = money_field(_("amount"))
    remaining = money_field(_("remaining"))
    pooled_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="pooled")
    pooled_amount = money_field(_("pooled amount"), null=True, blank=True)
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_lot_amount_positive"),
            models.CheckConstraint(condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")),
                                   name="donations_lot_remaining_range"),
            models.CheckConstraint(condition=Q(restricted_project__isnull=True) | Q(restricted_purpose=""),
                                   name="donations_lot_one_restriction"),
        ]
        indexes = [models.Index(fields=["account", "restricted_project", "restricted_purpose"],
                                condition=Q(remaining__gt=0), name="donations_lot_open_idx")]

    def __str__(self) -> str:
        return f"lot {self.pk} {self.remaining}/{self.amount}"


class Allocation(models.Model):
    """Money moved from a fund to a project or a relief purpose."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("from fund"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="allocations", verbose_name=_("to project"))
    relief_purpose = models.CharField(_("to relief purpose"), max_length=12, choices=Purpose.choices, blank=True,
                                      default="")
    target = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    relief_ref = models.CharField(_("relief reference"), max_length=64, blank=True, default="")
    txn = models.OneToOneField(JournalTxn, on_delete=models.PROTECT, related_name="allocation")
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("date"))

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_allocation_positive"),
            models.CheckConstraint(condition=Q(project__isnull=False, relief_purpose="")
                                   | Q(project__isnull=True) & ~Q(relief_purpose=""),
                                   name="donations_allocation_one_target"),
        ]

    def __str__(self) -> str:
        return f"FP{self.pk:08d}"

    def get_absolute_url(self) -> str:
        return reverse("donations:allocation-detail", args=[self.pk])

    @property
    def target_label(self) -> str:
        return str(self.project) if self.project_id else str(Purpose(self.relief_purpose).label)


class AllocationDraw(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocation_draws")
    amount = money_field(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donations_adraw_positive")]

    def __str__(self) -> str:
        return f"{self.allocation_id} ← lot {self.lot_id} {self.amount}"


class SpendingCategory(models.TextChoices):
    PROGRAMME = "programme", _("Programme spending")
    MANAGEMENT = "management", _("Management cost")


class SpendingStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting second approval")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class PayeeKind(models.TextChoices):
    RECIPIENT = "recipient", _("Recipient")
    SUPPLIER = "supplier", _("Supplier")
    ORGANISATION = "organisation", _("Organisation")


class Spending(models.Model):
    """A payment out of a project (or a relief purpose): what the money paid for."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="spendings",
                                verbose_name=_("project"))
    relief_purpose = models.CharField(_("relief purpose"), max_length=12, choices=Purpose.choices, blank=True,
                                      default="")
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("amount (yuan)"))
    category = models.CharField(_("category"), max_length=12, choices=SpendingCategory.choices,
                                default=SpendingCategory.PROGRAMME)
    purpose = models.CharField(_("what it paid for"), max_length=100)
    payee_kind = models.CharField(_("payee type"), max_length=12, choices=PayeeKind.choices)
    payee_name = models.CharField(_("payee"), max_length=100, blank=True, default="")
    recipient_commitment = models.CharField(_("recipient commitment"), max_length=64, blank=True, default="")
    region = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True, default="")
    relief_ref = models.CharField(_("relief delivery reference"), max_length=64, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=SpendingStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    txn = models.OneToOneField(JournalTxn, on_delete=models.PROTECT, null=True, blank=True, related_name="spending")
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_spending_positive"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(txn__isnull=False, paid_at__isnull=False),
                                   name="donations_spending_paid_has_txn"),
            models.CheckConstraint(condition=Q(project__isnull=False, relief_purpose="")
                                   | Q(project__isnull=True) & ~Q(relief_purpose=""),
                                   name="donations_spending_one_source"),
        ]

    def __str__(self) -> str:
        return f"ZC{self.pk:08d}"

    def get_absolute_url(self) -> str:
        return reverse("donations:spending-detail", args=[self.pk])

    @property
    def source_label(self) -> str:
        return str(self.project) if self.project_id else str(Purpose(self.relief_purpose).label)


class SpendingDraw(models.Model):
    spending = models.ForeignKey(Spending, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="spending_draws")
    amount = money_field(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donations_sdraw_positive")]

    def __str__(self) -> str:
        return f"{self.spending_id} ← lot {self.lot_id} {self.amount}"


class Voucher(models.Model):
    """A supporting document of a payment (invoice, contract, signed receipt); its hash goes on the log."""

    spending = models.ForeignKey(Spending, on_delete=models.PROTECT, related_name="vouchers")
    file = models.FileField(_("file"), upload_to="donations/vouchers/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")

    def __str__(self) -> str:
        return self.name


class Acknowledgement(models.Model):
    """The recipient confirmed receipt (pseudonymous on the log)."""

    class Method(models.TextChoices):
        SIGNATURE = "signature", _("Signed receipt")
        SMS = "sms", _("SMS confirmation")
        PHOTO = "photo", _("Photo of the handover")
        OTHER = "other", _("Other")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    spending = models.ForeignKey(Spending, on_delete=models.PROTECT, related_name="acknowledgements")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    acknowledged_on = models.DateField(_("acknowledged on"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recipient_commitment = models.CharField(max_length=64, blank=True, default="")
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-acknowledged_on", "-id"]

    def __str__(self) -> str:
        return f"{self.spending} ✓ {self.acknowledged_on}"


class GoodsMovement(models.Model):
    """Goods given in kind: received into a warehouse, then issued to a project or purpose."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received into store")
        ISSUED = "issued", _("Issued")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="goods_movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="issues")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    remaining = models.DecimalField(_("in store"), max_digits=14, decimal_places=3, default=Decimal(0))
    amount = money_field(_("value (yuan)"))
    warehouse = models.CharField(_("warehouse"), max_length=100, blank=True, default="")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(_("issued for"), max_length=100, blank=True, default="")
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("goods movement")
        verbose_name_plural = _("goods movements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donations_goods_quantity_positive"),
            models.CheckConstraint(condition=Q(remaining__gte=0) & Q(remaining__lte=F("quantity")),
                                   name="donations_goods_remaining_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.gift.unit}"


class Certificate(models.Model):
    """The donation certificate: a PDF anyone can verify through its QR code."""

    gift = models.OneToOneField(Gift, on_delete=models.PROTECT, related_name="certificate")
    token = models.CharField(max_length=32, unique=True)
    holder = models.CharField(_("holder"), max_length=100)
    opening = models.CharField(_("commitment opening"), max_length=100, blank=True, default="")
    commitment = models.CharField(_("donor commitment"), max_length=64, blank=True, default="")
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("donation certificate")
        verbose_name_plural = _("donation certificates")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("donations:verify", args=[self.token])

    @property
    def number(self) -> str:
        return f"ZS{self.gift.number[2:]}"
