"""Reading the log: checkpoints, leaves, proofs, children, receipts and the flow picture."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.ledger import commitments, events, params, store
from boai.ledger.models import Checkpoint, Draw, EntryState, Leaf

LATEST_CACHE_KEY = "ledger:latest-checkpoint"
LATEST_CACHE_SECONDS = 5
MAX_FLOW_ENTRIES = 20_000


_CHECKPOINT_FIELDS = ("id", "created_at", "origin", "hash_name", "size", "root", "note", "signed_by")


def latest_checkpoint() -> Checkpoint | None:
    """The newest signed checkpoint (cached a few seconds, as plain values: every proof request reads it)."""
    found = cache.get(LATEST_CACHE_KEY)
    if found is None:
        row = Checkpoint.objects.order_by("-id").values_list(*_CHECKPOINT_FIELDS).first()
        found = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) if row else ()
        cache.set(LATEST_CACHE_KEY, found, LATEST_CACHE_SECONDS)
    return Checkpoint(**dict(zip(_CHECKPOINT_FIELDS, found, strict=True))) if found else None


def forget_latest_checkpoint() -> None:
    cache.delete(LATEST_CACHE_KEY)


def checkpoint_at(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size=size).order_by("-id").first()


def leaf_for_entry(entry_id: int) -> Leaf | None:
    """The leaf an appended entry became (None while it is still pending)."""
    return Leaf.objects.filter(entry_id=entry_id).first()


def leaf_lines(start: int, count: int) -> list[tuple[int, str]]:
    return list(Leaf.objects.filter(index__gte=start, index__lt=start + count).with_text().order_by("index")
                .values_list("index", "leaf_text"))


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    path: list[bytes]


def inclusion(index: int, size: int) -> InclusionProof:
    leaf_hash, path = store.inclusion_proof(params.hasher(), index, size)
    return InclusionProof(index, size, leaf_hash, path)


def consistency(first: int, second: int) -> list[bytes]:
    return store.consistency_proof(params.hasher(), first, second)


def children(index: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Every later leaf that draws from, acknowledges or corrects leaf `index`."""
    leaf = Leaf.objects.filter(index=index).values_list("entry_id", flat=True).first()
    if leaf is None:
        return []
    rows = list(Draw.objects.filter(parent_id=leaf, kind__in=["draw", "link"])
                .values_list("child_id", "kind", "amount", "quantity").order_by("child_id")[: limit * 2])
    leaves = dict(Leaf.objects.filter(entry_id__in=[r[0] for r in rows]).values_list("entry_id", "index"))
    types = dict(Leaf.objects.filter(entry_id__in=leaves).values_list("entry_id", "event_type"))
    out = []
    for child, kind, amount, quantity in rows:
        if child in leaves:
            out.append({"index": leaves[child], "type": types[child], "kind": kind,
                        "amount": events.amount_text(amount) if kind == "draw" else None,
                        "quantity": events.quantity_text(quantity) if quantity is not None else None})
    return out[:limit]


@dataclass(frozen=True)
class Receipt:
    leaf: Leaf
    entry: dict[str, Any]
    role: str  # "donor" or "recipient"


def open_receipt(index: int, token: str) -> Receipt | None:
    """The leaf a receipt names, if its opening matches the leaf's donor or recipient commitment."""
    leaf = Leaf.objects.with_text().filter(index=index).first()
    if leaf is None:
        return None
    entry = leaf.event
    for role in ("donor", "recipient"):
        if entry.get(role) and commitments.opens(token, entry[role]):
            return Receipt(leaf, entry, role)
    return None


# --- the flow picture --------------------------------------------------------------------------------

STAGES = {
    "source": gettext_lazy("Donors"), "fund": gettext_lazy("Fund"), "project": gettext_lazy("Project"),
    "payment": gettext_lazy("Payment"), "stock": gettext_lazy("Warehouse"), "issue": gettext_lazy("Goods issued"),
    "relief": gettext_lazy("Relief"),
}


def node_name(stage: str, label: str) -> str:
    shown = {"source": events.DONOR_KINDS, "relief": events.RELIEF_TYPES, "payment": events.PAYEE_KINDS}
    text = str(shown.get(stage, {}).get(label, label)) or _("General")
    return f"{STAGES.get(stage, stage)} · {text}"


@dataclass
class Flow:
    """Sankey data: nodes and links, each link backed by the leaves that moved the money."""

    nodes: list[dict[str, Any]]
    links: list[dict[str, Any]]
    dropped: int = 0  # links left out because they would draw a loop (re-allocations back and forth)


