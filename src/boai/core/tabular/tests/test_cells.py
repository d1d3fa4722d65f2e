"""Cell normalisation and the column parsers: what real sheets contain, read without guessing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from boai.core.tabular.cells import (
    CellError,
    boolean,
    choice,
    date,
    decimal,
    header_key,
    integer,
    normalise,
    optional_text,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("raw", "expected"), [
    (None, ""),
    ("", ""),
    ("   ", ""),
    ("\u3000", ""),  # a full-width space alone
    ("  张三 ", "张三"),
    ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits from a Chinese input method
    ("３２０１０２１９９００１０１１２３Ｘ", "32010219900101123X"),
    ("张\u3000三", "张 三"),  # a full-width space inside becomes a normal one, kept
    ("a  b", "a  b"),  # internal runs of spaces are kept
    ("\ufeff编号\u200b", "编号"),  # BOM and zero-width space around text
    ("（备注）", "(备注)"),
])
def test_text_is_stripped_and_folded(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (13812345678.0, "13812345678"),  # a phone number Excel stored as a number
    (13812345678, "13812345678"),
    (320102199001.0, "320102199001"),
    (0.0, "0"),
    (1.5, "1.5"),
    (0.1 + 0.2, "0.3"),  # what Excel shows, not the binary noise
    (-12.0, "-12"),
    (True, "TRUE"),
    (999999999999999.0, "999999999999999"),  # 15 digits: still exact
])
def test_numbers_become_their_digits(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", [
    3.201021990010113e17,  # an 18-digit ID number stored as a float: digits lost
    1e15,
    "3.20102E+17",  # the same, typed or exported as text
    "3.20102e+17",
    "３．２０１０２Ｅ＋１７",  # full-width
    "1.38E+10",
])
def test_scientific_notation_is_refused_with_the_reason(raw):
    with pytest.raises(CellError, match="scientific notation"):
        normalise(raw)


@pytest.mark.parametrize("raw", ["E12345678", "1E5", "ABCE+1", "3.2E17x"])
def test_text_that_only_looks_scientific_is_kept(raw):
    assert normalise(raw) == raw


def test_temporal_cells_become_iso_text():
    assert normalise(dt.date(2024, 1, 2)) == "2024-01-02"
    assert normalise(dt.datetime(2024, 1, 2, 0, 0)) == "2024-01-02"
    assert normalise(dt.datetime(2024, 1, 2, 8, 30)) == "2024-01-02 08:30:00"
    assert normalise(dt.time(8, 30)) == "08:30:00"
    assert normalise(dt.timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"


@pytest.mark.parametrize("raw", [
    "2024-01-02", "2024-1-2", "2024/1/2", "2024/01/02", "2024.1.2", "2024年1月2日", "2024年01月02日", "2024年1月2",
    "20240102", "45293", "2024-01-02 00:00:00", "2024/1/2 0:00",
])
def test_dates_in_every_listed_form(raw):
    assert date(normalise(raw)) == dt.date(2024, 1, 2)


def test_a_date_cell_from_excel_parses_after_normalisation():
    assert date(normalise(dt.datetime(2024, 1, 2))) == dt.date(2024, 1, 2)
    assert date(normalise(45293.0)) == dt.date(2024, 1, 2)  # an Excel serial left as a number


@pytest.mark.parametrize(("raw", "reason"), [
    ("2024-02-30", "does not exist"),
    ("2024-13-01", "does not exist"),
    ("2024", "Enter a date"),  # a bare year is not a serial number: never guessed
    ("02/01/2024", "Enter a date"),  # day/month order is ambiguous: refused
    ("明天", "Enter a date"),
])
def test_bad_dates_say_why(raw, reason):
    with pytest.raises(CellError, match=reason):
        date(raw)


def test_integer_and_decimal():
    assert integer("12") == 12
    assert integer("1,234") == 1234
    assert integer("12.0") == 12
    assert decimal("1,234.50") == Decimal("1234.50")
    for bad in ("1.5", "abc", "1,23"):
        with pytest.raises(CellError):
            integer(bad)
    for bad in ("abc", "NaN", "Infinity"):
        with pytest.raises(CellError):
            decimal(bad)


def test_optional_text_limits_length():
    parse = optional_text(3)
    assert parse("abc") == "abc"
    with pytest.raises(CellError, match="At most 3"):
        parse("abcd")


def test_boolean():
    assert boolean("是") is True and boolean("yes") is True and boolean("1") is True and boolean("TRUE") is True
    assert boolean("否") is False and boolean("No") is False and boolean("0") is False
    with pytest.raises(CellError):
        boolean("也许")


def test_choice_accepts_chinese_english_and_code():
    from boai.orgs.models import Subtype

    parse = choice(Subtype.choices)
    assert parse("社区红十字会") == "community"
    assert parse("community red cross") == "community"
    assert parse("community") == "community"
    assert parse("Boai Home") == "boai_home"
    with pytest.raises(CellError, match="Choose one of"):
        parse("居委会")
    assert "社区红十字会" in parse.accepted


@pytest.mark.parametrize(("raw", "key"), [
    ("证件号码", "证件号码"),
    (" * 证件号码（必填）", "证件号码"),
    ("ID number", "idnumber"),
    ("ＩＤ  Number ", "idnumber"),
    ("出生日期(YYYY-MM-DD)", "出生日期"),
    (None, ""),
])
def test_header_key(raw, key):
    assert header_key(raw) == key
