"""One import run: its file, mode, progress, counts and error sheet (imported by core.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportJob(models.Model):
    """An uploaded file going through the engine, in the request or as a background task.

    The uploaded file and the error sheet hold personal data: both are stored encrypted
    (SM4-GCM, see `tabular.storage`) and removed after BOAI_IMPORT_KEEP_DAYS. A job belongs to
    the user who uploaded it; nobody else sees it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Checking")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Not imported: rows have errors")
        CHECKED = "checked", _("Checked")
        FAILED = "failed", _("Not imported")

    class Mode(models.TextChoices):
        ALL = "all", _("Import only if every row is valid")
        VALID_ONLY = "valid", _("Import the valid rows, skip the invalid ones")
        CHECK = "check", _("Check only, import nothing")

    FINISHED = (Status.IMPORTED, Status.REJECTED, Status.CHECKED, Status.FAILED)

    kind = models.CharField(pgettext_lazy("import job", "kind"), max_length=40, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="import_jobs", verbose_name=_("user"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.ALL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    source = models.CharField(_("stored file"), max_length=200, blank=True)
    background = models.BooleanField(_("in the background"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    message = models.TextField(_("message"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)  # header row, ignored columns, encoding...
    errors = models.JSONField(_("first errors"), default=list, blank=True)  # [[row, column, reason], ...]
    error_file = models.CharField(_("error sheet"), max_length=200, blank=True)
    error_rows = models.PositiveIntegerField(_("rows in the error sheet"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="core_importjob_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("tabular:job", kwargs={"kind": self.kind, "pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))

    @property
    def issue_count(self) -> int:
        return self.details.get("issues", len(self.errors))

    @property
    def can_import_valid_rows(self) -> bool:
        """After an all-or-nothing run refused the file: the valid rows may still be imported."""
        return self.status in (self.Status.REJECTED, self.Status.CHECKED) and self.rows_valid > 0 and bool(self.source)
