from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager, ScopedQuerySet
from boai.volunteers.codes import Speciality


def _qr_salt() -> str:
    return secrets.token_hex(16)


class ActivityQuerySet(ScopedQuerySet):
    def led_by(self, user) -> ActivityQuerySet:
        """Activities a user may run on the ground (roster, QR, manual check-in): staff with
        `volunteers.change` over the organising unit, and the activity's own leaders."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        staff = self.restrict(user, "change")
        leader = self.filter(leaders__user=user, leaders__status="active")
        return self.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=leader.values("pk")))


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    class Recruitment(models.TextChoices):
        OPEN = "open", _("Open recruitment")
        TEAM = "team", _("Team members only")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_activities",
                            verbose_name=_("organiser"))
    team = models.ForeignKey("volunteers.Team", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="activities", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=120)
    activity_type = models.CharField(_("type"), max_length=20, choices=Speciality.choices,
                                     default=Speciality.COMMUNITY)
    description = models.TextField(_("description"), blank=True, default="")
    place = models.CharField(_("place"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0)
    recruitment = models.CharField(_("recruitment"), max_length=8, choices=Recruitment.choices,
                                   default=Recruitment.OPEN)
    needs_approval = models.BooleanField(_("leader approves sign-ups"), default=False)
    signup_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    required_skills = models.CharField(_("required skills"), max_length=300, blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    leaders = models.ManyToManyField("volunteers.Volunteer", blank=True, related_name="led_activities",
                                     verbose_name=_("leaders"))
    qr_salt = models.CharField(max_length=32, default=_qr_salt, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager.from_queryset(ActivityQuerySet)()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            # the database itself refuses an overbooked activity, whatever the code above it does
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="volunteers_activity_not_overbooked"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="volunteers_activity_capacity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="volunteers_activity_ends_after"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="volunteers_act_start_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:activity-detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.taken)

    def snapshot(self) -> dict:
        return {"org": self.org_id, "team": self.team_id, "title": self.title, "activity_type": self.activity_type,
                "place": self.place, "latitude": self.latitude, "longitude": self.longitude,
                "starts_at": self.starts_at, "ends_at": self.ends_at, "capacity": self.capacity,
                "recruitment": self.recruitment, "needs_approval": self.needs_approval,
                "signup_deadline": self.signup_deadline, "required_skills": self.required_skills,
                "status": self.status}


class Signup(models.Model):
    """One volunteer on one activity: at most one row ever (a unique constraint), whose status moves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Not accepted")

    HOLDS_PLACE = (Status.PENDING, Status.CONFIRMED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), help_text=_("first come, first served on the waiting list"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "activity__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteers_signup_once")]
        indexes = [models.Index(fields=["activity", "status", "queued_at"], name="volunteers_signup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.volunteer_id} {self.status}"


class HoursRule(models.Model):
    """How check-in/out times become hours: per activity type or for all types, set by a node for the
    activities of its subtree (the most specific node and type win)."""

    class Rounding(models.TextChoices):
        DOWN = "down", _("Round down")
        NEAREST = "nearest", _("Round to nearest")

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="volunteer_hours_rules",
                            verbose_name=_("organisation"))
    activity_type = models.CharField(_("activity type"), max_length=20, choices=Speciality.choices, blank=True,
                                     default="", help_text=_("Blank: every activity type."))
    rounding_minutes = models.PositiveSmallIntegerField(
        _("rounding unit (minutes)"), default=30, choices=[(0, _("No rounding")), (15, "15"), (30, "30"), (60, "60")])
    rounding = models.CharField(_("rounding"), max_length=8, choices=Rounding.choices, default=Rounding.DOWN)
    minimum_minutes = models.PositiveSmallIntegerField(_("minimum (minutes)"), default=30,
                                                       help_text=_("Shorter service counts no hours."))
    daily_cap_hours = models.DecimalField(_("daily cap (hours)"), max_digits=4, decimal_places=2, null=True,
                                          blank=True, default=Decimal("8"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("hours rule")
        verbose_name_plural = _("hours rules")
        ordering = ["org__path", "activity_type"]
        constraints = [
            models.UniqueConstraint(fields=["org", "activity_type"], name="volunteers_hours_rule_unique"),
            models.CheckConstraint(condition=Q(daily_cap_hours__isnull=True) | Q(daily_cap_hours__gt=0),
                                   name="volunteers_hours_rule_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_activity_type_display() or _('all types')}"

    def snapshot(self) -> dict:
        return {"org": self.org_id, "activity_type": self.activity_type, "rounding_minutes": self.rounding_minutes,
                "rounding": self.rounding, "minimum_minutes": self.minimum_minutes,
                "daily_cap_hours": self.daily_cap_hours}


class ServiceRecord(models.Model):
    """Hours served. Recorded by the organiser, certified by the organiser, and never edited after
    checkout: a correction is a new record that references the one it corrects, and certifying it
    retires the old one (status `superseded`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Checked in")
        RECORDED = "recorded", _("Awaiting certification")
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Corrected")

    class Source(models.TextChoices):
        QR = "qr", _("QR check-in")
        MANUAL = "manual", _("Entered by the leader")
        CORRECTION = "correction", _("Correction")
        IMPORT = "import", _("Excel import")
        SEED = "seed", _("Seed data")

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="records",
                                  verbose_name=_("volunteer"))
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="records",
                                 verbose_name=_("activity"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_records",
                            verbose_name=_("organiser"))
    service_date = models.DateField(_("date"))
    check_in_at = models.DateTimeField(_("checked in"))
    check_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.QR)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrects"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    checkin_window = models.BigIntegerField(null=True, blank=True, editable=False)
    checkout_window = models.BigIntegerField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-check_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"],
                                    condition=Q(corrects__isnull=True, activity__isnull=False),
                                    name="volunteers_record_once_per_activity"),
            models.UniqueConstraint(fields=["corrects"], condition=Q(corrects__isnull=False) & ~Q(status="rejected"),
                                    name="volunteers_record_one_live_correction"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="volunteers_record_hours_not_negative"),
            models.CheckConstraint(condition=Q(check_out_at__isnull=True) | Q(check_out_at__gte=F("check_in_at")),
                                   name="volunteers_record_out_after_in"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="volunteers_record_vol_idx"),
            models.Index(fields=["status", "service_date"], name="volunteers_record_date_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.hours} h"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:record-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {"volunteer": self.volunteer_id, "activity": self.activity_id, "org": self.org_id,
                "service_date": self.service_date, "check_in_at": self.check_in_at,
                "check_out_at": self.check_out_at, "hours": self.hours, "status": self.status,
                "source": self.source, "corrects": self.corrects_id, "note": self.note}
