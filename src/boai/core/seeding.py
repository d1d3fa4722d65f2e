"""Seed data presets. Each app's `seed.py` registers a seeder; `boai seed --preset demo|city` runs
them in order with one shared random generator, so a preset is reproducible from its seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
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
