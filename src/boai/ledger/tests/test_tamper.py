"""Tampering is caught, by the server's own audit (`boai ledger verify`) and by the independent
`boai-verify` (over HTTP against the running server, and on a dump): one changed byte in a leaf, a
deleted leaf, and a different history re-signed with the same key. The guards are lifted first, as
an attacker with the database owner's rights would do."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from boai.core import dbguards
from boai.ledger import merkle, params
from boai.ledger.models import NODE_MIN_LEVEL, Checkpoint, Leaf, Node, node_key
from boai.ledger.note import checkpoint_text, sign_note
from boai.ledger.services import LogInconsistent, ledger_checkpoint, ledger_integrate
from boai.ledger.tests.helpers import gift, sample_log
from boai.ledger.verification import ledger_verify
from boai_verifier.cli import main as boai_verify

pytestmark = pytest.mark.django_db(transaction=True)
TABLES = ("ledger_leaf", "ledger_node", "ledger_checkpoint", "ledger_pendingentry")


@pytest.fixture
def attacker():
    """Drop the append-only triggers (the test database's flush puts them back)."""
    for table in TABLES:
        dbguards.uninstall(connection, table)


def _log18():
    names = sample_log(checkpoint=False)
    for i in range(10):
        gift(f"{i + 1}.00", party=f"person:{100 + i}")
    ledger_integrate(checkpoint=False)
    ledger_checkpoint()
    assert Leaf.objects.count() == 18 and Node.objects.exists()
    return names


def _verify_command_error() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("ledger", "verify")
    return str(exc.value)


def _run_verifier(capsys, *args) -> tuple[int, str]:
    code = boai_verify([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out + out.err


def _key() -> str:
    return params.verifier_keys()[0]


def test_an_intact_log_passes_both_audits(live_server, capsys, tmp_path):
    _log18()
    call_command("ledger", "verify")
    assert ledger_verify().ok
    code, out = _run_verifier(capsys, "audit", live_server.url, "--key", _key())
    assert code == 0, out
    call_command("ledger", "dump", tmp_path / "dump")
    code, out = _run_verifier(capsys, "audit", tmp_path / "dump", "--key", _key())
    assert code == 0, out


def test_one_changed_byte_is_named(live_server, capsys, attacker, tmp_path):
    names = _log18()
    state = tmp_path / "state.json"
    call_command("ledger", "dump", tmp_path / "before")
    assert _run_verifier(capsys, "audit", tmp_path / "before", "--key", _key(), "--state", state)[0] == 0
    index = names["index"]["alloc"]
    entry = Leaf.objects.get(index=index).entry_id
    with connection.cursor() as cur:  # where the bytes live: on the entry, or on the leaf if the integrator built them
        for sql in ("UPDATE ledger_pendingentry SET data = replace(data, '\"1200.00\"', '\"1300.00\"') WHERE id = %s",
                    "UPDATE ledger_leaf SET data = replace(data, '\"1200.00\"', '\"1300.00\"') WHERE entry_id = %s"):
            cur.execute(sql, [entry])
    assert f"leaf {index}" in _verify_command_error()
    code, out = _run_verifier(capsys, "audit", live_server.url, "--key", _key())
    assert code == 1 and f"leaf {index} is the first that differs" in out, out
    call_command("ledger", "dump", tmp_path / "after")
    code, out = _run_verifier(capsys, "audit", tmp_path / "after", "--state", state)
    assert code == 1 and f"leaf {index} changed since the last audit" in out, out


def test_a_deleted_leaf_is_named(live_server, capsys, attacker):
    _log18()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_leaf WHERE leaf_index = 3")
    assert "leaf 3: missing" in _verify_command_error()
    code, out = _run_verifier(capsys, "audit", live_server.url, "--key", _key())
    assert code == 1 and "leaf 3 is missing" in out, out


def _rewrite_history(index: int) -> None:
    """Change one leaf and recompute every hash so the store is self-consistent again."""
    hasher = params.hasher()
    leaf = Leaf.objects.with_text().get(index=index)
    data = leaf.text.replace('"1200.00"', '"1100.00"').replace('"800.00"', '"700.00"')  # flow rules still hold
    with connection.cursor() as cur:
        cur.execute("UPDATE ledger_pendingentry SET data = %s WHERE id = %s", [data, leaf.entry_id])
        cur.execute("UPDATE ledger_leaf SET data = NULL, hash = %s WHERE leaf_index = %s",
                    [hasher.leaf(data.encode()), index])
        cur.execute("DELETE FROM ledger_node")
    edge = merkle.CompactRange(hasher)
    for h in Leaf.objects.order_by("index").values_list("hash", flat=True):
        for level, pos, node in edge.append(bytes(h)):
            if level >= NODE_MIN_LEVEL:
                Node.objects.create(key=node_key(level, pos), hash=node)


def test_a_different_history_resigned_with_the_same_key_is_caught(live_server, capsys, attacker, tmp_path):
    names = _log18()
    state = tmp_path / "state.json"
    assert _run_verifier(capsys, "audit", live_server.url, "--key", _key(), "--state", state)[0] == 0
    first = Checkpoint.objects.order_by("-id").first()  # (appends integrate and sign on commit here too)
    _rewrite_history(names["index"]["alloc"])
    gift("9.00", party="person:999")
    ledger_integrate(checkpoint=False)
    with pytest.raises(LogInconsistent, match=f"checkpoint #{first.pk}"):
        ledger_checkpoint()  # the log itself refuses to sign the rewritten tree
    hasher = params.hasher()
    root = merkle.root(hasher, [bytes(h) for h in Leaf.objects.order_by("index").values_list("hash", flat=True)])
    signers = params.signers()
    forged = Checkpoint.objects.create(origin=params.origin(), hash_name=hasher.name, size=19, root=root,
                                       note=sign_note(checkpoint_text(params.origin(), 19, root), signers),
                                       signed_by=",".join(s.verifier.vkey for s in signers))
    cache.clear()  # the site caches its latest checkpoint for a few seconds
    message = _verify_command_error()
    assert message.startswith(f"the log failed its audit: checkpoint #{first.pk}")
    assert f"checkpoint #{forged.pk} (size 19) is inconsistent" in message
    code, out = _run_verifier(capsys, "audit", live_server.url, "--state", state)
    assert code == 1 and "history rewritten" in out and "size 19" in out and "size 18" in out, out
    assert f"leaf {names['index']['alloc']} changed since the last audit" in out
