"""Writing to the transparency log.

Business modules call `ledger_append` inside their own transaction: the event is validated (schema,
no personal data, flow rules against its parents, under row locks taken in entry order) and queued
as a `PendingEntry` that commits or rolls back with the business write. After commit a single
integrator (`ledger_integrate`, serialised by a PostgreSQL advisory lock; inline under SQLite or
without a broker) turns pending entries into leaves in bulk, so the business transaction never
waits for hashing or for the log. `ledger_checkpoint` signs the tree head, after proving that it
extends the previous signed one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.ledger import events, flow, merkle, params, store
from boai.ledger.integrator import check_log_params, integrate_batch
from boai.ledger.models import Checkpoint, Draw, EntryState, Leaf, PendingEntry, QueuedEntry
from boai.ledger.note import checkpoint_text, sign_note
from boai.ledger.store import LogInconsistent

logger = logging.getLogger("boai.ledger")

LOG_LOCK_KEY = 0x0B0A1ED6E5  # advisory lock id of the integrator and checkpoint signer


@dataclass(frozen=True)
class From:
    """A parent reference with what is drawn from it: ``From(12, amount="600.00")``.

    `parent` is a leaf index or a `PendingEntry` (an entry appended earlier, perhaps in the same
    transaction). Plain leaf indices or pending entries may be passed instead when the event has a
    single parent and draws its whole amount from it.
    """

    parent: int | PendingEntry
    amount: Any = None
    quantity: Any = None


@dataclass(frozen=True)
class _Ref:
    entry_id: int
    leaf: int | None
    amount: Decimal | None
    quantity: Decimal | None

    @property
    def label(self) -> str:
        if self.leaf is not None:
            return _("leaf %(index)s") % {"index": self.leaf}
        return _("pending entry %(entry)s") % {"entry": self.entry_id}


# --- append -----------------------------------------------------------------------------------------


def ledger_append(*, event_type: str, payload: dict[str, Any], parents: Sequence[Any] = (),
                  actor: Any = None, audit: bool = True) -> PendingEntry:
    """Queue one event for the log, inside the caller's transaction (call it from a service).

    Raises ValidationError (nothing written) when the event breaks the schema, carries personal
    data, or breaks a flow rule. Returns the pending entry; its `id` is the entry number to keep.
    `audit=False` is for a service whose own audit record of the same transaction names the entry
    number (a gift's `ledger_entry`): one record per business write, and the audit chain's lock is
    taken once, as late as possible.
    """
    payload = dict(payload)
    redraw_refs = payload.pop("redraws", None) or ()
    if redraw_refs and event_type != events.CORRECTION:
        raise ValidationError({"redraws": _("Only a correction re-states draws.")})
    fields = events.normalise_fields(event_type, payload)
    links, redraws = _resolve(parents, "parents"), _resolve(redraw_refs, "redraws")
    # With parents, their states are locked and the flow rules read them: a savepoint, so that a refused
    # rule leaves the caller's transaction usable. Without (a gift), the rules read nothing and refuse
    # before anything is written, so the writes need no savepoint of their own (two round trips less
    # on the intake path).
    with transaction.atomic() if links or redraws else contextlib.nullcontext():
        states = _lock_states(links, redraws, event_type)
        old_target_draws = states[links[0].entry_id].draws if event_type == events.CORRECTION and \
            links[0].entry_id in states else []
        state = flow.apply(event_type, fields, [_link(r) for r in links], [_link(r) for r in redraws],
                           states.get, make=EntryState)
        with transaction.atomic(savepoint=False):
            entry = _store_entry(event_type, fields, links, state, states, actor)
            _store_parent_states(states)
            _store_draws(entry, event_type, links, state, states, old_target_draws)
            if audit:
                audit_record(actor=actor, action="ledger.entry.append", object_type="ledger.pendingentry",
                             object_id=str(entry.pk), object_repr=f"{event_type} #{entry.pk}",
                             after={"type": event_type, "parents": [r.entry_id for r in links],
                                    "amount": fields.get("amount")})
            _schedule_integration()
    return entry


def _resolve(refs: Sequence[Any], name: str) -> list[_Ref]:
    """Parent references → entry ids (and leaf indices where the parent already has one)."""
    if not refs:
        return []
    items = [r if isinstance(r, From) else From(r) for r in refs]
    if len(items) > events.MAX_PARENTS:
        raise ValidationError({name: _("At most %(max)s parents.") % {"max": events.MAX_PARENTS}})
    indices = [i.parent for i in items if isinstance(i.parent, int) and not isinstance(i.parent, bool)]
    entry_ids = [i.parent.pk for i in items if isinstance(i.parent, PendingEntry)]
    by_index = dict(Leaf.objects.filter(index__in=indices).values_list("index", "entry_id")) if indices else {}
    by_entry = dict(Leaf.objects.filter(entry_id__in=entry_ids).values_list("entry_id", "index")) if entry_ids else {}
    out = []
    for item in items:
        if isinstance(item.parent, PendingEntry) and item.parent.pk:
            entry_id, leaf = item.parent.pk, by_entry.get(item.parent.pk)
        elif isinstance(item.parent, int) and not isinstance(item.parent, bool):
            if item.parent not in by_index:
                raise ValidationError({name: _("Leaf %(index)s does not exist.") % {"index": item.parent}})
            entry_id, leaf = by_index[item.parent], item.parent
        else:
            raise ValidationError({name: _("A parent is a leaf index or a pending entry, not %(value)r.")
                                   % {"value": item.parent}})
        amount = None if item.amount is None else Decimal(events.norm_amount("amount", item.amount))
        quantity = None if item.quantity is None else Decimal(events.norm_quantity("quantity", item.quantity))
        out.append(_Ref(entry_id, leaf, amount, quantity))
    return out


def _link(ref: _Ref) -> flow.Link:
    return flow.Link(key=ref.entry_id, amount=ref.amount, quantity=ref.quantity, label=ref.label)


def _lock_states(links: list[_Ref], redraws: list[_Ref], event_type: str) -> dict[Hashable, EntryState]:
    """Lock every state the event reads or changes, in entry order (no deadlocks between appends)."""
    ids = {r.entry_id for r in [*links, *redraws]}
    if event_type == events.CORRECTION and links:
        # a leaf's parents never change (corrections re-state the same ones), so reading them unlocked is safe
        target = EntryState.objects.filter(entry_id=links[0].entry_id).first()
        ids |= {key for key, _a, _q in (target.draws if target else [])}
    if not ids:
        return {}
    rows = EntryState.objects.select_for_update().filter(entry_id__in=sorted(ids)).order_by("entry_id")
    return {row.entry_id: row for row in rows}


def _pending_links(links: list[_Ref], state: EntryState, states: dict, event_type: str) -> dict[str, list[dict]]:
    leaf_of = {r.entry_id: r.leaf for r in links}
    target = states.get(links[0].entry_id) if event_type == events.CORRECTION and links else None
    if target is not None and target.draws:
        leaf_of.update(dict(Leaf.objects.filter(entry_id__in=[k for k, _a, _q in target.draws])
                            .values_list("entry_id", "index")))
    if events.SCHEMAS[event_type].flow:
        parents = [(k, a, q) for k, a, q in state.draws]
    else:
        parents = [(r.entry_id, None, None) for r in links]
    redraws = target.draws if target is not None else []

    def pack(rows, amounts):
        return [{"entry": k, "leaf": leaf_of.get(k), **({"amount": events.amount_text(a)} if amounts else {}),
                 **({"quantity": events.quantity_text(q)} if amounts and q is not None else {})}
                for k, a, q in rows]

    return {"parents": pack(parents, events.SCHEMAS[event_type].flow), "redraws": pack(redraws, True)}


def _store_entry(event_type, fields, links, state, states, actor) -> PendingEntry:
    """The entry, its place in the integrator's queue and its flow state."""
    now = timezone.now()
    packed = _pending_links(links, state, states, event_type)
    ts = events.utc_timestamp(now)
    entry = PendingEntry(created_at=now, event_type=event_type, fields={**fields, "ts": ts}, links=packed,
                         actor_id=getattr(actor, "pk", None))
    entry.data = events.build_data(event_type, entry.fields, packed)
    state.stage, state.label, state.source = flow_node(event_type, fields)
    if connection.vendor == "postgresql":
        entry.pk = state.entry_id = _insert_entry_pg(entry, state)
        return entry
    entry.save(force_insert=True)
    QueuedEntry.objects.create(entry_id=entry.pk)
    state.entry_id = entry.pk
    state.save(force_insert=True)
    return entry


def _db_values(obj, fields) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _insert_entry_pg(entry: PendingEntry, state: EntryState) -> int:
    """PostgreSQL: the three rows in one statement (the intake path appends one per gift)."""
    entry_fields = [f for f in PendingEntry._meta.concrete_fields if not f.primary_key]
    state_fields = [f for f in EntryState._meta.concrete_fields if not f.primary_key]
    entry_cols = ", ".join(f.column for f in entry_fields)
    state_cols = ", ".join(f.column for f in state_fields)
    sql = (f"WITH e AS (INSERT INTO {PendingEntry._meta.db_table} ({entry_cols}) "  # noqa: S608 # nosec B608 - model names
           f"VALUES ({', '.join(['%s'] * len(entry_fields))}) RETURNING id), "
           f"q AS (INSERT INTO {QueuedEntry._meta.db_table} (entry_id) SELECT id FROM e) "
           f"INSERT INTO {EntryState._meta.db_table} (entry_id, {state_cols}) "
           f"SELECT e.id, {', '.join(['%s'] * len(state_fields))} FROM e RETURNING entry_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_db_values(entry, entry_fields), *_db_values(state, state_fields)])
        return cursor.fetchone()[0]


def flow_node(event_type: str, fields: dict[str, Any]) -> tuple[str, str, str]:
    """(stage, label, source) of an event in the public flow picture."""
    pick = {
        events.GIFT: ("fund", fields.get("fund") or fields.get("campaign") or ""),
        events.ALLOCATION: ("project", fields.get("project") or fields.get("purpose") or fields.get("fund") or ""),
        events.DISBURSEMENT: ("payment", fields.get("purpose") or fields.get("project") or fields.get("payee_kind")),
        events.GOODS_RECEIVED: ("stock", fields.get("warehouse") or fields.get("item")),
        events.GOODS_ISSUED: ("issue", fields.get("project") or fields.get("purpose") or fields.get("item")),
        events.RELIEF: ("relief", fields.get("relief_type")),
    }
    stage, label = pick.get(event_type, ("", ""))
    return stage, label or "", fields.get("donor_kind", "") if event_type == events.GIFT else ""


def _store_parent_states(states: dict) -> None:
    if states:
        EntryState.objects.bulk_update(list(states.values()), ["amount", "quantity", "drawn_amount",
                                                              "drawn_quantity", "voided", "draws_json"])


def _store_draws(entry: PendingEntry, event_type: str, links: list[_Ref], state: EntryState, states: dict,
                 old_target_draws) -> None:
    rows = []
    if events.SCHEMAS[event_type].flow:
        rows = [Draw(source_entry=entry.pk, kind="draw", parent_id=k, child_id=entry.pk, amount=a, quantity=q)
                for k, a, q in state.draws]
    else:
        rows = [Draw(source_entry=entry.pk, kind="link", parent_id=r.entry_id, child_id=entry.pk) for r in links]
    if event_type == events.CORRECTION:
        target = states[links[0].entry_id]
        old = {k: (a, q) for k, a, q in old_target_draws}
        for k, a, q in target.draws:
            qty = None if q is None else q - (old[k][1] or 0)
            rows.append(Draw(source_entry=entry.pk, kind="delta", parent_id=k, child_id=target.entry_id,
                             amount=a - old[k][0], quantity=qty))
    Draw.objects.bulk_create(rows)


def _schedule_integration() -> None:
    """Integrate right after the business transaction commits (once per transaction)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(item[1] is _integrate_after_commit for item in pending):
        return
    transaction.on_commit(_integrate_after_commit, robust=True)


INTEGRATION_QUEUED_KEY = "boai:ledger:integration-queued"
INTEGRATION_QUEUED_SECONDS = 30  # if a queued task is lost, the next append after this queues another


def _integrate_after_commit() -> None:
    """Inline under SQLite or without a broker; otherwise a Celery task, queued only if none is waiting.

    A burst of appends (a giving day's notifications) queues one task, not one per append: the flag
    is set atomically (SET NX in the shared cache) and the task clears it *before* it reads the
    queue, so an entry whose commit found the flag set is committed before that read and is
    integrated by it. (The periodic checkpoint job integrates whatever is left in any case.)
    """
    from boai.config.celery import app
    from boai.ledger.tasks import integrate_log

    if connection.vendor == "sqlite" or app.conf.task_always_eager:
        ledger_integrate()
        return
    if cache.add(INTEGRATION_QUEUED_KEY, 1, timeout=INTEGRATION_QUEUED_SECONDS):
        integrate_log.delay()


# --- integrate --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrateResult:
    integrated: int
    size: int
    root: bytes | None = None
    skipped: bool = False  # another integrator held the lock: it will do the work
    checkpoint: Checkpoint | None = None


def _lock(*, wait: bool) -> bool:
    """The log's writer lock, to the end of the transaction (SQLite: IMMEDIATE transactions already)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOG_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def ledger_integrate(*, max_batch: int = 10_000, max_batches: int | None = None,
                     checkpoint: bool = True) -> IntegrateResult:
    """Turn pending entries into leaves, oldest entry first, in batches of `max_batch`.

    If another integrator holds the lock this returns at once (`skipped`): that one will pick up
    whatever is pending. After integrating it signs a checkpoint if the last one is older than
    BOAI_LOG_CHECKPOINT_SECONDS.
    """
    total, batches, size, root = 0, 0, None, None
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            if not _lock(wait=False):
                return IntegrateResult(total, size or 0, root, skipped=not total)
            count, size, root = integrate_batch(max_batch)
        total, batches = total + count, batches + 1
        if count < max_batch:
            break
    made = None
    if checkpoint and total and checkpoint_due():
        made = ledger_checkpoint(wait=False)
    return IntegrateResult(total, size or 0, root, checkpoint=made)


def checkpoint_due(now=None) -> bool:
    latest = Checkpoint.objects.order_by("-id").values("created_at", "size").first()
    if latest is None:
        return True
    now = now or timezone.now()
    return latest["created_at"] + timedelta(seconds=params.checkpoint_seconds()) <= now


def ledger_checkpoint(*, force: bool = False, wait: bool = True, actor: Any = None) -> Checkpoint | None:
    """Sign a checkpoint of the current tree if it grew (or `force`), after proving consistency.

    Returns the new checkpoint, or None when nothing changed (or, with wait=False, when the
    integrator holds the lock). Raises LogInconsistent if the stored tree does not extend the last
    signed checkpoint: the log never signs two views of its history.
    """
    with transaction.atomic():
        if not _lock(wait=wait):
            return None
        check_log_params()
        hasher, size = params.hasher(), store.tree_size()
        previous = Checkpoint.objects.order_by("-id").first()
        if previous is not None and previous.size == size and not force:
            return None
        root = store.root_at(hasher, size)
        if previous is not None:
            _prove_extends(hasher, previous, size, root)
        text = checkpoint_text(params.origin(), size, root)
        signers = params.signers()
        checkpoint = Checkpoint.objects.create(
            origin=params.origin(), hash_name=hasher.name, size=size, root=root, note=sign_note(text, signers),
            signed_by=",".join(s.verifier.vkey for s in signers))
        audit_record(actor=actor, action="ledger.checkpoint.sign", object_type="ledger.checkpoint",
                     object_id=str(checkpoint.pk), object_repr=f"{checkpoint.origin} {size}",
                     after={"size": size, "root": root.hex(), "keys": checkpoint.signed_by})
        transaction.on_commit(_forget_latest)
    return checkpoint


def _forget_latest() -> None:
    from boai.ledger.selectors import forget_latest_checkpoint

    forget_latest_checkpoint()


def _prove_extends(hasher: merkle.TreeHasher, previous: Checkpoint, size: int, root: bytes) -> None:
    old_root = bytes(previous.root)
    if size < previous.size:
        raise LogInconsistent(f"the log holds {size} leaves but checkpoint #{previous.pk} already covered "
                              f"{previous.size}: leaves were removed")
    try:
        proof = store.consistency_proof(hasher, previous.size, size)
    except store.StoreError as exc:
        raise LogInconsistent(f"cannot prove consistency with checkpoint #{previous.pk}: {exc}") from exc
    if not merkle.verify_consistency(hasher, previous.size, size, old_root, root, proof):
        raise LogInconsistent(f"the stored tree of {size} leaves does not extend checkpoint #{previous.pk} "
                              f"(size {previous.size}): its history was changed; refusing to sign")
