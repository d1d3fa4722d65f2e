"""OpenStreetMap `opening_hours` for AEDs: validation and "open at time t".

Parsing and evaluation are done by `opening-hours-py` (a maintained Rust implementation of the
full OSM grammar, with precise parser errors). Its public-holiday calendar for China only knows the
fixed-date holidays, not the State Council's yearly schedule (e.g. the National Day golden week), so
`PH` is resolved here against the configured list `BOAI_PUBLIC_HOLIDAYS`: before evaluating at a
moment on day D, each `PH` token (outside comments) is replaced by the weekdays that are holidays
among D and the day before (the day before matters for rules that run past midnight), or by a
weekday that cannot touch D when neither is. The rewritten expression is then exact for D.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import opening_hours
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ALWAYS = "24/7"
_PH = re.compile(r"\bPH\b")

# Statutory holidays announced by the State Council (国务院办公厅关于部分节假日安排的通知).
# Deployments extend this through BOAI_PUBLIC_HOLIDAYS each December when the next year is announced.
DEFAULT_HOLIDAYS = (
    "2025-01-01", "2025-01-28..2025-02-04", "2025-04-04..2025-04-06", "2025-05-01..2025-05-05",
    "2025-05-31..2025-06-02", "2025-10-01..2025-10-08",
    "2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06", "2026-05-01..2026-05-05",
    "2026-06-19..2026-06-21", "2026-09-25..2026-09-27", "2026-10-01..2026-10-07",
)


def parse_holidays(items) -> frozenset[dt.date]:
    """Dates from "YYYY-MM-DD" items and "YYYY-MM-DD..YYYY-MM-DD" ranges (inclusive)."""
    days: set[dt.date] = set()
    for item in items:
        start_text, _sep, end_text = item.strip().partition("..")
        start = dt.date.fromisoformat(start_text)
        end = dt.date.fromisoformat(end_text) if end_text else start
        if end < start:
            raise ValueError(f"holiday range {item!r} ends before it starts")
        days.update(start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return frozenset(days)


@lru_cache(maxsize=4)
def _holidays(spec: tuple[str, ...]) -> frozenset[dt.date]:
    return parse_holidays(spec)


def holidays() -> frozenset[dt.date]:
    return _holidays(tuple(getattr(settings, "BOAI_PUBLIC_HOLIDAYS", None) or DEFAULT_HOLIDAYS))


def normalise(expression: str) -> str:
    return " ".join((expression or "").split())


def validate(expression: str) -> str:
    """The normalised expression, or a ValidationError that says where the syntax breaks."""
    text = normalise(expression)
    if not text:
        raise ValidationError(_("Enter the opening hours, e.g. “24/7” or “Mo-Fr 08:00-18:00; PH off”."),
                              code="required")
    try:
        opening_hours.OpeningHours(text)
    except opening_hours.ParserError as exc:
        raise ValidationError(
            _("Not valid OpenStreetMap opening hours at character %(pos)s: %(detail)s"),
            code="invalid", params={"pos": _error_position(str(exc)), "detail": _error_detail(str(exc))},
        ) from exc
    return text


def _error_position(message: str) -> str:
    found = re.search(r"--> \d+:(\d+)", message)
    return found.group(1) if found else "?"


def _error_detail(message: str) -> str:
    lines = [line.strip(" =") for line in message.splitlines() if line.strip().startswith("=")]
    return lines[-1] if lines else message.splitlines()[0]


def _substitute_ph(text: str, day: dt.date, holiday_days: frozenset[dt.date]) -> str:
    if "PH" not in text:
        return text
    wanted = [d for d in (day - dt.timedelta(days=1), day) if d in holiday_days]
    token = ",".join(WEEKDAYS[d.weekday()] for d in wanted) or WEEKDAYS[(day.weekday() + 2) % 7]
    parts = text.split('"')  # even parts are outside comments
    return '"'.join(_PH.sub(token, part) if i % 2 == 0 else part for i, part in enumerate(parts))


@lru_cache(maxsize=20_000)
def _compiled(text: str):
    return opening_hours.OpeningHours(text)


def local_minute(moment: dt.datetime | None) -> dt.datetime:
    """The naive local time (to the minute) that the evaluation works in."""
    return _local_naive(moment)


def _local_naive(moment: dt.datetime | None) -> dt.datetime:
    moment = moment or timezone.now()
    if moment.tzinfo is None and moment.second == 0 and moment.microsecond == 0:
        return moment
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def is_open(expression: str, moment: dt.datetime | None = None) -> bool:
    """Whether the place is open at `moment` (default now; aware times are taken in local time).

    An expression that no longer parses counts as closed: a public map must never promise access.
    """
    text = normalise(expression)
    if text == ALWAYS:
        return True
    local = _local_naive(moment)
    try:
        return _compiled(_substitute_ph(text, local.date(), holidays())).is_open(local)
    except (opening_hours.ParserError, ValueError):
        return False


def is_always_open(expression: str) -> bool:
    return normalise(expression) == ALWAYS
