"""The Merkle tree in the database: reading subtree hashes for proofs, writing leaves in bulk.

Leaf hashes live on the leaves; `Node` keeps every aligned perfect subtree of 2**4 leaves or more.
A proof needs O(log n) perfect subtrees: the large ones are read by key, the small ones (inside a
16-leaf block) are recomputed from that block's leaf hashes. Everything a proof needs comes back
in one query.

Writes (the integrator only) go through PostgreSQL COPY, or executemany on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from boai.ledger import merkle
from boai.ledger.merkle import CompactRange, TreeHasher
from boai.ledger.models import NODE_LEVEL_SHIFT, NODE_MIN_LEVEL, Leaf, Node, node_key

BLOCK = 1 << NODE_MIN_LEVEL
LEAF_TABLE, NODE_TABLE = Leaf._meta.db_table, Node._meta.db_table
LEAF_COLUMNS = ("leaf_index", "entry_id", "event_type", "created_at", "data", "hash")


class LogInconsistent(Exception):
    """The stored log contradicts itself or its last signed checkpoint: the log refuses to go on."""


class StoreError(Exception):
    """The stored tree is missing rows a proof or root needs (it was tampered with or damaged)."""


def tree_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(leaf_index) FROM {LEAF_TABLE}")  # noqa: S608 - fixed table name # nosec B608
        top = cursor.fetchone()[0]
    return 0 if top is None else top + 1


_PG_FETCH = (  # one constant text, so PostgreSQL plans it once per connection (a prepared statement);
    # lists of keys rather than ranges, so the generic plan is two index lookups
    f"SELECT 0, leaf_index, hash FROM {LEAF_TABLE} WHERE leaf_index = ANY(%s) "  # noqa: S608 # nosec B608
    f"UNION ALL SELECT 1, key, hash FROM {NODE_TABLE} WHERE key = ANY(%s)"
)


def _fetch(leaf_ranges: Iterable[tuple[int, int]], keys: Iterable[int]) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Leaf hashes in the given index ranges and node hashes by key, in one round trip.

    A proof touches at most two 16-leaf blocks (around the leaf, and at the end of the tree).
    """
    ranges, keys = list(leaf_ranges), sorted(set(keys))
    leaves: dict[int, bytes] = {}
    nodes: dict[int, bytes] = {}
    if not ranges and not keys:
        return leaves, nodes
    for rows in (_pg_rows(ranges, keys) if connection.vendor == "postgresql" else _sql_rows(ranges, keys)):
        for kind, key, value in rows:
            (nodes if kind else leaves)[key] = bytes(value)
    return leaves, nodes


def _pg_rows(ranges, keys):
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_PG_FETCH, [[i for lo, hi in ranges for i in range(lo, hi)], keys], prepare=True)
        yield cursor.fetchall()


def _sql_rows(ranges, keys):
    parts, params = [], []
    for lo, hi in ranges:
        parts.append(f"SELECT 0, leaf_index, hash FROM {LEAF_TABLE} WHERE leaf_index >= %s AND leaf_index < %s")  # noqa: S608 # nosec B608
        params += [lo, hi]
    if keys:
        parts.append(f"SELECT 1, key, hash FROM {NODE_TABLE} WHERE key IN ({', '.join(['%s'] * len(keys))})")  # noqa: S608 # nosec B608
        params += keys
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        yield cursor.fetchall()


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


class LeafWriter:
    """Writes new leaves while the caller computes the next ones.

    On PostgreSQL the rows go out through one COPY, chunk by chunk as they are written, so the
    server inserts one chunk while Python hashes the next (they run on different cores). SQLite
    gets one executemany at the end.
    """

    def __init__(self, created_at):
        self.stamp = created_at.isoformat()
        self.rows: list[tuple] = []
        self.pg = connection.vendor == "postgresql"

    def __enter__(self) -> LeafWriter:
        if self.pg:
            self._cursor = connection.cursor()
            self._copy_cm = self._cursor.copy(f"COPY {LEAF_TABLE} ({', '.join(LEAF_COLUMNS)}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()
        return self

    def write(self, rows: list[tuple[int, int, str, str | None, bytes]]) -> None:
        """(index, entry id, event type, bytes if the integrator built them else None, leaf hash)."""
        if not self.pg:
            self.rows += [(i, e, t, self.stamp, d, h) for i, e, t, d, h in rows]
            return
        stamp = self.stamp  # COPY text format; the JSON holds no raw tabs or newlines, only backslashes
        self._copy.write("".join(
            f"{i}\t{e}\t{t}\t{stamp}\t{_copy_text(d)}\t\\\\x{h.hex()}\n" for i, e, t, d, h in rows))

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.pg:
            if exc_type is None and self.rows:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {LEAF_TABLE} ({', '.join(LEAF_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608 # nosec B608
                        self.rows)
            return
        try:
            self._copy_cm.__exit__(exc_type, exc, tb)
        finally:
            self._cursor.close()


def _copy_text(data: str | None) -> str:
    if data is None:
        return "\\N"
    return data.replace("\\", "\\\\")


def write_nodes(nodes: Sequence[tuple[int, int, bytes]]) -> None:
    if not nodes:
        return
    if connection.vendor == "postgresql":
        text = "".join(f"{(level << NODE_LEVEL_SHIFT) | pos}\t\\\\x{h.hex()}\n" for level, pos, h in nodes)
        with connection.cursor() as cursor, cursor.copy(f"COPY {NODE_TABLE} (key, hash) FROM STDIN") as copy:
            copy.write(text)
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {NODE_TABLE} (key, hash) VALUES (%s, %s)",  # noqa: S608 # nosec B608
                           [(node_key(level, pos), h) for level, pos, h in nodes])
