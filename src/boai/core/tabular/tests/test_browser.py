"""In a real browser: upload a sheet with bad rows, download the error sheet, fix it, upload it again, import."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from boai.core.tabular.testing import xlsx_bytes
from boai.orgs.models import Org
from boai.testing.browser import login_through_form
from boai.testing.helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bad_rows_error_sheet_fix_and_import(page, live_server, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = make_user(tree.branch_a, "branch_admin", username="importer")
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    sheet = tmp_path / "新增单位.xlsx"
    sheet.write_bytes(xlsx_bytes([
        ["2024 年新增单位（请勿修改表头）"],
        ["名称", "代码", "类型", "上级代码", "电话"],
        ["浏览器社区", "BR-1", "社区红十字会", tree.unit_a.code, 13812345678],
        ["", "br 2", "社区红十字会", tree.unit_a.code, None],
        ["浏览器家园", "BR-3", "博爱家园", "BR-1", None],
        ["乙区单位", "BR-4", "居委会", tree.unit_b.code, None],
    ]))

    login_through_form(page, live_server.url, "importer", PASSWORD, admin)
    page.goto(f"{live_server.url}/staff/import/orgs/")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=job-message]")
    assert "未导入任何数据" in page.inner_text("[data-testid=job-message]")
    assert page.inner_text("[data-testid=count-invalid]") == "2"
    errors = page.inner_text("[data-testid=errors]")
    assert "此项必填" in errors and "请从以下选项中选择" in errors
    assert not Org.objects.filter(code__startswith="BR-").exists()

    with page.expect_download() as info:
        page.click("[data-testid=error-sheet]")
    fixed = tmp_path / "新增单位-错误表.xlsx"
    info.value.save_as(fixed)
    workbook = load_workbook(fixed)
    rows = workbook.active
    assert rows["F1"].value == "错误原因" and rows["A3"].comment is not None
    rows["A3"], rows["B3"] = "补上名称的社区", "BR-2"  # fix the highlighted cells, leave the error column
    rows["C5"], rows["D5"] = "社区红十字会", tree.unit_a.code  # and place it in our own branch
    workbook.save(fixed)

    page.click("[data-testid=upload-another]")
    page.set_input_files("input[type=file]", str(fixed))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=job-message]")
    assert "已导入 4 行" in page.inner_text("[data-testid=job-message]")
    assert set(Org.objects.filter(code__startswith="BR-").values_list("code", flat=True)) == {
        "BR-1", "BR-2", "BR-3", "BR-4"}
    assert Org.objects.get(code="BR-1").phone == "13812345678"
