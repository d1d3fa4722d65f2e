"""Applications for relief and what follows them: the dated steps (verification by the grassroots
unit, review by the branch, approval at the level the amount requires), the disbursement (bank
transfer, cash with signature, goods), the recipient's acknowledgement, and the city-wide record
of grants that the duplicate check reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.relief.models.households import MONEY, Household
from boai.relief.models.rules import ApprovalLevel, ReliefType


class Channel(models.TextChoices):
    SELF = "self", _("By the household (phone)")
    WORKER = "worker", _("By a community worker")
    STAFF = "staff", _("By staff")
    CAMPAIGN = "campaign", _("Campaign list")
    MEDICAL = "medical", _("Medical-insurance settlement")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    VERIFIED = "verified", _("Waiting for branch review")
    REVIEWED = "reviewed", _("Waiting for approval")
    APPROVED = "approved", _("Approved, to disburse")
    DISBURSED = "disbursed", _("Disbursed, to acknowledge")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED, ApplicationStatus.REVIEWED,
                 ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)


class Application(models.Model):
    number = models.CharField(_("application number"), max_length=24, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="relief_applications",
                            verbose_name=_("responsible unit"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("household"))
    beneficiary = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="relief_applications",
                                    verbose_name=_("beneficiary"))
    relief_type = models.ForeignKey(ReliefType, on_delete=models.PROTECT, related_name="applications",
                                    verbose_name=_("relief type"))
    campaign = models.ForeignKey("relief.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="applications", verbose_name=_("campaign"))
    channel = models.CharField(_("raised"), max_length=10, choices=Channel.choices, default=Channel.STAFF)
    amount_requested = models.DecimalField(_("amount requested (yuan)"), **MONEY)
    amount_approved = models.DecimalField(_("amount approved (yuan)"), **MONEY, null=True, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True, default="")
    reason = models.TextField(_("reason for the application"))
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    approval_level = models.CharField(_("approved at"), max_length=6, choices=ApprovalLevel.choices,
                                      default=ApprovalLevel.BRANCH)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("rejected by"))
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True, default="")
    duplicate_findings = models.JSONField(_("duplicate check"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("relief application")
        verbose_name_plural = _("relief applications")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gte=0), name="relief_application_amount"),
            models.CheckConstraint(condition=Q(amount_approved__isnull=True) | Q(amount_approved__gte=0),
                                   name="relief_application_approved_amount"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="relief_application_reject_reason"),
            # the separation of duties the database can see: whoever raised it never approves it
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | Q(raised_by__isnull=True)
                                   | ~Q(approved_by=models.F("raised_by")), name="relief_application_not_own"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | Q(verified_by__isnull=True)
                                   | ~Q(approved_by=models.F("verified_by")), name="relief_application_not_verifier"),
            models.CheckConstraint(condition=Q(reviewed_by__isnull=True) | Q(raised_by__isnull=True)
                                   | ~Q(reviewed_by=models.F("raised_by")), name="relief_application_review_not_own"),
            models.CheckConstraint(condition=Q(reviewed_by__isnull=True) | Q(verified_by__isnull=True)
                                   | ~Q(reviewed_by=models.F("verified_by")),
                                   name="relief_application_review_not_verifier"),
        ]
        indexes = [models.Index(fields=["org", "status"], name="relief_app_org_status_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("relief:application-detail", args=[self.pk])


class ApplicationStep(models.Model):
    """The application's timeline: one row per step, dated and attributed (append-only)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps",
                                    verbose_name=_("application"))
    step = models.CharField(_("step"), max_length=16)
    status = models.CharField(_("status after"), max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by"), max_length=150, blank=True, default="")
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "application__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.step}"


class DisbursementMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash with signature")
    GOODS = "goods", _("Goods issued")


class Disbursement(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="disbursement",
                                       verbose_name=_("application"))
    ref = models.CharField(_("delivery reference"), max_length=32, unique=True)
    method = models.CharField(_("method"), max_length=6, choices=DisbursementMethod.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    goods = models.CharField(_("goods"), max_length=200, blank=True, default="")
    bank_account_masked = models.CharField(_("bank account"), max_length=40, blank=True, default="")
    bank_reference = models.CharField(_("bank transaction reference"), max_length=64, blank=True, default="")
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    spending = models.OneToOneField("donations.Spending", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="relief_disbursement", verbose_name=_("spending"))
    ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)
    # the recipient's acknowledgement
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement = models.FileField(_("signature or photo"), upload_to="relief/acks/%Y/%m/", blank=True)
    acknowledgement_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    acknowledged_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                                 blank=True, related_name="+")
    ack_ledger_entry = models.BigIntegerField(null=True, blank=True, unique=True)

    objects = ScopedManager()
    scope_org_field = "application__org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="relief_disbursement_amount"),
        ]

    def __str__(self) -> str:
        return self.ref


class ReliefRecord(models.Model):
    """One row per person helped by a grant (the household's members at approval), city-wide.

    The duplicate check before approval reads only this table, by (relief type, person, date), in
    one indexed query, whatever branch granted it. Imported history (grants made before Boai) has
    no application. A grant that is withdrawn after approval is marked cancelled, never deleted.
    """

    relief_type = models.ForeignKey(ReliefType, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    granted_on = models.DateField()
    amount = models.DecimalField(**MONEY, default=0)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="records")
    cancelled = models.BooleanField(default=False)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("relief record")
        verbose_name_plural = _("relief records")
        indexes = [
            models.Index(fields=["relief_type", "person", "granted_on"], name="relief_record_dedupe_idx",
                         condition=Q(cancelled=False)),
        ]

    def __str__(self) -> str:
        return f"{self.relief_type_id}:{self.person_id}@{self.granted_on}"
