"""Human-readable document numbers such as ``RA-2026-000123``: a prefix, the local year and a
counter per (prefix, year) kept in one locked row.

`next_number` must run inside the caller's transaction: the counter row stays locked
(``SELECT … FOR UPDATE``) until it commits, so two concurrent requests never get the same number,
and a rolled-back request gives its number back. A unique constraint on the document's own number
column remains the last guard.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from boai.core.models import Sequence


def next_value(key: str, *, count: int = 1) -> int:
    """Reserve `count` consecutive values of the counter `key`; return the first."""
    if count < 1:
        raise ValueError("count must be positive")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that uses the number")
    row = Sequence.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                row = Sequence.objects.create(key=key, value=0)
        except IntegrityError:  # created concurrently: lock the winner's row
            row = Sequence.objects.select_for_update().get(key=key)
        else:
            row = Sequence.objects.select_for_update().get(pk=row.pk)
    first = row.value + 1
    Sequence.objects.filter(pk=row.pk).update(value=row.value + count)
    return first


def format_number(prefix: str, year: int, value: int, *, width: int = 6) -> str:
    return f"{prefix}-{year}-{value:0{width}d}"


def next_number(prefix: str, *, width: int = 6, year: int | None = None) -> str:
    """The next number of `prefix` in the current local year, e.g. ``HH-2026-000042``."""
    year = year or timezone.localdate().year
    return format_number(prefix, year, next_value(f"{prefix}-{year}"), width=width)


def next_numbers(prefix: str, count: int, *, width: int = 6, year: int | None = None) -> list[str]:
    """`count` consecutive numbers at once (bulk imports, seeding)."""
    year = year or timezone.localdate().year
    first = next_value(f"{prefix}-{year}", count=count)
    return [format_number(prefix, year, first + i, width=width) for i in range(count)]
