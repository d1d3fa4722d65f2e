"""Permission-matrix entries of the relief pages and endpoints: applications."""

from __future__ import annotations

ROUTES: dict = {}
OBJECTS: dict = {}
