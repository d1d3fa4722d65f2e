"""The `relief_campaign_households` Excel kind: a campaign's household list exported, and households
added to a campaign's list from a sheet (campaign ID, household number, note). All rows or none: each
row is checked (campaign visible and not closed, household in the importer's scope and under
monitoring, not already listed, a quota with room) before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import Column, ImportKind, RowError, integer, optional_text
from boai.relief.models import CampaignHousehold, CampaignStatus, Household, HouseholdStatus


@dataclass
class ListContext:
    actor: Any
    campaigns: dict[int, Any] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)


class CampaignHouseholdsKind(ImportKind):
    name = "relief_campaign_households"
    label = gettext_lazy("Campaign household lists")
    permission_area = "relief"
    columns = (
        Column("campaign", "活动编号", ("Campaign ID",), required=True, parse=integer,
               note=gettext_lazy("The campaign's ID, shown in its page address."), example="1", width=10),
        Column("household", "家庭编号", ("Household number",), required=True, parse=optional_text(24),
               example="HH-2026-000001", width=18),
        Column("note", "备注", ("Note",), parse=optional_text(200), example="春节前送达", width=30),
    )

    def prepare(self, *, actor) -> ListContext:
        from boai.relief.models import Campaign
        from boai.relief.selectors.campaigns import visible_campaigns

        ctx = ListContext(actor=actor)
        qs = Campaign.objects.all() if actor is None else visible_campaigns(actor, "add")
        ctx.campaigns = {c.pk: c for c in qs.select_related("org")}
        return ctx

    def validate_row(self, values: dict[str, Any], ctx: ListContext) -> dict[str, Any]:
        campaign = ctx.campaigns.get(values["campaign"])
        if campaign is None:
            raise RowError(_("No campaign with this ID that you work on."), column="campaign")
        if campaign.status == CampaignStatus.CLOSED:
            raise RowError(_("A closed campaign cannot be changed."), column="campaign")
        values["note"] = values.get("note") or ""
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: ListContext) -> dict[int, Any]:
        numbers = {r["household"] for r in rows}
        households = Household.objects.filter(number__in=numbers).select_related("org")
        if ctx.actor is not None:
            households = households.restrict(ctx.actor, "view")
        ctx.households = {h.number: h for h in households}
        listed = set(CampaignHousehold.objects.filter(campaign_id__in={r["campaign"] for r in rows})
                     .exclude(status=CampaignHousehold.Status.EXCLUDED).values_list("campaign_id", "household__number"))
        room = self._room(rows, ctx)
        problems: dict[int, Any] = {}
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rows):
            key = (row["campaign"], row["household"])
            household = ctx.households.get(row["household"])
            quota = self._quota(ctx.campaigns[row["campaign"]], household) if household else None
            if household is None:
                problems[i] = RowError(_("No household with this number in your scope."), column="household")
            elif household.status != HouseholdStatus.ACTIVE:
                problems[i] = RowError(_("Only households under monitoring can be listed."), column="household")
            elif key in seen:
                problems[i] = RowError(_("The same household is already on row %(row)d.")
                                       % {"row": batch_row_number(seen[key])}, column="household")
            elif key in listed:
                problems[i] = RowError(_("The household is already on the list."), column="household")
            elif quota is None:
                problems[i] = RowError(_("No quota of this campaign covers the household's unit."),
                                       column="household")
            elif room[quota.pk] <= 0:
                problems[i] = RowError(_("The quota of %(org)s (%(n)s households) is full.")
                                       % {"org": quota.org.name, "n": quota.households}, column="household")
            else:
                room[quota.pk] -= 1
            seen.setdefault(key, i)
        return problems

    def _quota(self, campaign, household):
        return next((q for q in self._quota_list(campaign) if household.org.path.startswith(q.org.path)), None)

    def _room(self, rows, ctx) -> dict[int, int]:
        from boai.relief.services.campaigns import _listed_under

        room = {}
        for campaign_id in {r["campaign"] for r in rows}:
            campaign = ctx.campaigns[campaign_id]
            for quota in self._quota_list(campaign):
                room[quota.pk] = quota.households - _listed_under(campaign, quota.org.path)
        return room

    def _quota_list(self, campaign):
        if getattr(campaign, "_quotas", None) is None:
            campaign._quotas = list(campaign.quotas.select_related("org"))
        return campaign._quotas

    @transaction.atomic
    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: ListContext) -> int:
        from boai.relief.services.campaigns import campaign_household_add

        for row in rows:
            campaign_household_add(actor=actor, campaign=ctx.campaigns[row["campaign"]],
                                   household=ctx.households[row["household"]], note=row["note"])
        audit_import(actor=actor, kind=self, count=len(rows), org=getattr(actor, "org", None))
        return len(rows)

    def export_queryset(self, *, actor):
        return self.restrict(CampaignHousehold.objects.select_related("campaign", "household", "household__head",
                                                                      "org", "application"), actor, "export")

    def export_row(self, obj: CampaignHousehold) -> list[Any]:
        return [obj.campaign_id, obj.household.number, obj.note]
