"""Permission matrix of the log's routes. The log is public and belongs to no branch, so its routes
act on no scoped object: routes that need a leaf or checkpoint get one from `_log` (an idempotent
small log built in the test database before each request)."""

from boai.testing.matrix import Route


def _log(client=None, **query):
    """Make sure a small signed log exists; return the query parameters for the request."""
    from boai.ledger.models import Checkpoint

    if not Checkpoint.objects.exists():
        from boai.ledger.tests.helpers import sample_log

        sample_log()
    return query


def _receipt(client=None):
    from boai.ledger.commitments import commit
    from boai.ledger.models import Leaf

    _log()
    opening = commit("person:1", salt=b"\x01" * 16)
    leaf = Leaf.objects.filter(entry__data__contains=opening.commitment).first()
    if leaf is None:
        from boai.ledger.services import ledger_append, ledger_checkpoint, ledger_integrate

        ledger_append(event_type="gift_received", payload={"amount": "1", "donor_kind": "individual",
                                                           "donor": opening.commitment})
        ledger_integrate(checkpoint=False)
        ledger_checkpoint()
        leaf = Leaf.objects.get(entry__data__contains=opening.commitment)
    return {"index": leaf.index, "opening": opening.token}


ROUTES = {
    "ledger:info": Route(public=True, data=_log),
    "ledger:checkpoint": Route(public=True, data=_log),
    "ledger:checkpoint-history": Route(public=True, data=_log),
    "ledger:checkpoint-note": Route(public=True, kwargs={"pk": 1}, data=_log, ok=(200, 404),
                                    skip="checkpoint ids differ between test databases; covered in test_api"),
    "ledger:leaves": Route(public=True, data=lambda client: _log(start=0, count=5)),
    "ledger:leaf": Route(public=True, kwargs={"index": 0}, data=_log),
    "ledger:children": Route(public=True, kwargs={"index": 0}, data=_log),
    "ledger:inclusion": Route(public=True, data=lambda client: _log(index=2)),
    "ledger:consistency": Route(public=True, data=lambda client: _log(first=3)),
    "ledger:receipt": Route(public=True, data=_receipt),
    "ledger:flows": Route(public=True, data=_log),
    "ledger:public": Route(public=True, data=_log),
    "ledger:public-leaf": Route(public=True, kwargs={"index": 0}, data=_log),
    "ledger:flows-page": Route(public=True, data=_log),
    "ledger:staff-leaves": Route(perm="ledger.view", data=_log),
    "ledger:staff-export": Route(perm="ledger.export", data=_log),
    "ledger:staff-leaf": Route(perm="ledger.view", kwargs={"pk": 0}, data=_log),
    "ledger:staff-checkpoints": Route(perm="ledger.view", data=_log),
    "ledger:staff-checkpoint-sign": Route(perm="ledger.change", method="post", data=_log, ok=(302,)),
}
