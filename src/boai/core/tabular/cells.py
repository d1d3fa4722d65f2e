"""Cell normalisation and the parsers kinds build their columns from.

Real sheets are messy: numbers typed into ID columns, full-width digits from Chinese input
methods, trailing spaces, dates in half a dozen spellings. The engine turns every cell into clean
text first (`normalise`), so a column's parser only ever sees a stripped, half-width string; what
cannot be read without guessing raises `CellError` with a reason the user can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _


class CellError(ValueError):
    """Raised by a column parser: ``str(exc)`` is the user-facing reason (already translated)."""


_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_DIGITS = frozenset("0123456789")
_is_nfkc = unicodedata.is_normalized
_nfkc = unicodedata.normalize
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]\d{1,3}")
EXACT_LIMIT = 1e15  # Excel keeps 15 significant digits: a number this large has lost its tail


def lost_digits_error() -> CellError:
    return CellError(
        _("This number was converted to scientific notation and has lost digits; "
          "format the column as text and re-enter it.")
    )


def normalise_text(value: str) -> str:
    """Stripped, NFKC-folded text (full-width ＡＢＣ１２３ and spaces become half-width)."""
    if value.isascii():
        text = value.strip()
    else:
        if not _is_nfkc("NFKC", value):  # most Chinese text already is: skip the copy
            value = _nfkc("NFKC", value)
        text = value.strip()
        if text and (text[0] in _ZERO_WIDTH or text[-1] in _ZERO_WIDTH):
            text = text.strip(_ZERO_WIDTH).strip()
    if text and text[-1] in _DIGITS and ("E" in text or "e" in text) and _SCIENTIFIC.fullmatch(text):
        raise lost_digits_error()
    return text


def number_text(value: float) -> str:
    """The digits Excel shows for a number cell; an integral float keeps its exact digits."""
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(_("This cell holds an invalid number."))
    if abs(value) >= EXACT_LIMIT:
        raise lost_digits_error()
    if value.is_integer():
        return str(int(value))
    return format(Decimal(f"{value:.15g}"), "f")


def normalise(value: Any) -> str:
    """Any cell value from calamine or csv as clean text ("" for an empty cell)."""
    cls = value.__class__
    if cls is str:
        return normalise_text(value) if value else ""
    if value is None:
        return ""
    if cls is float:
        return number_text(value)
    if cls is bool:
        return "TRUE" if value else "FALSE"
    if cls is int:
        if abs(value) >= EXACT_LIMIT * 1000:  # an integer cell is exact; only absurd sizes are suspect
            raise lost_digits_error()
        return str(value)
    return _normalise_temporal(value)


def _normalise_temporal(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return normalise_text(str(value))


# --- parsers ------------------------------------------------------------------------------------
# Each receives a non-empty normalised string (empty cells never reach a parser: the engine gives
# None for an empty optional cell and an error for an empty required one).


def text(value: str) -> str:
    return value


def optional_text(max_len: int) -> Callable[[str], str]:
    """Text of at most `max_len` characters (whether it may be empty is the column's `required`)."""

    def parse(value: str) -> str:
        if len(value) > max_len:
            raise CellError(_("At most %(max)d characters (this cell has %(n)d).") % {"max": max_len, "n": len(value)})
        return value

    parse.max_length = max_len
    return parse


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _ungroup(value: str) -> str:
    return value.replace(",", "") if "," in value and _GROUPED.fullmatch(value) else value


def integer(value: str) -> int:
    raw = _ungroup(value)
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("Enter a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Enter a whole number."))
    return int(number)


integer.cell_format = "number"


def decimal(value: str) -> Decimal:
    try:
        number = Decimal(_ungroup(value))
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not number.is_finite():
        raise CellError(_("Enter a number."))
    return number


decimal.cell_format = "number"

_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: 0{1,2}:00(?::00)?)?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)


def date(value: str) -> dt.date:
    """YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD, or an Excel serial day number."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            return dt.date.fromisoformat(value)  # the common case, in C
        except ValueError:
            pass
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise CellError(_("This date does not exist.")) from None
    if len(value) == 5 and value.isdigit():  # a serial day number (1927..2173); never a bare year
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raise CellError(_("Enter a date such as 2024-01-31, 2024/1/31 or 2024年1月31日."))


date.cell_format = "date"

_TRUE = {"是", "yes", "y", "true", "1", "√", "✓", "有"}
_FALSE = {"否", "no", "n", "false", "0", "×", "✗", "无"}


def boolean(value: str) -> bool:
    folded = value.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(_("Enter 是 or 否 (yes or no)."))


boolean.accepted = ("是", "否")


def _label_in(label: Any, language: str) -> str:
    with translation.override(language):
        return str(label)


class choice:  # noqa: N801 - used like a function: choice(Gender.choices)
    """One of a fixed set: accepts the Chinese label, the English label or the code; returns the code.

    `options` is a mapping {code: label} or Django-style choices [(code, label), ...] whose labels are
    lazy translations; they are resolved on first use (after the app registry is ready).
    """

    cell_format = "text"

    def __init__(self, options: Mapping[str, Any] | Iterable[tuple[str, Any]]):
        self.options = list(options.items()) if isinstance(options, Mapping) else list(options)
        self._lookup: dict[str, str] | None = None

    @property
    def accepted(self) -> tuple[str, ...]:
        """The labels a template shows (in Chinese: the default language of the office)."""
        return tuple(_label_in(label, "zh-hans") for _code, label in self.options)

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table: dict[str, str] = {}
            for code, label in self.options:
                for key in (str(code), _label_in(label, "zh-hans"), _label_in(label, "en")):
                    table.setdefault(normalise_text(key).casefold(), str(code))
            self._lookup = table
        return self._lookup

    def __call__(self, value: str) -> str:
        try:
            return self.lookup()[value.casefold()]
        except KeyError:
            labels = "、".join(str(label) for _code, label in self.options)
            raise CellError(_("Choose one of: %(options)s.") % {"options": labels}) from None


# --- headers ------------------------------------------------------------------------------------
_HEADER_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def header_key(value: Any) -> str:
    """How headers are compared: folded, spaces and required markers (*) removed, a trailing
    parenthesised note dropped, so "* 证件号码（必填）" matches "证件号码"."""
    if value is None:
        return ""
    raw = value if isinstance(value, str) else str(value)
    folded = unicodedata.normalize("NFKC", raw).strip().strip(_ZERO_WIDTH)
    folded = _HEADER_NOTE.sub("", folded)
    return "".join(folded.split()).strip("*").casefold()
