"""`boai ledger verify`: the whole log audited inside the server, with the application's own code.

One pass over every leaf in index order:
- no index is missing, every leaf is a well-formed canonical event, its stored hash is its hash;
- the stored subtree hashes are the ones the leaves give;
- every signed checkpoint's root is the root of the leaves it covers (so consecutive checkpoints are
  consistent), and its signatures verify;
- the flow rules hold when every event is replayed in order.

The stand-alone `boai-verify` checks the same things from the outside, with its own code.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from boai.ledger import events, flow, merkle, params
from boai.ledger.models import NODE_MIN_LEVEL, Checkpoint, Leaf, Node, node_key
from boai.ledger.note import NoteError, open_note, parse_checkpoint, parse_vkey

CHUNK = 4096


@dataclass(frozen=True)
class Finding:
    subject: str  # "leaf 12", "checkpoint #3", "subtree 4/0"
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@dataclass
class LogAudit:
    size: int = 0
    leaves: int = 0
    checkpoints: int = 0
    root: bytes = b""
    findings: list[Finding] = field(default_factory=list)
    limit: int = 50

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, subject: str, message: str) -> None:
        if len(self.findings) < self.limit:
            self.findings.append(Finding(subject, message))


def _leaves() -> Iterator[tuple[int, str, bytes]]:
    rows = Leaf.objects.order_by("index").with_text().values_list("index", "leaf_text", "hash")
    for index, data, stored in rows.iterator(chunk_size=CHUNK):
        yield index, data, bytes(stored)


class _Replay:
    """Flow rules replayed over leaves (keys are leaf indices)."""

    def __init__(self, audit: LogAudit):
        self.audit, self.states = audit, {}

    def apply(self, index: int, entry: dict) -> None:
        links = [self._link(p) for p in entry.get("parents", [])]
        redraws = [self._link(p) for p in entry.get("redraws", [])]
        fields = {k: v for k, v in entry.items() if k not in events.ENVELOPE}
        try:
            if any(link.key >= index for link in links):
                raise ValidationError("a parent does not come before the leaf")
            self.states[index] = flow.apply(entry["type"], fields, links, redraws, self.states.get)
        except ValidationError as exc:
            self.audit.add(f"leaf {index}", "flow rule broken: " + "; ".join(exc.messages))
            self.states[index] = flow.FlowState(entry["type"], voided=True)

    @staticmethod
    def _link(p: dict) -> flow.Link:
        quantity = p.get("quantity")
        return flow.Link(key=p["leaf"], amount=Decimal(p["amount"]) if "amount" in p else None,
                         quantity=Decimal(quantity) if quantity is not None else None, label=f"leaf {p['leaf']}")


def ledger_verify(*, limit: int = 50) -> LogAudit:
    """Audit the stored log; `findings` names the first problems (leaf, subtree or checkpoint)."""
    hasher = params.hasher()
    audit = LogAudit(limit=limit)
    checkpoints = list(Checkpoint.objects.order_by("id"))
    audit.checkpoints = len(checkpoints)
    _check_signatures(audit, checkpoints)
    by_size: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        by_size.setdefault(cp.size, []).append(cp)
    edge, replay, expected, computed = merkle.CompactRange(hasher), _Replay(audit), 0, {}
    _check_roots_at(audit, by_size, 0, hasher.empty_root)
    for index, data, stored in _leaves():
        if index != expected:
            audit.add(f"leaf {expected}", f"missing: the next stored leaf is {index} (leaves were removed)")
            expected = index
        leaf_hash = hasher.leaf(data.encode())
        if leaf_hash != stored:
            audit.add(f"leaf {index}", "its content does not match its hash: it was changed after it was logged")
        _check_entry(audit, replay, index, data)
        for level, pos, h in edge.append(leaf_hash):
            if level >= NODE_MIN_LEVEL:
                computed[node_key(level, pos)] = (level, pos, h)
        expected += 1
        if expected % CHUNK == 0:
            _check_nodes(audit, computed)
        _check_roots_at(audit, by_size, edge.size, edge.root() if edge.size in by_size else b"")
    _check_nodes(audit, computed)
    audit.size, audit.leaves, audit.root = edge.size, edge.size, edge.root()
    for size, cps in sorted(by_size.items()):
        if size > edge.size:
            for cp in cps:
                audit.add(f"checkpoint #{cp.pk}", f"covers {size} leaves but the log holds only {edge.size}: "
                                                  "leaves were removed")
    return audit


def _check_entry(audit: LogAudit, replay: _Replay, index: int, data: str) -> None:
    try:
        entry = events.parse_entry(data)
    except events.EntryFormatError as exc:
        audit.add(f"leaf {index}", f"not a well-formed event: {exc}")
        return
    replay.apply(index, entry)


def _check_nodes(audit: LogAudit, computed: dict[int, tuple[int, int, bytes]]) -> None:
    if not computed:
        return
    stored = dict(Node.objects.filter(key__in=list(computed)).values_list("key", "hash"))
    for key, (level, pos, h) in sorted(computed.items()):
        first, last = pos << level, ((pos + 1) << level) - 1
        if key not in stored:
            audit.add(f"subtree {level}/{pos}", f"hash of leaves {first}–{last} is missing from the store")
        elif bytes(stored[key]) != h:
            audit.add(f"subtree {level}/{pos}", f"stored hash of leaves {first}–{last} differs from the leaves")
    computed.clear()


def _check_roots_at(audit: LogAudit, by_size: dict[int, list[Checkpoint]], size: int, root: bytes) -> None:
    for cp in by_size.get(size, []):
        if bytes(cp.root) != root:
            audit.add(f"checkpoint #{cp.pk}", _mismatch(cp, by_size))


def _mismatch(cp: Checkpoint, by_size: dict[int, list[Checkpoint]]) -> str:
    others = sorted((c for cps in by_size.values() for c in cps if c.pk != cp.pk), key=lambda c: c.pk)
    message = (f"signed {cp.created_at:%Y-%m-%d %H:%M} for {cp.size} leaves with root "
               f"{base64.b64encode(bytes(cp.root)).decode()}, but those leaves now give another root: "
               "the history it signed was changed")
    later = [c for c in others if c.pk > cp.pk]
    if later:
        message += f"; checkpoint #{later[-1].pk} (size {later[-1].size}) is inconsistent with it"
    return message


def _check_signatures(audit: LogAudit, checkpoints: list[Checkpoint]) -> None:
    current = {s.verifier.vkey for s in params.signers()}
    for cp in checkpoints:
        subject = f"checkpoint #{cp.pk}"
        try:
            keys = [parse_vkey(k) for k in cp.signed_by.split(",") if k]
            text, _signers = open_note(cp.note, keys)
            origin, size, root = parse_checkpoint(text)
        except NoteError as exc:
            audit.add(subject, f"signature or format invalid: {exc}")
            continue
        if (origin, size, root) != (cp.origin, cp.size, bytes(cp.root)):
            audit.add(subject, "the signed note does not say what the checkpoint row says")
    if checkpoints and not {k for k in checkpoints[-1].signed_by.split(",") if k} & current:
        audit.add(f"checkpoint #{checkpoints[-1].pk}", "not signed by any of the keys configured now")
