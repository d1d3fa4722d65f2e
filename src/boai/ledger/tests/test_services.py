"""Appending, integrating and checkpointing, and the flow rules at append time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from boai.core.models import AuditEntry
from boai.ledger import events, merkle, params, store
from boai.ledger.models import Checkpoint, Draw, EntryState, Leaf, PendingEntry, QueuedEntry
from boai.ledger.note import open_note, parse_checkpoint
from boai.ledger.services import From, checkpoint_due, ledger_append, ledger_checkpoint, ledger_integrate
from boai.ledger.tests.helpers import allocation, disbursement, gift, relief, sample_log

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


def test_append_queues_then_integrate_makes_leaves_in_entry_order():
    g, opening = gift("1000.00")
    a = allocation(g, "400.00")
    assert QueuedEntry.objects.count() == 2 and not Leaf.objects.exists()
    result = ledger_integrate(checkpoint=False)
    assert result.integrated == 2 and result.size == 2
    assert not QueuedEntry.objects.exists() and PendingEntry.objects.count() == 2  # entries stay, the queue empties
    leaves = list(Leaf.objects.order_by("index"))
    assert [x.entry_id for x in leaves] == [g.pk, a.pk]
    first = events.parse_entry(leaves[0].text)
    assert first["type"] == "gift_received" and first["amount"] == "1000.00"
    assert first["donor"] == opening.commitment
    second = events.parse_entry(leaves[1].text)
    assert second["parents"] == [{"amount": "400.00", "leaf": 0}]
    hasher = params.hasher()
    assert bytes(leaves[0].hash) == hasher.leaf(leaves[0].text.encode())
    assert result.root == merkle.root(hasher, [bytes(x.hash) for x in leaves])
    assert AuditEntry.objects.filter(action="ledger.entry.append").count() == 2
    assert AuditEntry.objects.filter(action="ledger.log.integrate").exists()


def test_parent_in_the_same_transaction_is_resolved_at_integration():
    g, _ = gift("100.00")
    a = allocation(g, "100.00")  # g has no leaf index yet: a's data waits for the integrator
    assert PendingEntry.objects.get(pk=a.pk).data is None
    ledger_integrate(checkpoint=False)
    leaf = Leaf.objects.get(entry_id=a.pk)
    assert leaf.data == leaf.text  # the integrator built these bytes and keeps them on the leaf
    parent = Leaf.objects.get(entry_id=g.pk).index
    assert events.parse_entry(leaf.text)["parents"] == [{"amount": "100.00", "leaf": parent}]


def test_parent_by_leaf_index_gives_final_data_at_append():
    g, _ = gift("100.00")
    ledger_integrate(checkpoint=False)
    index = Leaf.objects.get(entry_id=g.pk).index
    a = allocation(index, "60.00")
    assert a.data and events.parse_entry(a.data)["parents"] == [{"amount": "60.00", "leaf": index}]


def test_flow_rules_refuse_overspending_at_append():
    g, _ = gift("100.00")
    allocation(g, "60.00")
    with pytest.raises(ValidationError, match="40.00 left"):
        allocation(g, "50.00")
    allocation(g, "40.00")
    assert EntryState.objects.get(entry_id=g.pk).drawn_amount == Decimal("100.00")


def test_flow_rules_refuse_wrong_parent_types_and_missing_parents():
    g, _ = gift("100.00")
    with pytest.raises(ValidationError, match="cannot draw from"):
        ledger_append(event_type="relief_delivered", payload={"amount": "10", "relief_type": "disaster"},
                      parents=[g])
    with pytest.raises(ValidationError, match="must name the leaf"):
        ledger_append(event_type="allocation", payload={"amount": "10"})
    with pytest.raises(ValidationError, match="does not exist"):
        ledger_append(event_type="allocation", payload={"amount": "10"}, parents=[999])
    with pytest.raises(ValidationError, match="has no parents"):
        ledger_append(event_type="gift_received", payload={"amount": "10", "donor_kind": "anonymous"}, parents=[g])


def test_several_parents_need_explicit_draws_that_add_up():
    g1, _ = gift("100.00")
    g2, _ = gift("100.00")
    with pytest.raises(ValidationError, match="say how much"):
        ledger_append(event_type="allocation", payload={"amount": "150"}, parents=[g1, g2])
    with pytest.raises(ValidationError, match="add up to 140.00"):
        ledger_append(event_type="allocation", payload={"amount": "150"},
                      parents=[From(g1, amount="100"), From(g2, amount="40")])
    ledger_append(event_type="allocation", payload={"amount": "150"},
                  parents=[From(g1, amount="100"), From(g2, amount="50")])
    assert EntryState.objects.get(entry_id=g2.pk).drawn_amount == Decimal("50.00")


def test_goods_stay_goods_and_quantities_are_drawn():
    g, _ = gift("0", donor_kind="organisation", item="矿泉水", quantity="100", unit="箱")
    received = ledger_append(event_type="goods_received", payload={
        "amount": "0", "item": "矿泉水", "quantity": "100", "unit": "箱"}, parents=[g])
    with pytest.raises(ValidationError, match="same item"):
        ledger_append(event_type="goods_issued", payload={"amount": "0", "item": "方便面", "quantity": "1",
                                                          "unit": "箱"}, parents=[received])
    ledger_append(event_type="goods_issued", payload={"amount": "0", "item": "矿泉水", "quantity": "70", "unit": "箱"},
                  parents=[received])
    with pytest.raises(ValidationError, match="30 矿泉水 left"):
        ledger_append(event_type="goods_issued", payload={"amount": "0", "item": "矿泉水", "quantity": "31",
                                                          "unit": "箱"}, parents=[received])
    with pytest.raises(ValidationError, match="greater than zero"):
        ledger_append(event_type="allocation", payload={"amount": "0"}, parents=[gift("10")[0]])


def test_correction_voids_and_amends_within_the_rules():
    g, _ = gift("100.00")
    a = allocation(g, "80.00")
    d = disbursement(a, "50.00")
    with pytest.raises(ValidationError, match="below what later leaves already drew"):
        ledger_append(event_type="correction", payload={"reason": "entry_error", "amount": "40.00"}, parents=[a])
    ledger_append(event_type="correction", payload={"reason": "entry_error", "amount": "60.00"}, parents=[a])
    state = EntryState.objects.get(entry_id=g.pk)
    assert state.drawn_amount == Decimal("60.00")
    allocation(g, "40.00")  # the 20 released by the correction can be allocated again
    ledger_append(event_type="correction", payload={"reason": "cancelled", "amount": "0"}, parents=[d])
    assert EntryState.objects.get(entry_id=d.pk).voided
    with pytest.raises(ValidationError, match="voided"):
        relief(d, "10.00")
    deltas = Draw.objects.filter(kind="delta", child_id=a.pk)
    assert [x.amount for x in deltas] == [Decimal("-20.00")]
    ledger_integrate(checkpoint=False)
    leaves = {x.entry_id: x for x in Leaf.objects.all()}
    index = {entry_id: leaf.index for entry_id, leaf in leaves.items()}
    correction = next(events.parse_entry(x.text) for x in leaves.values()
                      if events.parse_entry(x.text).get("parents") == [{"leaf": index[a.pk]}])
    assert correction["amount"] == "60.00" and correction["redraws"] == [{"amount": "60.00", "leaf": index[g.pk]}]


def test_personal_data_is_refused():
    with pytest.raises(ValidationError) as exc:
        ledger_append(event_type="gift_received", payload={"amount": "10", "donor_kind": "individual",
                                                           "donor_name": "张三"})
    assert "personal data" in str(exc.value)
    for text in ("320213199001011234", "13912345678", "a@b.cn", "0510-82345678"):
        with pytest.raises(ValidationError, match="seems to contain"):
            ledger_append(event_type="gift_received", payload={"amount": "10", "donor_kind": "individual",
                                                               "fund": f"基金 {text}"})
    with pytest.raises(ValidationError, match="not allowed"):
        ledger_append(event_type="gift_received", payload={"amount": "10", "donor_kind": "individual", "x": 1})
    with pytest.raises(ValidationError, match="decimal number written as text"):
        ledger_append(event_type="gift_received", payload={"amount": 10.5, "donor_kind": "individual"})
    assert not QueuedEntry.objects.exists()


def test_checkpoint_is_signed_consistent_and_not_repeated():
    sample_log(checkpoint=False)
    first = ledger_checkpoint()
    text, signers = open_note(first.note, [s.verifier for s in params.signers()])
    origin, size, root = parse_checkpoint(text)
    assert (origin, size) == (params.origin(), 8) and root == bytes(first.root)
    assert root == store.root_at(params.hasher(), 8)
    assert ledger_checkpoint() is None  # nothing new
    gift("5.00")
    ledger_integrate(checkpoint=False)
    second = ledger_checkpoint()
    assert second.size == 9 and Checkpoint.objects.count() == 2


def test_proofs_from_the_store_verify():
    sample_log()
    hasher, size = params.hasher(), store.tree_size()
    root = store.root_at(hasher, size)
    for index in range(size):
        leaf_hash, path = store.inclusion_proof(hasher, index, size)
        assert merkle.verify_inclusion(hasher, index, size, leaf_hash, path, root)
    old = store.root_at(hasher, 3)
    assert merkle.verify_consistency(hasher, 3, size, old, root, store.consistency_proof(hasher, 3, size))


def test_periodic_job_integrates_and_signs_then_rests():
    from boai.core import periodic

    gift("7.00")
    assert "ledger.checkpoint" in periodic.jobs()
    assert periodic.run_job("ledger.checkpoint") == "ok"
    assert Checkpoint.objects.get().size == 1 and not QueuedEntry.objects.exists()
    periodic.run_job("ledger.checkpoint")
    assert Checkpoint.objects.count() == 1  # nothing new: no new checkpoint


def test_integrator_signs_after_a_batch_at_most_every_interval(settings):
    gift("1.00")
    assert ledger_integrate().checkpoint is not None  # no checkpoint yet: sign now
    gift("2.00")
    assert ledger_integrate().checkpoint is None  # the last one is younger than the interval
    settings.BOAI_LOG_CHECKPOINT_SECONDS = 1
    assert checkpoint_due(timezone.now() + timedelta(seconds=2))  # checkpoints are append-only: move the clock
    assert not checkpoint_due(timezone.now())


def test_an_append_audited_by_its_caller_writes_no_record_of_its_own():
    entry = ledger_append(event_type=events.GIFT, payload={"amount": "5.00", "fund": "基金", "donor_kind": "anonymous"},
                          audit=False)
    assert QueuedEntry.objects.filter(entry_id=entry.pk).exists()
    assert not AuditEntry.objects.filter(action="ledger.entry.append").exists()


def test_a_burst_of_appends_queues_one_integration_task(monkeypatch):
    """With a broker, commits that append queue the integrator once until it starts; it then re-arms."""
    from django.core.cache import cache

    from boai.config.celery import app
    from boai.ledger import services, tasks

    queued = []
    monkeypatch.setattr(tasks.integrate_log, "delay", lambda: queued.append(1))
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "connection", type("PG", (), {"vendor": "postgresql"})())
    cache.delete(services.INTEGRATION_QUEUED_KEY)
    for _ in range(5):
        services._integrate_after_commit()
    assert queued == [1]
    monkeypatch.undo()
    gift("7.00")
    assert tasks.integrate_log() == 1  # the task clears the flag before it reads the queue
    monkeypatch.setattr(tasks.integrate_log, "delay", lambda: queued.append(1))
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "connection", type("PG", (), {"vendor": "postgresql"})())
    services._integrate_after_commit()
    assert queued == [1, 1]
