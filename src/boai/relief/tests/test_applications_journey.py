"""The donor's journey shows the relief delivery their fund paid for: recipient masked, date, branch,
acknowledged or not."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from boai.donations.journey import gift_journey
from boai.ledger.services import ledger_integrate
from boai.relief.models import DisbursementMethod
from boai.relief.services import applications as svc
from boai.relief.tests.factories import make_household
from boai.relief.tests.factories_applications import AMOUNT, funded_relief_type, make_staff, png_upload

pytestmark = pytest.mark.django_db


def test_the_journey_shows_the_delivery_masked(tree, client):
    from boai.people.tests.factories import make_person

    staff = make_staff(tree)
    rt, gift = funded_relief_type(tree.city, amount="1000.00")
    household = make_household(tree.unit_a, head=make_person(tree.unit_a, name="王小明"))
    app = svc.application_create(actor=staff.worker, household=household, relief_type=rt, amount_requested=AMOUNT,
                                 reason="测试")
    svc.application_verify(actor=staff.worker2, application=app)
    svc.application_review(actor=staff.reviewer, application=app)
    svc.application_approve(actor=staff.approver, application=app)
    d = svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.CASH, amount=AMOUNT,
                                paid_on=timezone.localdate())
    (hop,) = gift_journey(gift).spendings
    assert hop.delivery["recipient"] == "王**" and hop.delivery["branch"] == tree.branch_a.name
    assert hop.delivery["acknowledged"] is False and hop.delivery["date"] == timezone.localdate()
    svc.disbursement_acknowledge(actor=None, disbursement=d, image=png_upload())
    ledger_integrate(checkpoint=False)
    page = client.get(reverse("donations:verify", args=[gift.certificate.token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="journey-delivery"' in html and 'data-testid="journey-delivery-acknowledged"' in html
    assert "王**" in html and "王小明" not in html and tree.branch_a.name in html
