"""The protected columns of a person, computed in one place for single writes and bulk writes."""

from __future__ import annotations

from dataclasses import dataclass

from boai.core import crypto
from boai.people.identity import mask_id, mask_mobile
from boai.people.models import ID_CONTEXT, MOBILE_CONTEXT, Person

ID_FIELD_CONTEXT = Person._meta.get_field("id_number").crypto_context
MOBILE_FIELD_CONTEXT = Person._meta.get_field("mobile").crypto_context
ADDRESS_FIELD_CONTEXT = Person._meta.get_field("address").crypto_context


def id_blind(number: str) -> str | None:
    """Blind index of a normalised document number (None when there is none: no uniqueness to keep)."""
    return crypto.blind_index(number, context=ID_CONTEXT) if number else None


_id_blind = id_blind


def mobile_blind(number: str) -> str | None:
    return crypto.blind_index(number, context=MOBILE_CONTEXT) if number else None


@dataclass(frozen=True)
class Derived:
    """Masked forms and blind indexes: what is stored next to the encrypted values."""

    id_number_masked: str
    id_blind: str | None
    mobile_masked: str
    mobile_blind: str | None


def derive(*, id_number: str, mobile: str, id_blind: str | None = None) -> Derived:
    """`id_blind` may be passed when already computed (validation computes it for duplicate checks)."""
    return Derived(mask_id(id_number), id_blind or _id_blind(id_number), mask_mobile(mobile) if mobile else "",
                   mobile_blind(mobile))


def encrypt_or_empty(value: str, context: str) -> str:
    """What EncryptedTextField stores: ciphertext, or '' for no value (bulk paths bypass the field)."""
    return crypto.encrypt(value, context=context) if value else ""
