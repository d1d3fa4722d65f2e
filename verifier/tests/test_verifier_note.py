"""Signed notes and checkpoints: signatures, key ids, rotation, tampering."""

import base64

import pytest
from fakelog import ORIGIN, FakeLog, SigningKey, sample_entries

from boai_verifier.note import NoteError, open_checkpoint, open_note, parse_key


def test_checkpoint_opens_with_the_pinned_key():
    log = FakeLog(sample_entries())
    checkpoint = open_checkpoint(log.checkpoint(), [parse_key(log.key.vkey)])
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (ORIGIN, 6, log.mth(0, 6))


def test_unknown_keys_are_ignored_and_rotation_needs_one_known_signature():
    old, new = SigningKey(), SigningKey(seed=b"\x08" * 32)
    text = f"{ORIGIN}\n1\n{base64.b64encode(b'r' * 32).decode()}\n"
    both = text + "\n" + old.sign(text) + new.sign(text)
    assert open_note(both, [parse_key(old.vkey)])[1][0].public == old.public
    assert open_note(both, [parse_key(new.vkey)])[1][0].public == new.public
    with pytest.raises(NoteError, match="not signed by any pinned key"):
        open_note(text + "\n" + new.sign(text), [parse_key(old.vkey)])


def test_tampered_text_or_signature_is_rejected():
    log = FakeLog(sample_entries())
    key = [parse_key(log.key.vkey)]
    note = log.checkpoint()
    with pytest.raises(NoteError, match="invalid"):
        open_note(note.replace("\n6\n", "\n7\n"), key)
    with pytest.raises(NoteError):
        open_note(note.replace("\u2014", "-"), key)
    with pytest.raises(NoteError):
        open_note("no signatures here\n", key)


def test_verifier_keys_must_match_their_key_id():
    key = SigningKey()
    name, key_id, b64 = key.vkey.split("+")
    with pytest.raises(NoteError, match="does not match"):
        parse_key(f"{name}+00000000+{b64}")
    with pytest.raises(NoteError):
        parse_key("garbage")


def test_the_go_reference_note_verifies():
    """golang.org/x/mod/sumdb/note's reference key and note: the format is the same."""
    vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    sig = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
    note = f"{text}\n\u2014 PeterNeumann {sig}\n"
    assert open_note(note, [parse_key(vkey)])[0] == text
