"""The checks: a checkpoint against the pinned keys and the saved history, a full audit of every leaf,
and a receipt."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from boai_verifier import rfc9162, rules
from boai_verifier.note import Checkpoint, NoteError, open_checkpoint
from boai_verifier.receipt import role_in
from boai_verifier.state import State


@dataclass
class Report:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    bad_leaf: int | None = None

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)

    def note(self, message: str) -> None:
        self.notes.append(message)


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def fetch_checkpoint(source, keys, state: State, report: Report) -> Checkpoint | None:
    """The source's checkpoint, signed by a pinned key and for the log the state knows."""
    try:
        checkpoint = open_checkpoint(source.checkpoint(), keys)
    except NoteError as exc:
        report.fail(f"checkpoint rejected: {exc}")
        return None
    if state.origin and checkpoint.origin != state.origin:
        report.fail(f"checkpoint is for log {checkpoint.origin!r}, not {state.origin!r}")
        return None
    report.checkpoint = checkpoint
    report.note(f"{checkpoint} signed by {', '.join(checkpoint.signed_by)}")
    return checkpoint


def check_against_saved(hasher, source, checkpoint: Checkpoint, state: State, report: Report,
                        prefix_roots: dict[int, bytes] | None = None) -> None:
    """The new checkpoint must extend every checkpoint seen before (by proof, or by the leaves)."""
    for saved in state.checkpoints:
        size, root = saved["size"], base64.b64decode(saved["root"])
        label = f"saved checkpoint of size {size} (seen {saved['seen_at']} from {saved['source']})"
        if size == checkpoint.size:
            if root != checkpoint.root:
                state.record_evidence("split view", [saved["note"], checkpoint.note], str(source),
                                      f"two signed checkpoints of size {size} with different roots")
                report.fail(f"split view: the {label} and the current {checkpoint} have the same size but different "
                            "roots; both are kept in the state file as evidence")
            continue
        first, second, first_root, second_root = (size, checkpoint.size, root, checkpoint.root) if \
            size < checkpoint.size else (checkpoint.size, size, checkpoint.root, root)
        if prefix_roots is not None and size in prefix_roots:
            consistent = prefix_roots[size] == root
        elif source.consistency is None:
            continue  # a dump without the leaves of that size: nothing to compare
        else:
            try:
                consistent = rfc9162.verify_consistency(hasher, first, second, first_root, second_root,
                                                        source.consistency(first, second))
            except Exception as exc:  # noqa: BLE001 - any failure to prove consistency is a failure
                report.fail(f"no consistency proof between the {label} and the current checkpoint: {exc}")
                continue
        if not consistent:
            state.record_evidence("inconsistent", [saved["note"], checkpoint.note], str(source),
                                  f"checkpoints of size {first} and {second} are inconsistent")
            report.fail(f"history rewritten: the current {checkpoint} is inconsistent with the {label}")
        elif size > checkpoint.size:
            report.note(f"the source serves an older checkpoint than the {label} (consistent with it)")


def audit(source, keys, state: State, hasher_name: str) -> Report:
    """Download every leaf the checkpoint covers, recompute the root, check the leaves and the flows."""
    report = Report()
    hasher = rfc9162.Hasher(hasher_name)
    checkpoint = fetch_checkpoint(source, keys, state, report)
    if checkpoint is None:
        return report
    saved_sizes = {c["size"] for c in state.checkpoints}
    edge, flows, prefix_roots, expected = rfc9162.Edge(hasher), rules.Flows(), {}, 0
    leaf_hashes, known = bytearray(), state.leaf_hashes()
    known_count = len(known) // hasher.size
    if 0 in saved_sizes:
        prefix_roots[0] = hasher.empty
    for index, data in source.leaves(checkpoint.size):
        if index != expected:
            report.fail(f"leaf {expected} is missing (the source skips from {expected - 1} to {index})")
            report.bad_leaf = expected if report.bad_leaf is None else report.bad_leaf
            break
        try:
            flows.apply(index, rules.parse(data))
        except rules.LeafError as exc:
            report.fail(f"leaf {index}: {exc}")
            report.bad_leaf = index if report.bad_leaf is None else report.bad_leaf
        h = hasher.leaf(data)
        if index < known_count and known[index * hasher.size:(index + 1) * hasher.size] != h:
            report.fail(f"leaf {index} changed since the last audit: it no longer has the hash it had then")
            report.bad_leaf = index if report.bad_leaf is None else report.bad_leaf
            known_count = 0  # name the first one only
        leaf_hashes += h
        edge.add(h)
        expected += 1
        if expected in saved_sizes:
            prefix_roots[expected] = edge.root()
    if expected < checkpoint.size and report.ok:
        report.fail(f"leaf {expected} is missing: the checkpoint covers {checkpoint.size} leaves, the source served "
                    f"{expected}")
        report.bad_leaf = expected
    check_against_saved(hasher, source, checkpoint, state, report, prefix_roots)
    if expected == checkpoint.size and edge.root() != checkpoint.root:
        _locate(hasher, source, checkpoint, bytes(leaf_hashes), report)
    report.note(f"{expected} leaves checked; root {_b64(edge.root())}")
    if report.ok:
        state.save_leaf_hashes(bytes(leaf_hashes))
    return report


