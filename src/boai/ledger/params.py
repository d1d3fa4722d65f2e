"""The log's fixed parameters, read from settings: origin, hash, signing keys, checkpoint interval.

`BOAI_LOG_SIGNING_KEYS` is a comma list of ``name:base64(32-byte Ed25519 seed)``; every key listed
signs every checkpoint, which is how a key is rotated: add the new key, let verifiers pin it, then
drop the old one. Development and tests fall back to a key derived from SECRET_KEY; production
refuses to start without keys (`boai check --deploy`, see checks.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from boai.ledger.merkle import HASHES, TreeHasher
from boai.ledger.note import Signer, make_signer

DEV_ORIGIN = "dev.boai.invalid/log"


def origin() -> str:
    value = getattr(settings, "BOAI_LOG_ORIGIN", "") or DEV_ORIGIN
    if any(c.isspace() or c == "+" for c in value):
        raise ImproperlyConfigured("BOAI_LOG_ORIGIN may contain neither spaces nor '+'")
    return value


def hash_name() -> str:
    name = (getattr(settings, "BOAI_LOG_HASH", "") or "sm3").lower()
    if name not in HASHES:
        raise ImproperlyConfigured(f"BOAI_LOG_HASH must be one of {', '.join(HASHES)}, not {name!r}")
    return name


@lru_cache(maxsize=4)
def _hasher(name: str) -> TreeHasher:
    return TreeHasher(name)


def hasher() -> TreeHasher:
    return _hasher(hash_name())


def checkpoint_seconds() -> int:
    return max(1, int(getattr(settings, "BOAI_LOG_CHECKPOINT_SECONDS", 300) or 300))


def dev_seed() -> bytes:
    return hashlib.new("sm3", f"boai-dev:log-signing:{settings.SECRET_KEY}".encode()).digest()


def parse_signing_keys(spec: str) -> list[Signer]:
    signers = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, sep, raw = item.rpartition(":")
        try:
            seed = base64.b64decode(raw, validate=True)
            signers.append(make_signer(name, seed))
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(
                f"BOAI_LOG_SIGNING_KEYS entry {name or '?'!r}: expected name:base64(32-byte seed) ({exc})") from exc
        if not sep:
            raise ImproperlyConfigured("BOAI_LOG_SIGNING_KEYS entries look like name:base64seed")
    return signers


def signers() -> list[Signer]:
    spec = getattr(settings, "BOAI_LOG_SIGNING_KEYS", "")
    if spec:
        found = parse_signing_keys(spec)
        if found:
            return found
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("BOAI_LOG_SIGNING_KEYS is not set: the log cannot sign checkpoints")
    return [make_signer(origin(), dev_seed())]


def verifier_keys() -> list[str]:
    return [s.verifier.vkey for s in signers()]
