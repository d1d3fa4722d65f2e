"""What a leaf may say: event types, their fields, canonical JSON, and the personal-data guard.

A leaf is one event as canonical JSON (RFC 8785 style: object keys sorted, no insignificant
whitespace, UTF-8, no floating point numbers: amounts and quantities are decimal strings, leaf
indices integers). Every event type has a fixed set of allowed fields; anything else is refused,
and fields or values that look like personal data (names, ID numbers, telephone numbers, e-mail
addresses) are refused with a message that says so. Donors and recipients appear only as
commitments (see `commitments.py`).

Version 1 of the schema (``"v": 1``):

    {"v": 1, "type": "allocation", "ts": "2025-06-01T08:00:00Z",
     "parents": [{"leaf": 12, "amount": "600.00"}], "amount": "600.00", "project": "…"}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SCHEMA_VERSION = 1
MAX_AMOUNT = Decimal("1000000000000")  # one trillion yuan: anything larger is a typing error
MAX_QUANTITY = Decimal("1000000000")
MAX_PARENTS = 64
MAX_ENTRY_BYTES = 8192

GIFT, ALLOCATION, DISBURSEMENT = "gift_received", "allocation", "disbursement"
GOODS_RECEIVED, GOODS_ISSUED, RELIEF = "goods_received", "goods_issued", "relief_delivered"
ACKNOWLEDGEMENT, CORRECTION = "acknowledgement", "correction"
WISH_FULFILLED = "wish_fulfilled"

EVENT_TYPES = {
    GIFT: _("Gift received"),
    ALLOCATION: _("Allocation"),
    DISBURSEMENT: _("Disbursement"),
    GOODS_RECEIVED: _("Goods received"),
    GOODS_ISSUED: _("Goods issued"),
    RELIEF: _("Relief delivered"),
    ACKNOWLEDGEMENT: _("Acknowledgement"),
    WISH_FULFILLED: _("Micro-wish fulfilled"),
    CORRECTION: _("Correction"),
}
DONOR_KINDS = {
    "individual": _("Individual donors"),
    "organisation": _("Companies and organisations"),
    "government": _("Government allocations"),
    "online": _("Online fundraising"),
    "anonymous": _("Anonymous donors"),
}
RELIEF_TYPES = {
    "disaster": _("Disaster relief"),
    "medical": _("Medical assistance"),
    "hardship": _("Hardship relief"),
    "education": _("Student aid"),
    "first_aid": _("First aid"),
    "community": _("Community services"),
    "other": _("Other relief"),
}
PAYEE_KINDS = {"recipient": _("Recipient"), "supplier": _("Supplier"), "organisation": _("Organisation")}
CORRECTION_REASONS = {
    "entry_error": _("Entry error"),
    "duplicate": _("Duplicate"),
    "returned": _("Returned"),
    "cancelled": _("Cancelled"),
    "other": _("Other"),
}

# Field names that say "personal data": refused with a message that names the reason.
_PERSONAL_NAME_RE = re.compile(
    r"name|phone|mobile|tel|e?mail|addr|birth|gender|id_?card|id_?num|id_?no|identity|passport|ric\b|"
    r"姓名|名字|电话|手机|地址|身份证|生日|性别",
    re.IGNORECASE,
)
_ID_NUMBER_RE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])")
_LANDLINE_RE = re.compile(r"(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_DOC_RE = re.compile(r"(sm3|sha256):[0-9a-f]{64}")
_REF_RE = re.compile(r"[A-Za-z0-9._:/#-]{1,64}")
_ORG_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_REGION_RE = re.compile(r"[1-8][0-9]{5}")
_CATEGORY_RE = re.compile(r"[a-z][a-z_]{0,23}")
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def personal_data_in(text: str) -> str | None:
    """What kind of personal data a free-text value seems to contain, if any."""
    if _ID_NUMBER_RE.search(text):
        return str(_("an ID number"))
    if _MOBILE_RE.search(text) or _LANDLINE_RE.search(text):
        return str(_("a telephone number"))
    if _EMAIL_RE.search(text):
        return str(_("an e-mail address"))
    return None


def _fail(name: str, message, **params) -> None:
    raise ValidationError({name: ValidationError(message, params=params)})


# --- field normalisers: each takes the raw value and returns the canonical JSON value -------------


def _decimal(name: str, value: Any, places: int, maximum: Decimal, minimum: Decimal) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        _fail(name, _("%(field)s must be a decimal number written as text, not %(kind)s."),
              field=name, kind=type(value).__name__)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        _fail(name, _("%(field)s is not a number: %(value)s."), field=name, value=str(value)[:40])
    if not number.is_finite() or number < minimum or number > maximum:
        _fail(name, _("%(field)s must be between %(min)s and %(max)s."), field=name, min=minimum, max=maximum)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        _fail(name, _("%(field)s has more than %(places)s decimal places."), field=name, places=places)
    return number


def amount_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def quantity_text(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.001')):f}".rstrip("0").rstrip(".")
    return text or "0"


def norm_amount(name: str, value: Any) -> str:
    return amount_text(_decimal(name, value, 2, MAX_AMOUNT, Decimal(0)))


def norm_quantity(name: str, value: Any) -> str:
    return quantity_text(_decimal(name, value, 3, MAX_QUANTITY, Decimal(0)))


def _label(max_length: int) -> Callable[[str, Any], str]:
    def norm(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            _fail(name, _("%(field)s must be non-empty text."), field=name)
        text = " ".join(value.split())
        if len(text) > max_length:
            _fail(name, _("%(field)s is longer than %(max)s characters."), field=name, max=max_length)
        found = personal_data_in(text)
        if found:
            _fail(name, _("%(field)s seems to contain %(what)s: personal data may never be written to the public "
                          "log."), field=name, what=found)
        return text

    return norm


def _pattern(regex: re.Pattern, message, *, scan: bool = False) -> Callable[[str, Any], str]:
    def norm(name: str, value: Any) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):
            _fail(name, message, field=name)
        found = personal_data_in(value) if scan else None
        if found:
            _fail(name, _("%(field)s seems to contain %(what)s: personal data may never be written to the public "
                          "log."), field=name, what=found)
        return value

    return norm


def _choice(choices: dict) -> Callable[[str, Any], str]:
    def norm(name: str, value: Any) -> str:
        if value not in choices:
            _fail(name, _("%(field)s must be one of: %(choices)s."), field=name, choices=", ".join(choices))
        return value

    return norm


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        _fail(name, _("%(field)s must be true or false."), field=name)
    return value


def _date(name: str, value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    _fail(name, _("%(field)s must be a date (YYYY-MM-DD)."), field=name)


def _docs(name: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not 0 < len(value) <= 20:
        _fail(name, _("%(field)s must be a list of 1 to 20 document hashes."), field=name)
    docs = []
    for item in value:
        if not isinstance(item, str) or not _DOC_RE.fullmatch(item):
            _fail(name, _("Each document hash must look like sm3:<64 hex digits> or sha256:<64 hex digits>."))
        docs.append(item)
    return sorted(set(docs))


_commitment = _pattern(_HEX64_RE, _("%(field)s must be a commitment: 64 lowercase hex digits (see "
                                    "ledger.commitments.commit)."))

FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "amount": norm_amount,
    "quantity": norm_quantity,
    "item": _label(60),
    "unit": _label(16),
    "donor": _commitment,
    "recipient": _commitment,
    "donor_kind": _choice(DONOR_KINDS),
    "payee_kind": _choice(PAYEE_KINDS),
    "relief_type": _choice(RELIEF_TYPES),
    "reason": _choice(CORRECTION_REASONS),
    "fund": _label(100),
    "project": _label(100),
    "campaign": _label(100),
    "purpose": _label(100),
    "warehouse": _label(100),
    "note": _label(200),
    "restricted": _bool,
    "region": _pattern(_REGION_RE, _("%(field)s must be a six-digit administrative division code (GB/T 2260).")),
    "category": _pattern(_CATEGORY_RE, _("%(field)s must be a category code (lowercase letters and _).")),
    "org": _pattern(_ORG_RE, _("%(field)s must be an organisation code (letters, digits, - and _).")),
    "ref": _pattern(_REF_RE, _("%(field)s must be a reference of up to 64 letters, digits and ._:/#-."), scan=True),
    "date": _date,
    "docs": _docs,
}
COMMON = frozenset({"ref", "date", "docs", "org", "note"})
GOODS = frozenset({"item", "quantity", "unit"})


@dataclass(frozen=True)
class Schema:
    required: frozenset[str]
    optional: frozenset[str]
    parent_types: frozenset[str] = frozenset()  # empty: a root event, no parents allowed
    flow: bool = True  # carries an amount that is drawn from its parents
    single_parent: bool = False
    fields: frozenset[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "fields", self.required | self.optional | COMMON)


SCHEMAS: dict[str, Schema] = {
    GIFT: Schema(frozenset({"amount", "donor_kind"}),
                 frozenset({"donor", "fund", "project", "campaign", "restricted", "purpose"}) | GOODS),
    ALLOCATION: Schema(frozenset({"amount"}), frozenset({"fund", "project", "campaign", "purpose"}) | GOODS,
                       frozenset({GIFT, ALLOCATION})),
    DISBURSEMENT: Schema(frozenset({"amount", "payee_kind"}), frozenset({"recipient", "project", "purpose", "region"}),
                         frozenset({GIFT, ALLOCATION})),
    GOODS_RECEIVED: Schema(frozenset({"amount"}) | GOODS, frozenset({"warehouse", "project"}),
                           frozenset({GIFT, ALLOCATION, DISBURSEMENT})),
    GOODS_ISSUED: Schema(frozenset({"amount"}) | GOODS, frozenset({"warehouse", "project", "purpose"}),
                         frozenset({GOODS_RECEIVED})),
    RELIEF: Schema(frozenset({"amount", "relief_type"}), frozenset({"recipient", "project", "region"}) | GOODS,
                   frozenset({DISBURSEMENT, GOODS_ISSUED})),
    ACKNOWLEDGEMENT: Schema(frozenset(), frozenset({"recipient"}), frozenset({RELIEF, DISBURSEMENT}),
                            flow=False, single_parent=True),
    # a gift in kind from a member of the public straight to a beneficiary: its value never enters a fund
    WISH_FULFILLED: Schema(frozenset({"amount", "category"}), frozenset({"donor", "recipient"}), flow=False),
    CORRECTION: Schema(frozenset({"reason"}), frozenset({"amount", "quantity"}),
                       frozenset(set(EVENT_TYPES) - {CORRECTION}), flow=False, single_parent=True),
}
ENVELOPE = frozenset({"v", "type", "ts", "parents", "redraws"})


def normalise_fields(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's fields in canonical form, or a ValidationError naming every problem."""
    schema = SCHEMAS.get(event_type)
    if schema is None:
        raise ValidationError({"event_type": _("Unknown event type %(type)s.") % {"type": event_type}})
    errors: dict[str, list] = {}
    out: dict[str, Any] = {}
    for name, value in payload.items():
        if value is None:
            continue
        if name not in schema.fields:
            if _PERSONAL_NAME_RE.search(name):
                msg = _("Field %(field)s looks like personal data, which may never be written to the public log.")
            else:
                msg = _("Field %(field)s is not allowed on %(type)s events.")
            errors.setdefault(name, []).append(ValidationError(msg, params={"field": name,
                                                                              "type": EVENT_TYPES[event_type]}))
            continue
        try:
            out[name] = FIELDS[name](name, value)
        except ValidationError as exc:
            for key, errs in exc.error_dict.items():
                errors.setdefault(key, []).extend(errs)
    for name in sorted(schema.required - out.keys()):
        errors.setdefault(name, []).append(
            ValidationError(_("%(field)s is required on %(type)s events."),
                            params={"field": name, "type": EVENT_TYPES[event_type]}))
    _check_goods(out, errors)
    if errors:
        raise ValidationError(errors)
    return out


