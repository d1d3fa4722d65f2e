"""The `people` kind end to end through the Excel engine: messy real-world sheets, per-row errors,
all-or-nothing, the error sheet round trip, scope, duplicates, the masked export and the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from boai.core.models import AuditEntry
from boai.core.tabular import parallel
from boai.core.tabular.engine import Mode, run_import
from boai.core.tabular.errorsheet import write_error_sheet
from boai.core.tabular.reader import read_file
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes
from boai.people.codes import Gender, IdType
from boai.people.models import Person
from boai.people.tests.factories import make_person, resident_id
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "地址", "所属组织"]


def run(data, actor, mode=Mode.ALL, name="people.xlsx"):
    return run_import(data, name, get_kind("people"), actor=actor, mode=mode)


def messy_sheet(tree, numbers):
    """What arrives from a street office: notes above the header, blank rows, full-width text,
    trailing spaces, a mobile stored as a number, a date cell, Chinese aliases, and four bad rows."""
    a, b, c = numbers
    return xlsx_bytes([
        ["2024年第三季度志愿者登记表"],  # row 1: a title
        ["填表说明：证件号码请设置为文本格式"],  # row 2: a note
        HEADER,  # row 3
        ["张 三 ", "身份证", a.lower(), "", "", 13812345678, "梁溪区人民路1号 ", tree.unit_a.code],  # 4: good
        None,  # row 5: blank
        ["李四", "居民身份证", "　" + b.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " ", "女",
         None, "138-0000-0001", None, tree.unit_a.name],  # 6: good (full-width digits, by name)
        ["王五", "护照", "E12345678", "男", dt.datetime(1980, 5, 6), None, None, tree.site_a.code],  # 7: good
        ["赵六", "身份证", 320202199001011238, "", "", "", "", tree.unit_a.code],  # 8: lost digits (a number)
        ["钱七", "身份证", "110105194912310021", "", "", "1381234", "", tree.unit_a.code],  # 9: two bad cells
        ["孙八", "身份证", c, "女", "", "", "", tree.unit_b.code],  # 10: another branch's unit
        ["周九", "", a, "", "", "", "", ""],  # 11: same number as row 4
    ], text_columns=(2,))


@pytest.fixture
def numbers():
    return resident_id(male=True), resident_id(male=False), resident_id(male=False)


def test_every_bad_row_is_reported_and_nothing_is_written(tree, branch_admin, numbers):
    report = run(messy_sheet(tree, numbers), branch_admin)
    assert (report.header_row, report.total, report.valid) == (3, 7, 3)
    reasons = {(i.row, i.column): i.reason for i in report.issues}
    assert set(reasons) == {(8, "证件号码"), (9, "证件号码"), (9, "手机号码"), (10, "所属组织"), (11, "证件号码")}
    assert "lost" in reasons[(8, "证件号码")] or "科学计数法" in reasons[(8, "证件号码")]
    assert "check digit" in reasons[(9, "证件号码")] and "11 digits" in reasons[(9, "手机号码")]
    assert "in your scope" in reasons[(10, "所属组织")]
    assert reasons[(11, "证件号码")] == "Same ID number as row 4."
    assert not report.committed and not Person.objects.exists()
    assert AuditEntry.objects.filter(action="people.import").count() == 1


def test_valid_rows_are_read_exactly_as_meant(tree, branch_admin, numbers):
    report = run(messy_sheet(tree, numbers), branch_admin, Mode.VALID_ONLY)
    assert report.committed and report.imported == 3
    zhang = Person.objects.get(name="张 三")
    assert (zhang.id_number, zhang.mobile, zhang.address, zhang.org) == (numbers[0], "13812345678", "梁溪区人民路1号",
                                                                         tree.unit_a)
    assert zhang.gender == Gender.MALE and zhang.birth_date
    li = Person.objects.get(name="李四")
    assert (li.id_number, li.gender, li.mobile_masked) == (numbers[1], Gender.FEMALE, "138****0001")
    wang = Person.objects.get(name="王五")
    assert (wang.id_type, wang.birth_date, wang.org) == (IdType.PASSPORT, dt.date(1980, 5, 6), tree.site_a)
    entry = AuditEntry.objects.get(action="people.import", after__committed=True)
    assert entry.after["imported"] == 3 and entry.after["by_org"] == {str(tree.unit_a.pk): 2, str(tree.site_a.pk): 1}
    assert numbers[0] not in str(entry.after)


def test_error_sheet_round_trip(tree, branch_admin, numbers, tmp_path):
    """Download the error sheet, fix the bad cells in it, upload it again: everything goes in."""
    report = run(messy_sheet(tree, numbers), branch_admin)
    path = tmp_path / "errors.xlsx"
    write_error_sheet(report, path, only_invalid=False)
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in HEADER}
    assert header[-1] == "Errors"  # the error column (错误原因 in Chinese), ignored on re-upload
    row_of = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    fixes = {"赵六": {"证件号码": resident_id()}, "钱七": {"证件号码": resident_id(), "手机号码": "13812340009"},
             "孙八": {"所属组织": tree.unit_a.code}, "周九": {"证件号码": resident_id()}}
    for name, cells in fixes.items():
        for column, value in cells.items():
            cell = sheet.cell(row=row_of[name], column=col[column])
            cell.value, cell.number_format = value, "@"
    fixed = io.BytesIO()
    book.save(fixed)
    again = run(fixed.getvalue(), branch_admin)
    assert again.ok and again.committed and again.imported == 7, [str(i) for i in again.issues]
    assert Person.objects.count() == 7


def test_english_headers_and_absent_optional_columns(tree, branch_admin):
    number = resident_id()
    data = xlsx_bytes([["Name", "ID number", "Mobile"], ["Grace", number, "+86 139 1111 2222"]], text_columns=(1,))
    report = run(data, branch_admin)  # no organisation column: the importer's own unit
    assert report.committed, [str(i) for i in report.issues]
    person = Person.objects.get(name="Grace")
    assert (person.org, person.id_type, person.mobile) == (branch_admin.org, IdType.RESIDENT, "13911112222")
    assert report.absent_columns == ["证件类型", "性别", "出生日期", "地址", "所属组织", "民族"]


def test_gender_or_birth_date_contradicting_the_number(tree, branch_admin):
    number = resident_id(male=True, born=dt.date(1990, 3, 4))
    data = xlsx_bytes([HEADER, ["错配", "", number, "女", "1990-03-05", "", "", tree.unit_a.code]], text_columns=(2,))
    issue = run(data, branch_admin).issues[0]
    assert issue.column == "性别" and "Male" in issue.reason and "1990-03-04" in issue.reason


def test_registered_numbers_are_refused_without_leaking_other_branches(tree, branch_admin):
    own, other = make_person(tree.unit_a), make_person(tree.unit_b)
    data = xlsx_bytes([HEADER, ["重复一", "", own.id_number, "", "", "", "", ""],
                       ["重复二", "", other.id_number, "", "", "", "", ""]], text_columns=(2,))
    reasons = [i.reason for i in run(data, branch_admin).issues]
    assert own.id_number_masked in reasons[0] and tree.unit_a.name in reasons[0]
    assert reasons[1] == "This ID number is already registered in another organisation."


def test_masked_values_from_an_export_are_refused(tree, branch_admin):
    data = xlsx_bytes([HEADER, ["导出的", "", "3202**********123X", "", "", "138****5678", "", ""]])
    reasons = {i.column: i.reason for i in run(data, branch_admin).issues}
    assert "masked" in reasons["证件号码"] and "masked" in reasons["手机号码"]


def test_ambiguous_and_unknown_organisation_names(tree, branch_admin):
    from boai.testing.helpers import make_org

    make_org(tree.branch_a, name="同名社区")
    make_org(tree.unit_a, name="同名社区")
    data = xlsx_bytes([HEADER, ["甲", "", resident_id(), "", "", "", "", "同名社区"],
                       ["乙", "", resident_id(), "", "", "", "", "不存在的单位"]], text_columns=(2,))
    reasons = [i.reason for i in run(data, branch_admin).issues]
    assert "use the unit's code" in reasons[0] and "No unit" in reasons[1]


def test_a_role_without_people_add_imports_nothing(tree):
    auditor = make_user(tree.city, "auditor")
    data = xlsx_bytes([HEADER, ["甲", "", resident_id(), "", "", "", "", tree.unit_a.code]], text_columns=(2,))
    report = run(data, auditor)
    assert report.issues and not Person.objects.exists()


def test_parallel_validation_seals_the_rows_in_the_workers(tree, branch_admin, monkeypatch, settings):
    rows = [HEADER] + [[f"并行{'甲乙丙丁戊己庚辛壬癸'[i % 10]}", "", resident_id(), "", "", f"137{i:08d}", "地址",
                        tree.unit_a.code] for i in range(120)]
    data = xlsx_bytes(rows, text_columns=(2,))
    monkeypatch.setattr(parallel, "MIN_ROWS", 10)
    settings.BOAI_IMPORT_WORKERS = 2
    report = run(data, branch_admin)
    assert report.committed and report.imported == 120
    assert sorted(Person.objects.values_list("mobile", flat=True)) == [f"137{i:08d}" for i in range(120)]


def test_export_is_scoped_masked_and_reimport_safe(tree, branch_admin, tmp_path):
    own = make_person(tree.unit_a, mobile="13812345678", ethnicity="03")
    other = make_person(tree.unit_b)
    target = tmp_path / "people.xlsx"
    with translation.override("zh-hans"):
        call_command("export", "people", str(target), "--user", branch_admin.username, stdout=io.StringIO())
    rows = read_file(target.read_bytes(), "people.xlsx").rows
    assert rows[0] == ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "所属组织", "民族"]
    text = repr(rows)
    assert own.name in text and own.id_number_masked in text and "138****5678" in text and "回族" in text
    assert own.id_number not in text and "13812345678" not in text and other.name not in text and "人民路" not in text
    again = run(target.read_bytes(), branch_admin)  # re-importing an export cannot create anything
    assert not again.committed and "masked" in again.issues[0].reason


def test_cli_check_exits_1_with_each_bad_row(tree, numbers, tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    path = tmp_path / "people.xlsx"
    path.write_bytes(messy_sheet(tree, numbers))
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", "people", str(path), stdout=out, stderr=io.StringIO())
    assert exc.value.returncode == 1
    printed = out.getvalue() + str(exc.value)
    assert "Row 9" in printed and "Row 11" in printed and not Person.objects.exists()
