"""Settings of the micro-wish module, read at call time so tests can override them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def value_cap() -> Decimal:
    return Decimal(str(getattr(settings, "BOAI_WISH_VALUE_CAP", "500")))


def claim_days() -> int:
    return int(getattr(settings, "BOAI_WISH_CLAIM_DAYS", 7))


def claims_per_mobile() -> int:
    return int(getattr(settings, "BOAI_WISH_CLAIMS_PER_MOBILE", 3))


def confirm_days() -> int:
    return int(getattr(settings, "BOAI_WISH_CONFIRM_DAYS", 30))


def photo_max_mb() -> int:
    return int(getattr(settings, "BOAI_WISH_PHOTO_MAX_MB", 5))


def number_pattern() -> str:
    return getattr(settings, "BOAI_WISH_NUMBER_PATTERN", "WX-{year}-{seq:06d}")
