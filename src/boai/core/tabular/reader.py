"""Reading an uploaded file into rows of raw cell values, or a clear reason why it cannot be read.

`.xlsx` and `.xls` are read with python-calamine (Rust; far faster than openpyxl/xlrd), `.csv` with
the standard library after decoding it as UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030,
the encoding Excel and WPS use for "CSV" on a Chinese Windows. The extension must be one we
accept AND the content must be what it claims (sniffed from the first bytes), so a renamed PDF or a
web page saved as ".xls" is refused with a message that says what to do instead.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

EXTENSIONS = (".xlsx", ".xls", ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CSV_ENCODINGS = ("utf-8", "gb18030")


class FileError(Exception):
    """The file as a whole cannot be imported; ``str(exc)`` tells the user why (translated)."""


@dataclass
class Sheet:
    """Rows of raw values; ``rows[i]`` is spreadsheet row ``i + 1`` and ``rows[i][j]`` column ``j`` (A=0)."""

    name: str
    rows: list[list[Any]]
    format: str
    encoding: str = ""
    alternatives: list[Callable[[], Sheet]] = field(default_factory=list, repr=False)  # loaded on demand


def max_upload_bytes() -> int:
    return settings.BOAI_UPLOAD_MAX_MB * 1024 * 1024


def check_upload(filename: str, size: int) -> str:
    """The lower-cased extension, after checking it and the size (before reading anything)."""
    ext = Path(filename or "").suffix.lower()
    if ext not in EXTENSIONS:
        raise FileError(
            _("Unsupported file type “%(ext)s”: upload an Excel workbook (.xlsx, .xls) or a CSV file (.csv).")
            % {"ext": ext or _("no extension")}
        )
    if size > max_upload_bytes():
        raise FileError(
            _("The file is %(size).1f MB; the limit is %(max)d MB. Split it into smaller files.")
            % {"size": size / 1024 / 1024, "max": settings.BOAI_UPLOAD_MAX_MB}
        )
    if size == 0:
        raise FileError(_("The file is empty."))
    return ext


def sniff(data: bytes) -> str:
    """What the bytes really are: xlsx, xls, csv, or a reason to refuse them."""
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE_MAGIC:
        return "xls"
    sample = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"mime-version")):
        raise FileError(
            _("This file is a web page or XML saved with a spreadsheet name, not a real Excel file. "
              "Open it in Excel or WPS and use “Save as” .xlsx.")
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in data[:8192] or data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"Rar!", b"7z")):
        raise FileError(_("This is not a spreadsheet: upload an .xlsx, .xls or .csv file."))
    return "csv"


def read_file(data: bytes, filename: str) -> Sheet:
    """The first visible sheet (with the other visible sheets as alternatives for header search)."""
    ext = check_upload(filename, len(data))
    kind = sniff(data)
    if kind == "csv" and ext != ".csv":
        raise FileError(_("This file is named %(ext)s but is not an Excel workbook. If it is a CSV file, "
                          "rename it to .csv.") % {"ext": ext})
    if kind == "csv":  # (an Excel workbook named .csv is read as what it really is, as Excel does)
        return read_csv(data)
    return read_workbook(data, kind)


def _is_xlsx_package(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileError(_("The file is damaged (the .xlsx archive cannot be opened). "
                          "Open it in Excel or WPS, save it again and re-upload.")) from None
    return "xl/workbook.xml" in names or "xl/workbook.bin" in names


def read_workbook(data: bytes, kind: str) -> Sheet:
    if kind == "xlsx" and not _is_xlsx_package(data):
        raise FileError(_("This archive is not an Excel workbook (it may be a Word or WPS document): "
                          "upload an .xlsx, .xls or .csv file."))
    with _calamine_errors(data, kind):
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [meta.name for meta in _visible(workbook)]
        if not names:
            raise FileError(_("The workbook has no visible worksheet."))
        first = _load_sheet(workbook, names[0], kind)
    first.alternatives = [functools.partial(_load_other, workbook, name, kind, data) for name in names[1:]]
    return first


@contextlib.contextmanager
def _calamine_errors(data: bytes, kind: str):
    """Whatever calamine raises becomes a FileError that tells the user what to do."""
    try:
        yield
    except python_calamine.PasswordError:
        raise FileError(_("The workbook is password-protected: remove the password and upload it again.")) from None
    except (python_calamine.CalamineError, ValueError, OverflowError):
        if kind == "xls" and _looks_encrypted_xlsx(data):
            raise FileError(_("The workbook is password-protected: remove the password and upload it again.")) \
                from None
        raise FileError(_("The file is damaged or not a real Excel file. "
                          "Open it in Excel or WPS, save it again as .xlsx and re-upload.")) from None


def _load_other(workbook, name: str, kind: str, data: bytes) -> Sheet:
    with _calamine_errors(data, kind):
        return _load_sheet(workbook, name, kind)


def _visible(workbook) -> list:
    return [
        meta for meta in workbook.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        and meta.visible == python_calamine.SheetVisibleEnum.Visible
    ]


def _load_sheet(workbook, name: str, kind: str) -> Sheet:
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return Sheet(name=name, rows=rows, format=kind)


def _looks_encrypted_xlsx(data: bytes) -> bool:
    """A password-protected .xlsx is an OLE container holding an "EncryptedPackage" stream."""
    return "EncryptedPackage".encode("utf-16-le") in data[:65536 * 4]


# --- CSV ----------------------------------------------------------------------------------------


def decode_csv(data: bytes) -> list[tuple[str, str]]:
    """Every reading of the bytes that decodes without error: [(encoding, text)], best first.

    A BOM settles it. Otherwise strict UTF-8 first (GB18030 text is almost never valid UTF-8), then
    GB18030; the caller keeps the first reading whose header row it recognises, and the result says
    which encoding was used, so a wrong guess is never silent.
    """
    if data.startswith(codecs.BOM_UTF8):
        return [("utf-8-sig", _decode(data, "utf-8-sig"))]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [("utf-16", _decode(data, "utf-16"))]
    readings = []
    for encoding in CSV_ENCODINGS:
        try:
            readings.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if not readings:
        raise FileError(_("The CSV file is neither UTF-8 nor GB18030 (GBK) text. Open it in Excel or WPS and "
                          "save it as “CSV UTF-8” or as .xlsx."))
    return readings


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileError(_("The CSV file says it is %(encoding)s but contains bytes that are not. "
                          "Save it again as “CSV UTF-8” or as .xlsx.") % {"encoding": encoding.upper()}) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = "\n".join(text[:20000].splitlines()[:30])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return csv.excel


def parse_csv(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), _dialect(text)))
    except csv.Error as exc:
        raise FileError(_("The CSV file is malformed: %(error)s.") % {"error": exc}) from None


def read_csv(data: bytes) -> Sheet:
    """One Sheet per decodable reading: the first is preferred, the others are parsed only if needed."""
    (encoding, text), *others = decode_csv(data)
    first = Sheet(name="CSV", rows=parse_csv(text), format="csv", encoding=encoding)
    first.alternatives = [functools.partial(_csv_sheet, enc, other) for enc, other in others]
    return first


def _csv_sheet(encoding: str, text: str) -> Sheet:
    return Sheet(name="CSV", rows=parse_csv(text), format="csv", encoding=encoding)


def iter_candidates(sheet: Sheet) -> Iterator[Sheet]:
    """The preferred sheet, then the other readings (other worksheets, other CSV encodings)."""
    yield sheet
    for load in sheet.alternatives:
        yield load()


# --- splitting a big workbook so that every core reads a share ------------------------------------



def _attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'(?:^|\s)(?:\w+:)?{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def _first_visible_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first visible worksheet (workbook.xml order, via its relationship)."""
    workbook = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = {_attribute(tag, "Id"): _attribute(tag, "Target") for tag in re.findall(r"<Relationship\b[^>]*>", rels)}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        if _attribute(tag, "state") in ("hidden", "veryHidden"):
            continue
        path = targets.get(_attribute(tag, "id"))
        if not path:
            return None
        return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _row_starts(xml: bytes, tag: bytes, start: int, end: int, count: int) -> list[int]:
    """Offsets of the first `count` row elements after `start`."""
    found, pos = [], start
    while len(found) < count:
        pos = xml.find(tag, pos, end)
        if pos < 0:
            break
        if xml[pos + len(tag):pos + len(tag) + 1] in (b" ", b">", b"/"):
            found.append(pos)
        pos += len(tag)
    return found


