"""Seed data presets. Each app's `seed.py` registers a seeder; `boai seed --preset demo|city` runs
them in order with one shared random generator, so a preset is reproducible from its seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PRESETS = ("demo", "city")


@dataclass
class SeedContext:
    preset: str
    rng: random.Random
    out: Callable[[str], None] = print
    data: dict[str, Any] = field(default_factory=dict)  # what earlier seeders made, for later ones

    @property
    def is_city(self) -> bool:
        return self.preset == "city"


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    func: Callable[[SeedContext], None]


_seeders: dict[str, Seeder] = {}


def seeder(name: str, *, order: int):
    def decorator(func):
        _seeders[name] = Seeder(name, order, func)
        return func

    return decorator


def run(preset: str, *, random_seed: int = 2026, out: Callable[[str], None] = print,
        only: list[str] | None = None) -> SeedContext:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("seed")
    rng = random.Random(random_seed)  # reproducible synthetic data, not secrets  # nosec B311
    ctx = SeedContext(preset=preset, rng=rng, out=out)
    for s in sorted(_seeders.values(), key=lambda s: s.order):
        if only and s.name not in only:
            continue
        s.func(ctx)
    return ctx


# --- loading large presets fast --------------------------------------------------------------------

def copy_rows(table, columns: Iterable[str], rows: Iterable[tuple], *, batch: int = 5000) -> int:
    """Write `rows` (tuples in `columns` order, values already in database form) into `table` (a
    table name or a model): COPY on PostgreSQL, batched executemany elsewhere. Returns the count.
    No model code runs: no save(), no signals, no field conversions."""
    from django.db import connection

    table = table if isinstance(table, str) else table._meta.db_table
    columns = tuple(columns)
    names = ", ".join(columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608 - fixed names
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 # nosec B608 - fixed names
        chunk: list = []
        for row in rows:
            chunk.append([_db_value(v, connection.ops) for v in row])
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
        return n + len(chunk)


def _db_value(value, ops):
    """What the database adapter wants for a value COPY would take as is (SQLite's)."""
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def next_id(model) -> int:
    """The first id free after the table's largest (rows written with explicit ids)."""
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def reset_sequences(*models) -> None:
    """Move the id sequences past rows written with explicit ids (nothing to do on SQLite)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)
