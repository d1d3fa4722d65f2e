"""Relief pages: households."""

from __future__ import annotations

urlpatterns: list = []


def register() -> None:
    """Navigation, widgets, public services, Excel kinds and periodic jobs of this area."""
