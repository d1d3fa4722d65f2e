"""Turning check-in and check-out times into service hours, by configurable rules.

Pure functions (no database) so the rules are easy to test exhaustively. Order of application:
the time is split by local calendar day and each day is capped (`daily_cap_hours`); a total under
`minimum_minutes` counts nothing; the total is then rounded to the unit (15/30/60 minutes, down or
to the nearest).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    rounding_minutes: int = 30
    rounding: str = "down"
    minimum_minutes: int = 30
    daily_cap_hours: Decimal | None = Decimal("8")

    @classmethod
    def of(cls, obj) -> Rule:
        return cls(obj.rounding_minutes, obj.rounding, obj.minimum_minutes, obj.daily_cap_hours)


DEFAULT_RULE = Rule()


def minutes_per_day(start: dt.datetime, end: dt.datetime) -> dict[dt.date, Fraction]:
    """Minutes served on each local calendar day between two aware datetimes, as exact fractions.

    Exact on purpose: day parts in floats or finite decimals can add up to a hair under the whole
    (119.999… minutes), which rounding down would turn from 2 h into 1.5 h."""
    out: dict[dt.date, Fraction] = {}
    cursor = timezone.localtime(start)
    end = timezone.localtime(end)
    while cursor < end:
        midnight = timezone.make_aware(dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time()),
                                       cursor.tzinfo)
        stop = min(midnight, end)
        micros = (stop - cursor) // dt.timedelta(microseconds=1)
        out[cursor.date()] = out.get(cursor.date(), Fraction(0)) + Fraction(micros, 60_000_000)
        cursor = stop
    return out


def _round(minutes: Fraction, rule: Rule) -> Decimal:
    unit = rule.rounding_minutes
    if not unit:
        return Decimal(minutes.numerator) / Decimal(minutes.denominator)
    steps = minutes / unit
    steps = math.floor(steps + Fraction(1, 2)) if rule.rounding == "nearest" else math.floor(steps)
    return Decimal(steps) * unit


def compute_hours(start: dt.datetime, end: dt.datetime | None, rule: Rule = DEFAULT_RULE) -> Decimal:
    if end is None or end <= start:
        return Decimal("0.00")
    cap = Fraction(rule.daily_cap_hours) * 60 if rule.daily_cap_hours else None
    days = minutes_per_day(start, end)
    total = sum((min(m, cap) if cap is not None else m for m in days.values()), Fraction(0))
    if total < rule.minimum_minutes:
        return Decimal("0.00")
    return (_round(total, rule) / 60).quantize(HUNDREDTH)
