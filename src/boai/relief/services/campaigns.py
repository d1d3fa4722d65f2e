"""Relief campaigns such as 博爱送万家: set-up (holiday, dates, relief type, standard amount or
package), quotas per branch, the household list built from monitoring data, opening and closing.

Bulk disbursement and acknowledgement go through the applications' services (one application per
listed household, `channel=campaign`), see `campaign_approve`, `campaign_disburse` and
`campaign_acknowledge` below.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.core.scoping import org_in_scope
from boai.relief.models import (
    Campaign,
    CampaignHousehold,
    CampaignQuota,
    CampaignStatus,
    Holiday,
    Household,
    HouseholdStatus,
    ReliefType,
    RiskLevel,
)
from boai.relief.models.households import CATEGORY_CODES, categories_text

EDITABLE = ("name", "holiday", "year", "starts_on", "ends_on", "relief_type", "standard_amount", "package",
            "target_categories")
LISTED = (CampaignHousehold.Status.LISTED, CampaignHousehold.Status.DISBURSED, CampaignHousehold.Status.ACKNOWLEDGED)


def _snapshot(campaign: Campaign) -> dict:
    return {"org": campaign.org_id, "name": campaign.name, "holiday": campaign.holiday, "year": campaign.year,
            "starts_on": campaign.starts_on, "ends_on": campaign.ends_on, "relief_type": campaign.relief_type_id,
            "standard_amount": str(campaign.standard_amount), "package": campaign.package,
            "target_categories": campaign.target_categories, "status": campaign.status}


def _check_scope(actor, org) -> None:
    if actor is not None and not org_in_scope(org, actor):
        raise ValidationError(_("This organisation is outside your scope."))


def _clean(campaign: Campaign) -> None:
    errors: dict[str, list[str]] = {}
    if campaign.holiday not in Holiday.values:
        errors.setdefault("holiday", []).append(_("Choose an occasion from the list."))
    if campaign.ends_on < campaign.starts_on:
        errors.setdefault("ends_on", []).append(_("The campaign cannot end before it starts."))
    if not 2000 <= campaign.year <= 2100:
        errors.setdefault("year", []).append(_("Enter a year between 2000 and 2100."))
    rt: ReliefType = campaign.relief_type
    if not rt.active:
        errors.setdefault("relief_type", []).append(_("This relief type is no longer active."))
    if campaign.standard_amount < 0:
        errors.setdefault("standard_amount", []).append(_("The amount cannot be negative."))
    elif campaign.standard_amount > rt.max_amount:
        errors.setdefault("standard_amount", []).append(
            _("At most %(max)s yuan per household for this relief type.") % {"max": rt.max_amount})
    if campaign.standard_amount == 0 and not campaign.package.strip():
        errors.setdefault("package", []).append(_("Give an amount, a package, or both."))
    if errors:
        raise ValidationError(errors)


def _categories(codes) -> str:
    codes = [c for c in (codes or []) if c]
    unknown = sorted(set(codes) - CATEGORY_CODES)
    if unknown:
        raise ValidationError({"target_categories": _("Unknown category: %(codes)s") % {"codes": ", ".join(unknown)}})
    return categories_text(codes)


def campaign_create(*, actor, org, name: str, holiday: str, year: int, starts_on: dt.date, ends_on: dt.date,
                    relief_type: ReliefType, standard_amount: Decimal, package: str = "",
                    target_categories=()) -> Campaign:
    _check_scope(actor, org)
    campaign = Campaign(org=org, name=name.strip(), holiday=holiday, year=year, starts_on=starts_on,
                        ends_on=ends_on, relief_type=relief_type, standard_amount=standard_amount,
                        package=package.strip(), target_categories=_categories(target_categories),
                        created_by=actor if getattr(actor, "pk", None) else None)
    if not campaign.name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    _clean(campaign)
    with transaction.atomic():
        campaign.save()
        audit_record(actor=actor, action="relief.campaign.create", obj=campaign, after=_snapshot(campaign))
    return campaign


def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == CampaignStatus.CLOSED:
            raise ValidationError(_("A closed campaign cannot be changed."))
        before = _snapshot(campaign)
        if "target_categories" in fields:
            fields["target_categories"] = _categories(fields["target_categories"])
        if campaign.status == CampaignStatus.OPEN and "relief_type" in fields \
                and fields["relief_type"].pk != campaign.relief_type_id:
            raise ValidationError({"relief_type": _("The relief type cannot change once the campaign is under way.")})
        for key, value in fields.items():
            setattr(campaign, key, value.strip() if isinstance(value, str) else value)
        _clean(campaign)
        campaign.save()
        audit_record(actor=actor, action="relief.campaign.update", obj=campaign, before=before,
                     after=_snapshot(campaign))
    return campaign


def _set_status(actor, campaign: Campaign, allowed: tuple[str, ...], status: str, action: str) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in allowed:
            raise ValidationError(_("The campaign is %(status)s: this step is not possible.")
                                  % {"status": campaign.get_status_display()})
        before = campaign.status
        campaign.status = status
        campaign.save(update_fields=["status"])
        audit_record(actor=actor, action=action, obj=campaign, before={"status": before}, after={"status": status})
    return campaign


def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    if not campaign.quotas.filter(households__gt=0).exists():
        raise ValidationError(_("Give at least one branch a quota before opening the campaign."))
    return _set_status(actor, campaign, (CampaignStatus.DRAFT,), CampaignStatus.OPEN, "relief.campaign.open")


def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    return _set_status(actor, campaign, (CampaignStatus.OPEN,), CampaignStatus.CLOSED, "relief.campaign.close")


def _not_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be changed."))


# --- quotas ------------------------------------------------------------------------------------------

def quota_set(*, actor, campaign: Campaign, org, households: int) -> CampaignQuota | None:
    """Set (or, with 0, remove) the number of households `org` may list; never below those listed."""
    _not_closed(campaign)
    if not org.path.startswith(campaign.org.path):
        raise ValidationError({"org": _("Quotas go to branches under the campaign's organiser.")})
    _check_scope(actor, campaign.org)
    if households < 0:
        raise ValidationError({"households": _("The quota cannot be negative.")})
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        overlapping = campaign.quotas.exclude(org=org).filter(
            Q(org__path__startswith=org.path) | Q(org__path__in=_ancestor_paths(org.path)))
        if households and overlapping.exists():
            raise ValidationError({"org": _("Another quota already covers part of this organisation's subtree.")})
        listed = _listed_under(campaign, org.path)
        if households < listed:
            raise ValidationError({"households": _("%(n)s households are already listed here: remove some first.")
                                   % {"n": listed}})
        quota = campaign.quotas.filter(org=org).first()
        before = {"households": quota.households} if quota else None
        if households == 0:
            if quota:
                quota.delete()
            quota = None
        elif quota:
            quota.households = households
            quota.save(update_fields=["households"])
        else:
            quota = CampaignQuota.objects.create(campaign=campaign, org=org, households=households)
        audit_record(actor=actor, action="relief.campaign.quota", obj=campaign, org=org, before=before,
                     after={"org": org.pk, "households": households})
    return quota


def _ancestor_paths(path: str) -> list[str]:
    from boai.orgs.models import Org

    return [path[:i] for i in range(Org.steplen, len(path), Org.steplen)]


def _listed_under(campaign: Campaign, path: str) -> int:
    return campaign.households.filter(status__in=LISTED, org__path__startswith=path).count()


def _quota_for(campaign: Campaign, household: Household) -> CampaignQuota | None:
    path = household.org.path
    return next((q for q in campaign.quotas.select_related("org") if path.startswith(q.org.path)), None)


# --- the household list ------------------------------------------------------------------------------

def eligible_households(campaign: Campaign, path: str):
    """Households under monitoring in the subtree `path` that fit the campaign's categories, neediest
    first (urgent risk, then the lowest income per member), not yet on the list."""
    qs = Household.objects.within(path).filter(status=HouseholdStatus.ACTIVE).exclude(
        campaign_entries__campaign=campaign)
    codes = [c for c in campaign.target_categories.split(",") if c]
    if codes:
        match = Q()
        for code in codes:
            match |= Q(categories__contains=f",{code},")
        qs = qs.filter(match)
    return qs.annotate(
        urgency=Case(When(risk_level=RiskLevel.URGENT, then=Value(0)), When(risk_level=RiskLevel.WATCH, then=Value(1)),
                     default=Value(2), output_field=IntegerField()),
        per_member=F("monthly_income") / F("size"),
    ).order_by("urgency", "per_member", "id")


def campaign_build_list(*, actor, campaign: Campaign, org=None) -> int:
    """Fill each quota (or only `org`'s) from monitoring data, up to the quota; returns how many were added."""
    _not_closed(campaign)
    added = 0
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        quotas = campaign.quotas.select_related("org")
        if org is not None:
            quotas = quotas.filter(org=org)
        for quota in quotas:
            path = _working_path(actor, quota.org)
            if path is None:
                continue
            room = quota.households - _listed_under(campaign, quota.org.path)
            if room <= 0:
                continue
            picked = list(eligible_households(campaign, path).values_list("id", "org_id")[:room])
            CampaignHousehold.objects.bulk_create([CampaignHousehold(campaign=campaign, household_id=hh, org_id=unit)
                                                   for hh, unit in picked])
            added += len(picked)
        audit_record(actor=actor, action="relief.campaign.build_list", obj=campaign,
                     after={"org": getattr(org, "pk", None), "added": added})
    return added


def _working_path(actor, org) -> str | None:
    """Where `actor` may pick households for `org`'s quota: the whole quota subtree when it is in scope,
    their own subtree when they work inside it (a grassroots unit of the branch), else nowhere."""
    if actor is None or org_in_scope(org, actor):
        return org.path
    scope = getattr(actor, "scope_path", "") or ""
    return scope if scope and scope.startswith(org.path) else None


def campaign_household_add(*, actor, campaign: Campaign, household: Household, note: str = "") -> CampaignHousehold:
    _not_closed(campaign)
    _check_scope(actor, household.org)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("Only households under monitoring can be listed."))
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        quota = _quota_for(campaign, household)
        if quota is None:
            raise ValidationError(_("No quota of this campaign covers the household's unit."))
        entry = campaign.households.filter(household=household).first()
        if entry and entry.status != CampaignHousehold.Status.EXCLUDED:
            raise ValidationError(_("The household is already on the list."))
        if _listed_under(campaign, quota.org.path) >= quota.households:
            raise ValidationError(_("The quota of %(org)s (%(n)s households) is full.")
                                  % {"org": quota.org.name, "n": quota.households})
        if entry:
            entry.status, entry.note = CampaignHousehold.Status.LISTED, note.strip()
            entry.save(update_fields=["status", "note"])
        else:
            entry = CampaignHousehold.objects.create(campaign=campaign, household=household, org=household.org,
                                                     note=note.strip())
        audit_record(actor=actor, action="relief.campaign.household_add", obj=campaign, org=household.org,
                     after={"household": household.number, "note": entry.note})
    return entry


