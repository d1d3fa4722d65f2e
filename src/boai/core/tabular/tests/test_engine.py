"""The engine end to end with a real kind (organisation units): errors, all-or-nothing, valid-only,
the error sheet round trip, scoping, audit."""

import io

import pytest
from django.db import IntegrityError
from django.utils import translation
from openpyxl import load_workbook

from boai.core.models import AuditEntry
from boai.core.tabular import parallel
from boai.core.tabular.engine import Mode, run_import
from boai.core.tabular.errorsheet import write_error_sheet
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes
from boai.orgs.models import Org

HEADER = ["名称", "代码", "类型", "上级代码", "行政区划代码", "电话"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(data, actor, mode=Mode.ALL, name="units.xlsx"):
    return run_import(data, name, get_kind("orgs"), actor=actor, mode=mode)


def messy_sheet(tree):
    """Notes above the header, blank rows, full-width text, a phone stored as a number, three bad rows."""
    return xlsx_bytes([
        ["新增基层组织导入表"],  # row 1
        ["请勿修改表头"],  # row 2
        HEADER,  # row 3
        ["ＡＢ社区红十字会 ", "ab-01", "社区红十字会", tree.unit_a.code, "320213", 13812345678],  # row 4: good
        None,  # row 5: blank
        ["博爱家园一", "AB-02", "Boai Home", "AB-01", None, None],  # row 6: good, parent in the file
        ["", "AB 03", "居委会", tree.unit_a.code, "32021", None],  # row 7: four errors
        ["乙区的社区", "AB-04", "社区红十字会", tree.unit_b.code, None, None],  # row 8: parent out of scope
        ["重复", "AB-01", "社区红十字会", tree.unit_a.code, None, None],  # row 9: duplicate code in the file
    ])


def test_every_error_is_collected_with_its_real_row_number(tree, branch_admin):
    report = run(messy_sheet(tree), branch_admin)
    assert (report.header_row, report.total, report.valid, report.invalid) == (3, 5, 2, 3)
    found = {(i.row, i.column) for i in report.issues}
    assert found == {(7, "名称"), (7, "代码"), (7, "类型"), (7, "行政区划代码"), (8, "上级代码"), (9, "代码")}
    reasons = {(i.row, i.column): i.reason for i in report.issues}
    assert "required" in reasons[(7, "名称")]
    assert "upper-case" in reasons[(7, "代码")]
    assert "Choose one of" in reasons[(7, "类型")]
    assert "in your scope" in reasons[(8, "上级代码")]
    assert "row 4" in reasons[(9, "代码")]
    assert str(report.issues[0]).startswith("Row 7, ")


def test_all_or_nothing_writes_nothing_and_audits_the_refusal(tree, branch_admin):
    before = Org.objects.count()
    report = run(messy_sheet(tree), branch_admin)
    assert not report.committed and report.imported == 0
    assert Org.objects.count() == before
    record = AuditEntry.objects.filter(action="orgs.import").get()
    assert record.after["committed"] is False and record.after["invalid"] == 3 and record.actor_id == branch_admin.pk


def test_valid_rows_only(tree, branch_admin):
    report = run(messy_sheet(tree), branch_admin, mode=Mode.VALID_ONLY)
    assert report.committed and report.imported == 2
    first = Org.objects.get(code="AB-01")
    assert first.name == "AB社区红十字会" and first.phone == "13812345678" and first.division_code == "320213"
    assert first.get_parent() == tree.unit_a and first.kind == "grassroots"
    home = Org.objects.get(code="AB-02")
    assert home.get_parent() == first and home.subtype == "boai_home"
    assert Org.objects.get(pk=first.pk).numchild == 1
    assert Org.objects.get(pk=tree.unit_a.pk).numchild == tree.unit_a.numchild + 1
    Org.find_problems()  # treebeard's own consistency check of paths and counts
    assert Org.find_problems() == ([], [], [], [], [])
    record = AuditEntry.objects.filter(action="orgs.import").get()
    assert record.after["imported"] == 2 and record.after["invalid"] == 3 and record.after["file"] == "units.xlsx"


def test_check_mode_writes_nothing_and_no_audit(tree, branch_admin):
    report = run(xlsx_bytes([HEADER, ["甲", "CK-1", "社区红十字会", tree.unit_a.code]]), branch_admin, Mode.CHECK)
    assert report.ok and report.valid == 1 and not report.committed
    assert not Org.objects.filter(code="CK-1").exists()
    assert not AuditEntry.objects.filter(action="orgs.import").exists()


def test_codes_already_in_the_database(tree, branch_admin):
    report = run(xlsx_bytes([HEADER, ["甲", tree.unit_b.code, "社区红十字会", tree.unit_a.code]]), branch_admin)
    assert [i.reason for i in report.issues] == ["This code is already used by another organisation."]


def test_loops_and_misplacement(tree, branch_admin):
    report = run(xlsx_bytes([
        HEADER,
        ["甲", "LP-1", "社区红十字会", "LP-2"],
        ["乙", "LP-2", "社区红十字会", "LP-1"],
        ["丙", "LP-3", "区红十字会", tree.unit_a.code],  # a branch cannot sit under a grassroots unit
        ["丁", "LP-4", "社区红十字会", "LP-4"],
    ]), branch_admin)
    reasons = {i.row: i.reason for i in report.issues}
    assert "loop" in reasons[2] and "loop" in reasons[3]
    assert "cannot be placed" in reasons[4]
    assert "its own parent" in reasons[5]


def test_a_user_without_orgs_add_can_place_nothing(tree, user_factory):
    officer = user_factory(tree.branch_a, "volunteers_officer")
    report = run(xlsx_bytes([HEADER, ["甲", "NA-1", "社区红十字会", tree.unit_a.code]]), officer)
    assert "in your scope" in report.issues[0].reason


def test_system_import_is_city_wide(tree):
    report = run(xlsx_bytes([HEADER, ["甲", "SYS-1", "社区红十字会", tree.unit_b.code]]), None)
    assert report.committed and Org.objects.get(code="SYS-1").get_parent() == tree.unit_b


def test_template_sample_row_is_skipped(tree, branch_admin):
    kind = get_kind("orgs")
    sample = [c.example for c in kind.columns]
    data = xlsx_bytes([[c.header for c in kind.columns], sample,
                       ["甲", "SM-1", "社区红十字会", tree.unit_a.code, "", "", ""]])
    report = run(data, branch_admin)
    assert report.skipped_sample and report.committed and report.imported == 1


def test_no_data_rows(db):
    report = run(xlsx_bytes([HEADER, None, [None, "  "]]), None)
    assert "no data rows" in report.file_error


def test_a_database_error_in_commit_rolls_everything_back(tree, branch_admin, monkeypatch):
    kind = get_kind("orgs")
    original = kind.commit

    def failing(rows, *, actor, ctx):
        original(rows, actor=actor, ctx=ctx)
        raise IntegrityError("simulated race")

    monkeypatch.setattr(kind, "commit", failing)
    report = run(xlsx_bytes([HEADER, ["甲", "RB-1", "社区红十字会", tree.unit_a.code]]), branch_admin)
    assert not report.committed and "Nothing was imported" in report.file_error
    assert not Org.objects.filter(code="RB-1").exists()
    assert not AuditEntry.objects.filter(action="orgs.import", after__committed=True).exists()


def _sheet_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_error_sheet_round_trip(tree, branch_admin):
    report = run(messy_sheet(tree), branch_admin)
    buffer = io.BytesIO()
    assert write_error_sheet(report, buffer, only_invalid=False) == 5  # every data row comes back
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, "Errors")
    # cells come back as the user typed them (normalised text), never re-typed as numbers
    assert rows[1][:6] == ("AB社区红十字会", "ab-01", "社区红十字会", tree.unit_a.code, "320213", "13812345678")
    assert rows[1][6] is None  # a good row has no error
    assert "名称: This column is required." in rows[3][6] and "类型: Choose one of" in rows[3][6]
    assert sheet["A4"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["A4"].comment is not None  # bad cell marked
    assert sheet["B2"].number_format == "@"
    # The user fixes the highlighted cells and uploads the same file again, error column and all.
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["E4"] = "修好的社区", "AB-03", "社区红十字会", "320213"
    sheet["D5"] = tree.unit_a.code
    sheet["B6"] = "AB-05"
    fixed = io.BytesIO()
    workbook.save(fixed)
    again = run(fixed.getvalue(), branch_admin, name="units-errors.xlsx")
    assert again.issues == [] and again.ignored_columns == []
    assert again.committed and again.imported == 5
    assert set(Org.objects.filter(code__startswith="AB-").values_list("code", flat=True)) == {
        "AB-01", "AB-02", "AB-03", "AB-04", "AB-05"}


def test_error_sheet_after_valid_only_holds_the_skipped_rows(tree, branch_admin):
    report = run(messy_sheet(tree), branch_admin, mode=Mode.VALID_ONLY)
    buffer = io.BytesIO()
    assert write_error_sheet(report, buffer, only_invalid=True) == 3
    assert [row[1] for row in _sheet_rows(buffer.getvalue())[1:]] == ["AB 03", "AB-04", "AB-01"]


def test_error_sheet_never_writes_a_formula(tree, branch_admin):
    report = run(xlsx_bytes([HEADER, ["=HYPERLINK(\"http://x\")", "bad code", "社区红十字会", "X"]],
                            text_columns=(0,)), branch_admin)
    buffer = io.BytesIO()
    write_error_sheet(report, buffer, only_invalid=False)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A2"]
    assert cell.data_type != "f" and cell.value.startswith("=HYPERLINK")


def test_parallel_validation_gives_the_same_result(tree, branch_admin, monkeypatch, settings):
    rows = [HEADER]
    for i in range(300):
        code = f"PV-{i}" if i % 7 else f"pv {i}"  # every seventh row has a bad code
        rows.append([f"单位{i}", code, "社区红十字会", tree.unit_a.code])
    data = xlsx_bytes(rows)
    serial = run(data, branch_admin, Mode.CHECK)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10)
    settings.BOAI_IMPORT_WORKERS = 2
    forked = run(data, branch_admin, Mode.CHECK)
    assert (forked.total, forked.valid) == (serial.total, serial.valid) == (300, 300 - 43)
    assert forked.issues == serial.issues
    assert Org.objects.filter(pk=tree.unit_a.pk).exists()  # the parent's connection survived the workers


