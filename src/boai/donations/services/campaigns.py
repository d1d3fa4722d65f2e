"""Campaigns, their targets per branch and per day, and supporters' fundraising pages (一起捐)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.donations.models import Campaign, CampaignKind, CampaignTarget, PeerPage, Project, ProjectStatus
from boai.donations.money import positive_yuan, yuan
from boai.donations.services.common import clean_text, require, under

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
CAMPAIGN_FIELDS = ("name", "kind", "starts_at", "ends_at", "target", "summary", "description", "public_fundraising",
                   "record_number", "is_public")


def _clean(campaign: Campaign) -> None:
    campaign.name = clean_text(campaign.name, field="name", max_length=100, required=True)
    campaign.summary = clean_text(campaign.summary, field="summary", max_length=200)
    if campaign.kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Unknown kind of campaign.")})
    if not campaign.starts_at or not campaign.ends_at or campaign.ends_at <= campaign.starts_at:
        raise ValidationError({"ends_at": _("A campaign ends after it starts.")})
    campaign.target = yuan(campaign.target or 0)
    if campaign.target < 0:
        raise ValidationError({"target": _("The target cannot be negative.")})
    if campaign.public_fundraising and not campaign.record_number:
        raise ValidationError({"record_number": _("Public fundraising needs its filing number.")})


def _set_projects(campaign: Campaign, projects) -> None:
    projects = list(projects or [])
    for project in projects:
        if not under(project.org, campaign.org) and not under(campaign.org, project.org):
            raise ValidationError({"projects": _("%(project)s belongs to an organisation outside this campaign's.")
                                   % {"project": project}})
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError({"projects": _("%(project)s is closed.") % {"project": project}})
    campaign.projects.set(projects)


@transaction.atomic
def campaign_create(*, actor, org, slug: str, name: str, kind: str, starts_at: dt.datetime, ends_at: dt.datetime,
                    target=Decimal("0"), projects=(), summary: str = "", description: str = "",
                    public_fundraising: bool = True, record_number: str = "", is_public: bool = True) -> Campaign:
    require(actor, "donations.add", org)
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationError({"slug": _("Use 2–40 lower-case letters, digits or hyphens.")})
    if Campaign.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This address name is already used.")})
    campaign = Campaign(org=org, slug=slug, name=name, kind=kind, starts_at=starts_at, ends_at=ends_at, target=target,
                        summary=summary, description=description, public_fundraising=public_fundraising,
                        record_number=record_number, is_public=is_public)
    _clean(campaign)
    campaign.save()
    _set_projects(campaign, projects)
    audit_record(actor=actor, action="donations.campaign.create", obj=campaign, after=campaign.snapshot())
    _schedule(campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, projects=None, **fields) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require(actor, "donations.change", campaign.org)
    before = campaign.snapshot()
    for name, value in fields.items():
        if name not in CAMPAIGN_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(campaign, name, value)
    _clean(campaign)
    campaign.save()
    if projects is not None:
        _set_projects(campaign, projects)
    old, new = diff(before, campaign.snapshot())
    if new:
        audit_record(actor=actor, action="donations.campaign.update", obj=campaign, before=old, after=new)
        _schedule(campaign)
    return campaign


@transaction.atomic
def campaign_set_target(*, actor, campaign: Campaign, amount, org=None,
                        day: dt.date | None = None) -> CampaignTarget | None:
    """Set (or, with amount 0, remove) the target of one branch or one day."""
    require(actor, "donations.change", campaign.org)
    if org is None and day is None:
        raise ValidationError(_("A target is for a branch, a day, or both."))
    if org is not None and not under(org, campaign.org):
        raise ValidationError({"org": _("This branch is outside the campaign's organisation.")})
    if day is not None and not (timezone.localdate(campaign.starts_at) <= day <= timezone.localdate(campaign.ends_at)):
        raise ValidationError({"day": _("The day is outside the campaign.")})
    amount = yuan(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The target cannot be negative.")})
    existing = CampaignTarget.objects.filter(campaign=campaign, org=org, day=day).first()
    if amount == 0:
        if existing is not None:
            existing.delete()
        target = None
    elif existing is not None:
        existing.amount = amount
        existing.save(update_fields=["amount"])
        target = existing
    else:
        target = CampaignTarget.objects.create(campaign=campaign, org=org, day=day, amount=amount)
    audit_record(actor=actor, action="donations.campaign.target", obj=campaign,
                 after={"org": getattr(org, "pk", None), "day": day, "amount": amount})
    return target


def _schedule(campaign: Campaign) -> None:
    from boai.donations.services.disclosure import schedule_for_campaign

    schedule_for_campaign(campaign)


# --- peer fundraising pages (一起捐) -------------------------------------------------------------

@transaction.atomic
def peer_page_create(*, project: Project, supporter_name: str, title: str, target, message: str = "",
                     campaign: Campaign | None = None, owner_mobile_blind: str = "") -> PeerPage:
    """A supporter's own page under a project (created by the public, after a verified SMS login)."""
    if not project.is_public or not project.accepts_online or project.status == ProjectStatus.CLOSED:
        raise ValidationError({"project": _("This project does not take fundraising pages now.")})
    if campaign is not None and not campaign.projects.filter(pk=project.pk).exists():
        raise ValidationError({"campaign": _("This project is not part of the campaign.")})
    if not owner_mobile_blind:
        raise ValidationError(_("Log in with your mobile number first."))
    if PeerPage.objects.filter(owner_mobile_blind=owner_mobile_blind, is_active=True).count() >= 5:
        raise ValidationError(_("You already have five active fundraising pages."))
    target = positive_yuan(target)
    if target > Decimal("1000000"):
        raise ValidationError({"target": _("A personal target is at most ¥1,000,000.")})
    page = PeerPage.objects.create(
        org=project.org, project=project, campaign=campaign, slug=secrets.token_urlsafe(9).replace("_", "x")
        .replace("-", "y").lower(), title=clean_text(title, field="title", max_length=60, required=True),
        supporter_name=clean_text(supporter_name, field="supporter_name", max_length=40, required=True),
        message=clean_text(message, field="message", max_length=300), target=target,
        owner_mobile_blind=owner_mobile_blind)
    audit_record(actor=None, action="donations.peer_page.create", obj=page, org=project.org,
                 after={"project": project.pk, "target": target, "campaign": getattr(campaign, "pk", None)})
    return page


@transaction.atomic
def peer_page_close(*, actor=None, page: PeerPage, owner_mobile_blind: str = "") -> PeerPage:
    """Closed by its owner (SMS login) or by staff."""
    if actor is not None:
        require(actor, "donations.change", page.org)
    elif not owner_mobile_blind or owner_mobile_blind != page.owner_mobile_blind:
        raise ValidationError(_("Only the page's owner can close it."))
    if page.is_active:
        page.is_active = False
        page.save(update_fields=["is_active"])
        audit_record(actor=actor, action="donations.peer_page.close", obj=page)
    return page
