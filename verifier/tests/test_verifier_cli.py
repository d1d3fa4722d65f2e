"""boai-verify end to end, on dumps and over HTTP: a good log passes; a changed leaf, a missing leaf,
a rewritten history and a split view are caught and named."""

from __future__ import annotations

import json

import pytest
from fakelog import FakeLog, Served, SigningKey, canonical, opening_for, sample_entries

from boai_verifier.cli import main

TS = "2025-06-01T08:00:00Z"


@pytest.fixture
def log():
    return FakeLog(sample_entries())


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_audit_of_a_good_dump_passes_and_remembers(tmp_path, log, capsys):
    state = tmp_path / "state.json"
    code, out = run(capsys, "audit", log.dump(tmp_path / "d"), "--key", log.key.vkey, "--state", state)
    assert code == 0, out
    assert "6 leaves checked" in out and "OK: verified" in out
    saved = json.loads(state.read_text())
    assert saved["checkpoints"][0]["size"] == 6 and saved["keys"] == [log.key.vkey]
    code, out = run(capsys, "audit", tmp_path / "d", "--state", state)  # keys come from the state now
    assert code == 0, out


def test_wrong_key_fails(tmp_path, log, capsys):
    other = SigningKey(seed=b"\x09" * 32)
    code, out = run(capsys, "audit", log.dump(tmp_path / "d"), "--key", other.vkey)
    assert code == 1 and "not signed by any pinned key" in out


def test_a_changed_byte_is_named_after_an_earlier_audit(tmp_path, log, capsys):
    state = tmp_path / "state.json"
    assert run(capsys, "audit", log.dump(tmp_path / "d"), "--key", log.key.vkey, "--state", state)[0] == 0
    leaves = (tmp_path / "d" / "leaves").read_bytes()
    changed = leaves.replace(b'"project":"\xe5\x8d\xab', b'"project":"\xe5\x8d\xac', 1)  # one byte
    assert changed != leaves
    (tmp_path / "d" / "leaves").write_bytes(changed)
    code, out = run(capsys, "audit", tmp_path / "d", "--state", state)
    assert code == 1
    assert "leaf 1 changed since the last audit" in out
    assert "do not give the signed root" in out


def test_a_deleted_leaf_is_named(tmp_path, log, capsys):
    code, out = run(capsys, "audit", log.dump(tmp_path / "d", skip=3), "--key", log.key.vkey)
    assert code == 1 and "leaf 3 is missing" in out


def test_a_rewritten_history_resigned_with_the_same_key_is_caught(tmp_path, log, capsys):
    state = tmp_path / "state.json"
    assert run(capsys, "audit", log.dump(tmp_path / "d"), "--key", log.key.vkey, "--state", state)[0] == 0
    forged = sample_entries()
    forged[5] = forged[5].replace(b"400.00", b"300.00")
    forged.append(canonical({"v": 1, "type": "allocation", "ts": TS, "amount": "100.00",
                             "parents": [{"leaf": 0, "amount": "100.00"}]}))
    rewritten = FakeLog(forged, key=log.key)  # same key, a different history, validly signed
    code, out = run(capsys, "audit", rewritten.dump(tmp_path / "forged"), "--state", state)
    assert code == 1
    assert "history rewritten" in out and "size 7" in out and "size 6" in out
    assert json.loads(state.read_text())["evidence"][0]["kind"] == "inconsistent"


def test_split_view_keeps_both_checkpoints_as_evidence(tmp_path, log, capsys):
    state = tmp_path / "state.json"
    assert run(capsys, "audit", log.dump(tmp_path / "d"), "--key", log.key.vkey, "--state", state)[0] == 0
    other = sample_entries()
    other[5] = other[5].replace(b"\xe5\xad\xa6\xe6\xa0\xa1", b"\xe5\x8c\xbb\xe9\x99\xa2")  # another project
    code, out = run(capsys, "checkpoint", FakeLog(other, key=log.key).dump(tmp_path / "other"), "--state", state)
    assert code == 1 and "split view" in out
    evidence = json.loads(state.read_text())["evidence"]
    assert evidence[0]["kind"] == "split view" and len(evidence[0]["notes"]) == 2


def test_http_audit_checkpoint_and_consistency(tmp_path, log, capsys):
    served = Served(log)
    try:
        state = tmp_path / "state.json"
        code, out = run(capsys, "audit", served.url, "--key", log.key.vkey, "--state", state)
        assert code == 0, out
        log.entries.append(canonical({"v": 1, "type": "disbursement", "ts": TS, "amount": "50.00",
                                      "payee_kind": "supplier", "parents": [{"leaf": 5, "amount": "50.00"}]}))
        served.note = log.checkpoint()
        code, out = run(capsys, "checkpoint", served.url, "--state", state)  # proves 6 → 7 by consistency proof
        assert code == 0, out
        assert [c["size"] for c in json.loads(state.read_text())["checkpoints"]] == [6, 7]
    finally:
        served.close()


def test_http_audit_names_the_changed_leaf_by_bisection(tmp_path, log, capsys):
    served = Served(log)
    try:
        served.note = log.checkpoint()  # signed over the true leaves...
        tampered = list(log.entries)
        tampered[4] = tampered[4].replace(b'"leaf":3', b'"leaf":2')  # ...then leaf 4 is served changed
        served.log = FakeLog(tampered, key=log.key)
        served.log.mth = log.mth  # the server's stored subtree hashes are still the signed ones
        served.log.path, served.log.proof = log.path, log.proof
        code, out = run(capsys, "audit", served.url, "--key", log.key.vkey)
        assert code == 1
        assert "leaf 4 is the first that differs" in out
    finally:
        served.close()


def test_receipt_over_http_and_from_a_dump(tmp_path, log, capsys):
    _, opening = opening_for("donor")
    served = Served(log)
    try:
        code, out = run(capsys, "receipt", served.url, "--key", log.key.vkey, "--index", 0, "--opening", opening)
        assert code == 0, out
        assert "you are its donor" in out and "later leaf 1" in out and "later leaf 5" in out
        code, out = run(capsys, "receipt", served.url, "--key", log.key.vkey, "--index", 0, "--opening",
                        "00" * 16 + "-" + "11" * 32)
        assert code == 1 and "does not open" in out
    finally:
        served.close()
    code, out = run(capsys, "receipt", log.dump(tmp_path / "d"), "--key", log.key.vkey, "--index", 0,
                    "--opening", opening)
    assert code == 0 and "you are its donor" in out, out
