"""The AED registry: devices, their monthly inspections and their uses in rescues.

Fields follow France's national AED schema (schema-dae, arrêté du 29 octobre 2019) where one exists,
so data can be exchanged in that column set (see `boai.firstaid.schemadae`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager
from boai.firstaid import geo, openhours

INSPECTION_INTERVAL_DAYS = 31  # monthly inspections


class PlaceType(models.TextChoices):
    SCHOOL = "school", _("School")
    COMMUNITY = "community", _("Community")
    METRO = "metro", _("Metro station")
    RAILWAY = "railway", _("Railway station")
    AIRPORT = "airport", _("Airport")
    SCENIC = "scenic", _("Scenic area")
    SPORTS = "sports", _("Sports venue")
    MALL = "mall", _("Shopping centre")
    GOVERNMENT = "government", _("Government service hall")
    HOSPITAL = "hospital", _("Hospital")
    HOTEL = "hotel", _("Hotel")
    OFFICE = "office", _("Office building")
    OTHER = "other", _("Other")


class Funding(models.TextChoices):
    GOVERNMENT = "government", _("Government programme")
    SELF = "self", _("Self-funded")
    DONATED = "donated", _("Donated")


class AEDStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    ABSENT = "absent", _("Temporarily absent")


class AED(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="aeds",
                            verbose_name=_("responsible unit"))
    code = models.CharField(_("device code"), max_length=32, unique=True)
    name = models.CharField(_("location name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    division_code = models.CharField(_("division code (GB/T 2260)"), max_length=6, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    indoor = models.BooleanField(_("indoor"), default=True)
    free_access = models.BooleanField(_("freely accessible"), default=True)
    access_notes = models.CharField(_("access notes"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to="firstaid/aeds/%Y/", blank=True)
    place_type = models.CharField(_("place type"), max_length=16, choices=PlaceType.choices)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    cell = models.BigIntegerField(_("grid cell"), editable=False)
    opening_hours = models.CharField(_("opening hours"), max_length=255, default=openhours.ALWAYS,
                                     help_text=_("OpenStreetMap syntax, e.g. “24/7” or “Mo-Fr 08:00-18:00; PH off”."))
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    owner_credit_code = models.CharField(_("owner credit code"), max_length=18, blank=True)
    custodian = models.CharField(_("custodian"), max_length=60, blank=True)
    custodian_phone = models.CharField(_("custodian telephone"), max_length=30, blank=True)
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices, default=Funding.GOVERNMENT)
    maker = models.CharField(_("maker"), max_length=80, blank=True)
    device_model = models.CharField(_("model"), max_length=80, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    battery_expiry = models.DateField(_("battery expiry"), null=True, blank=True)
    adult_pads_expiry = models.DateField(_("adult pads expiry"), null=True, blank=True)
    child_pads = models.BooleanField(_("child pads present"), default=False)
    child_pads_expiry = models.DateField(_("child pads expiry"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AEDStatus.choices, default=AEDStatus.IN_SERVICE)
    last_inspected_on = models.DateField(_("last inspected"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("AED")
        verbose_name_plural = _("AEDs")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["cell", "status"], name="firstaid_aed_cell_idx"),
            models.Index(fields=["battery_expiry"], name="firstaid_aed_battery_idx"),
            models.Index(fields=["adult_pads_expiry"], name="firstaid_aed_pads_idx"),
            models.Index(fields=["child_pads_expiry"], name="firstaid_aed_childpads_idx"),
            models.Index(fields=["last_inspected_on"], name="firstaid_aed_inspected_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.cell = geo.cell_of(self.latitude, self.longitude)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("firstaid:aed-detail", args=[self.pk])

    def is_open(self, moment: dt.datetime | None = None) -> bool:
        return openhours.is_open(self.opening_hours, moment)

    @property
    def inspection_due_on(self) -> dt.date | None:
        base = self.last_inspected_on or self.installed_on
        return base + dt.timedelta(days=INSPECTION_INTERVAL_DAYS) if base else None

    def expiring_parts(self, *, on: dt.date, within_days: int) -> list[tuple[str, dt.date]]:
        """Parts (battery, adult pads, child pads) that expire on or before `on + within_days`."""
        limit = on + dt.timedelta(days=within_days)
        parts = [("battery", self.battery_expiry), ("adult_pads", self.adult_pads_expiry)]
        if self.child_pads:
            parts.append(("child_pads", self.child_pads_expiry))
        return [(name, day) for name, day in parts if day is not None and day <= limit]

    def snapshot(self) -> dict:
        return {f.name: getattr(self, f.attname) for f in self._meta.concrete_fields
                if f.name not in ("id", "created_at", "updated_at", "photo")}


class AEDInspection(models.Model):
    """A monthly check, usually recorded on a phone at the device with a photo."""

    aed = models.ForeignKey(AED, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("AED"))
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  verbose_name=_("inspector"))
    inspector_name = models.CharField(_("inspector name"), max_length=60, blank=True)
    status_light_ok = models.BooleanField(_("status indicator OK"), default=True)
    battery_ok = models.BooleanField(_("battery OK"), default=True)
    pads_ok = models.BooleanField(_("pads OK"), default=True)
    cabinet_ok = models.BooleanField(_("cabinet and signage OK"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="firstaid/inspections/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "aed__org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("AED inspection")
        verbose_name_plural = _("AED inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["aed", "-inspected_on"], name="firstaid_insp_aed_idx")]

    def __str__(self) -> str:
        return f"{self.aed.code} {self.inspected_on}"

    @property
    def passed(self) -> bool:
        return self.status_light_ok and self.battery_ok and self.pads_ok and self.cabinet_ok


class AEDUsage(models.Model):
    """A rescue in which the AED was used (reported by the custodian or a rescuer)."""

    class Outcome(models.TextChoices):
        ROSC = "rosc", _("Circulation restored on site")
        HOSPITAL = "hospital", _("Taken to hospital")
        DIED = "died", _("Died")
        UNKNOWN = "unknown", _("Unknown")

    aed = models.ForeignKey(AED, on_delete=models.CASCADE, related_name="usages", verbose_name=_("AED"))
    used_at = models.DateTimeField(_("used at"))
    rescuer = models.CharField(_("rescuer"), max_length=60, blank=True)
    rescuer_certified = models.BooleanField(_("rescuer holds a first-aid certificate"), default=False)
    shock_delivered = models.BooleanField(_("shock delivered"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.UNKNOWN)
    notes = models.TextField(_("account"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    verbose_name=_("reported by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "aed__org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("AED usage report")
        verbose_name_plural = _("AED usage reports")
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.aed.code} {self.used_at:%Y-%m-%d}"
