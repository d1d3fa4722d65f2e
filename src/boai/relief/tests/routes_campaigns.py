"""Permission-matrix entries of the relief pages and endpoints: campaigns."""

from __future__ import annotations

ROUTES: dict = {}
OBJECTS: dict = {}
