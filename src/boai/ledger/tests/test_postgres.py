"""What must hold on PostgreSQL for real: the append-only triggers, the integrator's advisory lock,
and row locks that stop two business transactions from spending the same money twice.

Run with DATABASE_URL=postgres://…; skipped on SQLite."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from boai.ledger import events, merkle, params, store
from boai.ledger.models import Leaf, PendingEntry, QueuedEntry
from boai.ledger.services import _lock, ledger_append, ledger_integrate
from boai.ledger.tests.helpers import gift, sample_log
from boai.ledger.verification import ledger_verify
from boai.testing.concurrency import in_thread, run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")]
REFUSED = (IntegrityError, InternalError)


@pytest.mark.django_db
@pytest.mark.parametrize("sql", [
    "UPDATE ledger_leaf SET data = 'x' WHERE leaf_index = 0",
    "DELETE FROM ledger_leaf WHERE leaf_index = 0",
    "TRUNCATE ledger_leaf",
    "UPDATE ledger_node SET hash = '\\x00'",
    "DELETE FROM ledger_checkpoint",
    "UPDATE ledger_pendingentry SET data = NULL",
    "UPDATE ledger_draw SET amount = 0",
])
def test_triggers_refuse_rewriting_the_log(sql):
    sample_log(checkpoint=False)
    for i in range(8):
        gift(f"{i + 1}.00")
    ledger_integrate()  # 16 leaves: subtree hashes exist too
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert Leaf.objects.count() == 16


def _pending(n: int) -> None:
    """n committed gifts waiting for the integrator (written directly: this tests integration)."""
    ts = "2025-06-01T08:00:00Z"
    entries = PendingEntry.objects.bulk_create(PendingEntry(
        event_type="gift_received", fields={},
        data=events.canonical({"v": 1, "type": "gift_received", "ts": ts, "amount": f"{i + 1}.00",
                               "donor_kind": "anonymous"})) for i in range(n))
    QueuedEntry.objects.bulk_create(QueuedEntry(entry_id=e.pk) for e in entries)


@pytest.mark.django_db(transaction=True)
def test_parallel_integrators_never_assign_the_same_index():
    _pending(3000)

    def drain():
        batches = []
        while QueuedEntry.objects.exists():
            result = ledger_integrate(max_batch=97, max_batches=1, checkpoint=False)
            batches.append(result.integrated if not result.skipped else 0)
        return batches

    results = run_together([drain, drain], catch=(Exception,))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(sum(r) for r in results) == 3000
    rows = list(Leaf.objects.order_by("index").values_list("index", "entry_id"))
    assert [i for i, _ in rows] == list(range(3000))
    assert len({e for _, e in rows}) == 3000
    hasher = params.hasher()
    leaf_hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("hash", flat=True)]
    assert store.root_at(hasher, 3000) == merkle.root(hasher, leaf_hashes)
    assert ledger_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_second_integrator_returns_at_once_while_the_first_holds_the_lock():
    _pending(5)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            assert _lock(wait=False)
            holding.set()
            release.wait(30)
        return "held"

    t = threading.Thread(target=in_thread(hold))
    t.start()
    assert holding.wait(30)
    try:
        second = ledger_integrate()
    finally:
        release.set()
        t.join(30)
    assert second.skipped and second.integrated == 0
    assert ledger_integrate().integrated == 5


@pytest.mark.django_db(transaction=True)
def test_two_transactions_cannot_spend_the_same_gift_twice():
    g, _ = gift("100.00")
    ledger_integrate()
    index = Leaf.objects.get(entry_id=g.pk).index

    def spend():
        with transaction.atomic():
            return ledger_append(event_type="allocation", payload={"amount": "60.00"}, parents=[index]).pk

    results = run_together([spend, spend], catch=(Exception,))
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results


@pytest.mark.django_db(transaction=True)
def test_large_batches_read_aside_and_resolve_parents_from_earlier_batches(monkeypatch):
    """A batch of several chunks is read by a second connection while COPY runs; entries whose
    parents had no leaf index are built from the batch itself or from earlier batches."""
    from boai.ledger import services

    monkeypatch.setattr(services, "_schedule_integration", lambda: None)
    with transaction.atomic():
        g1, _ = gift("100.00")
        a1 = ledger_append(event_type="allocation", payload={"amount": "40.00"}, parents=[g1])
    _pending(12_000)
    with transaction.atomic():
        g2, _ = gift("50.00")
        a2 = ledger_append(event_type="allocation", payload={"amount": "50.00"}, parents=[g2])
    assert ledger_integrate(max_batch=1, max_batches=1, checkpoint=False).integrated == 1  # g1 alone
    assert ledger_integrate(max_batch=20_000, checkpoint=False).integrated == 12_003
    leaf = {e: i for i, e in Leaf.objects.values_list("index", "entry_id")}
    by_entry = {x.entry_id: x for x in Leaf.objects.with_text().filter(entry_id__in=[a1.pk, a2.pk])}
    assert events.parse_entry(by_entry[a1.pk].text)["parents"] == [{"amount": "40.00", "leaf": leaf[g1.pk]}]
    assert events.parse_entry(by_entry[a2.pk].text)["parents"] == [{"amount": "50.00", "leaf": leaf[g2.pk]}]
    assert ledger_verify().ok