def campaign_household_remove(*, actor, entry: CampaignHousehold, reason: str) -> CampaignHousehold:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the household is taken off the list.")})
    _not_closed(entry.campaign)
    _check_scope(actor, entry.org)
    with transaction.atomic():
        entry = CampaignHousehold.objects.select_for_update().get(pk=entry.pk)
        if entry.status != CampaignHousehold.Status.LISTED:
            raise ValidationError(_("Only households not yet helped can be taken off the list."))
        entry.status, entry.note = CampaignHousehold.Status.EXCLUDED, reason[:200]
        entry.save(update_fields=["status", "note"])
        audit_record(actor=actor, action="relief.campaign.household_remove", obj=entry.campaign, org=entry.org,
                     after={"household": entry.household_id}, reason=reason)
    return entry


def listed_counts(campaign: Campaign) -> dict[str, int]:
    return dict(campaign.households.values_list("status").annotate(n=Count("id")))



# --- bulk: raise, approve as one batch, disburse, acknowledge ----------------------------------------

def _scoped_entries(actor, campaign: Campaign, **filters):
    qs = campaign.households.filter(**filters).select_related("household", "org", "application")
    return qs if actor is None else qs.restrict(actor, "view")


def campaign_raise(*, actor, campaign: Campaign) -> int:
    """One application per listed household of the actor's subtree (`channel=campaign`, the standard
    amount and package), verified at once: the grassroots unit vouches for the list it built."""
    from boai.relief.models import Channel
    from boai.relief.services.applications import application_create, application_verify, batch_steps

    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Applications are raised while the campaign is under way."))
    raised = 0
    with transaction.atomic(), batch_steps():
        for entry in _scoped_entries(actor, campaign, status=CampaignHousehold.Status.LISTED, application=None):
            app = application_create(actor=actor, household=entry.household, relief_type=campaign.relief_type,
                                     amount_requested=campaign.standard_amount, reason=campaign.name,
                                     channel=Channel.CAMPAIGN, campaign=campaign, goods=campaign.package)
            application_verify(actor=actor, application=app, note=campaign.name)
            entry.application = app
            entry.save(update_fields=["application"])
            raised += 1
        audit_record(actor=actor, action="relief.campaign.raise", obj=campaign, after={"applications": raised})
        if raised:
            _tell_batch(actor, campaign, "relief.review", (1, 0), _("review"), raised)
    return raised


