"""C2SP signed notes (c2sp.org/signed-note) and checkpoints (c2sp.org/tlog-checkpoint), Ed25519.

A checkpoint is the note text ``<origin>\\n<size>\\n<base64 root>\\n`` followed by a blank line and one
signature line per key: ``— <key name> <base64(key id ‖ signature)>``. The key id is the first four
bytes of ``SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)``, so two keys of the same name (a rotation)
are told apart. Verifier keys are written as ``<name>+<key id hex>+<base64(0x01 ‖ public key)>``,
the form Go's ``golang.org/x/mod/sumdb/note`` uses.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
DASH = "\u2014"
MAX_SIGNATURES = 16
_NAME_RE = re.compile(r"[^\s+]+")


class NoteError(ValueError):
    """A note or checkpoint that is malformed or not signed by a trusted key."""


def _check_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"key name {name!r} must be non-empty, without spaces or '+'")
    return name


def key_id(name: str, public: bytes) -> int:
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4], "big")


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: int
    public: bytes

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(bytes([ED25519]) + self.public).decode()}"

    @property
    def label(self) -> str:
        return f"{self.name}+{self.key_id:08x}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @property
    def verifier(self) -> Verifier:
        public = self._key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, key_id(self.name, public), public)

    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def sign(self, text: bytes) -> bytes:
        return self.verifier.key_id.to_bytes(4, "big") + self._key().sign(text)


def make_signer(name: str, seed: bytes) -> Signer:
    if len(seed) != 32:
        raise ValueError("an Ed25519 private seed is 32 bytes")
    return Signer(_check_name(name), seed)


def parse_vkey(text: str) -> Verifier:
    """``name+hexid+base64(0x01 ‖ key)``: a verifier key as published and pinned by verifiers."""
    try:
        name, hex_id, b64 = text.strip().split("+", 2)
        raw = base64.b64decode(b64, validate=True)
        kid = int(hex_id, 16)
    except (ValueError, binascii.Error) as exc:
        raise NoteError(f"malformed verifier key {text!r}") from exc
    if len(hex_id) != 8 or len(raw) != 33 or raw[0] != ED25519 or not _NAME_RE.fullmatch(name):
        raise NoteError(f"malformed verifier key {text!r}")
    if key_id(name, raw[1:]) != kid:
        raise NoteError(f"verifier key {name}+{hex_id} does not match its key id")
    return Verifier(name, kid, raw[1:])


def sign_note(text: str, signers: Iterable[Signer]) -> str:
    if not text.endswith("\n") or not text.strip():
        raise ValueError("note text must be non-empty and end with a newline")
    body = text.encode()
    lines = [f"{DASH} {s.name} {base64.b64encode(s.sign(body)).decode()}\n" for s in signers]
    if not lines:
        raise ValueError("a note needs at least one signature")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: int
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The text and the signature lines of a signed note (nothing verified yet)."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("control characters in note")
    head, sep, sigs = note.rpartition("\n\n")
    if not sep or not head or not sigs.endswith("\n"):
        raise NoteError("not a signed note (text, blank line, signature lines)")
    signatures = []
    for line in sigs[:-1].split("\n"):
        prefix, _, rest = line.partition(" ")
        name, _, b64 = rest.partition(" ")
        try:
            raw = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise NoteError("malformed signature line") from exc
        if prefix != DASH or not _NAME_RE.fullmatch(name) or len(raw) < 5:
            raise NoteError("malformed signature line")
        signatures.append(Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError("too many signatures")
    return head + "\n", signatures


def open_note(note: str, verifiers: Iterable[Verifier]) -> tuple[str, list[Verifier]]:
    """Verify a note against trusted keys: the text and the keys that signed it.

    Signatures by unknown keys are ignored; a signature by a known key that fails rejects the note;
    at least one known key must have signed.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    good = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(text.encode(), sig.signature):
            raise NoteError(f"bad signature by {verifier.label}")
        good.append(verifier)
    if not good:
        raise NoteError("not signed by any trusted key")
    return text, good


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("a checkpoint has origin, size and root lines")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError("bad tree size line")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as exc:
        raise NoteError("bad root hash line") from exc
    return origin, int(size_text), root
