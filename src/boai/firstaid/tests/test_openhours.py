import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boai.firstaid import openhours

# 2026-11-30 is a Monday; 2026-10-01..07 is the National Day golden week (configured holidays).
MON = dt.date(2026, 11, 30)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m))


CASES = [
    ("24/7", MON, "03:00", True),
    ("Mo-Fr 08:00-18:00", MON, "08:00", True),
    ("Mo-Fr 08:00-18:00", MON, "07:59", False),
    ("Mo-Fr 08:00-18:00", MON, "18:00", False),  # end is exclusive
    ("Mo-Fr 08:00-18:00", MON, "17:59", True),
    ("Mo-Fr 08:00-18:00", MON + dt.timedelta(days=5), "10:00", False),  # Saturday
    ("Sa,Su 09:00-17:00", MON + dt.timedelta(days=6), "10:00", True),  # Sunday
    ("Sa,Su 09:00-17:00", MON, "10:00", False),
    ("Mo,We,Fr 09:00-12:00", MON + dt.timedelta(days=2), "11:00", True),  # Wednesday
    ("Mo,We,Fr 09:00-12:00", MON + dt.timedelta(days=1), "11:00", False),  # Tuesday
    ("Mo-Fr 08:00-12:00,14:00-18:00", MON, "13:00", False),  # lunch break
    ("Mo-Fr 08:00-12:00,14:00-18:00", MON, "15:00", True),
    ("Mo-Su 08:00-20:00; Mo off", MON, "10:00", False),  # a later rule overrides
    ("Mo-Su 08:00-20:00; Mo off", MON + dt.timedelta(days=1), "10:00", True),
    ("Mo-Su 08:00-20:00; We 10:00-12:00", MON + dt.timedelta(days=2), "09:00", False),
    ("Mo-Su 08:00-20:00; We 10:00-12:00", MON + dt.timedelta(days=2), "11:00", True),
    ("Mo-Fr 22:00-02:00", MON + dt.timedelta(days=1), "01:00", True),  # past midnight from Monday
    ("Mo-Fr 22:00-02:00", MON, "01:00", False),  # Sunday night is not in Mo-Fr
    ('Mo-Fr 08:00-18:00 "ask the guard"', MON, "09:00", True),  # comments are allowed
    ('Mo-Fr 08:00-18:00 "PH is fine"; Sa off', MON, "09:00", True),  # "PH" inside a comment is text
    ("24/7; PH off", dt.date(2026, 10, 3), "10:00", False),  # golden week holiday (a Saturday)
    ("24/7; PH off", dt.date(2026, 10, 5), "10:00", False),  # Monday inside the golden week
    ("24/7; PH off", dt.date(2026, 10, 9), "10:00", True),
    ("Mo-Fr 08:00-18:00; PH off", dt.date(2026, 2, 16), "10:00", False),  # Spring Festival Monday
    ("Mo-Fr 08:00-18:00; PH off", dt.date(2026, 2, 24), "10:00", True),  # back at work
    ("Mo-Fr 08:00-18:00; PH 10:00-12:00", dt.date(2026, 10, 6), "11:00", True),
    ("Mo-Fr 08:00-18:00; PH 10:00-12:00", dt.date(2026, 10, 6), "09:00", False),
    ("Sa,PH 09:00-12:00", dt.date(2026, 10, 7), "10:00", True),  # a Wednesday holiday
    ("Sa,PH 09:00-12:00", dt.date(2026, 11, 25), "10:00", False),  # an ordinary Wednesday
    ("PH off; Mo-Su 00:00-24:00", dt.date(2026, 10, 2), "10:00", True),  # order matters: later rule wins
    # `off` closes the whole holiday, the night spilling into it too, while the night that starts
    # on the holiday's eve-rule of the next day is kept (opening-hours-py's semantics)
    ("Mo-Su 20:00-02:00; PH off", dt.date(2026, 10, 1), "01:00", False),
    ("Mo-Su 20:00-02:00; PH off", dt.date(2026, 10, 1), "21:00", False),
    ("Mo-Su 20:00-02:00; PH off", dt.date(2026, 10, 8), "01:00", True),
    ("Mo-Su 20:00-02:00; PH off", dt.date(2026, 11, 26), "01:00", True),
    ("Jan-Mar Mo-Fr 08:00-12:00", dt.date(2026, 2, 2), "09:00", True),  # full grammar still works
    ("Jan-Mar Mo-Fr 08:00-12:00", MON, "09:00", False),
    ("Mo-Fr 08:00-18:00 off", MON, "09:00", False),
]


@pytest.mark.parametrize(("expr", "day", "hhmm", "expected"), CASES)
def test_open_at(expr, day, hhmm, expected, settings):
    settings.BOAI_PUBLIC_HOLIDAYS = []  # the built-in list
    assert openhours.is_open(expr, at(day, hhmm)) is expected


def test_configured_holiday_list_replaces_the_built_in_one(settings):
    settings.BOAI_PUBLIC_HOLIDAYS = ["2026-11-30"]
    assert openhours.is_open("24/7; PH off", at(MON, "10:00")) is False
    assert openhours.is_open("24/7; PH off", at(dt.date(2026, 10, 1), "10:00")) is True


def test_aware_times_are_read_in_local_time(settings):
    settings.BOAI_PUBLIC_HOLIDAYS = []
    utc = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert openhours.is_open("Mo-Fr 08:00-18:00", utc) is True


def test_holiday_ranges_parse_and_reject_reversed():
    days = openhours.parse_holidays(["2026-10-01..2026-10-03", "2026-01-01"])
    assert days == {dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 3), dt.date(2026, 1, 1)}
    with pytest.raises(ValueError):
        openhours.parse_holidays(["2026-10-03..2026-10-01"])


@pytest.mark.parametrize("bad", ["Mo-Fx 08:00-18:00", "Mo-Fr 25:00-26:00 foo", "Mo-Fr 08:00-18:00 ;", "every day"])
def test_invalid_expressions_say_where(bad):
    with pytest.raises(ValidationError) as exc:
        openhours.validate(bad)
    message = exc.value.messages[0]
    assert "character" in message or "字符" in message
    assert any(ch.isdigit() for ch in message)


def test_empty_is_required_and_whitespace_is_normalised():
    with pytest.raises(ValidationError):
        openhours.validate("   ")
    assert openhours.validate("  Mo-Fr   08:00-18:00 ") == "Mo-Fr 08:00-18:00"


def test_unparseable_stored_value_counts_as_closed():
    assert openhours.is_open("garbage !!", at(MON, "10:00")) is False
