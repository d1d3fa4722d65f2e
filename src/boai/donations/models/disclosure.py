"""The disclosure calendar: what must be published by when (Charity Law art. 72-75; Red Cross Law
art. 27), with reminders to the responsible officer before each deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boai.core.scoping import ScopedManager


class DisclosureKind(models.TextChoices):
    CAMPAIGN_PROGRESS = "campaign_progress", _("Fundraising progress (at least every three months)")
    CAMPAIGN_FINAL = "campaign_final", _("Fundraising results (within three months of the end)")
    PROJECT_PROGRESS = "project_progress", _("Project progress (at least every three months)")
    PROJECT_FINAL = "project_final", _("Project results (within three months of the end)")
    ANNUAL = "annual", _("Annual report of income and spending")
    OTHER = "other", _("Other disclosure")


class DisclosureItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To publish")
        DONE = "done", _("Published")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=20, choices=DisclosureKind.choices)
    title = models.CharField(_("title"), max_length=150)
    due_on = models.DateField(_("deadline"), db_index=True)
    campaign = models.ForeignKey("donations.Campaign", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="disclosures", verbose_name=_("campaign"))
    project = models.ForeignKey("donations.Project", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="disclosures", verbose_name=_("project"))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("responsible officer"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_url = models.CharField(_("where it was published"), max_length=300, blank=True, default="")
    reminded_days = models.IntegerField(null=True, blank=True)  # the last reminder threshold sent
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_org_field = "org"
    scope_permission = "donations"

    class Meta:
        verbose_name = _("disclosure deadline")
        verbose_name_plural = _("disclosure calendar")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "campaign", "due_on"], name="donations_disclosure_campaign_unique",
                                    condition=Q(campaign__isnull=False)),
            models.UniqueConstraint(fields=["kind", "project", "due_on"], name="donations_disclosure_project_unique",
                                    condition=Q(project__isnull=False)),
            models.UniqueConstraint(fields=["org", "kind", "due_on"], name="donations_disclosure_org_unique",
                                    condition=Q(campaign__isnull=True, project__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("donations:disclosure-item", args=[self.pk])
