"""The volunteer's whole journey on a 375×812 phone, with staff in another browser context: register,
be approved, sign up, check in and out by the leader's rotating QR code, have the hours certified,
see hours and star level change, and verify the service certificate on the public page."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.testing.browser import DESKTOP, assert_fits, login_through_form
from boai.testing.helpers import PASSWORD, make_user
from boai.volunteers.models import IncentivePolicy, Volunteer
from boai.volunteers.testing import id_number, make_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(tree):
    officer = make_user(tree.branch_a, "volunteers_officer", username="officer_a")
    leader = make_user(tree.unit_a, "grassroots_operator", username="leader_a")
    for user in (officer, leader):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return officer, leader


def test_volunteer_journey_on_a_phone(phone_page, browser, live_server, tree, staff, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # the clock jumps three hours between check-in and check-out
    officer, leader = staff
    IncentivePolicy.objects.create(org=tree.city, star_thresholds=[2, 5, 10, 20, 40], notice_days=0)
    activity = make_activity(tree.unit_a, capacity=3, start=timezone.now() + dt.timedelta(minutes=30),
                             title="社区应急救护宣传")
    phone, base = phone_page, live_server.url
    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()

    # 1. register on the phone
    phone.goto(f"{base}/v/join/")
    assert_fits(phone, 375)
    phone.select_option("#id_unit", str(tree.unit_a.pk))
    phone.fill("#id_name", "周小红")
    phone.fill("#id_id_number", id_number())
    phone.fill("#id_mobile", "13955556666")
    phone.fill("#id_password", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.check("#id_privacy_consent")
    phone.check("#id_sensitive_consent")
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/v/me/")
    assert phone.locator("[data-testid=my-status]").inner_text() == "待审核"
    assert_fits(phone, 375)

    # 2. the branch approves it (staff, another browser context)
    assert Volunteer.objects.get(person__name="周小红").status == "pending"
    login_through_form(desk, base, "officer_a", PASSWORD, officer)
    desk.goto(f"{base}/staff/volunteers/?status=pending")
    desk.get_by_role("link", name="周小红").click()
    desk.click("[data-testid=review]")
    desk.check("input[name=decision][value=approve]")
    desk.click("main form button[type=submit]")
    assert desk.locator("[data-testid=status]").inner_text() == "有效"

    # 3. sign up on the phone
    phone.goto(f"{base}/v/me/")
    assert phone.locator("[data-testid=my-status]").inner_text() == "有效"
    phone.goto(f"{base}/v/activities/")
    phone.get_by_text("社区应急救护宣传").click()
    phone.click("[data-testid=signup]")
    assert phone.locator("[data-testid=my-signup]").inner_text() == "已确认"

    # 4. check in and out by the leader's QR code
    desk.click("#user-menu")
    desk.click("text=退出")
    login_through_form(desk, base, "leader_a", PASSWORD, leader)
    desk.goto(f"{base}/staff/volunteers/activities/{activity.pk}/qr/")
    phone.goto(base + desk.locator("[data-testid=qr-url]").get_attribute("href"))
    phone.click("[data-testid=check-in]")
    assert "已于" in phone.locator(".alert").first.inner_text()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3), tick=True):
        desk.reload()
        phone.goto(base + desk.locator("[data-testid=qr-url]").get_attribute("href"))
        phone.click("[data-testid=check-out]")
        assert "3.00" in phone.locator(".alert").first.inner_text()

        # 5. the leader certifies; hours and star level update
        desk.goto(f"{base}/staff/volunteers/activities/{activity.pk}/")
        desk.click("[data-testid=certify-all]")
        phone.goto(f"{base}/v/me/")
        assert phone.locator("[data-testid=my-hours]").inner_text() == "3.00"
        assert phone.locator("[data-testid=my-stars]").inner_text() == "★"

        # 6. a certificate, verified on the public page
        phone.goto(f"{base}/v/me/certificates/")
        phone.click("[data-testid=issue]")
        phone.click("[data-testid=certificate-verify]")
        assert_fits(phone, 375)
        assert "真实有效" in phone.locator("[data-testid=verdict]").inner_text()
        text = phone.locator("[data-testid=certificate]").inner_text()
        assert "周**" in text and "3.00" in text and tree.unit_a.name in text and "周小红" not in text
    desk.context.close()
