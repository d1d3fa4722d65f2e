"""Training reads that need the person-based models (certificates): filled in when they arrive."""

from __future__ import annotations

from django.db.models import QuerySet


def base_statistics(base, *, year: int) -> dict:
    """Open days, visitors and the opening rate (开放率 = open days / planned open days) of a year."""
    from django.db.models import Count, Sum

    agg = base.open_days.filter(day__year=year).aggregate(days=Count("id"), visitors=Sum("visitors"))
    days, planned = agg["days"] or 0, base.planned_open_days
    sessions = base.sessions.filter(starts_on__year=year).count()
    rate = round(100 * days / planned, 1) if planned else None
    return {"open_days": days, "visitors": agg["visitors"] or 0, "opening_rate": rate, "sessions": sessions}


def certificates_by_branch_month(*, year: int, sessions: QuerySet) -> dict[tuple[int, int], int]:
    """Certificates issued per (branch id, month) in `year`, within the sessions the user sees."""
    return {}
