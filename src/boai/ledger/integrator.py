"""One integration batch: queued entries become leaves, in entry order, in the integrator's transaction.

1. Take the oldest queued entry numbers off the queue (one DELETE … RETURNING; rolled back with the
   batch if anything fails).
2. Read their bytes in chunks. On PostgreSQL a second connection reads the next chunk while this
   one hashes the current chunk and streams it to the leaf table by COPY, so the two database
   processes and Python work at the same time. Entries are immutable once committed, so reading
   them outside the integrator's transaction is safe.
3. Hash each leaf, extend the tree's right edge, keep every completed subtree of 16+ leaves.

Callers hold the integrator lock (`services.ledger_integrate`).
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from boai.core.audit import audit_record
from boai.ledger import events, merkle, params, store
from boai.ledger.models import NODE_MIN_LEVEL, Checkpoint, Leaf, PendingEntry, QueuedEntry
from boai.ledger.store import LogInconsistent

CHUNK = 5000
QUEUE, ENTRIES = QueuedEntry._meta.db_table, PendingEntry._meta.db_table
_READ = (f"SELECT id, event_type, data, CASE WHEN data IS NULL THEN fields END, "  # noqa: S608 # nosec B608
         f"CASE WHEN data IS NULL THEN links END FROM {ENTRIES} WHERE id >= %s AND id <= %s ORDER BY id")


def check_log_params() -> None:
    """Origin and hash are fixed for the life of a log: refuse to continue under different ones."""
    first = Checkpoint.objects.order_by("id").values("origin", "hash_name").first()
    if first and (first["origin"], first["hash_name"]) != (params.origin(), params.hash_name()):
        raise ImproperlyConfigured(
            f"this log was started as {first['origin']} with {first['hash_name']}; settings now say "
            f"{params.origin()} with {params.hash_name()} (BOAI_LOG_ORIGIN / BOAI_LOG_HASH may never change)")


def _dequeue(limit: int) -> list[int]:
    with connection.cursor() as cursor:
        pick = f"SELECT entry_id FROM {QUEUE} ORDER BY entry_id LIMIT %s"  # noqa: S608 # nosec B608
        if connection.vendor == "postgresql":  # a range delete (one snapshot: exactly the `limit` oldest)
            cursor.execute(f"DELETE FROM {QUEUE} WHERE entry_id <= COALESCE("  # noqa: S608 # nosec B608
                           f"(SELECT entry_id FROM {QUEUE} ORDER BY entry_id OFFSET %s LIMIT 1), "
                           f"(SELECT max(entry_id) FROM {QUEUE})) RETURNING entry_id", [limit - 1])
            return sorted(r[0] for r in cursor.fetchall())
        cursor.execute(pick, [limit])
        ids = [r[0] for r in cursor.fetchall()]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            cursor.execute(f"DELETE FROM {QUEUE} WHERE entry_id IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608 # nosec B608
        return ids


def _read(cursor, ids: list[int]) -> list[tuple]:
    """The entries with these (ascending) numbers: one range scan, then keep the ones asked for."""
    cursor.execute(_READ, [ids[0], ids[-1]])
    wanted = set(ids)
    rows = [r for r in cursor.fetchall() if r[0] in wanted]
    if len(rows) != len(ids):
        missing = sorted(wanted - {r[0] for r in rows})[:5]
        raise LogInconsistent(f"queued entries {missing} do not exist; integration stopped")
    return rows


def _aside() -> bool:
    """May a second connection read the batch? On PostgreSQL, unless the integrator runs inside an
    outer transaction (tests; a caller's transaction), whose uncommitted entries only it can see."""
    return connection.vendor == "postgresql" and len(connection.atomic_blocks) <= 1


def _chunks(ids: list[int], resolver: _Resolver) -> Iterator[list[tuple]]:
    """The batch's entries in chunks. The integrator's connection will be busy with COPY, so either
    a second connection reads them (one chunk ahead), or everything is read before COPY starts."""
    parts = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    if _aside():
        resolver.aside = True
        return iter(_Prefetch(parts))
    with connection.cursor() as cursor:
        chunks = [_read(cursor, part) for part in parts]
    resolver.prepare([row for chunk in chunks for row in chunk])
    return iter(chunks)


class _Prefetch:
    """Reads chunks on a second connection, one ahead of the consumer."""

    def __init__(self, parts: list[list[int]]):
        self.parts, self.out = parts, queue.Queue(maxsize=2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ledger-prefetch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        reader = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with reader.cursor() as cursor:
                for part in self.parts:
                    if self.stop.is_set():
                        return
                    self.out.put(_read(cursor, part))
            self.out.put(None)
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            self.out.put(exc)
        finally:
            reader.close()

    def __iter__(self) -> Iterator[list[tuple]]:
        try:
            while (item := self.out.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.stop.set()
            while self.thread.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    self.out.get(timeout=0.05)


def _json(value):
    """Raw cursors hand JSON back as text (Django decodes JSONField itself)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


class _Resolver:
    """Builds the bytes of entries whose parents had no leaf index when they were appended.

    Parents always have smaller entry numbers, so they are in an earlier batch or earlier in this
    one; anything else means the log's tables were tampered with, and integration stops loudly.
    """

    def __init__(self):
        self.leaf_of: dict[int, int] = {}
        self.aside = False  # look parents up through a second connection
        self._reader = None

    def prepare(self, rows: list[tuple]) -> None:
        """Look up, before COPY starts, the parents of every entry that needs its bytes built."""
        in_batch = {row[0] for row in rows}
        wanted = {link["entry"] for row in rows if row[2] is None for name in ("parents", "redraws")
                  for link in _json(row[4]).get(name, [])} - in_batch
        if wanted:
            self.leaf_of.update(Leaf.objects.filter(entry_id__in=wanted).values_list("entry_id", "index"))

    def data(self, entry_id: int, event_type: str, fields, links) -> str:
        fields, links = _json(fields), _json(links)
        wanted = {link["entry"] for name in ("parents", "redraws") for link in links.get(name, [])}
        missing = wanted - self.leaf_of.keys()
        if missing and self.aside:
            self.leaf_of.update(self._lookup(sorted(missing)))
        data = events.build_data(event_type, fields, links, self.leaf_of)
        if data is None:
            raise LogInconsistent(f"entry {entry_id} names a parent that has no leaf; integration stopped")
        return data

    def _lookup(self, entry_ids: list[int]) -> list[tuple[int, int]]:
        """Leaf indices of earlier batches' entries, through a second connection: the integrator's own
        is busy with COPY (and those leaves are committed)."""
        sql = f"SELECT entry_id, leaf_index FROM {Leaf._meta.db_table} WHERE entry_id = ANY(%s)"  # noqa: S608 # nosec B608
        if self._reader is None:
            self._reader = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._reader.cursor() as cursor:
            cursor.execute(sql, [entry_ids])
            return cursor.fetchall()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


def integrate_batch(limit: int) -> tuple[int, int, bytes | None]:
    """Integrate up to `limit` queued entries: (how many, new size, new root)."""
    check_log_params()
    hasher = params.hasher()
    size = store.tree_size()
    ids = _dequeue(limit)
    if not ids:
        return 0, size, None
    edge = store.edge(hasher, size)
    nodes = _hash_and_write(hasher, edge, ids)
    store.write_nodes(nodes)
    root = edge.root()
    audit_record(actor=None, action="ledger.log.integrate", object_type="ledger.log",
                 object_repr=f"{size}..{edge.size - 1}", after={"from": size, "to": edge.size, "root": root.hex()})
    return len(ids), edge.size, root


def _hash_and_write(hasher: merkle.TreeHasher, edge: merkle.CompactRange, ids: list[int]):
    """Hash each leaf, stream it to the leaf table, and collect the subtree hashes the store keeps."""
    nodes, resolver = [], _Resolver()
    leaf_hash, append, index, leaf_of = hasher.leaf, edge.append, edge.size, resolver.leaf_of
    chunks = _chunks(ids, resolver)
    with contextlib.closing(resolver), store.LeafWriter(timezone.now()) as writer:
        for rows in chunks:
            out = []
            for entry_id, event_type, data, fields, links in rows:
                leaf_of[entry_id] = index  # children later in this batch may need it
                built = None
                if data is None:
                    data = built = resolver.data(entry_id, event_type, fields, links)
                h = leaf_hash(data.encode())
                out.append((index, entry_id, event_type, built, h))
                index += 1
                created = append(h)
                if created and created[-1][0] >= NODE_MIN_LEVEL:
                    nodes.extend(n for n in created if n[0] >= NODE_MIN_LEVEL)
            writer.write(out)
    return nodes
