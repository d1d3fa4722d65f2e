"""The person registry: one Person for everyone the Red Cross deals with.

Volunteers, members, donors, trainees and beneficiaries will be roles of a person (their own
models with a foreign key here), so a citizen is registered once however many roles they hold.

Personal data protection (see docs/people.md):
- the document number, mobile number and address are encrypted at rest (SM4-GCM, key id in the
  value, bound to their column) by `EncryptedTextField`;
- the document number and mobile number also have a keyed blind index (HMAC-SM3) for exact
  lookups in one indexed query, and a stored masked form for lists and exports;
- birth date and gender are kept in the clear (derived from the number; statistics need them).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager
from boai.people.codes import ETHNICITY_CHOICES, Gender, IdType

ID_CONTEXT = "people.person.id_number"  # blind-index context of document numbers (all types)
MOBILE_CONTEXT = "people.person.mobile"
REVEALABLE = ("id_number", "mobile", "address")


class Person(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="people",
                            verbose_name=_("organisation"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_masked = models.CharField(_("ID number"), max_length=40, blank=True, default="")
    id_blind = models.CharField(_("ID number blind index"), max_length=64, null=True, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = EncryptedTextField(_("mobile number"), blank=True, default="")
    mobile_masked = models.CharField(_("mobile number"), max_length=20, blank=True, default="")
    mobile_blind = models.CharField(_("mobile blind index"), max_length=64, null=True, blank=True, editable=False)
    address = EncryptedTextField(_("address"), blank=True, default="")
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "people"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # (blind, type) rather than (type, blind): the same index serves lookups by blind index alone
            models.UniqueConstraint(fields=["id_blind", "id_type"], condition=Q(id_blind__isnull=False),
                                    name="people_person_id_unique"),
            models.CheckConstraint(condition=Q(gender__in=[g.value for g in Gender]), name="people_person_gender"),
            models.CheckConstraint(condition=Q(id_type__in=[t.value for t in IdType]), name="people_person_id_type"),
        ]
        indexes = [
            models.Index(fields=["name"], name="people_person_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["mobile_blind"], name="people_person_mobile_idx",
                         condition=Q(mobile_blind__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    def snapshot(self) -> dict:
        """What the audit records: masked values only, never a plaintext number or address."""
        return {
            "org": self.org_id,
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number_masked,
            "gender": self.gender,
            "birth_date": self.birth_date,
            "mobile": self.mobile_masked,
            "ethnicity": self.ethnicity,
        }
