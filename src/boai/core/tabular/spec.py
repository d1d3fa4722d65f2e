"""What a registry declares so the engine can import and export it: columns and a kind.

A kind says which columns a sheet has and how to parse each cell (`Column`), how to check a row
and a whole batch, and how to write the batch (`ImportKind`). The engine does everything else:
reading `.xlsx`/`.xls`/`.csv`, finding the header row, normalising cells, collecting every error,
error sheets, templates, background jobs, export, the pages and the `boai import/export` commands.
See docs/excel.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from boai.core.tabular.cells import CellError, boolean, choice, date, decimal, header_key, integer, optional_text, text

__all__ = [
    "CellError", "Column", "ImportKind", "RowError", "boolean", "choice", "date", "decimal", "get_kind",
    "integer", "kinds", "optional_text", "register_kind", "text",
]


class RowError(ValueError):
    """Raised by `ImportKind.validate_row` for a problem that spans columns.

    ``RowError(message, column="id_number")`` names the offending column key so the error sheet
    can highlight that cell.
    """

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Column:
    key: str  # python name, e.g. "id_number"
    header: str  # canonical (Chinese) header, e.g. "证件号码"
    aliases: tuple[str, ...] = ()  # other accepted headers, e.g. ("ID number", "身份证号")
    required: bool = False  # the header must be present and the cell non-empty
    parse: Callable[[str], Any] = text  # receives normalised, non-empty text; returns a value or raises CellError
    note: str = ""  # template header comment: format and meaning
    example: str = ""  # the template's sample row
    width: int = 16  # template/export column width (characters)

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def cell_format(self) -> str:
        """"text" for IDs, codes and names (the template formats the column as text), else number/date."""
        return getattr(self.parse, "cell_format", "text")

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(getattr(self.parse, "accepted", ()))


class ImportKind:
    """Base class of a registry's import/export declaration; register an instance with `register_kind`."""

    name: str = ""  # CLI/URL name, e.g. "people"
    label: Any = ""  # e.g. _("People")
    permission_area: str = ""  # "people" → needs "people.import" / "people.export"
    columns: tuple[Column, ...] = ()
    # validate_row touches no database and its ctx survives a fork: big files may be validated in
    # a second process (the engine forks after `prepare`).
    parallel_safe: bool = False

    @property
    def import_permission(self) -> str:
        return f"{self.permission_area}.import"

    @property
    def export_permission(self) -> str:
        return f"{self.permission_area}.export"

    def prepare(self, *, actor) -> Any:
        """Once per import, before any row: caches (e.g. the organisations in the actor's scope).

        ``actor`` is None for a system import (the CLI without --user): city-wide scope.
        """
        return None

    def validate_row(self, values: dict[str, Any], ctx: Any) -> dict[str, Any]:
        """Cross-column checks; `values` holds each column's parsed value (None when empty/absent)."""
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: Any) -> dict[int, str]:
        """Duplicates inside the file and against the database: {index into rows: reason}."""
        return {}

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: Any) -> int:
        """Write every row in one transaction with bulk operations; audit once; return the count."""
        raise NotImplementedError

    def export_queryset(self, *, actor) -> QuerySet:
        raise NotImplementedError

    def export_row(self, obj: Any) -> list[Any]:
        return [getattr(obj, column.key, None) for column in self.export_columns()]

    def export_columns(self) -> tuple[Column, ...]:
        return self.columns

    @staticmethod
    def restrict(queryset: QuerySet, actor, action: str) -> QuerySet:
        """The actor's scope (`restrict`), or everything for a system run (actor None)."""
        return queryset if actor is None else queryset.restrict(actor, action)

    def __str__(self) -> str:
        return str(self.label or self.name)


_kinds: dict[str, ImportKind] = {}


def _check(kind: ImportKind) -> None:
    if not kind.name or not kind.permission_area or not kind.columns:
        raise ValueError(f"{type(kind).__name__} needs name, permission_area and columns")
    seen: dict[str, str] = {}
    for column in kind.columns:
        for label in column.labels:
            key = header_key(label)
            if seen.get(key, column.key) != column.key:
                raise ValueError(f"kind {kind.name}: header {label!r} is used by {seen[key]} and {column.key}")
            seen[key] = column.key


def register_kind(kind: ImportKind) -> ImportKind:
    """Called from the registry app's AppConfig.ready(); registering the same name again replaces it."""
    _check(kind)
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> ImportKind:
    """The kind called `name`; KeyError when there is none."""
    return _kinds[name]


def kinds() -> dict[str, ImportKind]:
    return dict(_kinds)
