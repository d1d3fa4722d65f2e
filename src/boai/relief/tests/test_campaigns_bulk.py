"""A campaign's bulk flow through the applications' services: raise and verify the list, approve it as
one batch (an officer never approves what they raised), deliver in bulk, acknowledge per household."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from boai.relief.models import ApplicationStatus, CampaignHousehold, Channel, Disbursement
from boai.relief.selectors import campaigns as sel
from boai.relief.services import campaigns as svc
from boai.relief.tests.factories import make_household
from boai.relief.tests.factories_applications import funded_relief_type, make_staff, png_upload
from boai.relief.tests.factories_campaigns import make_campaign


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def test_bulk_raise_approve_disburse_acknowledge(tree):
    staff = make_staff(tree)
    rt, _gift = funded_relief_type(tree.city, max_amount=Decimal("1000.00"))
    campaign = make_campaign(tree.city, relief_type=rt, quota_org=tree.branch_a, quota=5, package="米、油")
    households = [make_household(tree.unit_a, members=2) for _ in range(3)]
    assert svc.campaign_build_list(actor=staff.worker, campaign=campaign) == 3
    assert svc.campaign_raise(actor=staff.worker, campaign=campaign) == 3
    apps = [e.application for e in campaign.households.select_related("application")]
    assert {a.channel for a in apps} == {Channel.CAMPAIGN} and {a.status for a in apps} == {ApplicationStatus.VERIFIED}
    assert svc.campaign_raise(actor=staff.worker, campaign=campaign) == 0  # nothing raised twice
    # the worker who raised and verified cannot approve; an approver of the branch approves the batch
    approved, refused = svc.campaign_approve(actor=staff.worker, campaign=campaign)
    assert approved == 0 and len(refused) == 3  # the grassroots worker may not review or approve
    approved, refused = svc.campaign_approve(actor=staff.approver, campaign=campaign)
    assert (approved, refused) == (3, [])
    done, refused = svc.campaign_disburse(actor=staff.approver, campaign=campaign, method="cash",
                                          paid_on=timezone.localdate())
    assert (done, refused) == (3, [])
    assert Disbursement.objects.filter(application__campaign=campaign, spending__isnull=False).count() == 3
    entry = campaign.households.get(household=households[0])
    svc.campaign_acknowledge(actor=staff.approver, entry=entry, image=png_upload())
    (row,) = sel.progress(campaign, staff.approver)
    assert (row.quota, row.on_list, row.delivered, row.acknowledged) == (5, 3, 3, 1)
    entry.refresh_from_db()
    assert entry.status == CampaignHousehold.Status.ACKNOWLEDGED
    assert entry.application.status == ApplicationStatus.ACKNOWLEDGED
    with pytest.raises(ValidationError):
        svc.campaign_disburse(actor=staff.approver, campaign=campaign, method="bank", paid_on=timezone.localdate())
    assert svc.campaign_disburse(actor=staff.approver, campaign=campaign, method="cash",
                                 paid_on=timezone.localdate() - dt.timedelta(days=0)) == (0, [])


def test_progress_counts_deliveries_made_on_the_application_page(tree):
    from boai.relief.services.applications import disbursement_record

    staff = make_staff(tree)
    rt, _gift = funded_relief_type(tree.city, max_amount=Decimal("1000.00"))
    campaign = make_campaign(tree.city, relief_type=rt, quota_org=tree.branch_a, quota=2)
    make_household(tree.unit_a)
    svc.campaign_build_list(actor=staff.worker, campaign=campaign)
    svc.campaign_raise(actor=staff.worker, campaign=campaign)
    svc.campaign_approve(actor=staff.approver, campaign=campaign)
    entry = campaign.households.get()
    disbursement_record(actor=staff.approver, application=entry.application, method="cash",
                        amount=entry.application.amount_approved, paid_on=timezone.localdate())
    (row,) = sel.progress(campaign, staff.approver)
    assert (row.on_list, row.delivered, row.acknowledged) == (1, 1, 0)


def test_a_batch_tells_the_next_step_once_not_once_per_household(tree):
    from boai.core.models import Notification

    staff = make_staff(tree)
    rt, _gift = funded_relief_type(tree.city, max_amount=Decimal("1000.00"))
    campaign = make_campaign(tree.city, relief_type=rt, quota_org=tree.branch_a, quota=5)
    for _ in range(3):
        make_household(tree.unit_a)
    svc.campaign_build_list(actor=staff.worker, campaign=campaign)
    svc.campaign_raise(actor=staff.worker, campaign=campaign)
    told = Notification.objects.filter(category="relief.applications")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        [staff.reviewer.username, staff.approver.username])  # the branch's reviewers, once each
    assert all("3 applications" in n.title and n.url == campaign.get_absolute_url() for n in told)
    svc.campaign_approve(actor=staff.approver, campaign=campaign)
    payers = told.filter(title__contains="pay out")
    assert payers.count() == len(set(payers.values_list("recipient", flat=True))) >= 1  # one each
