"""Receipts: a donation certificate (or a recipient's slip) prints a leaf index and an opening.

The opening is ``<salt hex>-<pseudonym hex>``; the leaf's donor or recipient commitment must equal
``HMAC-SM3(key=salt, message=pseudonym)``. Anyone can check this with the standard library.
"""

from __future__ import annotations

import hmac
import re

OPENING = re.compile(r"([0-9a-f]{32})-([0-9a-f]{64})")


def commitment(opening: str) -> str | None:
    match = OPENING.fullmatch(opening.strip().lower())
    if not match:
        return None
    return hmac.new(bytes.fromhex(match[1]), bytes.fromhex(match[2]), "sm3").hexdigest()


def role_in(entry: dict, opening: str) -> str | None:
    """"donor" or "recipient" if the opening opens that commitment of the leaf."""
    expected = commitment(opening)
    if expected is None:
        return None
    for role in ("donor", "recipient"):
        if isinstance(entry.get(role), str) and hmac.compare_digest(entry[role], expected):
            return role
    return None
