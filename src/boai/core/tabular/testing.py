"""Helpers for tests of the Excel engine and of kinds: sheets in memory, a finished job."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, text_columns: Sequence[int] = ()) -> bytes:
    """An .xlsx holding `rows` (a None row is a blank row); columns in `text_columns` are stored as text."""
    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row or (), start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if c - 1 in text_columns:
                cell.number_format = "@"
                if isinstance(value, str):
                    cell.data_type = "s"  # text even if it starts with "="
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def orgs_sheet(parent_code: str, *, bad: bool = True, prefix: str = "MX") -> bytes:
    """An `orgs` sheet: two good rows under `parent_code` and (with `bad`) one row with three errors."""
    rows = [
        ["名称", "代码", "类型", "上级代码", "行政区划代码"],
        ["测试社区一", f"{prefix}-1", "社区红十字会", parent_code, "320213"],
        ["测试家园", f"{prefix}-2", "博爱家园", f"{prefix}-1", ""],
    ]
    if bad:
        rows.append(["", "bad code", "社区红十字会", parent_code, "1234"])
    return xlsx_bytes(rows)


def make_job(user, *, parent_code: str, mode: str = "all"):
    """A finished job of `user` for the orgs kind: refused, with an error sheet and a valid row to import."""
    from boai.core import context
    from boai.core.tabular import services
    from boai.core.tabular.spec import get_kind

    with context.use(context.RequestContext(channel="web")):
        job = services.import_job_create(actor=user, kind=get_kind("orgs"), data=orgs_sheet(parent_code, prefix=
                                         f"MX{user.pk}"), filename="units.xlsx", mode=mode)
        return services.import_job_start(job)
