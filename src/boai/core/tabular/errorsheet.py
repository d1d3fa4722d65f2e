"""The error sheet: the user's own rows with an error column, bad cells highlighted.

The user fixes the cells in place and uploads the same file again: the header is kept as it was,
every cell is written as text (so an ID number does not turn back into a number), and the error
column is recognised and ignored on re-upload. Before anything is imported the sheet holds every
data row (the whole batch must come back); after "import the valid rows only" it holds only the
rows that were skipped.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from boai.core.tabular.cells import CellError, normalise
from boai.core.tabular.engine import Issue, Report

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDE2E1")
ERROR_FONT = Font(color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_COMMENTS = 2000  # comments are heavy in Excel; past this the error column alone explains


def error_header() -> str:
    return _("Errors")


def _text(value: Any) -> str:
    """The cell as the user typed it, as text; a value we could not read is shown as it came."""
    try:
        return normalise(value)
    except CellError:
        return repr(value) if isinstance(value, float) else str(value)


def _issue_text(issue: Issue) -> str:
    return f"{issue.column}: {issue.reason}" if issue.column else issue.reason


def _string_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, even if the user's text starts with "="
    return cell


def write_error_sheet(report: Report, target, *, only_invalid: bool) -> int:
    """Write the sheet to `target` (path or binary file); returns how many data rows it holds."""
    layout = report.layout
    rows = layout.sheet.rows
    header = rows[layout.header_index]
    width = max(len(header), max(i for i, _c in layout.plan) + 1)
    bad_rows = report.bad_rows()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(layout.sheet.name or "Sheet1")[:31])
    for i in range(width):
        letter = get_column_letter(i + 1)
        sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions[letter].number_format = "@"
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, header, width))
    written = 0
    comments = 0
    for index in report.data_rows:
        issues = bad_rows.get(index + 1, [])
        if only_invalid and not issues:
            continue
        cells, comments = _row_cells(sheet, rows[index], width, issues, comments)
        sheet.append(cells)
        written += 1
    workbook.save(target)
    return written


def _header_cells(sheet, header: list[Any], width: int) -> list[WriteOnlyCell]:
    cells = []
    for i in range(width):
        cell = _string_cell(sheet, _text(header[i]) if i < len(header) else "")
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    error = _string_cell(sheet, error_header())
    error.font, error.fill = Font(bold=True, color="C00000"), HEADER_FILL
    cells.append(error)
    return cells


def _row_cells(sheet, raw: list[Any], width: int, issues: list[Issue], comments: int) -> tuple[list, int]:
    by_col: dict[int, list[Issue]] = {}
    for issue in issues:
        if issue.col_index is not None:
            by_col.setdefault(issue.col_index, []).append(issue)
    cells = []
    for i in range(width):
        cell = _string_cell(sheet, _text(raw[i]) if i < len(raw) else "")
        cell.number_format = "@"
        if i in by_col:
            cell.fill, cell.font = BAD_FILL, BAD_FONT
            if comments < MAX_COMMENTS:
                cell.comment = Comment("\n".join(x.reason for x in by_col[i]), "Boai", width=300, height=80)
                comments += 1
        cells.append(cell)
    if issues:
        error = _string_cell(sheet, "\n".join(_issue_text(x) for x in issues))
        error.font, error.alignment = ERROR_FONT, WRAP
        cells.append(error)
    return cells, comments