def _locate(hasher, source, checkpoint: Checkpoint, leaf_hashes: bytes, report: Report) -> None:
    """The leaves do not give the signed root: find the first leaf that differs from what was signed.

    Binary search on prefixes: the prefix of m leaves is still as signed if the source's consistency
    proof from m to the checkpoint verifies against the prefix's root and the signed root.
    """
    message = f"the {checkpoint.size} leaves served do not give the signed root {checkpoint.root_b64}"
    levels = rfc9162.Levels(hasher, leaf_hashes)
    if source.consistency is None:
        report.fail(message)
        return

    def intact(m: int) -> bool:
        try:
            proof = source.consistency(m, checkpoint.size)
        except Exception:  # noqa: BLE001 - a missing proof means "cannot show it is intact"
            return False
        return rfc9162.verify_consistency(hasher, m, checkpoint.size, levels.prefix_root(m), checkpoint.root, proof)

    lo, hi = 0, checkpoint.size  # prefix lo is intact (the empty one trivially); prefix hi is not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if intact(mid) else (lo, mid)
    bad = hi - 1
    neighbour = bad - 1 if bad > 0 else bad + 1
    if neighbour < checkpoint.size and not _inclusion_ok(hasher, source, checkpoint, levels, neighbour):
        report.fail(message + "; the source's own proofs do not match its signed checkpoint either: its history "
                              "was rewritten after signing")
        return
    report.bad_leaf = bad if report.bad_leaf is None else min(report.bad_leaf, bad)
    report.fail(message + f"; leaf {bad} is the first that differs from what the checkpoint signed")


def _inclusion_ok(hasher, source, checkpoint, levels, index: int) -> bool:
    try:
        path = source.inclusion(index, checkpoint.size)
    except Exception:  # noqa: BLE001
        return False
    leaf = levels.levels[0][index * hasher.size:(index + 1) * hasher.size]
    return rfc9162.verify_inclusion(hasher, index, checkpoint.size, leaf, path, checkpoint.root)


def check_receipt(source, keys, state: State, hasher_name: str, index: int, opening: str) -> Report:
    """The receipt's leaf is in the signed log and its commitment opens with the receipt's code."""
    report = Report()
    hasher = rfc9162.Hasher(hasher_name)
    checkpoint = fetch_checkpoint(source, keys, state, report)
    if checkpoint is None:
        return report
    check_against_saved(hasher, source, checkpoint, state, report)
    if source.inclusion is None:
        return _receipt_from_dump(hasher, source, checkpoint, index, opening, report)
    try:
        body = source.receipt(index, opening)
    except Exception as exc:  # noqa: BLE001
        report.fail(f"the source does not show leaf {index} for this receipt: {exc}")
        return report
    data = body["leaf"].encode("utf-8")
    try:
        entry = rules.parse(data)
    except rules.LeafError as exc:
        report.fail(f"leaf {index}: {exc}")
        return report
    role = role_in(entry, opening)
    if role is None:
        report.fail(f"the receipt's code does not open the commitment in leaf {index}")
        return report
    if index >= checkpoint.size:
        report.fail(f"leaf {index} is not yet covered by the signed checkpoint (size {checkpoint.size}); try later")
        return report
    path = source.inclusion(index, checkpoint.size)
    if not rfc9162.verify_inclusion(hasher, index, checkpoint.size, hasher.leaf(data), path, checkpoint.root):
        report.fail(f"leaf {index} is not in the signed log: its inclusion proof does not verify")
        return report
    report.note(f"leaf {index} ({entry['type']}, {entry.get('amount', '')}) is in the signed log; you are its {role}")
    for child in body.get("children", []):
        report.note(f"  later leaf {child['index']}: {child['type']} {child.get('amount') or ''}".rstrip())
    return report


def _receipt_from_dump(hasher, source, checkpoint, index: int, opening: str, report: Report) -> Report:
    edge, found, children = rfc9162.Edge(hasher), None, []
    for i, data in source.leaves(checkpoint.size):
        edge.add(hasher.leaf(data))
        if i == index:
            found = rules.parse(data)
        elif i > index and f'"leaf":{index}'.encode() in data:
            entry = rules.parse(data)
            if any(p["leaf"] == index for p in entry.get("parents", [])):
                children.append((i, entry))
    if edge.root() != checkpoint.root or found is None:
        report.fail(f"leaf {index} is not in the signed log (the dump does not give the signed root)")
        return report
    role = role_in(found, opening)
    if role is None:
        report.fail(f"the receipt's code does not open the commitment in leaf {index}")
        return report
    report.note(f"leaf {index} ({found['type']}, {found.get('amount', '')}) is in the signed log; you are its {role}")
    for i, entry in children:
        report.note(f"  later leaf {i}: {entry['type']} {entry.get('amount', '')}".rstrip())
    return report
