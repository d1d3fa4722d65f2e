"""The medical-insurance exchange: the eligible list out, settlement results in (all rows or none,
duplicate settlement numbers refused), the suggested relief and the application raised from it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from boai.core.tabular.engine import run_import
from boai.core.tabular.testing import xlsx_bytes
from boai.relief.models import Category, Channel, MedicalBatch, MedicalSettlement
from boai.relief.services import medical
from boai.relief.tabular.medical import MedicalSettlementKind
from boai.relief.tests.factories import make_household, make_relief_type
from boai.testing.helpers import make_user

HEADER = ["结算单号", "证件号码", "姓名", "就诊医院", "入院日期", "结算日期", "医疗总费用", "基本医保支付",
          "大病保险支付", "医疗救助支付", "个人自付"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _row(no, person, *, total="10000", paid="7000", own="3000", name=None):
    return [no, person.id_number, name or person.name, "无锡市人民医院", "2026-10-01", "2026-10-10", total, paid,
            "0", "0", own]


def test_export_lists_eligible_members_in_the_agreed_layout(tree):
    officer = make_user(tree.branch_a, "relief_officer")
    ill = make_household(tree.unit_a, members=2, categories=[Category.ILLNESS])
    make_household(tree.unit_a, categories=[Category.DISABILITY])  # not eligible
    make_household(tree.unit_b, categories=[Category.DIBAO])  # another branch
    batch, data = medical.medical_export(actor=officer, org=tree.branch_a)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(medical.EXPORT_HEADERS) and len(rows) == 3
    assert {r[7] for r in rows[1:]} == {ill.number} and rows[1][6] == "因病致贫"
    assert rows[1][3] == ill.head.id_number  # the full number: 医保 matches on it
    assert batch.rows == 2 and batch.direction == MedicalBatch.Direction.EXPORT and len(batch.file_sha256) == 64


def test_import_is_all_or_nothing_and_refuses_duplicate_numbers(tree):
    officer = make_user(tree.branch_a, "relief_officer")
    household = make_household(tree.unit_a, members=2, categories=[Category.ILLNESS])
    other = make_household(tree.unit_b, categories=[Category.ILLNESS])
    kind = MedicalSettlementKind()
    head = household.head
    bad = xlsx_bytes([HEADER, _row("JS-1", head), _row("JS-1", head), _row("JS-2", other.head),
                      _row("JS-3", head, own="2000"), _row("JS-4", head, name="别人")], text_columns=[1])
    report = run_import(bad, "js.xlsx", kind, actor=officer)
    assert not report.committed and MedicalSettlement.objects.count() == 0
    assert len(report.issues) >= 4
    good = xlsx_bytes([HEADER, _row("JS-1", head), _row("JS-2", head, total="5000", paid="1000", own="4000")],
                      text_columns=[1])
    report = run_import(good, "js.xlsx", kind, actor=officer)
    assert report.committed and report.imported == 2
    assert MedicalSettlement.objects.filter(org=tree.unit_a).count() == 2
    again = run_import(xlsx_bytes([HEADER, _row("JS-1", head)], text_columns=[1]), "js.xlsx", kind, actor=officer)
    assert not again.committed and MedicalSettlement.objects.count() == 2


def test_suggested_relief_and_raising_an_application(tree, settings):
    from boai.relief.tests.factories_campaigns import make_settlement

    settings.BOAI_RELIEF_MEDICAL_RATIO = "0.6"
    worker = make_user(tree.unit_a, "grassroots_operator")
    household = make_household(tree.unit_a, categories=[Category.ILLNESS])
    rt = make_relief_type(tree.city, max_amount=Decimal("1500.00"),
                          eligible_categories=",illness,")
    settlement = make_settlement(tree.unit_a, person=household.head, out_of_pocket="2000.00")
    assert medical.suggested_relief(settlement, rt) == Decimal("1200.00")
    big = make_settlement(tree.unit_a, person=household.head, out_of_pocket="9000.00")
    assert medical.suggested_relief(big, rt) == Decimal("1500.00")  # capped by the type
    settlement = medical.medical_raise(actor=worker, settlement=settlement, relief_type=rt)
    app = settlement.application
    assert app.channel == Channel.MEDICAL and app.amount_requested == Decimal("1200.00")
    assert app.beneficiary == household.head and settlement.settlement_no in app.reason
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        medical.medical_raise(actor=worker, settlement=settlement, relief_type=rt)
