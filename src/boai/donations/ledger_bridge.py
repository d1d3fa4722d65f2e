"""The one place where donations talks to the transparency log (`boai.ledger`).

Appends run inside the caller's business transaction (`ledger_append` queues a pending entry that
commits or rolls back with it); the log's integrator gives each entry its leaf index after commit.
Business rows keep the entry number (`ledger_entry`) and find their leaf through it. Donors appear
on the log only as commitments; the certificate carries the opening.

``BOAI_DONATIONS_LEDGER=false`` turns appends off (benchmarks measure the cost of the log with it);
it is on by default and must stay on in production.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from boai.donations.money import yuan_text
from boai.ledger import commitments
from boai.ledger import events as ledger_events
from boai.ledger.models import Leaf, PendingEntry
from boai.ledger.services import From, ledger_append

GIFT = ledger_events.GIFT
ALLOCATION = ledger_events.ALLOCATION
DISBURSEMENT = ledger_events.DISBURSEMENT
GOODS_RECEIVED = ledger_events.GOODS_RECEIVED
GOODS_ISSUED = ledger_events.GOODS_ISSUED
ACKNOWLEDGEMENT = ledger_events.ACKNOWLEDGEMENT
MAX_PARENTS = ledger_events.MAX_PARENTS


def enabled() -> bool:
    return getattr(settings, "BOAI_DONATIONS_LEDGER", True)


def append(*, event_type: str, payload: dict[str, Any], parents: Sequence[tuple[int, Decimal | None]] = (),
           actor: Any = None, audit: bool = True) -> int | None:
    """Queue one event; `parents` are (entry number, amount drawn or None). Returns the entry number.
    `audit=False` when the caller's audit record of the same write names the entry (`ledger_append`)."""
    if not enabled() or any(entry is None for entry, _amount in parents):
        return None  # the log is off, or the sources are not on it (data loaded from before the log)
    links = [From(PendingEntry(pk=entry), amount=None if amount is None else yuan_text(amount))
             for entry, amount in parents]
    clean = {k: v for k, v in payload.items() if v not in (None, "", [])}
    return ledger_append(event_type=event_type, payload=clean, parents=links, actor=actor, audit=audit).pk


@dataclass(frozen=True)
class Commitment:
    commitment: str
    opening: str  # printed on the certificate: lets anyone recompute the commitment and find the leaf


def commit(party_id: str) -> Commitment:
    opening = commitments.commit(party_id)
    return Commitment(opening.commitment, opening.token)


def opens(opening: str, commitment: str) -> bool:
    return commitments.opens(opening, commitment)


@dataclass(frozen=True)
class LeafView:
    index: int
    entry_id: int
    event_type: str
    data: dict[str, Any]

    @property
    def amount(self) -> Decimal | None:
        return Decimal(self.data["amount"]) if "amount" in self.data else None

    def drawn_from(self, parent_index: int) -> Decimal | None:
        """What this leaf says it drew from `parent_index` (its own amount when it names one parent)."""
        for link in self.data.get("parents", []):
            if link.get("leaf") == parent_index:
                return Decimal(link["amount"]) if "amount" in link else self.amount
        return None


def leaves(entry_ids: Iterable[int | None]) -> dict[int, LeafView]:
    """The integrated leaves of these entries (pending ones are absent), read from the log."""
    ids = [e for e in set(entry_ids) if e is not None]
    if not ids:
        return {}
    rows = Leaf.objects.with_text().filter(entry_id__in=ids).values_list("entry_id", "index", "event_type",
                                                                        "leaf_text")
    return {entry: LeafView(index, entry, etype, json.loads(data)) for entry, index, etype, data in rows}


def leaf_index(entry_id: int | None) -> int | None:
    if entry_id is None:
        return None
    return Leaf.objects.filter(entry_id=entry_id).values_list("index", flat=True).first()
