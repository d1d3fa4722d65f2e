"""Signed notes and checkpoints, byte for byte against the reference vector of Go's
golang.org/x/mod/sumdb/note (the format C2SP signed-note standardises): same key id, same signature."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from boai.ledger import params
from boai.ledger.note import NoteError, checkpoint_text, make_signer, open_note, parse_checkpoint, parse_vkey, sign_note

GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]  # PRIVATE+KEY+… without type byte
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
GO_NOTE = f"{GO_TEXT}\n\u2014 PeterNeumann {GO_SIG}\n"


def test_signing_reproduces_the_go_reference_note():
    signer = make_signer("PeterNeumann", GO_SEED)
    assert signer.verifier.vkey == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    text, by = open_note(GO_NOTE, [parse_vkey(GO_VKEY)])
    assert text == GO_TEXT and by[0].label == "PeterNeumann+c74f20a3"


def test_rotation_both_keys_sign_and_either_verifies():
    old, new = make_signer("log.example/x", b"\x01" * 32), make_signer("log.example/x", b"\x02" * 32)
    note = sign_note(checkpoint_text("log.example/x", 5, b"r" * 32), [old, new])
    assert old.verifier.key_id != new.verifier.key_id
    for key in (old.verifier, new.verifier):
        text, _ = open_note(note, [key])
        assert parse_checkpoint(text) == ("log.example/x", 5, b"r" * 32)
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        open_note(note, [make_signer("log.example/x", b"\x03" * 32).verifier])


def test_tampered_notes_and_keys_are_refused():
    key = parse_vkey(GO_VKEY)
    with pytest.raises(NoteError, match="bad signature"):
        open_note(GO_NOTE.replace("cryptography", "Cryptography"), [key])
    for bad in ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "x+y+z", "garbage"):
        with pytest.raises(NoteError):
            parse_vkey(bad)
    with pytest.raises(NoteError):
        parse_checkpoint("origin\n012\nAAAA\n")


def test_signing_keys_from_settings(settings):
    first, second = (base64.b64encode(bytes([b]) * 32).decode() for b in (5, 6))
    settings.BOAI_LOG_SIGNING_KEYS = f"boai.example.org/log:{first}, boai.example.org/log:{second}"
    assert [s.name for s in params.signers()] == ["boai.example.org/log"] * 2
    settings.BOAI_LOG_SIGNING_KEYS = "no-seed-here"
    with pytest.raises(ImproperlyConfigured):
        params.signers()
    settings.BOAI_LOG_SIGNING_KEYS = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="not set"):
        params.signers()


def test_deploy_check_wants_origin_and_keys(settings):
    from boai.ledger.checks import log_configured

    settings.BOAI_LOG_ORIGIN, settings.BOAI_LOG_SIGNING_KEYS = "", ""
    assert {e.id for e in log_configured(None)} == {"ledger.E001", "ledger.E002"}
    settings.BOAI_LOG_ORIGIN = "boai.example.org/log"
    settings.BOAI_LOG_SIGNING_KEYS = "boai.example.org/log:" + base64.b64encode(b"\x07" * 32).decode()
    assert log_configured(None) == []
    settings.BOAI_LOG_SIGNING_KEYS, settings.BOAI_LOG_HASH = "boai.example.org/log:short", "md5"
    assert {e.id for e in log_configured(None)} == {"ledger.E003", "ledger.E004"}
