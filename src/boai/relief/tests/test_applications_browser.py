"""The must-show story in a browser: a community worker raises an application for a household, the
grassroots unit verifies it, the branch relief officer reviews, an approver approves, the disbursement
is recorded, the household signs for it on a phone through the one-time link, and the journey page of
the donor whose fund paid for it shows the delivery (recipient masked, acknowledged)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boai.relief.models import Application, ApplicationStatus
from boai.relief.tests.factories import make_household
from boai.relief.tests.factories_applications import funded_relief_type, make_staff
from boai.testing.browser import assert_fits
from boai.testing.helpers import login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _staff_page(browser, live_server, user):
    client = Client()
    login(client, user)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def _step(page, url: str, link: str, fill=None):
    page.goto(url)
    page.click(f"[data-testid='{link}']")
    page.wait_for_selector("[data-testid='action-submit']")
    if fill:
        fill(page)
    page.click("[data-testid='action-submit']")
    page.wait_for_selector("[data-testid='application-status']")


@pytest.mark.browser
def test_application_to_acknowledgement_and_the_donors_journey(live_server, transactional_db, tree, browser):
    from boai.people.tests.factories import make_person

    staff = make_staff(tree)
    rt, gift = funded_relief_type(tree.city, amount="5000.00", donor_name="李捐赠")
    household = make_household(tree.unit_a, members=2, head=make_person(tree.unit_a, name="陈阿婆"))

    worker = _staff_page(browser, live_server, staff.worker)
    worker.goto(f"{live_server.url}/staff/relief/applications/new/?household={household.pk}")
    assert worker.input_value("#id_household") == household.number
    worker.select_option("#id_relief_type", str(rt.pk))
    worker.fill("#id_amount_requested", "600")
    worker.fill("#id_reason", "老人住院后生活困难")
    worker.click("main form button[type=submit]")
    worker.wait_for_selector("[data-testid='application-status']")
    app = Application.objects.get(household=household)
    url = f"{live_server.url}/staff/relief/applications/{app.pk}/"
    assert app.channel == "worker" and app.raised_by == staff.worker

    _step(_staff_page(browser, live_server, staff.worker2), url, "verify-link")
    reviewer = _staff_page(browser, live_server, staff.reviewer)
    _step(reviewer, url, "review-link")
    approver = _staff_page(browser, live_server, staff.approver)
    _step(approver, url, "approve-link")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and app.approved_by == staff.approver

    _step(reviewer, url, "disburse-link", fill=lambda p: p.select_option("#id_method", "cash"))
    assert reviewer.is_visible("[data-testid='disbursement']")
    _step(reviewer, url, "sign-link-issue")
    link = reviewer.get_attribute("[data-testid='household-sign-link']", "href")

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(link)
    phone.wait_for_selector("[data-testid='signature-pad']")
    assert_fits(phone, 375)
    box = phone.locator("[data-testid='signature-pad']").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    phone.mouse.down()
    for i in range(1, 12):
        phone.mouse.move(box["x"] + 20 + i * (box["width"] - 40) / 11, box["y"] + box["height"] / 2 + (i % 3) * 8)
    phone.mouse.up()
    phone.click("[data-testid='sign-submit']")
    phone.wait_for_selector("[data-testid='signed']")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACKNOWLEDGED
    assert app.disbursement.acknowledgement.name.endswith(".png")
    phone.goto(link)  # the link worked once
    phone.wait_for_selector("[data-testid='sign-error']")

    donor = browser.new_context(**PHONE).new_page()
    donor.goto(f"{live_server.url}{reverse('donations:verify', args=[gift.certificate.token])}")
    donor.wait_for_selector("[data-testid='journey-delivery']")
    text = donor.inner_text("[data-testid='journey-delivery']")
    assert "陈**" in text and "陈阿婆" not in donor.content() and tree.branch_a.name in text
    assert donor.is_visible("[data-testid='journey-delivery-acknowledged']")
    assert_fits(donor, 375)
