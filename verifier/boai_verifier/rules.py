"""What a leaf must look like and the flow rules the leaves must keep, checked independently.

A leaf is one event as canonical JSON (sorted keys, no spaces, UTF-8, decimal strings for amounts,
no floating point), schema version 1. Amounts are yuan with two decimals, quantities up to three.
Flow rules: parents exist and come first and are of an allowed type; gifts and fulfilled wishes
have no parents; acknowledgements and corrections point back at exactly one leaf; what children draw from a leaf
never exceeds its amount (and quantity, for goods, which keep their item); a correction restates a
leaf's amount (0 voids it), never below what was already drawn from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

AMOUNT = re.compile(r"(0|[1-9][0-9]{0,12})\.[0-9]{2}")
QUANTITY = re.compile(r"(0|[1-9][0-9]{0,9})(\.[0-9]{0,2}[1-9])?")
HEX64 = re.compile(r"[0-9a-f]{64}")
DOC = re.compile(r"(sm3|sha256):[0-9a-f]{64}")
TS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
PERSONAL = [
    ("an ID number", re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")),
    ("a telephone number", re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])")),
    ("a telephone number", re.compile(r"(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")),
    ("an e-mail address", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")),
]
TEXT_FIELDS = {"item", "unit", "fund", "project", "campaign", "purpose", "warehouse", "note", "ref", "org", "region",
               "date", "donor_kind", "payee_kind", "relief_type", "reason", "category"}
COMMON = {"ref", "date", "docs", "org", "note"}
GOODS = {"item", "quantity", "unit"}

# type: (required fields, optional fields, allowed parent types or None for a root, flow?, one parent?)
TYPES = {
    "gift_received": ({"amount", "donor_kind"},
                      {"donor", "fund", "project", "campaign", "restricted", "purpose"} | GOODS, None, True, False),
    "allocation": ({"amount"}, {"fund", "project", "campaign", "purpose"} | GOODS,
                   {"gift_received", "allocation"}, True, False),
    "disbursement": ({"amount", "payee_kind"}, {"recipient", "project", "purpose", "region"},
                     {"gift_received", "allocation"}, True, False),
    "goods_received": ({"amount"} | GOODS, {"warehouse", "project"},
                       {"gift_received", "allocation", "disbursement"}, True, False),
    "goods_issued": ({"amount"} | GOODS, {"warehouse", "project", "purpose"}, {"goods_received"}, True, False),
    "relief_delivered": ({"amount", "relief_type"}, {"recipient", "project", "region"} | GOODS,
                         {"disbursement", "goods_issued"}, True, False),
    "acknowledgement": (set(), {"recipient"}, {"relief_delivered", "disbursement"}, False, True),
    "wish_fulfilled": ({"amount", "category"}, {"donor", "recipient"}, None, False, False),
    "correction": ({"reason"}, {"amount", "quantity"}, None, False, True),
}
ROOTS = {"gift_received", "wish_fulfilled"}  # events that point at no earlier leaf
CORRECTABLE = set(TYPES) - {"correction"}


class LeafError(Exception):
    pass


def cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int(frac)


def milli(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int((frac + "000")[:3])


def _strict_pairs(pairs):
    if len({k for k, _ in pairs}) != len(pairs):
        raise LeafError("a key appears twice")
    return dict(pairs)


def _no_float(text):
    raise LeafError(f"floating point number {text} (amounts must be decimal strings)")


def parse(data: bytes) -> dict:
    """Parse one leaf and check its form; raise LeafError naming what is wrong."""
    try:
        text = data.decode("utf-8")
        entry = json.loads(text, object_pairs_hook=_strict_pairs, parse_float=_no_float, parse_constant=_no_float)
    except (UnicodeDecodeError, ValueError) as exc:
        raise LeafError(f"not UTF-8 JSON ({exc})") from exc
    if not isinstance(entry, dict):
        raise LeafError("not a JSON object")
    if json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) != text:
        raise LeafError("not canonical JSON (keys sorted, no spaces, UTF-8)")
    kind = entry.get("type")
    if entry.get("v") != 1 or kind not in TYPES:
        raise LeafError(f"unknown schema version or event type {entry.get('v')!r}/{kind!r}")
    if not isinstance(entry.get("ts"), str) or not TS.fullmatch(entry["ts"]):
        raise LeafError("bad time stamp")
    required, optional, _parents, _flow, _one = TYPES[kind]
    fields = set(entry) - {"v", "type", "ts", "parents", "redraws"}
    if missing := required - fields:
        raise LeafError(f"missing {', '.join(sorted(missing))}")
    if extra := fields - required - optional - COMMON:
        raise LeafError(f"fields not allowed on {kind}: {', '.join(sorted(extra))}")
    if "redraws" in entry and kind != "correction":
        raise LeafError("only corrections restate draws")
    for name in fields:
        _check_field(name, entry[name])
    present = GOODS & fields
    if present and present != GOODS:
        raise LeafError("goods need item, quantity and unit")
    for name in ("parents", "redraws"):
        _check_links(name, entry.get(name, []))
    return entry


def _check_field(name: str, value) -> None:
    if name == "amount" and not (isinstance(value, str) and AMOUNT.fullmatch(value)):
        raise LeafError(f"amount {value!r} is not a decimal string with two decimals")
    if name == "quantity" and not (isinstance(value, str) and QUANTITY.fullmatch(value)):
        raise LeafError(f"quantity {value!r} is not a normalised decimal string")
    if name in ("donor", "recipient") and not (isinstance(value, str) and HEX64.fullmatch(value)):
        raise LeafError(f"{name} is not a commitment")
    if name == "docs" and not (isinstance(value, list) and value and all(isinstance(d, str) and DOC.fullmatch(d)
                                                                         for d in value)):
        raise LeafError("docs must be a list of document hashes")
    if name == "restricted" and not isinstance(value, bool):
        raise LeafError("restricted must be true or false")
    if name in TEXT_FIELDS:
        if not isinstance(value, str) or not value:
            raise LeafError(f"{name} must be non-empty text")
        for what, pattern in PERSONAL:
            if pattern.search(value):
                raise LeafError(f"{name} seems to contain {what}: personal data on the public log")


def _check_links(name: str, links) -> None:
    if not isinstance(links, list) or len(links) > 64:
        raise LeafError(f"{name} must be a list")
    previous = -1
    for link in links:
        if not isinstance(link, dict) or not set(link) <= {"leaf", "amount", "quantity"} or "leaf" not in link:
            raise LeafError(f"malformed link in {name}")
        leaf = link["leaf"]
        if not isinstance(leaf, int) or isinstance(leaf, bool) or leaf <= previous:
            raise LeafError(f"{name} must be leaf indices in increasing order")
        previous = leaf
        if "amount" in link:
            _check_field("amount", link["amount"])
        if "quantity" in link:
            _check_field("quantity", link["quantity"])


@dataclass(slots=True)
class Held:
    """What a leaf holds and what later leaves drew from it (amounts in cents, quantities in 1/1000)."""

    kind: str
    item: str = ""
    amount: int = 0
    quantity: int = 0
    drawn: int = 0
    drawn_qty: int = 0
    void: bool = False
    draws: dict[int, tuple[int, int]] = field(default_factory=dict)


class Flows:
    """Replays leaves in order and raises LeafError at the first broken flow rule."""

    def __init__(self):
        self.held: dict[int, Held] = {}

    def apply(self, index: int, entry: dict) -> None:
        kind = entry["type"]
        _req, _opt, allowed, flow, one = TYPES[kind]
        links = entry.get("parents", [])
        parents = [self._parent(index, link["leaf"]) for link in links]
        if kind in ROOTS and links:
            raise LeafError(f"a {kind} has no parents")
        if kind not in ROOTS and not links:
            raise LeafError("every event but a gift or a fulfilled wish points at an earlier leaf")
        if one and len(links) != 1:
            raise LeafError(f"a {kind} points at exactly one earlier leaf")
        ok_types = CORRECTABLE if kind == "correction" else allowed
        for link, parent in zip(links, parents, strict=True):
            if parent.kind not in ok_types:
                raise LeafError(f"a {kind} cannot refer to leaf {link['leaf']} ({parent.kind})")
            if parent.void:
                raise LeafError(f"leaf {link['leaf']} was voided by a correction")
        if kind == "correction":
            self._correct(entry, links[0]["leaf"], parents[0])
            self.held[index] = Held(kind)
            return
        held = Held(kind, entry.get("item", ""), cents(entry["amount"]) if flow else 0,
                    milli(entry["quantity"]) if "quantity" in entry else 0)
        if flow and not held.item and held.amount <= 0:
            raise LeafError("a money event needs an amount greater than zero")
        if flow and links:
            self._draw(held, links, parents)
        self.held[index] = held

    def _parent(self, index: int, leaf: int) -> Held:
        if leaf >= index or leaf not in self.held:
            raise LeafError(f"parent {leaf} does not come before leaf {index}")
        return self.held[leaf]

    def _draw(self, held: Held, links: list[dict], parents: list[Held]) -> None:
        goods = {bool(p.item) for p in parents}
        if len(goods) > 1:
            raise LeafError("draws from money and goods at once")
        total = total_qty = 0
        for link, parent in zip(links, parents, strict=True):
            if parent.item and parent.item != held.item:
                raise LeafError(f"leaf {link['leaf']} holds {parent.item}, not {held.item or 'money'}")
            if "amount" not in link or (parent.item and "quantity" not in link):
                raise LeafError(f"how much is drawn from leaf {link['leaf']} is not stated")
            take, qty = cents(link["amount"]), milli(link["quantity"]) if parent.item else 0
            if parent.drawn + take > parent.amount or parent.drawn_qty + qty > parent.quantity:
                raise LeafError(f"leaf {link['leaf']} is overspent: {(parent.amount - parent.drawn) / 100:.2f} left, "
                                f"{take / 100:.2f} drawn")
            held.draws[link["leaf"]] = (take, qty if parent.item else -1)
            total, total_qty = total + take, total_qty + qty
        if total != held.amount or (True in goods and total_qty != held.quantity):
            raise LeafError("the draws from the parents do not add up to the amount")
        for link, parent in zip(links, parents, strict=True):
            take, qty = held.draws[link["leaf"]]
            parent.drawn, parent.drawn_qty = parent.drawn + take, parent.drawn_qty + max(qty, 0)

    def _correct(self, entry: dict, target_index: int, target: Held) -> None:
        if TYPES[target.kind][3] is False:
            if "amount" in entry or "quantity" in entry or "redraws" in entry:
                raise LeafError(f"leaf {target_index} carries no amount: a correction can only void it")
            target.void = True
            return
        if "amount" not in entry or bool(target.item) != ("quantity" in entry):
            raise LeafError("a correction states the corrected amount (and quantity for goods)")
        amount, qty = cents(entry["amount"]), milli(entry["quantity"]) if "quantity" in entry else 0
        if amount < target.drawn or qty < target.drawn_qty:
            raise LeafError(f"leaf {target_index} is corrected below what later leaves already drew from it")
        redraws = {r["leaf"]: r for r in entry.get("redraws", [])}
        if set(redraws) != set(target.draws):
            raise LeafError(f"the correction must restate the draw from each parent of leaf {target_index}")
        new = {}
        for leaf, (old_take, old_qty) in target.draws.items():
            parent, r = self.held[leaf], redraws[leaf]
            take = cents(r.get("amount", "0.00"))
            q = milli(r["quantity"]) if old_qty >= 0 and "quantity" in r else 0
            over_qty = parent.drawn_qty - max(old_qty, 0) + q > parent.quantity
            if parent.drawn - old_take + take > parent.amount or over_qty:
                raise LeafError(f"the corrected draw overspends leaf {leaf}")
            new[leaf] = (take, q if old_qty >= 0 else -1)
        if new and (sum(t for t, _ in new.values()) != amount
                    or (target.item and sum(max(q, 0) for _, q in new.values()) != qty)):
            raise LeafError("the restated draws do not add up to the corrected amount")
        for leaf, (take, q) in new.items():
            old_take, old_qty = target.draws[leaf]
            parent = self.held[leaf]
            parent.drawn += take - old_take
            parent.drawn_qty += max(q, 0) - max(old_qty, 0)
        target.amount, target.quantity, target.draws = amount, qty, new
        target.void = amount == 0 and qty == 0
