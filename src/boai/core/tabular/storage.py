"""Uploaded sheets and error sheets at rest: encrypted with the field key (SM4-GCM).

They hold the same personal data the database keeps encrypted (ID numbers, phones, addresses), so
they get the same protection: a copy of the media directory reveals nothing. Blobs carry the key
id, so key rotation keeps old files readable until they expire (BOAI_IMPORT_KEEP_DAYS).
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from boai.core import crypto

MAGIC = b"BOAI-SM4GCM1:"
CONTEXT = b"boai.tabular.file"


def _encrypt(data: bytes) -> bytes:
    ring = crypto.keyring()
    nonce = os.urandom(crypto.NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(ring.current_id)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(CONTEXT)
    body = encryptor.update(data) + encryptor.finalize()
    return MAGIC + ring.current_id.encode() + b"$" + nonce + body + encryptor.tag


def _decrypt(blob: bytes) -> bytes:
    if not blob.startswith(MAGIC):
        raise crypto.DecryptionError("not an encrypted import file")
    key_id, sep, rest = blob[len(MAGIC):].partition(b"$")
    if not sep or len(rest) < crypto.NONCE_BYTES + crypto.TAG_BYTES:
        raise crypto.DecryptionError("corrupt import file")
    nonce, body, tag = rest[:crypto.NONCE_BYTES], rest[crypto.NONCE_BYTES:-crypto.TAG_BYTES], rest[-crypto.TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(crypto.keyring().key(key_id.decode())), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(CONTEXT)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise crypto.DecryptionError("import file failed authentication") from exc


def save(data: bytes, *, folder: str = "imports") -> str:
    """Store `data` encrypted under a random name; returns the storage name."""
    name = f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.bin"
    return default_storage.save(name, ContentFile(_encrypt(data)))


def load(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return _decrypt(handle.read())


def delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
