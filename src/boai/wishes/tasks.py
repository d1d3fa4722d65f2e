"""Periodic jobs of the micro-wish module (Celery beat in production, `boai periodic` otherwise)."""

from __future__ import annotations

from datetime import timedelta

from boai.core.periodic import periodic


@periodic("wishes.expire_claims", every=timedelta(hours=1))
def expire_claims() -> str:
    """Expire claims not delivered in time (the wishes are published again) and withdraw published
    wishes whose deadline passed unclaimed."""
    from boai.wishes.services import claims_expire, wishes_close_past_deadline

    expired = claims_expire()
    closed = wishes_close_past_deadline()
    return f"{expired} claims expired, {closed} wishes past their deadline"
