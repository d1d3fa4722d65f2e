from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.fields import EncryptedTextField
from boai.core.scoping import ScopedManager
from boai.volunteers.codes import Speciality


class Volunteer(models.Model):
    """A person's role as a volunteer of one grassroots unit (or branch)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACTIVE = "active", pgettext_lazy("volunteer status", "Active")
        INACTIVE = "inactive", pgettext_lazy("volunteer status", "Inactive")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    class Via(models.TextChoices):
        SELF = "self", _("Self-registration")
        STAFF = "staff", _("Staff entry")
        IMPORT = "import", _("Excel import")
        SEED = "seed", _("Seed data")

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="volunteer",
                                  verbose_name=_("person"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteers",
                            verbose_name=_("organisation"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="volunteer", verbose_name=_("login"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    registered_via = models.CharField(_("registered through"), max_length=8, choices=Via.choices, default=Via.STAFF)
    skills = models.CharField(_("skills"), max_length=300, blank=True, default="")
    first_aid_cert_no = models.CharField(_("first-aid certificate number"), max_length=40, blank=True, default="")
    languages = models.CharField(_("languages"), max_length=100, blank=True, default="")
    available_days = models.CharField(_("available days"), max_length=40, blank=True, default="")
    available_slots = models.CharField(_("available times"), max_length=60, blank=True, default="")
    emergency_name = models.CharField(_("emergency contact"), max_length=50, blank=True, default="")
    emergency_relation = models.CharField(_("relation"), max_length=20, blank=True, default="")
    emergency_phone = EncryptedTextField(_("emergency contact phone"), blank=True, default="")
    emergency_phone_masked = models.CharField(_("emergency contact phone"), max_length=20, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.CharField(_("review note"), max_length=300, blank=True, default="")
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    certified_hours = models.DecimalField(_("certified hours"), max_digits=10, decimal_places=2,
                                          default=Decimal("0"))
    star_level = models.PositiveSmallIntegerField(_("star level"), default=0)
    points_balance = models.IntegerField(_("points"), default=0)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(points_balance__gte=0), name="volunteers_points_not_negative"),
            models.CheckConstraint(condition=Q(star_level__lte=5), name="volunteers_star_level_range"),
            models.CheckConstraint(condition=Q(certified_hours__gte=0), name="volunteers_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["org", "status"], name="volunteers_org_status_idx")]

    def __str__(self) -> str:
        return self.person.name if self.person_id else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {"person": self.person_id, "org": self.org_id, "status": self.status, "skills": self.skills,
                "first_aid_cert_no": self.first_aid_cert_no, "languages": self.languages,
                "available_days": self.available_days, "available_slots": self.available_slots,
                "emergency_name": self.emergency_name, "emergency_relation": self.emergency_relation,
                "emergency_phone": self.emergency_phone_masked, "note": self.note}


class Consent(models.Model):
    """What a volunteer agreed to, when, and for minors under 14 who agreed for them (PIPL art. 31)."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        SENSITIVE = "sensitive", _("Processing of sensitive personal data")
        GUARDIAN = "guardian", _("Guardian consent (under 14)")
        PAPER = "paper", _("Signed paper form (staff entry)")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=12, choices=Kind.choices)
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given"))
    guardian_name = models.CharField(_("guardian name"), max_length=50, blank=True, default="")
    guardian_relation = models.CharField(_("guardian relation"), max_length=20, blank=True, default="")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = ScopedManager()
    scope_org_field = "volunteer__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.notice_version}"


class Team(models.Model):
    """A volunteer service team (志愿服务队) owned by a node of the tree."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="volunteer_teams",
                            verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=80)
    speciality = models.CharField(_("speciality"), max_length=20, choices=Speciality.choices)
    description = models.TextField(_("description"), blank=True, default="")
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="volunteers_team_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:team-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {"org": self.org_id, "name": self.name, "speciality": self.speciality,
                "description": self.description, "founded_on": self.founded_on, "is_active": self.is_active}


class TeamMembership(models.Model):
    """Joining and leaving are both kept: leaving closes the row, rejoining opens a new one."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(pgettext_lazy("team", "role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_org_field = "team__org"
    scope_permission = "volunteers"

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "-joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], condition=Q(left_on__isnull=True),
                                    name="volunteers_team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.volunteer_id}"
