"""Certificate numbers from a configurable pattern, e.g. ``WX-{year}-{seq:06d}``.

The sequence counts per (pattern prefix, year) in a row locked with SELECT ... FOR UPDATE, so two
passes recorded at the same moment never get the same number; a unique constraint on the number
is the last guard.
"""

from __future__ import annotations

import string

ALLOWED = {"year", "seq", "org", "course"}


def render_number(pattern: str, *, year: int, seq: int, org_code: str, course_code: str) -> str:
    fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    unknown = fields - ALLOWED
    if unknown or "seq" not in fields:
        raise ValueError(f"pattern {pattern!r}: unknown fields {sorted(unknown)} or no {{seq}}")
    return pattern.format(year=year, seq=seq, org=org_code, course=course_code)