def _tell_batch(actor, campaign: Campaign, perm: str, levels, action: str, n: int) -> None:
    """One notification for a batch, to the staff above the actor who take the next step."""
    from boai.relief.services.applications import tell_staff

    org_id = getattr(actor, "org_id", None) or campaign.org_id
    tell_staff(org_id=org_id, perm=perm, levels=levels, url=campaign.get_absolute_url(),
               barred={getattr(actor, "pk", None)} if perm in ("relief.review", "relief.approve") else set(),
               title=_("Campaign %(campaign)s: %(n)s applications are waiting for you to %(action)s them")
               % {"campaign": campaign.name, "n": n, "action": action})


def campaign_approve(*, actor, campaign: Campaign, acknowledge_duplicates: bool = False) -> tuple[int, list[str]]:
    """Review and approve the campaign's verified applications in the actor's subtree as one batch.
    Each household's duplicate check still runs: a household it refuses is left out and reported
    (its application stays to be decided one by one); the others are approved."""
    from boai.relief.models import ApplicationStatus
    from boai.relief.services.applications import application_approve, application_review, batch_steps

    approved, refused = 0, []
    with transaction.atomic(), batch_steps():
        entries = _scoped_entries(actor, campaign, status=CampaignHousehold.Status.LISTED,
                                  application__status=ApplicationStatus.VERIFIED)
        for entry in entries:
            try:
                with transaction.atomic():
                    app = application_review(actor=actor, application=entry.application, note=campaign.name)
                    application_approve(actor=actor, application=app, acknowledge_duplicates=acknowledge_duplicates)
                approved += 1
            except ValidationError as exc:
                refused.append(f"{entry.household.number}: {'; '.join(exc.messages)}")
        audit_record(actor=actor, action="relief.campaign.approve", obj=campaign,
                     after={"approved": approved, "refused": len(refused)})
        if approved:
            _tell_batch(actor, campaign, "relief.disburse", None, _("pay out"), approved)
    return approved, refused


