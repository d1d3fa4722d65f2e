"""The person-based side of training: instructors, enrolments with attendance and results, and
certificates. Trainees, instructors and certificate holders are roles of a `people.Person`."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.scoping import ScopedManager


def name_hash(name: str) -> str:
    """Keyed HMAC-SM3 of the full name: public verification compares names without reading the
    person registry (and without storing the name a second time)."""
    from boai.core.crypto import blind_index

    return blind_index(" ".join((name or "").split()), context="firstaid.certificate.holder_name")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***, John Smith → J*********: enough to recognise, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


class InstructorLevel(models.TextChoices):
    INSTRUCTOR = "instructor", _("First-aid instructor (救护培训师资)")
    SENIOR = "senior", _("Senior instructor")
    MENTOR = "mentor", _("Instructor mentor (导师)")


class Instructor(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="firstaid_instructor",
                                  verbose_name=_("person"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="firstaid_instructors",
                            verbose_name=_("organisation"))
    level = models.CharField(_("level"), max_length=12, choices=InstructorLevel.choices,
                             default=InstructorLevel.INSTRUCTOR)
    qualification_no = models.CharField(_("qualification number"), max_length=40, unique=True)
    qualified_on = models.DateField(_("qualified on"))
    expires_on = models.DateField(_("qualification expires"))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["qualification_no"]
        indexes = [models.Index(fields=["expires_on"], name="firstaid_instr_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.qualification_no})"

    def get_absolute_url(self) -> str:
        return reverse("firstaid:instructor-detail", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    def snapshot(self) -> dict:
        return {"person": self.person_id, "org": self.org_id, "level": self.level,
                "qualification_no": self.qualification_no, "qualified_on": self.qualified_on,
                "expires_on": self.expires_on, "is_active": self.is_active}


class SessionInstructor(models.Model):
    session = models.ForeignKey("firstaid.Session", on_delete=models.CASCADE, related_name="teaching",
                                verbose_name=_("session"))
    instructor = models.ForeignKey(Instructor, on_delete=models.PROTECT, related_name="teaching",
                                   verbose_name=_("instructor"))
    lead = models.BooleanField(_("lead instructor"), default=False)
    hours = models.DecimalField(_("teaching hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(400)])

    class Meta:
        verbose_name = _("session instructor")
        verbose_name_plural = _("session instructors")
        constraints = [models.UniqueConstraint(fields=["session", "instructor"], name="firstaid_teaching_unique")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.instructor_id}"


class InstructorAssessment(models.Model):
    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="assessments",
                                   verbose_name=_("instructor"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("instructor assessment")
        verbose_name_plural = _("instructor assessments")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["instructor", "year"], name="firstaid_assess_unique")]

    def __str__(self) -> str:
        return f"{self.instructor_id} {self.year}"


class EnrolmentSource(models.TextChoices):
    PUBLIC = "public", _("Public self-enrolment")
    STAFF = "staff", _("Entered by staff")
    BULK = "bulk", _("Bulk enrolment (Excel)")


class Result(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Enrolment(models.Model):
    session = models.ForeignKey("firstaid.Session", on_delete=models.PROTECT, related_name="enrolments",
                                verbose_name=_("session"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="firstaid_enrolments",
                               verbose_name=_("trainee"))
    source = models.CharField(_("source"), max_length=8, choices=EnrolmentSource.choices)
    employer = models.CharField(_("employer or school"), max_length=100, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="firstaid/photos/%Y/", blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    attendance_percent = models.PositiveSmallIntegerField(_("attendance (%)"), null=True, blank=True,
                                                          validators=[MaxValueValidator(100)])
    theory_score = models.PositiveSmallIntegerField(_("theory score"), null=True, blank=True,
                                                    validators=[MaxValueValidator(100)])
    practical_passed = models.BooleanField(_("practical passed"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "session__org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="firstaid_enrolment_unique")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.session.code}"

    def get_absolute_url(self) -> str:
        return reverse("firstaid:session-detail", args=[self.session_id]) + f"#enrolment-{self.pk}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", pgettext_lazy("certificate status", "Valid")
    EXPIRED = "expired", pgettext_lazy("certificate status", "Expired")
    REVOKED = "revoked", pgettext_lazy("certificate status", "Revoked")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=32, unique=True, default=new_token, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="firstaid_certificates",
                               verbose_name=_("holder"))
    holder_name_masked = models.CharField(_("holder"), max_length=50)
    holder_name_hash = models.CharField(_("holder name index"), max_length=64, editable=False, default="")
    course_type = models.ForeignKey("firstaid.CourseType", on_delete=models.PROTECT, related_name="certificates",
                                    verbose_name=_("course"))
    session = models.ForeignKey("firstaid.Session", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="certificates", verbose_name=_("session"))
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="certificate", verbose_name=_("enrolment"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="firstaid_certificates",
                            verbose_name=_("issued by"))
    branch = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", null=True, editable=False,
                               verbose_name=_("branch"))
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    reminded_on = models.DateField(_("expiry reminder sent"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="firstaid/photos/%Y/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["branch", "issued_on"], name="firstaid_cert_branch_idx"),
            models.Index(fields=["valid_until"], name="firstaid_cert_expiry_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(valid_until__gt=models.F("issued_on")),
                                              name="firstaid_cert_validity")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("firstaid:certificate-detail", args=[self.pk])

    def status_on(self, day: dt.date | None = None) -> str:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.valid_until < (day or timezone.localdate()):
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return CertificateStatus(self.status).label


class CertificateSequence(models.Model):
    """The last number used per (pattern, year): locked while a number is taken."""

    key = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate number sequence")
        verbose_name_plural = _("certificate number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.last}"
