"""Streaming, formula-safe spreadsheet export.

Cells that a spreadsheet would run as a formula (text starting with = + - @, or a tab/CR that
hides one) are prefixed with an apostrophe-like quote so they are shown as text; real numbers,
dates and booleans stay typed so sums and filters still work in Excel and WPS.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDE2E1")


def safe_cell(value: Any) -> Any:
    """A value that Excel/WPS will show and never evaluate."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(target, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(header)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    workbook.save(target)


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"):
    """Rows are written as they are iterated (openpyxl write-only mode keeps memory flat), then streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by FileResponse
    write_xlsx(spool, headers, rows, sheet_title=sheet_title)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
