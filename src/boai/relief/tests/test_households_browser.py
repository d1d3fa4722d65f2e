"""The households map in a browser on a phone: points drawn on a canvas, the risk filter, no script error."""

from __future__ import annotations

import pytest

from boai.relief.models import RiskLevel
from boai.relief.tests.factories import make_household
from boai.relief.tests.test_applications_browser import PHONE, _staff_page
from boai.testing.helpers import make_user


@pytest.mark.browser
def test_the_map_draws_the_points_and_filters_by_risk(live_server, transactional_db, tree, browser):
    officer = make_user(tree.branch_a, "relief_officer")
    make_household(tree.unit_a, latitude="31.57", longitude="120.30", risk_level=RiskLevel.URGENT)
    for i in range(2):
        make_household(tree.unit_a, latitude=f"31.5{i}", longitude="120.2")
    page = _staff_page(browser, live_server, officer)
    page.set_viewport_size(PHONE["viewport"])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/staff/relief/households/map/")
    page.wait_for_selector("#household-map canvas")  # preferCanvas: the markers are on one canvas
    assert "3" in page.inner_text("[data-testid='map-count']")
    page.click("[data-testid='risk-urgent']")
    page.wait_for_selector("#household-map canvas")
    assert "1" in page.inner_text("[data-testid='map-count']") and "risk=urgent" in page.url
    assert errors == []
