"""On a phone: a published wish is claimed with the SMS code (file SMS backend), delivered, confirmed by
the beneficiary through the one-time link a staff member issued, and the public page shows it fulfilled."""

import json
import re

import pytest
from django.test import Client

from boai.testing.browser import assert_fits
from boai.testing.helpers import login, make_user
from boai.wishes.models import WishStatus
from boai.wishes.tests import factories as f

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _staff_context(browser, live_server, user):
    client = Client()
    login(client, user)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


@pytest.mark.browser
def test_claim_deliver_confirm_on_a_phone(live_server, transactional_db, tree, browser, settings):
    person = f.make_person(tree.unit_a, name="孙小满", birth="20170606")
    wish = f.make_wish(tree.unit_a, person=person, status="submitted", title="一盏护眼台灯",
                       story="家里光线暗，孩子晚上写作业很费眼睛。")
    reviewer = make_user(tree.branch_a, "relief_officer")
    staff = _staff_context(browser, live_server, reviewer).new_page()
    staff.goto(f"{live_server.url}/staff/wishes/{wish.pk}/")
    staff.click("[data-testid='approve-link']")
    staff.click("[data-testid='action-submit']")
    staff.wait_for_selector("[data-testid='wish-status']")
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED

    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/wishes/")
    assert "孙小满" not in page.inner_text("main")
    page.click(f"[data-testid='wish-{wish.number}']")
    page.wait_for_selector("[data-testid='claim-button']")
    assert_fits(page, 375)
    page.click("[data-testid='claim-button']")
    page.fill("#id_claimant_name", "周女士")
    page.check("#id_agree")
    page.fill("#id_mobile", "13655550000")
    page.click("[data-testid='claim-submit']")
    page.wait_for_selector("#id_code")
    outbox = (settings.BOAI_SMS_DIR / "outbox.jsonl").read_text().splitlines()
    code = re.search(r"\d{6}", json.loads(outbox[-1])["text"]).group()
    page.fill("#id_code", code)
    page.click("[data-testid='verify-submit']")
    page.wait_for_selector(f"[data-testid='claim-{wish.number}']")
    assert_fits(page, 375)
    page.click(f"[data-testid='deliver-{wish.number}']")
    page.fill("#id_note", "已送到社区服务站")
    page.click("[data-testid='deliver-submit']")
    page.wait_for_selector(f"[data-testid='claim-{wish.number}']")

    operator = make_user(tree.unit_a, "grassroots_operator")
    worker = _staff_context(browser, live_server, operator).new_page()
    worker.goto(f"{live_server.url}/staff/wishes/{wish.pk}/")
    worker.click("[data-testid='confirm-link-issue']")
    worker.click("[data-testid='action-submit']")
    link = worker.get_attribute("[data-testid='beneficiary-link']", "href")

    beneficiary = browser.new_context(**PHONE).new_page()
    beneficiary.goto(link)
    beneficiary.click("[data-testid='confirm-receipt']")
    beneficiary.wait_for_selector("[data-testid='confirmed']")

    page.goto(f"{live_server.url}/wishes/{wish.number}/")
    assert page.is_visible("[data-testid='fulfilled']")
    assert_fits(page, 375)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED and wish.ledger_entry
