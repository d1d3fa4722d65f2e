"""Streaming, formula-safe spreadsheet export.

Cells that a spreadsheet would run as a formula (text starting with = + - @, or a tab/CR/LF that
hides one) are prefixed with an apostrophe so they are shown as text; real numbers, dates and
booleans stay typed so sums and filters still work in Excel and WPS. The file is streamed while
the rows are read (see `xlsxstream`): memory stays flat and the download starts at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from boai.core.tabular.xlsxstream import FORMULA_PREFIXES, stream_xlsx

__all__ = ["FORMULA_PREFIXES", "safe_cell", "stream_safe_xlsx", "write_xlsx", "xlsx_response"]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def stream_safe_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1",
                     widths: Sequence[int] | None = None,
                     text_columns: Sequence[bool] | None = None) -> Iterator[bytes]:
    """The streamed workbook; the writer applies `safe_cell`'s rule to every text cell as it goes."""
    return stream_xlsx([str(safe_cell(str(h))) for h in headers], rows, title=sheet_title, widths=widths,
                       text_columns=text_columns, formula_safe=True)


def write_xlsx(target, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1",
               widths: Sequence[int] | None = None, text_columns: Sequence[bool] | None = None) -> None:
    """Write the workbook to a path or a binary file object."""
    chunks = stream_safe_xlsx(headers, rows, sheet_title=sheet_title, widths=widths, text_columns=text_columns)
    if isinstance(target, str) or hasattr(target, "__fspath__"):
        with open(target, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return
    for chunk in chunks:
        target.write(chunk)


def attachment(filename: str) -> str:
    """A Content-Disposition that keeps a Chinese file name in every browser (RFC 6266)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1",
                  widths: Sequence[int] | None = None, text_columns: Sequence[bool] | None = None):
    """Rows are read, written and sent as the client downloads: the first bytes leave at once."""
    response = StreamingHttpResponse(
        stream_safe_xlsx(headers, rows, sheet_title=sheet_title, widths=widths, text_columns=text_columns),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
