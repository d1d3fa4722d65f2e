"""Relief API: applications."""

from __future__ import annotations

VIEWSETS: list = []  # (prefix under /api/v1/, viewset, basename)
