"""The organisation tree that scopes everything: society → branch → grassroots unit → site.

A materialised path (django-treebeard's MP_Node) makes "everything under this node" a single
indexed prefix query whatever the depth, and moving a node rewrites its subtree's paths at once.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from boai.core.scoping import ScopedQuerySet


class Kind(models.TextChoices):
    SOCIETY = "society", _("Red Cross society")
    BRANCH = "branch", _("Branch")
    GRASSROOTS = "grassroots", _("Grassroots unit")
    SITE = "site", _("Site")


KIND_LEVEL = {Kind.SOCIETY: 0, Kind.BRANCH: 1, Kind.GRASSROOTS: 2, Kind.SITE: 3}


class Subtype(models.TextChoices):
    CITY = "city", _("City society")
    DISTRICT = "district", _("District branch")
    COUNTY = "county", _("County branch")
    COUNTY_CITY = "county_city", _("County-level city branch")
    STREET = "street", _("Sub-district Red Cross")
    TOWN = "town", _("Town Red Cross")
    COMMUNITY = "community", _("Community Red Cross")
    SCHOOL = "school", _("School Red Cross")
    ENTERPRISE = "enterprise", _("Enterprise Red Cross")
    HOSPITAL = "hospital", _("Hospital Red Cross")
    BOAI_HOME = "boai_home", _("Boai Home")
    TRAINING_BASE = "training_base", _("First-aid training base")
    SCENIC_STATION = "scenic_station", _("Scenic-area first-aid station")
    WAREHOUSE = "warehouse", _("Disaster-reserve warehouse")
    DEMO_SCHOOL = "demo_school", _("Red Cross demonstration school")


SUBTYPES_BY_KIND = {
    Kind.SOCIETY: {Subtype.CITY},
    Kind.BRANCH: {Subtype.DISTRICT, Subtype.COUNTY, Subtype.COUNTY_CITY},
    Kind.GRASSROOTS: {
        Subtype.STREET, Subtype.TOWN, Subtype.COMMUNITY, Subtype.SCHOOL, Subtype.ENTERPRISE, Subtype.HOSPITAL
    },
    Kind.SITE: {
        Subtype.BOAI_HOME, Subtype.TRAINING_BASE, Subtype.SCENIC_STATION, Subtype.WAREHOUSE, Subtype.DEMO_SCHOOL
    },
}

division_code_validator = RegexValidator(r"^\d{6}$", _("A GB/T 2260 division code has six digits."))
org_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,31}$", _("Use 2–32 upper-case letters, digits or hyphens.")
)


class OrgQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class OrgManager(MP_NodeManager):
    def get_queryset(self) -> OrgQuerySet:
        return OrgQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user, action: str = "view") -> OrgQuerySet:
        return self.get_queryset().restrict(user, action)


class Org(MP_Node):
    steplen = 4

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[org_code_validator])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    subtype = models.CharField(_("type"), max_length=20, choices=Subtype.choices)
    division_code = models.CharField(
        _("division code (GB/T 2260)"), max_length=6, blank=True, validators=[division_code_validator]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("public telephone"), max_length=30, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgManager()
    scope_path_field = "path"
    scope_permission = "orgs"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]), name="orgs_org_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    @property
    def level(self) -> int:
        return KIND_LEVEL[Kind(self.kind)]

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def snapshot(self) -> dict:
        return {
            "name": self.name,
            "short_name": self.short_name,
            "code": self.code,
            "kind": self.kind,
            "subtype": self.subtype,
            "division_code": self.division_code,
            "address": self.address,
            "phone": self.phone,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "is_active": self.is_active,
            "path": self.path,
        }

