"""Staff pages and the API: every write through the forms and endpoints, scoped, with clear errors."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from boai.core.models import AuditEntry
from boai.donations import services
from boai.donations.models import (
    AllianceMember,
    Allocation,
    Campaign,
    ContactRecord,
    DisclosureItem,
    Donor,
    Fund,
    Gift,
    Project,
    RecognitionTier,
    Spending,
    SpendingStatus,
)
from boai.donations.tests.factories import enterprise_code, funded_project, make_fund, make_gift, make_project
from boai.testing.helpers import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return make_user(tree.branch_a, "donations_officer")


@pytest.fixture
def staff(client, officer):
    login(client, officer)
    return client


def test_record_a_gift_and_its_receipt(staff, tree):
    fund = make_fund(tree.unit_a)
    response = staff.post(reverse("donations:gift-create"), {
        "fund": fund.pk, "amount": "2000.00", "channel": "bank", "received_at": "2025-05-08T10:00",
        "donor_name": "某某公司", "bank_ref": "HX20250508001", "name_public": "on"})
    gift = Gift.objects.get()
    assert response.status_code == 302 and response["Location"] == gift.get_absolute_url()
    again = staff.post(reverse("donations:gift-create"), {
        "fund": fund.pk, "amount": "2000.00", "channel": "bank", "received_at": "2025-05-08T10:00",
        "donor_name": "某某公司", "bank_ref": "HX20250508001"})
    assert again.status_code == 200 and Gift.objects.count() == 1  # the same bank transfer twice
    staff.post(reverse("donations:gift-receipt", args=[gift.pk]), {"receipt_number": "No.0012345",
                                                                  "issued_on": "2025-05-09"})
    gift.refresh_from_db()
    assert gift.receipt_number == "No.0012345"
    detail = staff.get(gift.get_absolute_url()).content.decode()
    assert "No.0012345" in detail and 'data-testid="journey"' in detail
    pdf = staff.get(reverse("donations:gift-certificate", args=[gift.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_record_goods_in_kind_and_receive_them_into_store(staff, tree):
    fund = make_fund(tree.unit_a)
    response = staff.post(reverse("donations:gift-create-goods"), {
        "fund": fund.pk, "item": "矿泉水", "quantity": "200", "unit": "箱", "amount": "6000", "valuation_basis":
        "invoice", "received_at": "2025-05-08T10:00", "donor_name": "饮料厂"})
    gift = Gift.objects.get()
    assert response.status_code == 302 and gift.kind == "goods" and gift.channel == "in_kind"
    staff.post(reverse("donations:goods-receive", args=[gift.pk]), {"warehouse": "市备灾仓库"})
    received = gift.goods_movements.get()
    issued = services.goods_issue(actor=None, received=received, quantity="50", purpose="高温慰问")
    assert issued.amount == Decimal("1500.00")
    received.refresh_from_db()
    assert received.remaining == Decimal("150")


def test_outside_scope_objects_cannot_be_chosen(staff, tree):
    other = make_fund(tree.unit_b)
    response = staff.post(reverse("donations:gift-create"), {
        "fund": other.pk, "amount": "10", "channel": "cash", "received_at": "2025-05-08T10:00", "donor_name": "x"})
    assert response.status_code == 200 and not Gift.objects.exists()


def test_donor_forms_validate_the_credit_code_and_find_people(staff, tree):
    bad = staff.post(reverse("donations:donor-create"), {"org": tree.unit_a.pk, "kind": "enterprise", "name": "甲公司",
                                                         "uscc": "91320200MA1X0000X0", "id_type": "resident"})
    assert "invalid-feedback" in bad.content.decode() and not Donor.objects.exists()
    good = staff.post(reverse("donations:donor-create"), {"org": tree.unit_a.pk, "kind": "enterprise",
                                                          "name": "甲公司", "uscc": enterprise_code(7),
                                                          "id_type": "resident"})
    assert good.status_code == 302
    person = staff.post(reverse("donations:donor-create"), {"org": tree.unit_a.pk, "kind": "individual",
                                                            "name": "钱七", "id_type": "resident",
                                                            "id_number": "11010519491231002X"})
    assert person.status_code == 302
    donor = Donor.objects.get(name="钱七")
    assert donor.person.id_number_masked.startswith("1101")
    same = services.donor_create(actor=None, org=tree.unit_a, kind="individual", name="钱七",
                                 id_number="11010519491231002x")
    assert same == donor  # found by the registry's blind index, not registered twice


def test_allocate_spend_approve_and_acknowledge(client, tree, settings):
    settings.BOAI_DONATIONS_APPROVAL_THRESHOLD = "100"
    officer = make_user(tree.branch_a, "donations_officer")
    finance = make_user(tree.branch_a, "finance_officer")
    fund = make_fund(tree.branch_a)
    project = make_project(tree.branch_a, fund)
    make_gift(fund, "500.00")
    login(client, finance)
    assert client.get(reverse("donations:allocation-create")).status_code == 403
    login(client, officer)
    client.post(reverse("donations:allocation-create"), {"fund": fund.pk, "project": project.pk, "amount": "400"})
    assert Allocation.objects.get().amount == Decimal("400.00")
    too_much = client.post(reverse("donations:allocation-create"), {"fund": fund.pk, "project": project.pk,
                                                                    "amount": "101"})
    assert "invalid-feedback" in too_much.content.decode() or "alert-danger" in too_much.content.decode()
    voucher = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    client.post(reverse("donations:spending-create"), {
        "project": project.pk, "amount": "300", "category": "programme", "purpose": "助学金发放",
        "payee_kind": "organisation", "payee_name": "某某小学", "vouchers": voucher})
    spending = Spending.objects.get()
    assert spending.status == SpendingStatus.PENDING and spending.vouchers.count() == 1
    assert client.post(reverse("donations:spending-approve", args=[spending.pk])).status_code == 403
    login(client, finance)
    page = client.get(spending.get_absolute_url()).content.decode()
    assert 'data-testid="approve"' in page
    client.post(reverse("donations:spending-approve", args=[spending.pk]))
    spending.refresh_from_db()
    assert spending.status == SpendingStatus.PAID and spending.approved_by == finance
    login(client, officer)
    client.post(reverse("donations:spending-acknowledge", args=[spending.pk]),
                {"method": "signature", "acknowledged_on": timezone.localdate(spending.paid_at).isoformat()})
    assert spending.acknowledgements.count() == 1


def test_funds_projects_campaigns_and_targets(staff, tree):
    staff.post(reverse("donations:fund-create"), {"org": tree.branch_a.pk, "code": "rd-2025", "name": "人道基金",
                                                  "kind": "special", "purposes": ["disaster"], "management_cap": "8"})
    fund = Fund.objects.get()
    assert fund.code == "RD-2025" and fund.account.balance == 0
    staff.post(reverse("donations:project-create"), {
        "org": tree.unit_a.pk, "fund": fund.pk, "code": "BASWJ", "name": "博爱送万家", "purpose": "hardship",
        "budget": "100000", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "status": "active",
        "accepts_online": "on", "is_public": "on"})
    project = Project.objects.get()
    assert DisclosureItem.objects.filter(project=project).count() >= 4  # quarterly progress and final results
    staff.post(reverse("donations:campaign-create"), {
        "org": tree.branch_a.pk, "slug": "rdwrj-2025", "name": "2025 人道万人捐", "kind": "annual",
        "starts_at": "2025-05-01T00:00", "ends_at": "2025-12-31T23:59", "target": "1000000",
        "projects": [project.pk], "public_fundraising": "on", "record_number": "53320000MJ000000XA",
        "is_public": "on"})
    campaign = Campaign.objects.get()
    staff.post(reverse("donations:campaign-target", args=[campaign.pk]), {"org": tree.unit_a.pk, "amount": "200000"})
    staff.post(reverse("donations:campaign-target", args=[campaign.pk]), {"day": "2025-05-08", "amount": "50000"})
    assert campaign.targets.count() == 2
    assert "invalid-feedback" in staff.post(reverse("donations:campaign-target", args=[campaign.pk]),
                                            {"day": "2026-05-08", "amount": "1"}).content.decode()


def test_alliance_contacts_and_tiers(staff, tree):
    donor = services.donor_create(actor=None, org=tree.unit_a, kind="enterprise", name="乙集团",
                                  uscc=enterprise_code(99))
    make_gift(make_fund(tree.unit_a), "60000.00", donor=donor)
    staff.post(reverse("donations:alliance-join"), {"donor": donor.pk, "joined_on": "2024-01-01", "pledge": "每年捐赠"})
    member = AllianceMember.objects.get()
    staff.post(reverse("donations:alliance-contact", args=[member.pk]), {"kind": "visit", "happened_on": "2025-03-01",
                                                                         "summary": "走访交流"})
    assert ContactRecord.objects.get().staff is not None
    staff.post(reverse("donations:tier-create"), {"org": tree.branch_a.pk, "name": "博爱之星", "min_total": "50000",
                                                  "benefits": "年度表彰"})
    staff.post(reverse("donations:tier-create"), {"org": tree.branch_a.pk, "name": "博爱之友", "min_total": "1000"})
    assert RecognitionTier.objects.count() == 2
    detail = staff.get(member.get_absolute_url()).content.decode()
    assert "博爱之星" in detail and "走访交流" in detail


def test_disclosure_calendar_reminds_and_is_published(staff, tree, officer):
    import datetime as dt

    from boai.core.models import Notification
    from boai.donations.services.disclosure import send_reminders

    project = make_project(tree.branch_a, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    first = DisclosureItem.objects.filter(project=project).order_by("due_on").first()
    assert send_reminders(first.due_on - dt.timedelta(days=10)) >= 1
    assert Notification.objects.filter(recipient=officer, category="donations.disclosure").exists()
    staff.post(reverse("donations:disclosure-item", args=[first.pk]), {"url": "https://example.org/gk/1"})
    first.refresh_from_db()
    assert first.status == "done"
    assert AuditEntry.objects.filter(action="donations.disclosure.publish").exists()


def test_api_creates_through_the_services_and_respects_scope(tree):
    officer = make_user(tree.branch_a, "donations_officer")
    finance = make_user(tree.branch_a, "finance_officer")
    api = APIClient()
    api.force_authenticate(officer)
    fund = make_fund(tree.unit_a)
    other = make_fund(tree.unit_b)
    created = api.post("/api/v1/donations/gifts/", {"fund": fund.pk, "amount": "88.80", "channel": "cash",
                                                    "donor_name": "孙一"}, format="json")
    assert created.status_code == 201 and created.json()["number"].startswith("JZ")
    refused = api.post("/api/v1/donations/gifts/", {"fund": other.pk, "amount": "1", "channel": "cash",
                                                    "donor_name": "x"}, format="json")
    assert refused.status_code == 400
    bad = api.post("/api/v1/donations/gifts/", {"fund": fund.pk, "amount": "1.001", "channel": "cash",
                                                "donor_name": "x"}, format="json")
    assert bad.status_code == 400
    project = funded_project(tree.unit_a, "100.00")
    api.force_authenticate(finance)
    assert api.post("/api/v1/donations/allocations/", {"fund": fund.pk, "project": project.pk, "amount": "1"},
                    format="json").status_code == 403
    api.force_authenticate(officer)
    assert api.post("/api/v1/donations/allocations/", {"fund": fund.pk, "project": project.pk, "amount": "50"},
                    format="json").status_code == 201
    listed = api.get("/api/v1/donations/funds/").json()
    assert {f["code"] for f in listed["results"]} >= {fund.code} and other.code not in str(listed)
