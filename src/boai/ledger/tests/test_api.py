"""The public HTTP interface: formats, proofs that verify, caching headers, errors, rate limiting."""

from __future__ import annotations

import base64
import json

import pytest

from boai.ledger import merkle, params
from boai.ledger.api import PublicRateThrottle
from boai.ledger.models import Checkpoint, Leaf
from boai.ledger.note import open_note, parse_checkpoint, parse_vkey
from boai.ledger.tests.helpers import sample_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    return sample_log()


def _root() -> tuple[int, bytes]:
    cp = Checkpoint.objects.order_by("-id").first()
    return cp.size, bytes(cp.root)


def test_info_and_latest_checkpoint_are_a_signed_note(client, log):
    info = client.get("/log/").json()
    assert info["origin"] == params.origin() and info["hash"] == "sm3" and info["checkpoint_size"] == 8
    response = client.get("/log/checkpoint")
    assert response["Content-Type"].startswith("text/plain")
    assert "max-age" in response["Cache-Control"] and response["ETag"]
    text, _ = open_note(response.content.decode(), [parse_vkey(k) for k in info["verifier_keys"]])
    assert parse_checkpoint(text)[1] == 8
    again = client.get("/log/checkpoint", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and not again.content


def test_no_checkpoint_yet_is_404(client, db):
    assert client.get("/log/checkpoint").status_code == 404
    assert client.get("/log/proof/inclusion", {"index": 0}).status_code == 404


def test_leaf_bytes_are_exact_and_immutable(client, log):
    leaf = Leaf.objects.get(index=2)
    response = client.get("/log/leaves/2")
    assert response.content == leaf.text.encode()
    assert "immutable" in response["Cache-Control"] and response["ETag"] == f'"{bytes(leaf.hash).hex()}"'
    assert client.get("/log/leaves/99").status_code == 404


def test_leaf_range_lines_hash_to_the_signed_root(client, log):
    body = client.get("/log/leaves", {"start": 0, "count": 100}).content
    lines = body.decode().splitlines()
    assert [int(line.split("\t", 1)[0]) for line in lines] == list(range(8))
    hasher = params.hasher()
    assert merkle.root(hasher, [hasher.leaf(line.split("\t", 1)[1].encode()) for line in lines]) == _root()[1]
    complete = client.get("/log/leaves", {"start": 0, "count": 4})
    assert "immutable" in complete["Cache-Control"]
    assert client.get("/log/leaves", {"start": "x"}).status_code == 400


def test_inclusion_proof_verifies_against_the_checkpoint(client, log):
    size, root = _root()
    hasher = params.hasher()
    for index in range(size):
        body = client.get("/log/proof/inclusion", {"index": index}).json()
        path = [base64.b64decode(h) for h in body["inclusion_path"]]
        leaf_hash = hasher.leaf(Leaf.objects.get(index=index).text.encode())
        assert base64.b64decode(body["leaf_hash"]) == leaf_hash
        assert merkle.verify_inclusion(hasher, index, size, leaf_hash, path, root)
        assert body["checkpoint"].startswith(params.origin())
    assert client.get("/log/proof/inclusion", {"index": 8}).status_code == 400
    assert client.get("/log/proof/inclusion", {"index": 0, "size": 9}).status_code == 400
    explicit = client.get("/log/proof/inclusion", {"index": 1, "size": 5})
    assert "immutable" in explicit["Cache-Control"] and explicit.json()["checkpoint"] is None


def test_consistency_proof_verifies(client, log):
    size, root = _root()
    hasher = params.hasher()
    hashes = Leaf.objects.order_by("index").values_list("hash", flat=True)[:3]
    old_root = merkle.root(hasher, [bytes(h) for h in hashes])
    body = client.get("/log/proof/consistency", {"first": 3}).json()
    path = [base64.b64decode(h) for h in body["consistency_path"]]
    assert body["second"] == size
    assert merkle.verify_consistency(hasher, 3, size, old_root, root, path)
    assert client.get("/log/proof/consistency", {"first": 9}).status_code == 400


def test_receipt_and_children(client, log):
    index = log["index"]["g1"]
    body = client.get("/log/receipt", {"index": index, "opening": log["opening"].token}).json()
    assert body["role"] == "donor"
    assert json.loads(body["leaf"])["donor"] == log["opening"].commitment
    assert [c["index"] for c in body["children"]] == [log["index"]["alloc"]]
    assert body["children"][0]["amount"] == "800.00"
    assert body["inclusion"]["tree_size"] == 8
    assert client.get("/log/receipt", {"index": index, "opening": "00" * 16 + "-" + "00" * 32}).status_code == 404
    children = client.get(f"/log/leaves/{log['index']['relief']}/children").json()["children"]
    assert children == [{"index": log["index"]["ack"], "type": "acknowledgement", "kind": "link", "amount": None,
                         "quantity": None}]


def test_flows_data_follow_the_money(client, log):
    body = client.get("/log/flows").json()
    links = {(link["source"], link["target"]): link["value"] for link in body["links"]}
    assert any(v == 1000.0 for (s, t), v in links.items() if "抗洪救灾专项基金" in t)
    assert any(v == 1200.0 for (s, t), v in links.items() if "乡村卫生室" in t)
    one = client.get("/log/flows", {"root": log["index"]["g2"]}).json()
    into_project = [link["value"] for link in one["links"] if "乡村卫生室" in link["target"]]
    assert into_project == [400.0]
    # g2 gave 400 of the 1200 allocated: a third of the 300 paid out is attributed to it
    paid = [link["value"] for link in one["links"] if link["target"].endswith("救助金")]
    assert paid == [100.0]


def test_public_endpoints_are_rate_limited(client, log, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    responses = [client.get("/log/leaves/0") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) >= 1
