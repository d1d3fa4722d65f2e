"""The transparency pages in a real browser: the Sankey draws, a receipt checks, phones fit."""

import pytest

from boai.ledger.tests.helpers import sample_log
from boai.testing.browser import assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_flow_picture_draws_and_a_band_opens_its_leaf(page, live_server):
    sample_log()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/transparency/flows/")
    chart = page.locator(".flow-chart canvas")
    chart.wait_for()
    assert chart.count() == 1 and not errors
    assert page.locator("table.list-table tbody tr").count() >= 4
    page.locator("table.list-table tbody tr a").first.click()
    page.wait_for_url("**/transparency/leaves/*/")
    assert page.locator("[data-testid=inclusion] .text-success").is_visible()


def test_receipt_check_on_a_phone(phone_page, live_server):
    log = sample_log()
    page = phone_page
    page.goto(f"{live_server.url}/transparency/")
    assert_fits(page, 375)
    page.fill("#id_index", str(log["index"]["g1"]))
    page.fill("#id_opening", log["opening"].token)
    page.click("#receipt button[type=submit]")
    page.locator("[data-testid=receipt-ok]").wait_for()
    assert page.locator("[data-testid=children] a").count() == 1
    assert_fits(page, 375)
    page.goto(f"{live_server.url}/transparency/flows/")
    page.locator(".flow-chart canvas").wait_for()
    assert_fits(page, 375)
