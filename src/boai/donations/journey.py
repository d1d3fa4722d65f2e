"""A gift's journey: received → fund → allocations → what the money paid for → acknowledgements.

Money is traced pro rata through pools: whatever leaves a lot is attributed to the lot's sources
in proportion to what each put in. The structure (which lot fed which pool, allocation or payment)
comes from the donations tables; the numbers come from the transparency log's leaves whenever the
movements are integrated (each child leaf states what it drew from its parent leaf, each parent
leaf its amount), so the journey a donor reads is the one anyone can recompute from the public log.
Entries not yet integrated fall back to the database and are marked as pending.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from boai.donations import ledger_bridge
from boai.donations.models import Acknowledgement, Allocation, AllocationDraw, Gift, Lot, Spending, SpendingDraw

CENT = Decimal("0.01")
NEGLIGIBLE = Decimal("0.005")  # below half a fen the trail is not followed further
MAX_LEVELS = 80
MAX_LOTS = 2000


@dataclass
class Hop:
    kind: str  # allocation, spending
    obj: object
    amount: Decimal  # the gift's share
    leaf: int | None
    from_log: bool
    acknowledgements: list = field(default_factory=list)
    delivery: dict | None = None  # a relief delivery this payment made (masked), when relief recorded one


@dataclass
class Journey:
    gift: Gift
    leaf: int | None
    allocations: list[Hop]
    spendings: list[Hop]
    holding: list[tuple[str, Decimal]]  # where the rest of the gift is now (fund or project, amount)
    pooled_with: int  # how many other lots were pooled with this gift's money
    truncated: bool = False

    @property
    def spent(self) -> Decimal:
        return sum((h.amount for h in self.spendings), Decimal(0))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class _Tracer:
    """Follows the gift's money from lot to lot, in creation order (a lot's sources are always older
    than the lot), so each lot's share of the gift is complete before it is passed on."""

    def __init__(self, gift: Gift):
        self.gift = gift
        self.share: dict[int, Decimal] = {}  # lot id → the gift's money that went into the lot
        self.lots: dict[int, Lot] = {}  # lots passed on (their share is final)
        self.pending: dict[int, Lot] = {}
        self.children: dict[int, list[tuple[str, object, Decimal]]] = {}
        self.allocations: dict[int, Decimal] = defaultdict(Decimal)
        self.spendings: dict[int, Decimal] = defaultdict(Decimal)
        self.leaves: dict[int, ledger_bridge.LeafView] = {}
        self.pooled = 0
        self.truncated = False

    def amount_of(self, lot: Lot) -> Decimal:
        leaf = self.leaves.get(lot.ledger_entry)
        return leaf.amount if leaf is not None and leaf.amount else lot.amount

    def drawn(self, child_entry: int | None, parent: Lot, db_amount: Decimal) -> Decimal:
        child, mother = self.leaves.get(child_entry), self.leaves.get(parent.ledger_entry)
        if child is not None and mother is not None:
            stated = child.drawn_from(mother.index)
            if stated is not None:
                return stated
        return db_amount

    def run(self) -> None:
        start = Lot.objects.filter(gift=self.gift).first()
        if start is None:
            return
        self.share[start.pk] = self.gift.amount
        self.pending[start.pk] = start
        for _round in range(MAX_LEVELS):
            if not self.pending:
                return
            self.discover([lot for pk, lot in self.pending.items() if pk not in self.children])
            for lot in self.ready():
                del self.pending[lot.pk]
                if self.share[lot.pk] >= NEGLIGIBLE:
                    self.pass_on(lot)
            if len(self.lots) > MAX_LOTS:
                break
        self.truncated = bool(self.pending)

    def ready(self) -> list[Lot]:
        """Pending lots that nothing pending can still feed: older than every child found so far."""
        found = [target.pk for pk in self.pending for kind, target, _a in self.children[pk] if kind == "lot"]
        limit = min(found, default=None)
        return sorted((lot for pk, lot in self.pending.items() if limit is None or pk < limit),
                      key=lambda lot: lot.pk)

    def discover(self, lots: list[Lot]) -> None:
        """Where the money of these lots went (one batch of queries for all of them)."""
        if not lots:
            return
        ids = [lot.pk for lot in lots]
        pools = {p.pk: p for p in Lot.objects.filter(pk__in={lot.pooled_into_id for lot in lots if lot.pooled_into_id})}
        adraws = list(AllocationDraw.objects.filter(lot__in=ids).select_related("allocation"))
        sdraws = list(SpendingDraw.objects.filter(lot__in=ids).select_related("spending"))
        alloc_lots = {lot.allocation_id: lot for lot in Lot.objects.filter(allocation__in={d.allocation_id
                                                                                          for d in adraws})}
        entries = [lot.ledger_entry for lot in lots] + [p.ledger_entry for p in pools.values()]
        entries += [d.allocation.ledger_entry for d in adraws] + [d.spending.ledger_entry for d in sdraws]
        self.leaves.update(ledger_bridge.leaves(e for e in entries if e not in self.leaves))
        for lot in lots:
            out = []
            if lot.pooled_into_id:
                out.append(("lot", pools[lot.pooled_into_id], lot.pooled_amount))
            for d in (d for d in adraws if d.lot_id == lot.pk):
                out.append(("allocation", d.allocation, d.amount))
                if d.allocation_id in alloc_lots:
                    out.append(("lot", alloc_lots[d.allocation_id], d.amount))
            out.extend(("spending", d.spending, d.amount) for d in sdraws if d.lot_id == lot.pk)
            self.children[lot.pk] = out

    def pass_on(self, lot: Lot) -> None:
        self.lots[lot.pk] = lot
        part = self.share[lot.pk] / self.amount_of(lot)
        for kind, target, db_amount in self.children[lot.pk]:
            if kind == "lot":
                self.pooled += target.source == "pool"
                got = part * self.drawn(target.ledger_entry, lot, db_amount)
                self.share[target.pk] = self.share.get(target.pk, Decimal(0)) + got
                self.pending.setdefault(target.pk, target)
            elif kind == "allocation":
                self.allocations[target.pk] += part * self.drawn(target.ledger_entry, lot, db_amount)
            else:
                self.spendings[target.pk] += part * self.drawn(target.ledger_entry, lot, db_amount)

    def holding(self) -> list[tuple[str, Decimal]]:
        where: dict[int, Decimal] = defaultdict(Decimal)
        for pk, lot in self.lots.items():
            if lot.remaining > 0:
                where[lot.account_id] += self.share[pk] * lot.remaining / self.amount_of(lot)
        from boai.donations.models import Account

        names = {a.pk: str(a) for a in Account.objects.filter(pk__in=where).select_related("fund", "project")}
        return [(names[k], _cents(v)) for k, v in where.items() if _cents(v) > 0]


