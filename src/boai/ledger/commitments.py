"""Pseudonymous commitments for donors and recipients: no person is ever named on the log.

A party (a person or organisation in the registry) has a keyed pseudonym
``P = HMAC-SM3(BOAI_COMMITMENT_KEY, "boai-party-v1" ‖ 0x00 ‖ party id)``: only the platform can
compute it, so nobody can test guessed ID numbers or registry ids against the log. Each receipt
draws a fresh 16-byte salt r, and the leaf carries the commitment ``C = HMAC-SM3(r, P)``.

The receipt (donation certificate) prints the *opening* ``r-P`` (hex). With it anyone, using only a
standard library, can recompute C and find the leaf; without it C says nothing, and two gifts of
the same donor carry unrelated commitments. Holding the key, the platform can show an auditor
that a commitment belongs to a given party.

This nests the keyed HMAC inside a salted one rather than computing ``HMAC-SM3(key, id ‖ salt)``
directly so that a donor can check their own receipt without the platform's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SALT_BYTES = 16
_OPENING_RE = re.compile(r"([0-9a-f]{32})-([0-9a-f]{64})")


@dataclass(frozen=True)
class Opening:
    salt: bytes
    pseudonym: bytes

    @property
    def commitment(self) -> str:
        return commitment_of(self.salt, self.pseudonym)

    @property
    def token(self) -> str:
        """What a receipt prints: ``<salt hex>-<pseudonym hex>``."""
        return f"{self.salt.hex()}-{self.pseudonym.hex()}"


@lru_cache(maxsize=1)
def _key() -> bytes:
    raw = settings.BOAI_COMMITMENT_KEY
    if not raw:  # development and tests; `boai check --deploy` refuses production without a key
        return hashlib.new("sm3", f"boai-dev:commitment:{settings.SECRET_KEY}".encode()).digest()
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("BOAI_COMMITMENT_KEY is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"BOAI_COMMITMENT_KEY must decode to 32 bytes, got {len(key)}")
    return key


def reset_key_cache() -> None:
    _key.cache_clear()


def pseudonym(party_id: str) -> bytes:
    if not party_id:
        raise ValueError("a commitment needs a party id")
    return hmac.new(_key(), b"boai-party-v1\x00" + party_id.encode(), "sm3").digest()


def commitment_of(salt: bytes, party_pseudonym: bytes) -> str:
    return hmac.new(salt, party_pseudonym, "sm3").hexdigest()


def commit(party_id: str, *, salt: bytes | None = None) -> Opening:
    """A fresh opening for one receipt of `party_id` (e.g. ``"person:123"``); put `.commitment` on the leaf."""
    return Opening(salt=salt if salt is not None else os.urandom(SALT_BYTES), pseudonym=pseudonym(party_id))


def parse_opening(token: str) -> Opening | None:
    match = _OPENING_RE.fullmatch((token or "").strip().lower())
    if not match:
        return None
    return Opening(bytes.fromhex(match[1]), bytes.fromhex(match[2]))


def opens(token: str, commitment: str) -> bool:
    opening = parse_opening(token)
    return opening is not None and hmac.compare_digest(opening.commitment, commitment)


def belongs_to(commitment: str, token: str, party_id: str) -> bool:
    """For an auditor, with the platform's key: does this opened commitment belong to this party?"""
    opening = parse_opening(token)
    return opening is not None and opens(token, commitment) and hmac.compare_digest(opening.pseudonym,
                                                                                     pseudonym(party_id))
