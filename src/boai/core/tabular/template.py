"""The template a user downloads for a kind: the header row, a note on every column, a sample row.

Required columns are red; each header carries a comment (required or optional, format, accepted
values); text-like columns (ID numbers, phones, codes) are formatted as text for the whole column
so Excel does not turn 320102199001011234 into 3.20102E+17; columns with a fixed set of values get
a drop-down. A second sheet repeats the notes as a table. The sample row is recognised and skipped
by the engine if the user forgets to delete it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from boai.core.tabular.spec import Column, ImportKind

REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDE2E1")
SAMPLE_FONT = Font(italic=True, color="808080")
NOTE_FONT = Font(color="595959")
TEMPLATE_ROWS = 5000  # rows covered by drop-downs


def column_rules(column: Column) -> list[str]:
    """Format, accepted values and limits of a column, one line each."""
    lines = []
    if column.note:
        lines.append(str(column.note))
    if column.accepted:
        lines.append(_("Accepted values: %(values)s") % {"values": "、".join(column.accepted)})
    elif column.cell_format == "date":
        lines.append(_("Format: 2024-01-31 (also 2024/1/31, 2024年1月31日, 20240131)"))
    max_length = getattr(column.parse, "max_length", None)
    if max_length:
        lines.append(_("At most %(max)d characters") % {"max": max_length})
    if column.aliases:
        lines.append(_("Also accepted as header: %(aliases)s") % {"aliases": "、".join(column.aliases)})
    return lines


def column_note(column: Column) -> str:
    return "\n".join([_("Required") if column.required else _("Optional"), *column_rules(column)])


def build_template(kind: ImportKind) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label or kind.name)[:31]
    columns = kind.columns
    sheet.append([_("Instructions: red columns are required; keep the header row as it is; the grey sample row is "
                    "skipped on import (you may delete it). Hover over a header to see its rules.")])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = NOTE_FONT
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 36
    sheet.append([c.header for c in columns])
    sheet.append([c.example for c in columns])
    for i, column in enumerate(columns, start=1):
        _style_column(sheet, i, column)
    sheet.freeze_panes = "A3"
    _notes_sheet(workbook, kind)
    return workbook


def _style_column(sheet, i: int, column: Column) -> None:
    letter = get_column_letter(i)
    header = sheet.cell(row=2, column=i)
    header.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
    header.fill = HEADER_FILL
    header.comment = Comment(column_note(column), "Boai", width=260, height=120)
    sheet.column_dimensions[letter].width = max(column.width, len(column.header) * 2 + 2)
    sample = sheet.cell(row=3, column=i)
    sample.font = SAMPLE_FONT
    if column.cell_format == "text":
        sheet.column_dimensions[letter].number_format = "@"
        sample.number_format = "@"
    if column.accepted:
        listed = ",".join(column.accepted)
        if len(listed) <= 250:  # Excel's limit for an inline list
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False)
            rule.add(f"{letter}3:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(rule)


def _notes_sheet(workbook: Workbook, kind: ImportKind) -> None:
    notes = workbook.create_sheet(_("Column notes")[:31])
    notes.append([_("Column"), _("Required"), _("Rules"), _("Example")])
    for cell in notes[1]:
        cell.font = OPTIONAL_FONT
        cell.fill = HEADER_FILL
    for column in kind.columns:
        notes.append([column.header, _("Yes") if column.required else _("No"), "\n".join(column_rules(column)),
                      column.example])
    for letter, width in zip("ABCD", (18, 8, 70, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        row[3].number_format = "@"


def template_filename(kind: ImportKind) -> str:
    return _("%(kind)s import template") % {"kind": kind.label or kind.name} + ".xlsx"
