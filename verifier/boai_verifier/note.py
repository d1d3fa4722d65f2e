"""C2SP signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), Ed25519 only."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class NoteError(Exception):
    pass


@dataclass(frozen=True)
class Key:
    name: str
    key_id: int
    public: bytes

    @property
    def label(self) -> str:
        return f"{self.name}+{self.key_id:08x}"


def parse_key(text: str) -> Key:
    """A verifier key ``<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte Ed25519 key)>``."""
    try:
        name, hex_id, b64 = text.strip().split("+", 2)
        raw = base64.b64decode(b64, validate=True)
        key_id = int(hex_id, 16)
    except (ValueError, binascii.Error) as exc:
        raise NoteError(f"not a verifier key: {text!r}") from exc
    if not name or any(c.isspace() for c in name) or len(hex_id) != 8 or len(raw) != 33 or raw[0] != 1:
        raise NoteError(f"not an Ed25519 verifier key: {text!r}")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if int.from_bytes(expected, "big") != key_id:
        raise NoteError(f"key id of {name}+{hex_id} does not match its public key")
    return Key(name, key_id, raw[1:])


def open_note(note: str, keys: list[Key]) -> tuple[str, list[Key]]:
    """The note text, if at least one trusted key signed it and no trusted key's signature fails."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("the note contains control characters")
    text, sep, block = note.rpartition("\n\n")
    if not sep or not text or not block.endswith("\n"):
        raise NoteError("not a signed note")
    text += "\n"
    trusted = {(k.name, k.key_id): k for k in keys}
    signed_by = []
    for line in block[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014":
            raise NoteError(f"malformed signature line {line!r}")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error as exc:
            raise NoteError("malformed signature") from exc
        key = trusted.get((parts[1], int.from_bytes(raw[:4], "big")))
        if key is None or len(raw) < 5:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise NoteError(f"the signature by {key.label} is invalid") from exc
        signed_by.append(key)
    if not signed_by:
        raise NoteError("the note is not signed by any pinned key")
    return text, signed_by


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    note: str
    signed_by: tuple[str, ...] = ()

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode()

    def __str__(self) -> str:
        return f"checkpoint {self.origin} size {self.size} root {self.root_b64}"


def open_checkpoint(note: str, keys: list[Key]) -> Checkpoint:
    text, signers = open_note(note, keys)
    lines = text.split("\n")
    if len(lines) < 4 or not lines[0] or not lines[1].isdigit() or (lines[1] != "0" and lines[1][0] == "0"):
        raise NoteError("not a checkpoint (origin, size and root lines)")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error as exc:
        raise NoteError("bad root hash in checkpoint") from exc
    return Checkpoint(lines[0], int(lines[1]), root, note, tuple(k.label for k in signers))