def relief_deliveries(spending_ids: list[int]) -> dict[int, dict]:
    """The relief deliveries (recipient masked, date, branch, acknowledged) these payments made."""
    from django.apps import apps

    if not spending_ids or not apps.is_installed("boai.relief"):
        return {}
    from boai.relief.selectors.applications import deliveries_for_spendings

    return deliveries_for_spendings(spending_ids)


def gift_journey(gift: Gift) -> Journey:
    tracer = _Tracer(gift)
    tracer.run()
    allocations = Allocation.objects.filter(pk__in=tracer.allocations).select_related("fund", "project")
    spendings = Spending.objects.filter(pk__in=tracer.spendings).select_related("project")
    acks = defaultdict(list)
    for ack in Acknowledgement.objects.filter(spending__in=tracer.spendings).order_by("acknowledged_on"):
        acks[ack.spending_id].append(ack)
    extra = ledger_bridge.leaves([a.ledger_entry for a in allocations] + [s.ledger_entry for s in spendings]
                                 + [a.ledger_entry for group in acks.values() for a in group] + [gift.ledger_entry])
    tracer.leaves.update(extra)

    def hop(kind, obj, amount):
        leaf = tracer.leaves.get(obj.ledger_entry)
        return Hop(kind, obj, _cents(amount), leaf.index if leaf else None, leaf is not None,
                   acknowledgements=[(a, getattr(tracer.leaves.get(a.ledger_entry), "index", None))
                                     for a in acks.get(obj.pk, [])])

    alloc_hops = [hop("allocation", a, tracer.allocations[a.pk]) for a in allocations
                  if _cents(tracer.allocations[a.pk]) > 0]
    spend_hops = [hop("spending", s, tracer.spendings[s.pk]) for s in spendings if _cents(tracer.spendings[s.pk]) > 0]
    deliveries = relief_deliveries([h.obj.pk for h in spend_hops if h.obj.relief_ref])
    for h in spend_hops:
        h.delivery = deliveries.get(h.obj.pk)
    gift_leaf = tracer.leaves.get(gift.ledger_entry)
    return Journey(gift=gift, leaf=gift_leaf.index if gift_leaf else None,
                   allocations=sorted(alloc_hops, key=lambda h: h.obj.created_at),
                   spendings=sorted(spend_hops, key=lambda h: h.obj.paid_at or h.obj.requested_at),
                   holding=tracer.holding(), pooled_with=tracer.pooled, truncated=tracer.truncated)
