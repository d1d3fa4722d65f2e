"""Building small logs for tests: a gift that is allocated, spent, delivered and acknowledged."""

from __future__ import annotations

from boai.ledger.commitments import commit
from boai.ledger.services import From, ledger_append, ledger_checkpoint, ledger_integrate

DOC = "sm3:" + "ab" * 32


def gift(amount="1000.00", *, party="person:1", fund="抗洪救灾专项基金", **extra):
    opening = commit(party)
    entry = ledger_append(event_type="gift_received", payload={
        "amount": amount, "donor_kind": "individual", "donor": opening.commitment, "fund": fund, **extra})
    return entry, opening


def allocation(parent, amount, project="乡村卫生室", **extra):
    return ledger_append(event_type="allocation", payload={"amount": amount, "project": project, **extra},
                         parents=[parent])


def disbursement(parent, amount, **extra):
    return ledger_append(event_type="disbursement",
                         payload={"amount": amount, "payee_kind": "recipient", "purpose": "救助金", **extra},
                         parents=[parent])


def relief(parent, amount, relief_type="disaster", party="person:9", **extra):
    opening = commit(party)
    entry = ledger_append(event_type="relief_delivered", payload={
        "amount": amount, "relief_type": relief_type, "recipient": opening.commitment, **extra}, parents=[parent])
    return entry, opening


def sample_log(*, checkpoint=True) -> dict:
    """Eight leaves: two gifts, an allocation from both, a disbursement, relief, an acknowledgement,
    goods received and issued. Returns entry numbers and leaf indices by name."""
    g1, opening = gift("1000.00")
    g2, _ = gift("500.00", party="org:7", donor_kind="organisation")
    alloc = ledger_append(event_type="allocation", payload={"amount": "1200.00", "project": "乡村卫生室"},
                          parents=[From(g1, amount="800.00"), From(g2, amount="400.00")])
    pay = disbursement(alloc, "300.00")
    rel, rel_opening = relief(pay, "300.00")
    ack = ledger_append(event_type="acknowledgement", payload={"recipient": rel_opening.commitment, "docs": [DOC]},
                        parents=[rel])
    goods = ledger_append(event_type="goods_received", payload={
        "amount": "600.00", "item": "棉被", "quantity": "20", "unit": "床", "warehouse": "市备灾仓库"}, parents=[alloc])
    issued = ledger_append(event_type="goods_issued", payload={
        "amount": "150.00", "item": "棉被", "quantity": "5", "unit": "床"}, parents=[goods])
    ledger_integrate(checkpoint=False)
    if checkpoint:
        ledger_checkpoint()
    names = {"g1": g1, "g2": g2, "alloc": alloc, "pay": pay, "relief": rel, "ack": ack, "goods": goods,
             "issued": issued}
    from boai.ledger.models import Leaf

    index = dict(Leaf.objects.values_list("entry_id", "index"))
    return {"index": {k: index[v.pk] for k, v in names.items()}, "entries": names, "opening": opening,
            "relief_opening": rel_opening}
