"""Cryptographic primitives of the platform, all in the Chinese national algorithms by default.

- SM3 (through hashlib/OpenSSL) for the audit chain and blind indexes (HMAC-SM3).
- SM4-GCM (through `cryptography`) for personal data at rest. Keys carry an id so that they can be
  rotated: the first configured key encrypts, every configured key decrypts.

Ciphertext format: ``<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``; the associated data binds a value
to its column, so a ciphertext copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
TAG_BYTES = 16


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key id, wrong column or tampered bytes."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError as exc:
            raise DecryptionError(f"unknown field key id {key_id!r}") from exc


def _derive(purpose: str) -> bytes:
    """Development-only key material derived from SECRET_KEY (production must configure keys)."""
    return hashlib.new("sm3", f"boai-dev:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _decode_key(raw: str, size: int, name: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(key) != size:
        raise ImproperlyConfigured(f"{name} must decode to {size} bytes, got {len(key)}")
    return key


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    spec = settings.BOAI_FIELD_KEYS
    if not spec:
        return Keyring(current_id="dev", keys={"dev": _derive("field")[:16]})
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in spec.split(","):
        key_id, sep, raw = item.strip().partition(":")
        if not sep or not key_id or "$" in key_id:
            raise ImproperlyConfigured("BOAI_FIELD_KEYS must look like 'id:base64key,id:base64key'")
        keys[key_id] = _decode_key(raw, 16, f"BOAI_FIELD_KEYS[{key_id}]")
        order.append(key_id)
    return Keyring(current_id=order[0], keys=keys)


@lru_cache(maxsize=16)
def _sm4(key_id: str) -> algorithms.SM4:
    """The algorithm object per key (building it costs about a sixth of an encryption)."""
    return algorithms.SM4(keyring().key(key_id))


@lru_cache(maxsize=1)
def _blind_key() -> bytes:
    raw = settings.BOAI_BLIND_INDEX_KEY
    return _decode_key(raw, 32, "BOAI_BLIND_INDEX_KEY") if raw else _derive("blind")


@lru_cache(maxsize=1)
def _blind_mac():
    return hmac.new(_blind_key(), digestmod="sm3")


def reset_key_cache() -> None:
    """Forget cached keys (tests and `rotate-keys` change settings at run time)."""
    keyring.cache_clear()
    _sm4.cache_clear()
    _blind_key.cache_clear()
    _blind_mac.cache_clear()


def encrypt(plaintext: str, *, context: str, key_id: str | None = None) -> str:
    kid = key_id or keyring().current_id
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(_sm4(kid), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return f"{kid}${base64.b64encode(nonce + body + encryptor.tag).decode()}"


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


def decrypt(token: str, *, context: str) -> str:
    kid, sep, payload = token.partition("$")
    if not sep:
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise DecryptionError("corrupt ciphertext") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("ciphertext too short")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(_sm4(kid), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def blind_index(value: str, *, context: str) -> str:
    """Keyed HMAC-SM3 of a normalised value: equal values give equal digests, nothing else leaks."""
    mac = _blind_mac().copy()
    mac.update(context.encode() + b"\x00" + value.encode())
    return mac.hexdigest()
