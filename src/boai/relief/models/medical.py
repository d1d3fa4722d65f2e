"""Medical relief with the medical-insurance department (医保): lists of eligible people sent in
the agreed spreadsheet layout, and their settlement results imported back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.relief.models.households import MONEY


class MedicalBatch(models.Model):
    """One exchange with the medical-insurance department: the list sent, the results received."""

    class Direction(models.TextChoices):
        EXPORT = "export", _("Eligible list sent")
        IMPORT = "import", _("Settlement results received")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("medical-insurance exchange")
        verbose_name_plural = _("medical-insurance exchanges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.pk}"


class MedicalSettlement(models.Model):
    """A hospital settlement reported by 医保: what insurance paid and what is left to the patient."""

    batch = models.ForeignKey(MedicalBatch, on_delete=models.PROTECT, related_name="settlements",
                              verbose_name=_("exchange"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="medical_settlements",
                               verbose_name=_("patient"))
    settlement_no = models.CharField(_("settlement number"), max_length=40, unique=True)
    hospital = models.CharField(_("hospital"), max_length=100)
    admitted_on = models.DateField(_("admitted"), null=True, blank=True)
    settled_on = models.DateField(_("settled"))
    total_cost = models.DecimalField(_("total cost"), **MONEY)
    insurance_paid = models.DecimalField(_("basic insurance paid"), **MONEY, default=0)
    serious_illness_paid = models.DecimalField(_("serious-illness insurance paid"), **MONEY, default=0)
    assistance_paid = models.DecimalField(_("medical assistance paid"), **MONEY, default=0)
    out_of_pocket = models.DecimalField(_("paid by the patient"), **MONEY)
    application = models.OneToOneField("relief.Application", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="medical_settlement", verbose_name=_("relief application"))

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "relief"

    class Meta:
        verbose_name = _("medical settlement")
        verbose_name_plural = _("medical settlements")
        ordering = ["-settled_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_cost__gte=0) & Q(out_of_pocket__gte=0),
                                   name="relief_settlement_amounts"),
        ]

    def __str__(self) -> str:
        return self.settlement_no
