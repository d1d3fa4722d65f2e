"""Platform spine in a real browser: TOTP login, the organisation tree, the auditor's audit log, at
desktop and phone widths."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.testing.browser import assert_fits, login_through_form
from boai.testing.helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(tree):
    admin = make_user(tree.branch_a, "branch_admin", username="admin_a", display_name="甲区管理员")
    auditor = make_user(tree.city, "auditor", username="auditor1", display_name="监事")
    for user in (admin, auditor):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return admin, auditor


def test_totp_login_tree_and_audit_log(page, live_server, tree, people):
    admin, auditor = people
    login_through_form(page, live_server.url, "admin_a", PASSWORD, admin)
    assert page.url.endswith("/staff/")
    page.click("text=组织架构")  # nav entry: the organisation tree
    tree_box = page.locator("[data-testid=org-tree]")
    assert tree_box.get_by_text(tree.unit_a.name).is_visible() or tree_box.inner_text().count(tree.unit_a.name)
    assert tree.unit_b.name not in tree_box.inner_text()
    page.get_by_role("link", name=tree.branch_a.name).click()
    assert page.locator("h1").inner_text().startswith(tree.branch_a.name)

    page.click("#user-menu")
    page.click("text=退出")
    login_through_form(page, live_server.url, "auditor1", PASSWORD, auditor)
    page.goto(f"{live_server.url}/staff/audit/?action=accounts.login")
    rows = page.locator("table.list-table tbody tr")
    assert rows.count() >= 2
    assert "admin_a" in page.locator("table.list-table").inner_text()


def test_same_pages_on_a_375px_phone(phone_page, live_server, tree, people):
    page = phone_page
    admin, _ = people
    page.goto(live_server.url + "/")
    assert_fits(page, 375)
    login_through_form(page, live_server.url, "admin_a", PASSWORD, admin)
    assert_fits(page, 375)
    # The sidebar is behind the menu button on a phone.
    assert not page.locator("#sidebar .nav-link", has_text="组织架构").is_visible()
    page.click("button[aria-controls=sidebar]")
    page.locator("#sidebar .nav-link", has_text="组织架构").click()
    page.wait_for_url("**/staff/orgs/")
    assert_fits(page, 375)
    page.goto(live_server.url + "/staff/orgs/list/")
    assert_fits(page, 375)
    assert page.get_by_text(tree.unit_a.name).first.is_visible()
    page.goto(live_server.url + "/staff/audit/")
    assert_fits(page, 375)
