"""In a real browser on a 375×812 phone: a donor gives ¥50 to a giving-day project through the
payment simulator, gets the certificate, opens its verification (QR) link, and after staff have
allocated and spent the money, sees the gift's journey."""

import re
from decimal import Decimal

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.donations.models import Gift
from boai.donations.tests.factories import make_campaign, make_fund, make_gift, make_project
from boai.testing.browser import DESKTOP, assert_fits, login_through_form
from boai.testing.helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def giving_day(tree, settings, tmp_path):
    settings.BOAI_PAY_MODE = "simulator"
    settings.BOAI_PAY_SIM_DIR = str(tmp_path / "paysim")
    from boai.donations.payments import reset

    reset()
    fund = make_fund(tree.city, name="造血干细胞捐献关爱基金")
    project = make_project(tree.city, fund, name="造血干细胞捐献关爱", summary="关爱捐献者和患者家庭")
    make_gift(fund, "950.00", project=project, name="早到的捐赠人")
    campaign = make_campaign(tree.city, slug="gongyiri", projects=[project])
    officer = make_user(tree.city, "donations_officer", username="officer", display_name="筹资部")
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    yield campaign, project, officer
    reset()


def test_donor_gives_fifty_yuan_and_follows_the_money(phone_page, browser, live_server, giving_day):
    campaign, project, officer = giving_day
    page = phone_page
    page.goto(f"{live_server.url}/give/c/{campaign.slug}/")
    assert_fits(page, 375)
    page.click(f"[data-testid=give-{project.code}]")
    page.click("button.amount-choice[data-amount='50']")
    page.fill("#id_donor_name", "陈晨")
    page.check("input[name=channel][value=wechat]")
    assert_fits(page, 375)
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=simulator-banner]")
    assert page.inner_text("[data-testid=simulator-amount]") == "¥50.00"
    assert_fits(page, 375)
    page.click("[data-testid=simulator-pay]")
    page.wait_for_selector("[data-testid=certificate-link]", timeout=20000)
    assert_fits(page, 375)

    certificate_url = page.get_attribute("[data-testid=certificate-link]", "href")
    pdf = page.request.get(f"{live_server.url}{certificate_url}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    gift = Gift.objects.get(donor_name="陈晨")
    assert gift.amount == Decimal("50.00") and gift.campaign == campaign
    page.click("[data-testid=verify-link]")  # the certificate's QR code opens this page
    page.wait_for_selector("[data-testid=journey]")
    assert gift.certificate.token in page.url and "陈*" in page.content()
    assert "等待使用" in page.inner_text("[data-testid=journey]")  # received, still held by the fund
    assert_fits(page, 375)
    verify_url = page.url

    staff = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    login_through_form(staff, live_server.url, "officer", PASSWORD, officer)
    staff.goto(f"{live_server.url}/staff/donations/allocations/new/?fund={project.fund_id}")
    staff.select_option("#id_project", str(project.pk))
    staff.fill("#id_amount", "1000")
    staff.click("main form button[type=submit]")
    staff.wait_for_url(re.compile(r".*/allocations/\d+/$"))
    staff.goto(f"{live_server.url}/staff/donations/spending/new/?project={project.pk}")
    staff.fill("#id_amount", "800")
    staff.fill("#id_purpose", "捐献者体检与慰问")
    staff.select_option("#id_payee_kind", "organisation")
    staff.fill("#id_payee_name", "市中心血站")
    staff.click("main form button[type=submit]")
    staff.wait_for_url(re.compile(r".*/spending/\d+/$"))
    staff.context.close()

    page.goto(verify_url)
    journey = page.inner_text("[data-testid=journey]")
    assert page.locator("[data-testid=journey-allocation]").count() == 1
    assert "¥50.00" in page.inner_text("[data-testid=journey-allocation]")
    assert "捐献者体检与慰问" in journey and "¥40.00" in page.inner_text("[data-testid=journey-spending]")
    assert "¥10.00" in journey  # the rest of the ¥50 is still held by the project
    assert_fits(page, 375)
