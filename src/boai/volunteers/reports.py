"""Aggregate reports: each one query, grouped in the database, scoped through restrict()."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.orgs.models import Kind, Org
from boai.volunteers.models import ServiceRecord, Volunteer

BRANCH_PATH = 2 * Org.steplen


def month_start(months_back: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    n = today.year * 12 + today.month - 1 - months_back
    return dt.date(n // 12, n % 12 + 1, 1)


def hours_by_branch_month(*, user, months: int = 12, since: dt.date | None = None, until: dt.date | None = None):
    """Certified hours per branch per month: [{branch, month, hours, records}], one aggregate query.

    Records of the society itself (not under a branch) are grouped under the society."""
    since = since or month_start(months - 1)
    qs = ServiceRecord.objects.restrict(user, "view").filter(status=ServiceRecord.Status.CERTIFIED,
                                                              service_date__gte=since)
    if until:
        qs = qs.filter(service_date__lte=until)
    rows = (qs.order_by().annotate(branch=Substr("org__path", 1, BRANCH_PATH), month=TruncMonth("service_date"))
            .values("branch", "month").annotate(hours=Sum("hours"), records=Count("id")).order_by("branch", "month"))
    return list(rows)


def branch_names(paths) -> dict[str, str]:
    return dict(Org.objects.filter(path__in=set(paths)).values_list("path", "short_name")) | {
        p: n for p, n in Org.objects.filter(path__in=set(paths), short_name="").values_list("path", "name")}


def hours_table(rows) -> tuple[list[str], list[dict]]:
    """Rows pivoted for display: months as columns, a row per branch with its total."""
    months = sorted({r["month"] for r in rows})
    names = branch_names(r["branch"] for r in rows)
    table: dict[str, dict] = defaultdict(lambda: {"cells": defaultdict(Decimal), "total": Decimal(0)})
    for r in rows:
        entry = table[r["branch"]]
        entry["cells"][r["month"]] += r["hours"] or 0
        entry["total"] += r["hours"] or 0
    out = [{"branch": names.get(p, p), "cells": [e["cells"].get(m, Decimal(0)) for m in months], "total": e["total"]}
           for p, e in sorted(table.items())]
    return [m.strftime("%Y-%m") for m in months], out


def hours_chart_option(rows) -> dict:
    months, table = hours_table(rows)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 50, "right": 10, "bottom": 40, "top": 40},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "name": str(_("hours"))},
        "series": [{"name": r["branch"], "type": "bar", "stack": "h", "data": [float(c) for c in r["cells"]]}
                   for r in table],
    }


def star_distribution(*, user) -> list[dict]:
    rows = (Volunteer.objects.restrict(user, "view").filter(status=Volunteer.Status.ACTIVE).order_by()
            .values("star_level").annotate(n=Count("id")).order_by("star_level"))
    counts = {r["star_level"]: r["n"] for r in rows}
    return [{"level": level, "count": counts.get(level, 0)} for level in range(6)]


def hours_by_team(*, user, since: dt.date) -> list[dict]:
    """Certified hours of activities run by each team since a date (top 20)."""
    return list(ServiceRecord.objects.restrict(user, "view")
                .filter(status=ServiceRecord.Status.CERTIFIED, service_date__gte=since, activity__team__isnull=False)
                .order_by().values("activity__team__name").annotate(hours=Sum("hours"), records=Count("id"))
                .order_by("-hours")[:20])


def volunteer_counts(*, user) -> dict:
    rows = Volunteer.objects.restrict(user, "view").order_by().values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def branches_in_scope(user):
    return Org.objects.restrict(user, "view").filter(kind=Kind.BRANCH)
