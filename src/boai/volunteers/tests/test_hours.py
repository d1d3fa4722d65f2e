import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from boai.volunteers.hours import Rule, compute_hours, minutes_per_day


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, minute))


@pytest.mark.parametrize(("start", "end", "rule", "expected"), [
    (at(1, 9), at(1, 12, 20), Rule(30, "down", 30, Decimal(8)), "3.00"),
    (at(1, 9), at(1, 12, 20), Rule(15, "down", 30, Decimal(8)), "3.25"),
    (at(1, 9), at(1, 12, 20), Rule(30, "nearest", 30, Decimal(8)), "3.50"),
    (at(1, 9), at(1, 12, 14), Rule(30, "nearest", 30, Decimal(8)), "3.00"),
    (at(1, 9), at(1, 12, 7), Rule(0, "down", 30, Decimal(8)), "3.12"),
    (at(1, 9), at(1, 9, 25), Rule(15, "down", 30, Decimal(8)), "0.00"),  # under the minimum
    (at(1, 6), at(1, 22), Rule(30, "down", 30, Decimal(8)), "8.00"),  # daily cap
    (at(1, 6), at(1, 22), Rule(30, "down", 30, None), "16.00"),  # no cap
    (at(1, 20), at(2, 10), Rule(30, "down", 30, Decimal(8)), "12.00"),  # overnight: 4 h + 10 h capped to 8
    (at(1, 12), at(1, 11), Rule(), "0.00"),
])
def test_rules(start, end, rule, expected):
    assert compute_hours(start, end, rule) == Decimal(expected)


def test_minutes_are_split_by_local_day():
    days = minutes_per_day(at(1, 23), at(2, 1, 30))
    assert days == {dt.date(2026, 3, 1): Decimal(60), dt.date(2026, 3, 2): Decimal(90)}


def test_two_hours_across_midnight_with_microseconds_stay_two_hours():
    # Day parts with odd microseconds once summed (as floats) to a hair under 120 minutes,
    # which rounding down turned into 1.5 h.
    for micro in (1, 123457, 333333, 654321, 999999):
        start = at(1, 23).replace(minute=17, second=43, microsecond=micro)
        assert compute_hours(start, start + dt.timedelta(hours=2)) == Decimal("2.00")