def _check_goods(out: dict[str, Any], errors: dict[str, list]) -> None:
    present = GOODS & out.keys()
    if present and present != GOODS:
        errors.setdefault("item", []).append(ValidationError(_("Goods need all of item, quantity and unit.")))
    elif present and Decimal(out["quantity"]) <= 0:
        errors.setdefault("quantity", []).append(ValidationError(_("The quantity must be greater than zero.")))


def utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_entry(event_type: str, fields: dict[str, Any], parents: list[dict[str, Any]], ts: str,
                redraws: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The leaf object: envelope (version, type, time, parent links) plus the normalised fields."""
    entry = {"v": SCHEMA_VERSION, "type": event_type, "ts": ts, **fields}
    if parents:
        entry["parents"] = sorted(parents, key=lambda p: p["leaf"])
    if redraws:
        entry["redraws"] = sorted(redraws, key=lambda p: p["leaf"])
    return entry


def canonical(entry: dict[str, Any]) -> str:
    """RFC 8785-style canonical JSON text (the entry's bytes are its UTF-8 encoding)."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


class EntryFormatError(ValueError):
    """A stored leaf is not a well-formed, canonical version-1 event."""


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise EntryFormatError("duplicate key")
    return dict(pairs)


def _no_floats(text):
    raise EntryFormatError(f"floating point number {text}")


def parse_entry(data: bytes | str) -> dict[str, Any]:
    """Parse and check one leaf: canonical bytes, known type, allowed and well-formed fields."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        entry = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_floats,
                           parse_constant=_no_floats)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EntryFormatError(f"not JSON: {exc}") from exc
    if not isinstance(entry, dict) or canonical(entry) != text:
        raise EntryFormatError("not in canonical form")
    if entry.get("v") != SCHEMA_VERSION or entry.get("type") not in SCHEMAS:
        raise EntryFormatError(f"unknown version or type: {entry.get('v')!r} {entry.get('type')!r}")
    if not isinstance(entry.get("ts"), str) or not _TS_RE.fullmatch(entry["ts"]):
        raise EntryFormatError("bad time stamp")
    fields = {k: v for k, v in entry.items() if k not in ENVELOPE}
    try:
        normalised = normalise_fields(entry["type"], fields)
    except ValidationError as exc:
        raise EntryFormatError("; ".join(exc.messages)) from exc
    if normalised != fields:
        raise EntryFormatError("fields are not in normal form")
    _parse_links(entry)
    return entry


def _parse_links(entry: dict[str, Any]) -> None:
    if "redraws" in entry and entry["type"] != CORRECTION:
        raise EntryFormatError("only corrections re-state draws")
    for key in ("parents", "redraws"):
        links = entry.get(key, [])
        if not isinstance(links, list) or len(links) > MAX_PARENTS:
            raise EntryFormatError(f"{key} must be a list of at most {MAX_PARENTS} links")
        for link in links:
            if not isinstance(link, dict) or not set(link) <= {"leaf", "amount", "quantity"}:
                raise EntryFormatError(f"malformed link in {key}")
            if not isinstance(link.get("leaf"), int) or isinstance(link["leaf"], bool) or link["leaf"] < 0:
                raise EntryFormatError(f"malformed leaf index in {key}")
            for name, norm in (("amount", norm_amount), ("quantity", norm_quantity)):
                try:
                    ok = name not in link or norm(name, link[name]) == link[name]
                except ValidationError:
                    ok = False
                if not ok:
                    raise EntryFormatError(f"{name} in {key} is not in normal form")
        if [link["leaf"] for link in links] != sorted({link["leaf"] for link in links}):
            raise EntryFormatError(f"{key} must be sorted by leaf index without repeats")


def build_data(event_type: str, fields: dict[str, Any], packed: dict[str, list[dict]],
               leaf_of: dict[int, int] | None = None) -> str | None:
    """The leaf's canonical JSON, or None while a parent has no leaf index (the integrator retries)."""
    leaf_of = leaf_of or {}
    lists = []
    for name in ("parents", "redraws"):
        rows = []
        for link in packed.get(name, []):
            leaf = link["leaf"] if link["leaf"] is not None else leaf_of.get(link["entry"])
            if leaf is None:
                return None
            rows.append({**{k: v for k, v in link.items() if k not in ("entry", "leaf")}, "leaf": leaf})
        lists.append(rows)
    body = {k: v for k, v in fields.items() if k != "ts"}
    return canonical(build_entry(event_type, body, lists[0], fields["ts"], lists[1]))