def _row_start_after(xml: bytes, tag: bytes, pos: int, end: int) -> int | None:
    starts = _row_starts(xml, tag, pos, end, 1)
    return starts[0] if starts else None


def _row_number(xml: bytes, pos: int) -> int | None:
    match = re.match(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"', xml[pos:pos + 300])
    return int(match.group(1)) if match else None


@dataclass
class SplitPlan:
    """How to cut the first visible sheet of a big .xlsx into shares that separate processes read.

    Every share keeps the sheet's first rows (where the header is searched) and everything else in
    the file; rows keep their `r` numbers, so each share reports real row numbers. `part(i)` builds
    share i's workbook (done in the process that reads it).
    """

    members: dict[str, bytes]
    sheet_path: str
    xml: bytes
    head_end: int  # offset of the first row after the header zone
    cuts: list[int]  # offsets where shares begin, then the end of sheetData
    starts: list[int]  # sheet row index where each share's rows begin

    def part(self, i: int) -> bytes:
        sheet = self.xml[:self.head_end] + self.xml[self.cuts[i]:self.cuts[i + 1]] + self.xml[self.cuts[-1]:]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, content in self.members.items():
                archive.writestr(name, sheet if name == self.sheet_path else content)
        return buffer.getvalue()

    @property
    def parts(self) -> int:
        return len(self.cuts) - 1


def plan_split(data: bytes, parts: int, head_rows: int) -> SplitPlan | None:
    """A plan to read the first visible sheet in `parts` shares, or None when it cannot be cut safely
    (rows without explicit numbers, too few rows, an unusual layout): the caller reads it whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet_path = _first_visible_sheet_path(archive)
            if sheet_path is None or sheet_path not in archive.namelist():
                return None
            members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, UnicodeDecodeError, RuntimeError):
        return None
    xml = members[sheet_path]
    opening = re.search(rb"<((?:\w+:)?)sheetData>", xml)
    if not opening:
        return None
    body_end = xml.rfind(b"</" + opening.group(1) + b"sheetData>")
    tag = b"<" + opening.group(1) + b"row"
    head = _row_starts(xml, tag, opening.end(), body_end, head_rows + 1)
    if len(head) <= head_rows or any(_row_number(xml, p) is None for p in head):
        return None
    cuts = [head[-1]]
    for k in range(1, parts):
        cut = _row_start_after(xml, tag, head[-1] + (body_end - head[-1]) * k // parts, body_end)
        if cut is None or cut <= cuts[-1] or _row_number(xml, cut) is None:
            return None
        cuts.append(cut)
    starts = [_row_number(xml, cut) - 1 for cut in cuts]
    return SplitPlan(members=members, sheet_path=sheet_path, xml=xml, head_end=head[-1], cuts=[*cuts, body_end],
                     starts=starts)