def cached_flows(*, root: int | None = None, fund: str | None = None) -> Flow:
    """The flow picture, recomputed only when the log grew (it aggregates every draw)."""
    key = "ledger:flows:" + hashlib.sha256(f"{store.tree_size()}|{root}|{fund}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = flows(root=root, fund=fund)
        cache.set(key, found, 600)
    return found


def _integrated_entries():
    return Leaf.objects.values("entry_id")


def flows(*, root: int | None = None, fund: str | None = None) -> Flow:
    """Money and goods value from donors to relief: everything, one leaf's descendants, or one fund's."""
    if root is None and not fund:
        return _flow_everything()
    if root is not None:
        start = list(Leaf.objects.filter(index=root).values_list("entry_id", flat=True))
    else:
        start = list(EntryState.objects.filter(stage="fund", label=fund, entry_id__in=_integrated_entries())
                     .values_list("entry_id", flat=True)[:MAX_FLOW_ENTRIES])
    return _flow_from(start)


def _flow_everything() -> Flow:
    links: dict[tuple, list] = {}
    gifts = (EntryState.objects.filter(event_type=events.GIFT, entry_id__in=_integrated_entries())
             .values("source", "label").annotate(value=Sum("amount"), n=Count("entry_id"), first=Min("entry_id")))
    for g in gifts:
        links[(("source", g["source"]), ("fund", g["label"]))] = [g["value"] or Decimal(0), g["n"], g["first"]]
    draws = (Draw.objects.filter(kind__in=["draw", "delta"], source_entry__in=_integrated_entries())
             .values("parent__stage", "parent__label", "child__stage", "child__label")
             .annotate(value=Sum("amount"), n=Count("source_entry", distinct=True), first=Min("source_entry")))
    for d in draws:
        key = ((d["parent__stage"], d["parent__label"]), (d["child__stage"], d["child__label"]))
        acc = links.setdefault(key, [Decimal(0), 0, d["first"]])
        acc[0] += d["value"] or 0
        acc[1] += d["n"]
        acc[2] = min(acc[2], d["first"])
    return _sankey(links)


def _flow_from(start: list[int]) -> Flow:
    """Descendants of the start entries; each link's value is the share that came from the start."""
    share: dict[int, Decimal] = {e: Decimal(1) for e in start}
    amounts = dict(EntryState.objects.filter(entry_id__in=start).values_list("entry_id", "amount"))
    nodes = {s.entry_id: s for s in EntryState.objects.filter(entry_id__in=start)}
    edges: dict[tuple[int, int], list] = {}
    frontier = list(start)
    while frontier and len(nodes) < MAX_FLOW_ENTRIES:
        rows = (Draw.objects.filter(parent_id__in=frontier, kind__in=["draw", "delta"],
                                    source_entry__in=_integrated_entries())
                .values("parent_id", "child_id").annotate(value=Sum("amount"), first=Min("source_entry")))
        frontier = []
        for r in rows:
            edges[(r["parent_id"], r["child_id"])] = [r["value"] or Decimal(0), r["first"]]
            if r["child_id"] not in nodes:
                frontier.append(r["child_id"])
        for s in EntryState.objects.filter(entry_id__in=frontier):
            nodes[s.entry_id] = s
            amounts[s.entry_id] = s.amount
    for (parent, child), (value, _first) in sorted(edges.items(), key=lambda kv: kv[0][1]):
        if amounts.get(child):
            share[child] = share.get(child, Decimal(0)) + share.get(parent, Decimal(0)) * value / amounts[child]
    links: dict[tuple, list] = {}
    for entry in start:
        s = nodes.get(entry)
        if s is not None and s.event_type == events.GIFT:
            links[(("source", s.source), ("fund", s.label))] = [s.amount or Decimal(0), 1, entry]
    for (parent, child), (value, first) in edges.items():
        key = ((nodes[parent].stage, nodes[parent].label), (nodes[child].stage, nodes[child].label))
        acc = links.setdefault(key, [Decimal(0), 0, first])
        acc[0] += share.get(parent, Decimal(0)) * value
        acc[1] += 1
        acc[2] = min(acc[2], first)
    return _sankey(links)


def _sankey(links: dict[tuple, list]) -> Flow:
    first_leaf = dict(Leaf.objects.filter(entry_id__in=[v[2] for v in links.values()])
                      .values_list("entry_id", "index"))
    out, graph, dropped, names = [], defaultdict(set), 0, {}
    for (src, dst), (value, count, first) in sorted(links.items(), key=lambda kv: -kv[1][0]):
        if src == dst or value <= 0:
            dropped += src == dst
            continue
        a, b = node_name(*src), node_name(*dst)
        if a == b or _reaches(graph, b, a):
            dropped += 1
            continue
        graph[a].add(b)
        names[a], names[b] = src[0], dst[0]
        out.append({"source": a, "target": b, "value": float(round(value, 2)), "leaves": count,
                    "example": first_leaf.get(first)})
    nodes = [{"name": name, "stage": stage} for name, stage in names.items()]
    return Flow(nodes=nodes, links=out, dropped=dropped)


def _reaches(graph: dict[str, set], start: str, goal: str) -> bool:
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return False


def funds() -> list[str]:
    return list(EntryState.objects.filter(stage="fund").exclude(label="").values_list("label", flat=True)
                .distinct().order_by("label")[:200])


def log_counts() -> dict[str, int]:
    from boai.ledger.models import PendingEntry

    return {"size": store.tree_size(), "pending": PendingEntry.objects.count(),
            "checkpoints": Checkpoint.objects.count()}
