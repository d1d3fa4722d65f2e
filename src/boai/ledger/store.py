"""The Merkle tree in the database: reading subtree hashes for proofs, writing leaves in bulk.

Leaf hashes live on the leaves; `Node` keeps every aligned perfect subtree of 2**4 leaves or more.
A proof needs O(log n) perfect subtrees: the large ones are read by key, the small ones (inside a
16-leaf block) are recomputed from that block's leaf hashes. Everything a proof needs comes back
in one query.

Writes (the integrator only) go through PostgreSQL COPY, or executemany on SQLite.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from boai.ledger import merkle
from boai.ledger.merkle import CompactRange, TreeHasher
from boai.ledger.models import NODE_LEVEL_SHIFT, NODE_MIN_LEVEL, Leaf, Node, node_key

BLOCK = 1 << NODE_MIN_LEVEL
LEAF_TABLE, NODE_TABLE = Leaf._meta.db_table, Node._meta.db_table
LEAF_COLUMNS = ("leaf_index", "entry_id", "event_type", "created_at", "data", "hash")


class StoreError(Exception):
    """The stored tree is missing rows a proof or root needs (it was tampered with or damaged)."""


def tree_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(leaf_index) FROM {LEAF_TABLE}")  # noqa: S608 - fixed table name
        top = cursor.fetchone()[0]
    return 0 if top is None else top + 1


def _fetch(leaf_ranges: Iterable[tuple[int, int]], keys: Iterable[int]) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Leaf hashes in the given index ranges and node hashes by key, in one round trip."""
    parts, params = [], []
    for lo, hi in leaf_ranges:
        parts.append(f"SELECT 0, leaf_index, hash FROM {LEAF_TABLE} WHERE leaf_index >= %s AND leaf_index < %s")  # noqa: S608
        params += [lo, hi]
    keys = sorted(set(keys))
    if keys:
        marks = ", ".join(["%s"] * len(keys))
        parts.append(f"SELECT 1, key, hash FROM {NODE_TABLE} WHERE key IN ({marks})")  # noqa: S608
        params += keys
    leaves: dict[int, bytes] = {}
    nodes: dict[int, bytes] = {}
    if not parts:
        return leaves, nodes
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, key, value in cursor.fetchall():
            (nodes if kind else leaves)[key] = bytes(value)
    return leaves, nodes


