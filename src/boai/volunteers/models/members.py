from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager


class Member(models.Model):
    """A member of the Red Cross society (会员): a person, or an organisation as a group member."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual member")
        GROUP = "group", _("Group member")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("volunteer status", "Active")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(pgettext_lazy("member", "kind"), max_length=10, choices=Kind.choices,
                            default=Kind.INDIVIDUAL)
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="member", verbose_name=_("person"))
    group_name = models.CharField(_("organisation name"), max_length=100, blank=True, default="")
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, default="")
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True, default="")
    contact_mobile = EncryptedTextField(_("contact mobile"), blank=True, default="")
    contact_mobile_masked = models.CharField(_("contact mobile"), max_length=20, blank=True, default="")
    member_no = models.CharField(_("member number"), max_length=32, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="members",
                            verbose_name=_("joining unit"))
    joined_on = models.DateField(_("joined"))
    term_end = models.DateField(_("membership valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    card_code = models.CharField(max_length=40, unique=True, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual", person__isnull=False) | Q(kind="group", person__isnull=True)
                           & ~Q(group_name="")),
                name="volunteers_member_kind_fields"),
            models.CheckConstraint(condition=Q(term_end__gte=models.F("joined_on")), name="volunteers_member_term"),
        ]
        indexes = [models.Index(fields=["status", "term_end"], name="volunteers_member_term_idx")]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:member-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.group_name if self.kind == self.Kind.GROUP else (self.person.name if self.person_id else "")

    def snapshot(self) -> dict:
        return {"kind": self.kind, "person": self.person_id, "group_name": self.group_name,
                "credit_code": self.credit_code, "contact_name": self.contact_name,
                "contact_mobile": self.contact_mobile_masked, "member_no": self.member_no, "org": self.org_id,
                "joined_on": self.joined_on, "term_end": self.term_end, "status": self.status, "note": self.note}


class MemberNumberCounter(models.Model):
    """The last sequence number used per member-number prefix (locked while a number is drawn)."""

    prefix = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class DuesPayment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        OTHER = "other", _("Other")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    period_start = models.DateField(_("covers from"))
    period_end = models.DateField(_("covers until"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.TRANSFER)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "member__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="volunteers_dues_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="volunteers_dues_period"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ¥{self.amount}"


class DuesExemption(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.CharField(_("reason"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "member__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("dues exemption")
        verbose_name_plural = _("dues exemptions")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="volunteers_exemption_period")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.starts_on}–{self.ends_on}"


class MemberReminder(models.Model):
    """One row per reminder sent, so the daily job never sends the same reminder twice."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reminders")
    term_end = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "term_end", "days_before"],
                                               name="volunteers_member_reminder_once")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.term_end}-{self.days_before}"


class Honour(models.Model):
    """An honour given to a member or a volunteer, e.g. 会员之星 or 优秀志愿者."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="honours")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="honours")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_honours",
                            verbose_name=_("awarded by"))
    title = models.CharField(_("honour"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    awarded_on = models.DateField(_("awarded on"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "-awarded_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(member__isnull=False) | Q(volunteer__isnull=False),
                                              name="volunteers_honour_has_holder")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"
