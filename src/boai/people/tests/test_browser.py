"""In a real browser: a branch administrator logs in with password and TOTP, finds a person by the
full ID number, reveals it with a reason, and finds the reveal in the audit log."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.people.tests.factories import make_person
from boai.testing.browser import login_through_form
from boai.testing.helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_by_id_number_reveal_with_reason_and_see_the_audit_record(page, live_server, tree):
    admin = make_user(tree.branch_a, "branch_admin", username="admin_people", display_name="甲区管理员")
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    target = make_person(tree.unit_a, name="林晓梅")
    make_person(tree.unit_a, name="林大伟")
    hidden = make_person(tree.unit_b, name="林外区")

    login_through_form(page, live_server.url, "admin_people", PASSWORD, admin)
    assert page.url.endswith("/staff/")
    page.click("#sidebar >> text=人员信息库")
    page.fill("input[name=q]", f"{target.id_number[:6]} {target.id_number[6:].lower()}")  # as typed, spaced
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    rows = page.locator("table.list-table tbody tr")
    assert rows.count() == 1
    assert target.id_number_masked in rows.inner_text() and target.id_number not in page.content()

    page.fill("input[name=q]", hidden.id_number)  # another branch's person: not found
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("table.list-table").count() == 0 and hidden.name not in page.content()

    page.goto(f"{live_server.url}/staff/people/?q={target.id_number}")
    page.get_by_role("link", name="林晓梅").click()
    assert page.locator("[data-testid=masked-id_number]").inner_text() == target.id_number_masked
    page.click("[data-testid=reveal-id_number]")
    dialog = page.locator("#reveal-dialog")
    dialog.locator("textarea[name=reason]").fill("核对捐赠人身份")
    dialog.locator("[data-testid=reveal-submit]").click()
    assert dialog.locator("[data-testid=revealed-value]").inner_text() == target.id_number
    dialog.get_by_role("button", name="关闭").first.click()
    page.wait_for_function("!document.querySelector('#reveal-dialog [data-testid=revealed-value]')")

    page.goto(f"{live_server.url}/staff/audit/?action=people.person.reveal")
    table = page.locator("table.list-table")
    assert table.locator("tbody tr").count() == 1 and "林晓梅" in table.inner_text()
    number = table.locator("tbody tr td").first.inner_text().strip()  # the list does not link rows (core)
    page.goto(f"{live_server.url}/staff/audit/{number}/")
    record = page.locator("main").inner_text()
    assert "people.person.reveal" in record and "核对捐赠人身份" in record and "admin_people" in record
    assert target.id_number not in page.content()
