"""Reading files (xlsx, xls, csv in every encoding) and finding the header among note rows."""

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from boai.core.tabular.engine import locate
from boai.core.tabular.reader import FileError, read_file
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "名称,代码,类型,上级代码,电话\r\n"
ROW = "甲社区,SQ-1,社区红十字会,T1,0510-1234\r\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def orgs():
    return get_kind("orgs")


def test_xlsx_keeps_positions_and_types():
    sheet = read_file(xlsx_bytes([["名称", "电话"], None, ["甲", 13812345678]]), "a.xlsx")
    assert sheet.format == "xlsx"
    assert sheet.rows[0][:2] == ["名称", "电话"]
    assert sheet.rows[2][1] == 13812345678.0  # the engine turns it back into digits


def test_legacy_xls_is_read_with_calamine():
    sheet = read_file((FIXTURES / "legacy.xls").read_bytes(), "legacy.xls")
    assert sheet.format == "xls" and sheet.name == "单位"
    layout = locate(sheet, orgs())
    assert layout.header_row == 3  # a title row and a blank row above it
    assert sheet.rows[3][:2] == ["ＸＬＳ社区", "xls-1"]


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),  # Excel's "CSV UTF-8" writes a BOM
    ("gb18030", "gb18030"),  # Excel/WPS "CSV" on a Chinese Windows
    ("gbk", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_csv_in_each_encoding(encoding, expected):
    data = (HEADER + ROW).encode(encoding)
    sheet = read_file(data, "units.csv")
    assert sheet.encoding == expected
    assert sheet.rows[1][:2] == ["甲社区", "SQ-1"]


def test_gb18030_csv_with_a_rare_character():
    data = ("名称,代码\r\n㐂社区,SQ-1\r\n").encode("gb18030")  # outside GBK: needs GB18030's four-byte form
    assert read_file(data, "u.csv").rows[1][0] == "㐂社区"


def test_csv_that_is_neither_utf8_nor_gb18030_is_a_clear_error():
    data = HEADER.encode() + b"\x80\xff\xfe\x81,x\r\n"
    with pytest.raises(FileError, match="neither UTF-8 nor GB18030"):
        read_file(data, "bad.csv")


def test_a_wrong_guess_is_not_silent():
    """Bytes that decode both ways: the UTF-8 reading is tried first, GB18030 is kept as the alternative."""
    data = "代码,名称\r\n".encode()
    sheet = read_file(data, "u.csv")
    assert sheet.encoding == "utf-8" and sheet.rows[0] == ["代码", "名称"]
    gbk = ("名称,代码,类型,上级代码\r\n" + "甲,SQ-1,社区红十字会,T1\r\n").encode("gb18030")
    layout = locate(read_file(gbk, "g.csv"), orgs())
    assert layout.sheet.encoding == "gb18030" and layout.header_row == 1


def test_semicolon_and_tab_separated_csv():
    assert read_file("名称;代码\r\n甲;SQ-1\r\n".encode(), "a.csv").rows[1] == ["甲", "SQ-1"]
    assert read_file("名称\t代码\r\n甲\tSQ-1\r\n".encode(), "a.csv").rows[1] == ["甲", "SQ-1"]


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.7 ...", "units.xlsx", "not a spreadsheet"),
    (b"%PDF-1.7 \x00\x01", "units.csv", "not a spreadsheet"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "units.xls", "web page"),
    (b"PK\x03\x04 this is not really a zip", "units.xlsx", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "units.xls", "damaged"),
    (b"name\r\n", "units.txt", "Unsupported file type"),
    (b"name\r\n", "units", "Unsupported file type"),
    (b"", "units.xlsx", "empty"),
])
def test_unreadable_files_say_what_to_do(data, name, message):
    with pytest.raises(FileError, match=message):
        read_file(data, name)


def test_a_word_document_named_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(FileError, match="not an Excel workbook"):
        read_file(buffer.getvalue(), "units.xlsx")


def test_an_xlsx_named_csv_is_read_as_what_it_is():
    assert read_file(xlsx_bytes([["名称"]]), "units.csv").format == "xlsx"


def test_too_large(settings):
    settings.BOAI_UPLOAD_MAX_MB = 1
    with pytest.raises(FileError, match="limit is 1 MB"):
        read_file(b"a" * (1024 * 1024 + 1), "big.csv")


def test_header_below_note_rows_and_aliases():
    data = xlsx_bytes([
        ["2024年新增单位导入表"],
        ["填写说明：名称、代码必填"],
        None,
        ["Name", "代码 *", "Type", "上级代码（必填）", "备注"],
    ])
    layout = locate(read_file(data, "a.xlsx"), orgs())
    assert layout.header_row == 4
    assert [c.key for _i, c in layout.plan] == ["name", "code", "subtype", "parent_code"]
    assert layout.ignored == ["备注"]
    assert {c.key for c in layout.absent} == {"division_code", "address", "phone"}


def test_missing_required_headers_are_listed():
    data = xlsx_bytes([["名称", "地址", "电话"], ["甲", "x", "y"]])
    with pytest.raises(FileError, match="Required columns are missing .*代码、类型、上级代码"):
        locate(read_file(data, "a.xlsx"), orgs())


def test_no_header_at_all():
    with pytest.raises(FileError, match="No header row found"):
        locate(read_file(xlsx_bytes([["foo", "bar"], [1, 2]]), "a.xlsx"), orgs())


def test_a_column_named_twice():
    data = xlsx_bytes([["名称", "代码", "类型", "上级代码", "Name"]])
    with pytest.raises(FileError, match="appears twice"):
        locate(read_file(data, "a.xlsx"), orgs())


def test_our_error_column_is_ignored_silently():
    data = xlsx_bytes([["名称", "代码", "类型", "上级代码", "错误原因"]])
    assert locate(read_file(data, "a.xlsx"), orgs()).ignored == []


def test_header_on_the_second_sheet():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["这个工作表是说明"])
    workbook.create_sheet("数据").append(["名称", "代码", "类型", "上级代码"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    layout = locate(read_file(buffer.getvalue(), "a.xlsx"), orgs())
    assert layout.sheet.name == "数据"


def test_utf16_bom_csv_from_excel_unicode_text():
    data = codecs.BOM_UTF16_LE + "名称\t代码\r\n甲\tSQ-1\r\n".encode("utf-16-le")
    assert read_file(data, "u.csv").rows[1] == ["甲", "SQ-1"]
