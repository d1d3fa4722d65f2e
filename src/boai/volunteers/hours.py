"""Turning check-in and check-out times into service hours, by configurable rules.

Pure functions (no database) so the rules are easy to test exhaustively. Order of application:
the time is split by local calendar day and each day is capped (`daily_cap_hours`); a total under
`minimum_minutes` counts nothing; the total is then rounded to the unit (15/30/60 minutes, down or
to the nearest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def minutes_per_day(start: dt.datetime, end: dt.datetime) -> dict[dt.date, Decimal]:
    """Minutes served on each local calendar day between two aware datetimes."""
    out: dict[dt.date, Decimal] = {}
    cursor = timezone.localtime(start)
    end = timezone.localtime(end)
    while cursor < end:
        midnight = timezone.make_aware(dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time()),
                                       cursor.tzinfo)
        stop = min(midnight, end)
        out[cursor.date()] = out.get(cursor.date(), Decimal(0)) + Decimal((stop - cursor).total_seconds()) / 60
        cursor = stop
    return out


def _round(minutes: Decimal, rule: Rule) -> Decimal:
    unit = rule.rounding_minutes
    if not unit:
        return minutes
    steps = minutes / unit
    steps = steps.to_integral_value(rounding=ROUND_HALF_UP) if rule.rounding == "nearest" else int(steps)
    return Decimal(steps) * unit


def compute_hours(start: dt.datetime, end: dt.datetime | None, rule: Rule = DEFAULT_RULE) -> Decimal:
    if end is None or end <= start:
        return Decimal("0.00")
    cap = rule.daily_cap_hours * 60 if rule.daily_cap_hours else None
    days = minutes_per_day(start, end)
    total = sum((min(m, cap) if cap is not None else m for m in days.values()), Decimal(0))
    if total < rule.minimum_minutes:
        return Decimal("0.00")
    return (_round(total, rule) / 60).quantize(HUNDREDTH)
