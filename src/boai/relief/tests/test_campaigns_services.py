"""Campaign set-up, quotas, the household list built from monitoring data, progress per branch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boai.relief.models import CampaignHousehold, CampaignStatus, Category, Holiday, RiskLevel
from boai.relief.selectors import campaigns as sel
from boai.relief.services import campaigns as svc
from boai.relief.tests.factories import make_household, make_relief_type
from boai.relief.tests.factories_campaigns import make_campaign
from boai.testing.helpers import make_user


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _create(tree, actor, **kw):
    today = timezone.localdate()
    data = {"org": tree.city, "name": "春节博爱送万家", "holiday": Holiday.SPRING, "year": today.year,
            "starts_on": today, "ends_on": today + dt.timedelta(days=20),
            "relief_type": make_relief_type(tree.city, max_amount=Decimal("1000")),
            "standard_amount": Decimal("500"), "package": "米、油", "target_categories": [Category.DIBAO]}
    data.update(kw)
    return svc.campaign_create(actor=actor, **data)


def test_create_validates_and_audits(tree):
    from boai.core.models import AuditEntry

    actor = make_user(tree.city, "relief_officer")
    campaign = _create(tree, actor)
    assert campaign.status == CampaignStatus.DRAFT and campaign.target_categories == ",dibao,"
    assert AuditEntry.objects.filter(action="relief.campaign.create", object_id=str(campaign.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        _create(tree, actor, standard_amount=Decimal("5000"))
    assert "standard_amount" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _create(tree, actor, ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert "ends_on" in exc.value.error_dict
    with pytest.raises(ValidationError):
        _create(tree, actor, target_categories=["nonsense"])
    branch_officer = make_user(tree.branch_a, "relief_officer")
    with pytest.raises(ValidationError):  # organising for the city is outside a branch's scope
        _create(tree, branch_officer)
    updated = svc.campaign_update(actor=actor, campaign=campaign, name="元旦慰问", holiday=Holiday.NEW_YEAR)
    assert updated.name == "元旦慰问"


def test_quota_list_building_and_progress(tree):
    actor = make_user(tree.city, "relief_officer")
    campaign = _create(tree, actor)
    with pytest.raises(ValidationError):
        svc.campaign_open(actor=actor, campaign=campaign)  # no quota yet
    svc.quota_set(actor=actor, campaign=campaign, org=tree.branch_a, households=3)
    svc.quota_set(actor=actor, campaign=campaign, org=tree.branch_b, households=1)
    with pytest.raises(ValidationError):  # overlaps branch A's quota
        svc.quota_set(actor=actor, campaign=campaign, org=tree.unit_a, households=1)
    svc.campaign_open(actor=actor, campaign=campaign)
    urgent = make_household(tree.unit_a, risk_level=RiskLevel.URGENT, monthly_income=Decimal("3000"))
    poor = make_household(tree.unit_a, monthly_income=Decimal("100"))
    rich = make_household(tree.site_a, monthly_income=Decimal("2500"))
    make_household(tree.unit_a, categories=[Category.DISABILITY])  # not a target category
    make_household(tree.unit_a, status="closed")
    extra = make_household(tree.unit_a, monthly_income=Decimal("2900"))
    make_household(tree.unit_b)
    assert svc.campaign_build_list(actor=actor, campaign=campaign) == 4
    listed = set(campaign.households.values_list("household_id", flat=True))
    assert {urgent.pk, poor.pk, rich.pk} <= listed and extra.pk not in listed
    assert svc.campaign_build_list(actor=actor, campaign=campaign) == 0  # quotas full, nothing listed twice
    with pytest.raises(ValidationError):
        svc.campaign_household_add(actor=actor, campaign=campaign, household=extra)
    entry = campaign.households.get(household=rich)
    svc.campaign_household_remove(actor=actor, entry=entry, reason="已迁出")
    svc.campaign_household_add(actor=actor, campaign=campaign, household=extra)
    with pytest.raises(ValidationError):
        svc.quota_set(actor=actor, campaign=campaign, org=tree.branch_a, households=2)  # 3 already listed
    rows = sel.progress(campaign, actor)
    assert [(r.org, r.quota, r.on_list, r.excluded) for r in rows] == [(tree.branch_a, 3, 3, 1),
                                                                       (tree.branch_b, 1, 1, 0)]
    # a branch officer sees the city's campaign (their branch has a quota) and only their own figures
    officer_a = make_user(tree.branch_a, "relief_officer")
    assert sel.visible_campaigns(officer_a).filter(pk=campaign.pk).exists()
    assert [r.org for r in sel.progress(campaign, officer_a)] == [tree.branch_a]
    assert set(sel.entries(campaign, officer_a).values_list("org", flat=True)) == {tree.unit_a.pk, tree.site_a.pk}
    grassroots = make_user(tree.unit_a, "grassroots_operator")
    (mine,) = sel.progress(campaign, grassroots)
    assert mine.partial and mine.on_list == 3
    svc.campaign_close(actor=actor, campaign=campaign)
    with pytest.raises(ValidationError):
        svc.campaign_household_add(actor=actor, campaign=campaign, household=make_household(tree.unit_a))


def test_other_branch_campaign_is_invisible(tree):
    campaign = make_campaign(tree.branch_b)
    officer_a = make_user(tree.branch_a, "relief_officer")
    assert not sel.visible_campaigns(officer_a).filter(pk=campaign.pk).exists()
    assert sel.progress(campaign, officer_a) == []
    assert CampaignHousehold.objects.count() == 0
