"""Offline gifts imported from bank statements and counter sheets through the Excel engine."""

from decimal import Decimal

import pytest

from boai.core.tabular.engine import run_import
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes
from boai.donations.models import Account, Donor, Gift
from boai.donations.tests.factories import enterprise_code, make_fund, make_project
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db

BANK_HEADER = ["交易日期", "流水号", "对方户名", "贷方金额", "摘要", "基金", "项目", "统一社会信用代码"]


@pytest.fixture
def setup(tree):
    officer = make_user(tree.branch_a, "donations_officer")
    fund = make_fund(tree.branch_a, name="综合基金")
    project = make_project(tree.branch_a, fund, name="博爱送万家")
    return officer, fund, project


def test_bank_statement_import_is_all_or_nothing(setup, tree):
    officer, fund, project = setup
    other = make_fund(tree.branch_b)
    rows = [BANK_HEADER,
            ["2025-05-08", "HX001", "某某科技有限公司", "5,000.00", "捐赠", fund.code, "", ""],
            ["2025/5/9", "HX002", "李四", "200", "博爱送万家", "", project.code, ""],
            ["2025-05-09", "HX002", "王五", "100", "", fund.code, "", ""],  # repeats a reference
            ["2025-05-10", "HX003", "赵六", "-50", "", fund.code, "", ""],  # a debit
            ["2025-05-10", "HX004", "钱七", "10", "", other.code, "", ""]]  # another branch's fund
    report = run_import(xlsx_bytes(rows), "流水.xlsx", get_kind("donations_bank"), actor=officer)
    assert report.valid == 2 and len(report.issues) == 3 and not Gift.objects.exists()
    report = run_import(xlsx_bytes(rows[:3]), "流水.xlsx", get_kind("donations_bank"), actor=officer)
    assert report.imported == 2 and not report.issues
    assert Account.objects.get(fund=fund).balance == Decimal("5200.00")
    assert Gift.objects.get(bank_ref="HX002").restricted_project == project
    again = run_import(xlsx_bytes(rows[:2]), "流水.xlsx", get_kind("donations_bank"), actor=officer)
    assert again.imported == 0 and "HX001" in str(again.issues[0].reason)


def test_counter_sheet_with_people_enterprises_goods_and_anonymous_gifts(setup, tree):
    officer, fund, project = setup
    header = ["日期", "捐赠人", "捐赠人类型", "证件号码", "统一社会信用代码", "方式", "金额", "物资名称", "数量",
              "单位", "估价依据", "基金", "项目", "匿名", "票据号"]
    rows = [header,
            ["2025-05-08", "钱七", "个人", "11010519491231002X", "", "现金", "100", "", "", "", "", fund.code, "",
             "否", "PJ001"],
            ["2025-05-08", "丙公司", "企业", "", enterprise_code(5), "支票", "3000", "", "", "", "", fund.code,
             project.code, "否", "PJ002"],
            ["2025-05-08", "", "", "", "", "", "50", "", "", "", "", fund.code, "", "是", ""],
            ["2025-05-08", "丁超市", "企业", "", "", "", "1200", "大米", "100", "袋", "发票", fund.code, "", "否", ""]]
    report = run_import(xlsx_bytes(rows, text_columns=[3, 4]), "柜台.xlsx", get_kind("donations_counter"),
                        actor=officer)
    assert report.imported == 4, report.issues
    assert Donor.objects.get(name="钱七").person is not None
    assert Donor.objects.get(uscc=enterprise_code(5)).kind == "enterprise"
    assert Gift.objects.get(anonymous=True).donor_name == ""
    goods = Gift.objects.get(kind="goods")
    assert goods.channel == "in_kind" and goods.quantity == Decimal("100")
    assert Account.objects.get(fund=fund).balance == Decimal("3150.00")  # goods are not money


def test_export_in_the_import_layout(setup, client):
    from boai.core.tabular.export import write_xlsx  # noqa: F401  (the engine's exporter is used by its page)

    officer, fund, _project = setup
    run_import(xlsx_bytes([BANK_HEADER, ["2025-05-08", "HX9", "某单位", "10", "", fund.code, "", ""]]),
               "流水.xlsx", get_kind("donations_bank"), actor=officer)
    kind = get_kind("donations_bank")
    rows = [kind.export_row(g) for g in kind.export_queryset(actor=officer)]
    assert rows[0][1] == "HX9" and rows[0][3] == Decimal("10.00")
