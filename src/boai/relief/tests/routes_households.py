"""Permission-matrix entries of the relief pages and endpoints: households."""

from __future__ import annotations

ROUTES: dict = {}
OBJECTS: dict = {}
