"""Periodic jobs of household monitoring (Celery beat in production, `boai periodic` otherwise)."""

from __future__ import annotations

from datetime import timedelta

from boai.core.periodic import periodic


@periodic("relief.reviews_overdue", every=timedelta(hours=6))
def reviews_overdue() -> str:
    """Each active household whose review date has passed gets one open overdue-review alert (a
    household that already has one is left alone); each unit is told once per run."""
    from boai.relief.services.households import reviews_overdue as run

    return f"{run()} households overdue for review"
