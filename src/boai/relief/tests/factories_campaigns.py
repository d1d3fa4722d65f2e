"""Test data for campaigns and the medical exchange (rows made directly)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from boai.relief.models import Campaign, CampaignHousehold, CampaignQuota, CampaignStatus, Holiday, MedicalBatch
from boai.relief.models import MedicalSettlement as Settlement
from boai.relief.tests.factories import make_household, make_relief_type

_seq = itertools.count(1)


def make_campaign(org, *, relief_type=None, quota_org=None, quota: int = 10, status: str = CampaignStatus.OPEN,
                  **fields) -> Campaign:
    n = next(_seq)
    today = timezone.localdate()
    data = {"name": f"测试送万家{n}", "holiday": Holiday.SPRING, "year": today.year, "starts_on": today,
            "ends_on": today + dt.timedelta(days=30), "standard_amount": Decimal("500.00"), "status": status}
    data.update(fields)
    campaign = Campaign.objects.create(org=org, relief_type=relief_type or make_relief_type(org), **data)
    if quota_org is not None or quota:
        CampaignQuota.objects.create(campaign=campaign, org=quota_org or org, households=quota)
    return campaign


def branch_of(unit):
    from boai.orgs.models import Kind, Org

    return Org.objects.filter(kind=Kind.BRANCH, path__in=[unit.path[:i] for i in range(4, len(unit.path) + 1, 4)]
                              ).first() or unit


def make_campaign_in(unit) -> Campaign:
    """A campaign organised by the unit's branch, with a quota there (the matrix's object)."""
    return make_campaign(branch_of(unit))


def make_campaign_entry(unit, campaign=None, **fields) -> CampaignHousehold:
    campaign = campaign or make_campaign_in(unit)
    household = make_household(unit)
    return CampaignHousehold.objects.create(campaign=campaign, household=household, org=unit, **fields)


def make_settlement(unit, *, person=None, out_of_pocket: str = "3000.00", batch=None) -> Settlement:
    from boai.people.tests.factories import make_person

    n = next(_seq)
    batch = batch or MedicalBatch.objects.create(org=unit, direction=MedicalBatch.Direction.IMPORT, rows=1)
    return Settlement.objects.create(batch=batch, org=unit, person=person or make_person(unit),
                                     settlement_no=f"JS-TEST-{n:06d}", hospital="测试医院",
                                     settled_on=timezone.localdate(), total_cost=Decimal("10000.00"),
                                     insurance_paid=Decimal("7000.00"), out_of_pocket=Decimal(out_of_pocket))
