"""A phone user enrols, the instructor records a pass, the certificate's QR link verifies; the AED
map lists the nearest open AEDs to a point (tiles are unreachable here: the list must still work)."""

import pytest
from django.test import Client

from boai.firstaid.tests import factories as f
from boai.testing.helpers import login, make_user

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _staff_context(browser, live_server, user):
    client = Client()
    login(client, user)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context


@pytest.mark.browser
def test_enrol_pass_certificate_verify_on_a_phone(live_server, transactional_db, tree, browser):
    course = f.make_course(tree.branch_a, name="心肺复苏与AED使用", code="CPRAED")
    session = f.make_session(tree.unit_a, course=course, title="CPR+AED公益培训（周六班）")
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/firstaid/sessions/")
    page.click(f"[data-testid='session-{session.code}']")
    page.fill("#id_name", "钱多多")
    page.fill("#id_id_number", f.resident_id(321))
    page.fill("#id_mobile", "13912340000")
    page.check("#id_consent")
    page.click("[data-testid='enrol-submit']")
    page.wait_for_selector("[data-testid='enrolled'], .invalid-feedback, .alert-danger", timeout=10000)
    assert page.locator("[data-testid='enrolled']").count(), page.inner_text("main")
    assert "钱**" in page.inner_text("[data-testid='enrolled']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    instructor = make_user(tree.branch_a, "firstaid_officer")
    staff = _staff_context(browser, live_server, instructor).new_page()
    staff.goto(f"{live_server.url}/staff/firstaid/sessions/{session.pk}/")
    staff.click("[data-testid^='result-']")
    staff.fill("#id_attendance_percent", "100")
    staff.fill("#id_theory_score", "92")
    staff.select_option("#id_practical_passed", "true")
    staff.click("form.boai-form button[type=submit]")
    staff.wait_for_selector("[data-testid='enrolments'] a[href*='/certificates/']")
    staff.click("[data-testid='enrolments'] a[href*='/certificates/']")
    verify_url = staff.get_attribute("[data-testid='verify-link']", "href")
    path = verify_url.split("://", 1)[1].split("/", 1)[1]

    page.goto(f"{live_server.url}/{path}")
    result = page.inner_text("[data-testid='verify-result']")
    assert "钱**" in result and "心肺复苏与AED使用" in result and "钱多多" not in result
    assert page.inner_text("[data-testid='verify-status']") in ("有效", "Valid")


@pytest.mark.browser
def test_aed_map_lists_nearest_open_aeds_to_a_point(live_server, transactional_db, tree, browser):
    point = (31.5800, 120.3000)
    near = f.make_aed(tree.unit_a, name="最近的AED", lat=31.5805, lng=120.3003)
    second = f.make_aed(tree.unit_a, name="第二近的AED", lat=31.5830, lng=120.3010)
    f.make_aed(tree.unit_a, name="已关门的AED", lat=31.5801, lng=120.3001, opening_hours="Mo-Su 00:00-00:01")
    f.make_aed(tree.unit_a, name="停用的AED", lat=31.5802, lng=120.3002, status="out_of_service")
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/firstaid/aeds/?lat={point[0]}&lng={point[1]}")
    page.wait_for_selector("[data-testid='aed-list'] li[data-aed]")
    items = page.locator("[data-testid='aed-list'] li[data-aed]")
    names = [items.nth(i).inner_text() for i in range(items.count())]
    assert names[0].startswith(near.name) and names[1].startswith(second.name)
    text = "\n".join(names)
    assert "已关门的AED" not in text and "停用的AED" not in text
    assert page.is_visible("#aed-map")