def test_a_big_xlsx_is_read_in_shares_with_the_same_result(tree, branch_admin, monkeypatch, settings):
    rows = [["单位导入"], HEADER]
    for i in range(400):
        code = f"SH-{i}" if i % 9 else f"sh {i}"  # every ninth row has a bad code
        rows.append([f"单位{i}", code, "社区红十字会", tree.unit_a.code])
    rows.append(["重复", "SH-1", "社区红十字会", tree.unit_a.code])  # a duplicate of a row in the first share
    data = xlsx_bytes(rows)
    whole = run(data, branch_admin, Mode.CHECK)
    monkeypatch.setattr(parallel, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10**9)  # only the split path may fork
    settings.BOAI_IMPORT_WORKERS = 2
    plan = parallel.plan_for(data, "units.xlsx", get_kind("orgs"))
    assert plan is not None and plan.parts == 2 and plan.starts[0] == 30 and plan.starts[1] > 100
    shared = run(data, branch_admin, Mode.VALID_ONLY)
    assert (shared.total, shared.valid) == (whole.total, whole.valid) == (401, 401 - 45 - 1)
    assert shared.issues == whole.issues and shared.issues[-1].row == 403
    assert shared.committed and Org.objects.filter(code__startswith="SH-").count() == 355
    buffer = io.BytesIO()
    assert write_error_sheet(shared, buffer, only_invalid=True) == 46  # rows from both shares come back


def test_sheets_that_cannot_be_cut_are_read_whole():
    from boai.core.tabular.reader import plan_split

    assert plan_split(xlsx_bytes([HEADER] * 10), 2, 30) is None  # fewer rows than the header zone
    assert plan_split(b"PK\x03\x04 nonsense", 2, 30) is None