def campaign_disburse(*, actor, campaign: Campaign, method: str, paid_on: dt.date) -> tuple[int, list[str]]:
    """Record the delivery (cash or goods) of every approved campaign application in the actor's
    subtree, through the applications' disbursement (donations spending, transparency log)."""
    from boai.relief.models import ApplicationStatus, DisbursementMethod
    from boai.relief.services.applications import disbursement_record

    if method not in (DisbursementMethod.CASH, DisbursementMethod.GOODS):
        raise ValidationError({"method": _("A campaign is delivered in cash or goods; record bank transfers one "
                                           "by one on the application.")})
    done, refused = 0, []
    with transaction.atomic():
        entries = _scoped_entries(actor, campaign, status=CampaignHousehold.Status.LISTED,
                                  application__status=ApplicationStatus.APPROVED)
        for entry in entries:
            try:
                with transaction.atomic():
                    disbursement_record(actor=actor, application=entry.application, method=method,
                                        amount=entry.application.amount_approved, paid_on=paid_on,
                                        goods=campaign.package)
                    entry.status = CampaignHousehold.Status.DISBURSED
                    entry.save(update_fields=["status"])
                done += 1
            except ValidationError as exc:
                refused.append(f"{entry.household.number}: {'; '.join(exc.messages)}")
        audit_record(actor=actor, action="relief.campaign.disburse", obj=campaign,
                     after={"disbursed": done, "refused": len(refused), "method": method, "paid_on": paid_on})
    return done, refused


def campaign_acknowledge(*, actor, entry: CampaignHousehold, image, kind: str = "photo") -> CampaignHousehold:
    """The household acknowledges its delivery (signature or photo), through the applications' service."""
    from boai.relief.services.applications import disbursement_acknowledge

    with transaction.atomic():
        entry = CampaignHousehold.objects.select_for_update(of=("self",)).select_related("application").get(pk=entry.pk)
        if entry.application is None or entry.application.status != CampaignHousehold.Status.DISBURSED \
                or entry.status == CampaignHousehold.Status.EXCLUDED:
            raise ValidationError(_("Only a delivered household can acknowledge."))
        disbursement_acknowledge(actor=actor, disbursement=entry.application.disbursement, image=image, kind=kind)
        entry.status = CampaignHousehold.Status.ACKNOWLEDGED
        entry.save(update_fields=["status"])
        audit_record(actor=actor, action="relief.campaign.acknowledge", obj=entry.campaign, org=entry.org,
                     after={"household": entry.household_id})
    return entry
