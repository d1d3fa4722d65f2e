"""Course types, training bases, sessions and yearly targets."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager, ScopedQuerySet, restrict, user_scope_path


class CourseKind(models.TextChoices):
    FIRST_AIDER = "first_aider", _("Certified first aider (救护员)")
    CPR_AED = "cpr_aed", _("CPR + AED")
    AWARENESS = "awareness", _("Awareness training (普及培训)")
    INSTRUCTOR = "instructor", _("Instructor training")


CERTIFIED_KINDS = (CourseKind.FIRST_AIDER, CourseKind.CPR_AED, CourseKind.INSTRUCTOR)


class CatalogueQuerySet(ScopedQuerySet):
    """Course types are a catalogue: a branch sees what it defined and what its ancestors defined
    (the city's standard courses), but changes only what lies in its own subtree."""

    def restrict(self, user, action: str = "view"):
        own = restrict(self, user, action)
        path = user_scope_path(user)
        if action != "view" or path is None or own.query.is_empty():
            return own
        from boai.orgs.models import Org

        ancestors = [path[:i] for i in range(Org.steplen, len(path), Org.steplen)]
        return own | self.filter(org__path__in=ancestors)


class CourseType(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="course_types",
                            verbose_name=_("defined by"))
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CourseKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(400)])
    syllabus = models.TextField(_("syllabus"), blank=True)
    theory_pass_score = models.PositiveSmallIntegerField(_("theory pass mark"), default=80,
                                                         validators=[MaxValueValidator(100)])
    practical_required = models.BooleanField(_("practical assessment required"), default=True)
    min_attendance_percent = models.PositiveSmallIntegerField(_("minimum attendance (%)"), default=100,
                                                              validators=[MaxValueValidator(100)])
    certificate_name = models.CharField(_("certificate"), max_length=60, blank=True,
                                        help_text=_("Empty for courses without a certificate (awareness training)."))
    validity_years = models.PositiveSmallIntegerField(_("certificate validity (years)"), default=3,
                                                      validators=[MinValueValidator(1), MaxValueValidator(10)])
    number_pattern = models.CharField(_("certificate number pattern"), max_length=60, blank=True,
                                      help_text=_("E.g. WX-{year}-{seq:06d}; empty uses the site default."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(CatalogueQuerySet)()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("course type")
        verbose_name_plural = _("course types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("firstaid:coursetype-detail", args=[self.pk])

    @property
    def issues_certificate(self) -> bool:
        return bool(self.certificate_name) and self.kind != CourseKind.AWARENESS

    def snapshot(self) -> dict:
        return {f.name: getattr(self, f.attname) for f in self._meta.concrete_fields
                if f.name not in ("id", "created_at")}


class DemoLevel(models.TextChoices):
    NONE = "none", _("None")
    CITY = "city", _("City demonstration base")
    PROVINCIAL = "provincial", _("Provincial demonstration base")
    NATIONAL = "national", _("National demonstration base")


class TrainingBase(models.Model):
    """A first-aid training base: a site of the organisation tree (subtype training_base)."""

    org = models.OneToOneField("orgs.Org", on_delete=models.PROTECT, related_name="training_base",
                               verbose_name=_("site"))
    facilities = models.TextField(_("facilities"), blank=True)
    manikins = models.PositiveIntegerField(_("CPR manikins"), default=0)
    training_aeds = models.PositiveIntegerField(_("training AEDs"), default=0)
    classroom_seats = models.PositiveIntegerField(_("classroom seats"), default=0)
    planned_open_days = models.PositiveIntegerField(_("planned open days per year"), default=0)
    demonstration_level = models.CharField(_("demonstration level"), max_length=12, choices=DemoLevel.choices,
                                           default=DemoLevel.NONE)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")
        ordering = ["org__path"]

    def __str__(self) -> str:
        return self.org.name

    def get_absolute_url(self) -> str:
        return reverse("firstaid:base-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {f.name: getattr(self, f.attname) for f in self._meta.concrete_fields
                if f.name not in ("id", "created_at")}


class BaseOpenDay(models.Model):
    """A day the base was open to the public, with its visitors (feeds the opening rate, 开放率)."""

    base = models.ForeignKey(TrainingBase, on_delete=models.CASCADE, related_name="open_days",
                             verbose_name=_("training base"))
    day = models.DateField(_("date"))
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    activity = models.CharField(_("activity"), max_length=120, blank=True)

    objects = ScopedManager()
    scope_org_field = "base__org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("open day")
        verbose_name_plural = _("open days")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["base", "day"], name="firstaid_openday_unique")]

    def __str__(self) -> str:
        return f"{self.base_id} {self.day}"


class VenueKind(models.TextChoices):
    BASE = "base", _("Training base")
    SCHOOL = "school", _("School")
    COMPANY = "company", _("Company")
    COMMUNITY = "community", _("Community")
    SCENIC = "scenic", _("Scenic area")
    OTHER = "other", _("Other")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Open for enrolment")
    CLOSED = "closed", _("Enrolment closed")
    DONE = "done", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """One run (期次) of a course. Certified courses enrol persons; awareness sessions may only
    record how many attended (`awareness_count`), the way the yearly programme counts them."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="training_sessions",
                            verbose_name=_("organiser"))
    branch = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", null=True,
                               verbose_name=_("branch"), editable=False)
    course_type = models.ForeignKey(CourseType, on_delete=models.PROTECT, related_name="sessions",
                                    verbose_name=_("course"))
    code = models.CharField(_("session number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    base = models.ForeignKey(TrainingBase, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions",
                             verbose_name=_("training base"))
    venue_kind = models.CharField(_("venue"), max_length=12, choices=VenueKind.choices, default=VenueKind.BASE)
    venue_address = models.CharField(_("venue address"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    public_enrolment = models.BooleanField(_("open to public enrolment"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    awareness_count = models.PositiveIntegerField(_("awareness trainees counted"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["branch", "starts_on"], name="firstaid_session_branch_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="firstaid_session_dates")]

    def __str__(self) -> str:
        return f"{self.code} {self.title or self.course_type}"

    def get_absolute_url(self) -> str:
        return reverse("firstaid:session-detail", args=[self.pk])

    def snapshot(self) -> dict:
        return {f.name: getattr(self, f.attname) for f in self._meta.concrete_fields
                if f.name not in ("id", "created_at")}


class Target(models.Model):
    """A branch's yearly targets: certified trainees and awareness trainees."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="firstaid_targets",
                            verbose_name=_("branch"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    certified = models.PositiveIntegerField(_("certified trainees"))
    awareness = models.PositiveIntegerField(_("awareness trainees"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "firstaid"

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="firstaid_target_unique")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("firstaid:target-list") + f"?year={self.year}"
