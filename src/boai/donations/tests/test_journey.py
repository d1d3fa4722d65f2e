"""A gift's journey, traced pro rata through pooled funds, with the numbers read from the log's leaves."""

from decimal import Decimal

import pytest
from django.urls import reverse

from boai.donations import ledger_bridge, services
from boai.donations.journey import gift_journey
from boai.donations.tests.factories import make_fund, make_gift, make_project
from boai.ledger.services import ledger_integrate

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(tree):
    fund = make_fund(tree.branch_a, name="博爱基金")
    eyes = make_project(tree.branch_a, fund, name="博爱光明行")
    home = make_project(tree.branch_a, fund, name="博爱送万家")
    mine = make_gift(fund, "100.00", name="李四")
    make_gift(fund, "300.00", name="王五")
    services.allocation_create(actor=None, fund=fund, project=eyes, amount="200.00")
    make_gift(fund, "100.00", name="赵六")
    services.allocation_create(actor=None, fund=fund, project=home, amount="150.00")
    spending = services.spending_request(actor=None, project=eyes, amount="100.00", purpose="白内障手术",
                                         payee_kind="organisation", payee_name="市眼科医院")
    services.acknowledgement_record(actor=None, spending=spending, method="signature", recipient_party="person:42")
    return {"gift": mine, "eyes": eyes, "home": home, "fund": fund}


def _check(journey):
    shares = {h.obj.target_label: h.amount for h in journey.allocations}
    assert shares == {"博爱光明行": Decimal("50.00"), "博爱送万家": Decimal("25.00")}
    assert [h.amount for h in journey.spendings] == [Decimal("25.00")]
    assert len(journey.spendings[0].acknowledgements) == 1
    held = dict(journey.holding)
    assert held == {"博爱基金": Decimal("25.00"), "博爱光明行": Decimal("25.00"), "博爱送万家": Decimal("25.00")}
    assert journey.spent + sum(held.values()) == Decimal("100.00")


def test_journey_is_pro_rata_through_pools(story):
    journey = gift_journey(story["gift"])
    _check(journey)
    assert journey.leaf is None and not journey.spendings[0].from_log  # nothing integrated yet: database figures


def test_journey_reads_the_integrated_leaves(story):
    ledger_integrate(checkpoint=False)
    journey = gift_journey(story["gift"])
    _check(journey)
    assert journey.leaf is not None
    assert all(h.from_log and h.leaf is not None for h in journey.allocations + journey.spendings)
    leaf = ledger_bridge.leaves([journey.spendings[0].obj.ledger_entry])[journey.spendings[0].obj.ledger_entry]
    assert leaf.data["type"] == "disbursement" and leaf.data["amount"] == "100.00"
    assert "市眼科医院" not in leaf.data.get("purpose", "") and "李四" not in str(leaf.data)


def test_restricted_gift_journey(tree):
    fund = make_fund(tree.branch_a)
    project = make_project(tree.branch_a, fund)
    gift = make_gift(fund, "50.00", project=project)
    make_gift(fund, "500.00")
    services.allocation_create(actor=None, fund=fund, project=project, amount="50.00")
    journey = gift_journey(gift)
    assert [h.amount for h in journey.allocations] == [Decimal("50.00")]
    assert journey.holding == [(project.name, Decimal("50.00"))]


def test_verify_page_shows_a_genuine_certificate_and_the_journey(story, client):
    ledger_integrate(checkpoint=False)
    certificate = story["gift"].certificate
    page = client.get(reverse("donations:verify", args=[certificate.token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="verified"' in html and "bi-patch-check-fill" in html
    assert "李*" in html and "李四" not in html  # the donor did not agree to be named
    assert html.count('data-testid="journey-allocation"') == 2 and 'data-testid="journey-ack"' in html
    assert client.get(reverse("donations:verify", args=["nope"])).status_code == 404


def test_certificate_pdf(story, client):
    ledger_integrate(checkpoint=False)
    response = client.get(reverse("donations:certificate", args=[story["gift"].certificate.token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