class SubtreeReader:
    """Answers ``perfect(level, pos)`` for a batch of wanted subtrees after one `load`."""

    def __init__(self, hasher: TreeHasher, size: int):
        self.hasher, self.size = hasher, size
        self.leaves: dict[int, bytes] = {}
        self.nodes: dict[int, bytes] = {}
        self._memo: dict[tuple[int, int], bytes] = {}

    def load(self, wanted: Iterable[tuple[int, int]]) -> SubtreeReader:
        blocks, keys = set(), set()
        for level, pos in wanted:
            if (pos + 1) << level > self.size:
                raise ValueError(f"subtree {level}/{pos} is beyond the tree of {self.size} leaves")
            if level >= NODE_MIN_LEVEL:
                keys.add(node_key(level, pos))
            else:
                blocks.add((pos << level) // BLOCK)
        ranges = [(b * BLOCK, min((b + 1) * BLOCK, self.size)) for b in sorted(blocks)]
        self.leaves, self.nodes = _fetch(ranges, keys)
        return self

    def __call__(self, level: int, pos: int) -> bytes:
        if level >= NODE_MIN_LEVEL:
            try:
                return self.nodes[node_key(level, pos)]
            except KeyError:
                raise StoreError(f"subtree hash {level}/{pos} is missing") from None
        if level == 0:
            try:
                return self.leaves[pos]
            except KeyError:
                raise StoreError(f"leaf {pos} is missing") from None
        memo = self._memo.get((level, pos))
        if memo is None:
            memo = self.hasher.node(self(level - 1, 2 * pos), self(level - 1, 2 * pos + 1))
            self._memo[(level, pos)] = memo
        return memo


def _reader(hasher: TreeHasher, size: int, ranges: Sequence[tuple[int, int]]) -> SubtreeReader:
    wanted = [piece for lo, hi in ranges for piece in merkle.perfect_pieces(lo, hi)]
    return SubtreeReader(hasher, size).load(wanted)


def root_at(hasher: TreeHasher, size: int) -> bytes:
    if size == 0:
        return hasher.empty_root
    return merkle.tree_root(hasher, size, _reader(hasher, size, [(0, size)]))


def inclusion_proof(hasher: TreeHasher, index: int, size: int) -> tuple[bytes, list[bytes]]:
    """The leaf's hash and its audit path in the tree of `size` leaves."""
    ranges = merkle.inclusion_ranges(index, size)
    reader = _reader(hasher, size, [*ranges, (index, index + 1)])
    return reader(0, index), [merkle.range_hash(hasher, lo, hi, reader) for lo, hi in ranges]


def consistency_proof(hasher: TreeHasher, first: int, second: int) -> list[bytes]:
    ranges = merkle.consistency_ranges(first, second)
    reader = _reader(hasher, second, ranges)
    return [merkle.range_hash(hasher, lo, hi, reader) for lo, hi in ranges]


def edge(hasher: TreeHasher, size: int) -> CompactRange:
    """The right edge of the stored tree, from which the integrator continues."""
    pieces = merkle.edge_subtrees(size)
    reader = SubtreeReader(hasher, size).load(pieces)
    return CompactRange(hasher, size, [reader(level, pos) for level, pos in pieces])


# --- bulk writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewLeaf:
    index: int
    entry_id: int
    event_type: str
    data: str
    hash: bytes


def write(leaves: Sequence[NewLeaf], nodes: Sequence[tuple[int, int, bytes]], created_at) -> None:
    if connection.vendor == "postgresql":
        _copy_leaves(leaves, created_at)
        _copy_nodes(nodes)
        return
    stamp = created_at.isoformat()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {LEAF_TABLE} ({', '.join(LEAF_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
            [(x.index, x.entry_id, x.event_type, stamp, x.data, x.hash) for x in leaves])
        cursor.executemany(f"INSERT INTO {NODE_TABLE} (key, hash) VALUES (%s, %s)",  # noqa: S608
                           [(node_key(level, pos), h) for level, pos, h in nodes])


def _copy_leaves(leaves: Sequence[NewLeaf], created_at) -> None:
    """COPY in text format, built as one string: the JSON never holds raw tabs or newlines."""
    stamp = created_at.isoformat()
    buf = io.StringIO()
    for x in leaves:
        data = x.data.replace("\\", "\\\\") if "\\" in x.data else x.data
        buf.write(f"{x.index}\t{x.entry_id}\t{x.event_type}\t{stamp}\t{data}\t\\\\x{x.hash.hex()}\n")
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {LEAF_TABLE} ({', '.join(LEAF_COLUMNS)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())


def _copy_nodes(nodes: Sequence[tuple[int, int, bytes]]) -> None:
    if not nodes:
        return
    text = "".join(f"{(level << NODE_LEVEL_SHIFT) | pos}\t\\\\x{h.hex()}\n" for level, pos, h in nodes)
    with connection.cursor() as cursor, cursor.copy(f"COPY {NODE_TABLE} (key, hash) FROM STDIN") as copy:
        copy.write(text)


def stored_nodes_in(level_lo: int, pos_lo: int, pos_hi: int) -> dict[int, bytes]:
    """Stored hashes of level-`level_lo` subtrees with positions in [pos_lo, pos_hi) (for the audit)."""
    lo, hi = node_key(level_lo, pos_lo), node_key(level_lo, pos_hi)
    return {k: bytes(h) for k, h in Node.objects.filter(key__gte=lo, key__lt=hi).values_list("key", "hash")}


def group_by_level(nodes: Iterable[tuple[int, int, bytes]]) -> dict[int, list[tuple[int, bytes]]]:
    out: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
    for level, pos, h in nodes:
        out[level].append((pos, h))
    return out
