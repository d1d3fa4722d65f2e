"""The import engine: file → header → rows → every error → all-or-nothing commit.

One run reads the file (`reader`), finds the header row among note rows, normalises and parses
every cell of every row, collecting *all* errors (row number, column, reason) rather than stopping
at the first, asks the kind to check the batch for duplicates, and then, only if every row is
valid (or the user asked for the valid rows only), commits in one transaction. Any failure writes
nothing. The result (`Report`) carries the counts and errors for the page, the CLI and the error
sheet.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from boai.core.tabular.cells import CellError, header_key, normalise, normalise_text
from boai.core.tabular.reader import (
    FileError,
    Sheet,
    SplitPlan,
    check_upload,
    iter_candidates,
    read_file,
    read_workbook,
    sniff,
)
from boai.core.tabular.spec import Column, ImportKind, RowError

logger = logging.getLogger("boai.tabular")

HEADER_SEARCH_ROWS = 30  # note rows above the header: how far down to look for it
PROGRESS_EVERY = 2000
ERROR_COLUMN_HEADERS = ("错误原因", "Errors", "错误", "Error")  # our error sheets' own column, ignored on re-upload


class Mode:
    ALL = "all"  # commit only if every row is valid
    VALID_ONLY = "valid"  # commit the valid rows, skip the invalid ones
    CHECK = "check"  # validate only, write nothing
    CHOICES = (ALL, VALID_ONLY, CHECK)


@dataclass(frozen=True)
class Issue:
    row: int  # spreadsheet row number (1-based, as Excel shows it)
    column: str  # the header as written in the file ("" for a problem with the whole row)
    reason: str
    col_index: int | None = None  # column of the cell to highlight in the error sheet

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)d, %(column)s: %(reason)s") % {"row": self.row, "column": self.column,
                                                               "reason": self.reason}
        return _("Row %(row)d: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass
class Layout:
    """Where the header is and which file column feeds which kind column."""

    sheet: Sheet
    header_index: int  # index into sheet.rows
    plan: list[tuple[int, Column]]  # (file column index, column), in file order
    absent: list[Column]  # optional columns the file does not have
    ignored: list[str]  # headers of file columns the kind does not know

    @property
    def header_row(self) -> int:
        return self.header_index + 1

    def header_text(self, col_index: int) -> str:
        row = self.sheet.rows[self.header_index]
        return normalise_header(row[col_index]) if col_index < len(row) else ""


@dataclass
class Report:
    kind: str
    filename: str
    mode: str = Mode.ALL
    format: str = ""
    encoding: str = ""
    sheet_name: str = ""
    header_row: int = 0
    total: int = 0  # non-blank data rows
    valid: int = 0
    imported: int = 0
    committed: bool = False
    file_error: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)
    skipped_sample: bool = False
    issues: list[Issue] = field(default_factory=list)
    layout: Layout | None = field(default=None, repr=False)
    source: bytes = field(default=b"", repr=False)  # the uploaded bytes (re-read when the sheet was split)
    partial_sheet: bool = False
    data_rows: list[int] = field(default_factory=list, repr=False)  # sheet row indexes that hold data

    @property
    def invalid(self) -> int:
        return self.total - self.valid

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.issues

    def bad_rows(self) -> dict[int, list[Issue]]:
        """Issues grouped by spreadsheet row number, in row order."""
        grouped: dict[int, list[Issue]] = {}
        for issue in sorted(self.issues, key=lambda i: i.row):
            grouped.setdefault(issue.row, []).append(issue)
        return grouped

    def counts(self) -> dict[str, Any]:
        return {"file": self.filename, "kind": self.kind, "mode": self.mode, "total": self.total,
                "valid": self.valid, "invalid": self.invalid, "imported": self.imported, "committed": self.committed}


def normalise_header(value: Any) -> str:
    try:
        return normalise(value)
    except CellError:
        return str(value)


# --- header detection ---------------------------------------------------------------------------


def _match_row(row: list[Any], lookup: dict[str, Column]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    for index, cell in enumerate(row):
        column = lookup.get(header_key(cell)) if cell not in ("", None) else None
        if column is not None:
            found[index] = column
    return found


def _find_header(sheet: Sheet, kind: ImportKind) -> tuple[int, dict[int, Column]] | None:
    """The first row naming the most known columns (at least two, so a note that mentions one
    column name, or a list of column names down column A, is not mistaken for the header)."""
    lookup = {header_key(label): column for column in kind.columns for label in column.labels}
    need = min(2, len(kind.columns))
    best: tuple[int, dict[int, Column]] | None = None
    best_score = need - 1
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found = _match_row(row, lookup)
        score = len({c.key for c in found.values()})
        if score > best_score:
            best, best_score = (index, found), score
    return best


def locate(sheet: Sheet, kind: ImportKind) -> Layout:
    """The header row (the row among the first 30 that names the most known columns) and the plan."""
    for candidate in iter_candidates(sheet):
        found = _find_header(candidate, kind)
        if found:
            return _layout(candidate, kind, *found)
    expected = "、".join(c.header for c in kind.columns if c.required) or "、".join(c.header for c in kind.columns)
    raise FileError(_("No header row found: the first %(n)d rows name none of the expected columns (%(expected)s). "
                      "Download the template and copy your data into it.") % {"n": HEADER_SEARCH_ROWS,
                                                                              "expected": expected})


def _layout(sheet: Sheet, kind: ImportKind, index: int, found: dict[int, Column]) -> Layout:
    header = sheet.rows[index]
    by_key: dict[str, int] = {}
    for col_index, column in found.items():
        if column.key in by_key:
            raise FileError(_("The column “%(header)s” appears twice in the header row (columns %(a)s and %(b)s).")
                            % {"header": column.header, "a": column_letter(by_key[column.key]),
                               "b": column_letter(col_index)})
        by_key[column.key] = col_index
    missing = [c.header for c in kind.columns if c.required and c.key not in by_key]
    if missing:
        raise FileError(_("Required columns are missing from the header row (row %(row)d): %(columns)s.")
                        % {"row": index + 1, "columns": "、".join(missing)})
    error_keys = {header_key(h) for h in ERROR_COLUMN_HEADERS}
    ignored = [
        normalise_header(cell) for i, cell in enumerate(header)
        if i not in found and cell not in ("", None) and header_key(cell) not in error_keys
    ]
    return Layout(
        sheet=sheet, header_index=index, plan=sorted(found.items()),
        absent=[c for c in kind.columns if c.key not in by_key], ignored=ignored,
    )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- row validation -----------------------------------------------------------------------------


@dataclass
class Checked:
    """What validating a range of rows produced (picklable: it crosses process boundaries)."""

    valid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (sheet row index, cleaned)
    issues: list[Issue] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)

    def extend(self, other: Checked) -> None:
        self.valid.extend(other.valid)
        self.issues.extend(other.issues)
        self.data_rows.extend(other.data_rows)


class RowValidator:
    """The precompiled per-row loop: column plan as tuples, no attribute lookups in the hot path."""

    def __init__(self, kind: ImportKind, layout: Layout, ctx: Any):
        self.kind = kind
        self.ctx = ctx
        self.layout = layout
        self.plan = [(i, c.key, c.parse, c.required, layout.header_text(i) or c.header) for i, c in layout.plan]
        self.width = max(i for i, _c in layout.plan) + 1
        self.absent = {c.key: None for c in layout.absent}
        self.col_of_key = {c.key: (i, layout.header_text(i) or c.header) for i, c in layout.plan}

    def run(self, start: int, stop: int, progress: Callable[[int], None] | None = None) -> Checked:
        rows = self.layout.sheet.rows
        out = Checked()
        for index in range(start, stop):
            if progress is not None and (index - start) % PROGRESS_EVERY == 0:
                progress(index - start)
            self.check(index, rows[index], out)
        return out

    def check(self, index: int, raw: list[Any], out: Checked) -> None:
        if len(raw) < self.width:
            raw = [*raw, *[""] * (self.width - len(raw))]
        values = dict(self.absent)
        issues: list[Issue] | None = None
        blank = True
        row = index + 1
        for col, key, parse, required, header in self.plan:
            value = raw[col]
            try:
                text = normalise_text(value) if value.__class__ is str else normalise(value)
                if not text:
                    values[key] = None
                    if required:
                        issues = issues or []
                        issues.append(Issue(row, header, _("This column is required."), col))
                    continue
                blank = False
                values[key] = parse(text)
            except CellError as exc:
                blank = False
                issues = issues or []
                issues.append(Issue(row, header, str(exc), col))
        if blank:
            return
        out.data_rows.append(index)
        if issues:
            out.issues.extend(issues)
            return
        try:
            out.valid.append((index, self.kind.validate_row(values, self.ctx)))
        except (RowError, CellError) as exc:
            out.issues.append(self.row_issue(row, exc))
        except ValidationError as exc:
            out.issues.extend(self.row_issue(row, RowError(m, getattr(exc, "field", None))) for m in exc.messages)

    def row_issue(self, row: int, exc: Exception) -> Issue:
        col, header = self.col_of_key.get(getattr(exc, "column", None) or "", (None, ""))
        return Issue(row, header, str(exc), col)


# --- one run ------------------------------------------------------------------------------------

_current_run: contextvars.ContextVar[Report | None] = contextvars.ContextVar("boai_tabular_run", default=None)


def current_run() -> Report | None:
    """The report of the import being committed (for `audit_import` inside a kind's commit)."""
    return _current_run.get()


def audit_import(*, actor, kind: ImportKind, count: int, org: Any = None, extra: dict | None = None):
    """The one audit record of an import: what file, how many rows, how many written or skipped."""
    from boai.core.audit import audit_record

    run = current_run()
    after = {**(run.counts() if run else {"kind": kind.name}), "imported": count, "committed": True, **(extra or {})}
    return audit_record(actor=actor, action=kind.import_permission, org=org, object_type=f"tabular.{kind.name}",
                        object_repr=(run.filename if run else kind.name)[:200], after=after)


def _sample_values(kind: ImportKind, layout: Layout) -> dict[int, str]:
    return {i: normalise(c.example) for i, c in layout.plan if c.example}


def _is_sample(raw: list[Any], sample: dict[int, str]) -> bool:
    try:
        return bool(sample) and all(i < len(raw) and normalise(raw[i]) == v for i, v in sample.items())
    except CellError:
        return False


def validate(kind: ImportKind, layout: Layout, ctx: Any, report: Report,
             progress: Callable[[int, int], None] | None = None,
             plan: SplitPlan | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Every row checked, every error collected; returns the valid rows (sheet index, cleaned values)."""
    rows = layout.sheet.rows
    start = layout.header_index + 1
    sample = _sample_values(kind, layout)
    while start < len(rows) and start <= layout.header_index + 3 and _is_sample(rows[start], sample):
        start += 1
        report.skipped_sample = True
    validator = RowValidator(kind, layout, ctx)
    total = len(rows) - start
    from boai.core.tabular.parallel import validate_in_parallel, validate_shares

    checked = validate_shares(validator, plan, start, progress) if plan else None
    report.partial_sheet = checked is not None  # this process holds only the first share's rows
    if checked is None and plan is not None:  # the shares failed: read the whole sheet after all
        layout.sheet = read_file(report.source, report.filename)
        rows = layout.sheet.rows
    if checked is None:
        checked = validate_in_parallel(validator, start, len(rows), progress)
    if checked is None:
        checked = validator.run(start, len(rows), (lambda done: progress(done, total)) if progress else None)
    _check_batch(kind, ctx, validator, checked)
    report.issues = sorted(checked.issues, key=lambda i: (i.row, i.col_index if i.col_index is not None else -1))
    report.data_rows = checked.data_rows
    report.total = len(checked.data_rows)
    report.valid = len(checked.valid)
    return checked.valid


_batch_rows: contextvars.ContextVar[list[int]] = contextvars.ContextVar("boai_tabular_batch", default=[])  # noqa: B039


def batch_row_number(position: int) -> int:
    """Inside `check_batch`: the spreadsheet row number of rows[position] (for "same as row N" messages)."""
    return _batch_rows.get()[position]


def _check_batch(kind: ImportKind, ctx: Any, validator: RowValidator, checked: Checked) -> None:
    if not checked.valid:
        return
    token = _batch_rows.set([index + 1 for index, _values in checked.valid])
    try:
        problems = kind.check_batch([values for _index, values in checked.valid], ctx)
    finally:
        _batch_rows.reset(token)
    if not problems:
        return
    keep = []
    for position, (index, values) in enumerate(checked.valid):
        problem = problems.get(position)
        if problem is None:
            keep.append((index, values))
            continue
        exc = problem if isinstance(problem, Exception) else RowError(str(problem))
        checked.issues.append(validator.row_issue(index + 1, exc))
    checked.valid = keep


def _reject_audit(kind: ImportKind, actor, report: Report) -> None:
    from boai.core.audit import audit_record

    audit_record(actor=actor, action=kind.import_permission, object_type=f"tabular.{kind.name}",
                 object_repr=report.filename[:200], after={**report.counts(), "error": report.file_error[:500]})


def commit(kind: ImportKind, rows: list[dict[str, Any]], *, actor, ctx: Any, report: Report) -> None:
    """All rows in one transaction; any exception rolls everything back and becomes a file error."""
    try:
        with running(report), transaction.atomic():
            report.imported = kind.commit(rows, actor=actor, ctx=ctx)
        report.committed = True
    except ValidationError as exc:
        report.file_error = _("Nothing was imported: %(reason)s") % {"reason": " ".join(exc.messages)}
    except DatabaseError:
        logger.exception("import of %s failed in the database", kind.name)
        report.file_error = _("Nothing was imported: the database refused the batch (another user may have "
                              "changed the same records at the same time). Try again.")


@contextlib.contextmanager
def _no_cyclic_gc():
    """A run allocates millions of long-lived objects (cells, rows, cleaned values) and almost no cycles:
    the cyclic collector would traverse them all again and again (a 100,000-row import took 1.7× as
    long with it on). It is switched off for the run and back on afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(data: bytes, filename: str, kind: ImportKind, *, actor, mode: str = Mode.ALL,
               progress: Callable[[int, int], None] | None = None, audit: bool = True) -> Report:
    """Read, validate and (depending on `mode` and the errors) commit one file. Never raises for bad input."""
    with _no_cyclic_gc():
        return _run_import(data, filename, kind, actor=actor, mode=mode, progress=progress, audit=audit)


def _run_import(data: bytes, filename: str, kind: ImportKind, *, actor, mode: str,
                progress: Callable[[int, int], None] | None, audit: bool) -> Report:
    report = Report(kind=kind.name, filename=filename, mode=mode, source=data)
    try:
        layout, plan = _open(data, filename, kind)
    except FileError as exc:
        report.file_error = str(exc)
        return report
    report.layout = layout
    report.format, report.encoding, report.sheet_name = layout.sheet.format, layout.sheet.encoding, layout.sheet.name
    report.header_row = layout.header_row
    report.ignored_columns = layout.ignored
    report.absent_columns = [c.header for c in layout.absent]
    ctx = kind.prepare(actor=actor)
    valid = validate(kind, layout, ctx, report, progress, plan)
    if report.partial_sheet and report.issues:
        layout.sheet = read_file(data, filename)  # the error sheet needs every row, not only the first share
    if report.total == 0:
        report.file_error = _("There are no data rows below the header row (row %(row)d).") % {"row": report.header_row}
        return report
    if mode == Mode.CHECK or (mode == Mode.ALL and report.issues) or not valid:
        if audit and mode != Mode.CHECK:
            _reject_audit(kind, actor, report)
        return report
    commit(kind, [values for _index, values in valid], actor=actor, ctx=ctx, report=report)
    if report.file_error and audit:
        _reject_audit(kind, actor, report)
    return report


def _open(data: bytes, filename: str, kind: ImportKind) -> tuple[Layout, SplitPlan | None]:
    """The located header; for a big .xlsx with a parallel kind, also the plan to read it in shares."""
    from boai.core.tabular.parallel import plan_for

    check_upload(filename, len(data))
    plan = plan_for(data, filename, kind) if sniff(data) == "xlsx" else None
    if plan is None:
        return locate(read_file(data, filename), kind), None
    sheet = read_workbook(plan.part(0), "xlsx")
    layout = locate(sheet, kind)
    if layout.sheet is not sheet:  # the header is on another worksheet: the split does not apply
        return locate(read_file(data, filename), kind), None
    return layout, plan


@contextlib.contextmanager
def running(report: Report):
    """Make `report` the current run (tests and custom callers of a kind's commit)."""
    token = _current_run.set(report)
    try:
        yield report
    finally:
        _current_run.reset(token)
