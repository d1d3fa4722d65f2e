"""Relief reports: people helped and money spent by branch, relief type, month and category, goods
deliveries, and relief per fund — all from the city-wide relief records (one row per person helped
by a grant; the grant's amount on the beneficiary's row), scoped to the user's subtree.

Each figure is one aggregate query; the page makes six whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from boai.core.scoping import user_scope_path
from boai.orgs.models import Org
from boai.relief.models import Category, Disbursement, DisbursementMethod, ReliefRecord, ReliefType


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


def records(user, period: Period, relief_type: ReliefType | None = None) -> QuerySet:
    path = user_scope_path(user)
    if path is None or not user.has_perm("relief.view"):
        return ReliefRecord.objects.none()
    qs = ReliefRecord.objects.filter(cancelled=False, granted_on__gte=period.start, granted_on__lte=period.end,
                                     org__path__startswith=path)
    return qs.filter(relief_type=relief_type) if relief_type is not None else qs


def _figures(qs) -> dict:
    return qs.aggregate(people=Count("person_id", distinct=True), helped=Count("id"),
                        amount=Sum("amount", default=Decimal(0)))


def by_branch(user, qs) -> list[dict]:
    """Per node one level below the user's (branches for the city, units for a branch)."""
    path = user_scope_path(user) or ""
    depth = len(path) + Org.steplen
    rows = (qs.annotate(node=Substr("org__path", 1, depth)).values("node")
            .annotate(people=Count("person_id", distinct=True), helped=Count("id"),
                      amount=Sum("amount", default=Decimal(0))).order_by("node"))
    rows = list(rows)
    names = dict(Org.objects.filter(path__in=[r["node"] for r in rows]).values_list("path", "name"))
    for r in rows:
        r["name"] = names.get(r["node"], r["node"])
    return rows


def by_type(qs) -> list[dict]:
    return list(qs.values("relief_type__code", "relief_type__name")
                .annotate(people=Count("person_id", distinct=True), helped=Count("id"),
                          amount=Sum("amount", default=Decimal(0))).order_by("relief_type__code"))


def by_month(qs) -> list[dict]:
    return list(qs.annotate(month=TruncMonth("granted_on")).values("month")
                .annotate(people=Count("person_id", distinct=True), helped=Count("id"),
                          amount=Sum("amount", default=Decimal(0))).order_by("month"))


def by_category(qs) -> list[dict]:
    """A household in several categories counts under each (one conditional aggregate, one query)."""
    aggregates = {}
    for code in Category.values:
        match = Q(household__categories__contains=f",{code},")
        aggregates[f"{code}__people"] = Count("person_id", filter=match, distinct=True)
        aggregates[f"{code}__amount"] = Sum("amount", filter=match, default=Decimal(0))
    data = qs.aggregate(**aggregates)
    labels = dict(Category.choices)
    return [{"code": c, "name": labels[c], "people": data[f"{c}__people"], "amount": data[f"{c}__amount"]}
            for c in Category.values if data[f"{c}__people"]]


def by_fund(qs) -> list[dict]:
    return list(qs.values("relief_type__fund_id", "relief_type__fund__code", "relief_type__fund__name")
                .annotate(people=Count("person_id", distinct=True), amount=Sum("amount", default=Decimal(0)))
                .order_by("relief_type__fund__code"))


def goods_deliveries(user, period: Period, relief_type: ReliefType | None = None) -> int:
    qs = Disbursement.objects.restrict(user, "view").filter(method=DisbursementMethod.GOODS,
                                                            paid_on__gte=period.start, paid_on__lte=period.end)
    if relief_type is not None:
        qs = qs.filter(application__relief_type=relief_type)
    return qs.count()


def report(user, period: Period, relief_type: ReliefType | None = None) -> dict:
    qs = records(user, period, relief_type)
    return {"totals": _figures(qs), "branches": by_branch(user, qs), "types": by_type(qs), "months": by_month(qs),
            "categories": by_category(qs), "funds": by_fund(qs),
            "goods": goods_deliveries(user, period, relief_type)}


def charts(data: dict) -> dict:
    """ECharts options: money by month (bar) with people helped (line), and money by relief type (pie)."""
    months = [r["month"].strftime("%Y-%m") if r["month"] else "" for r in data["months"]]
    return {
        "months": {"tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": months},
                   "yAxis": [{"type": "value"}, {"type": "value"}],
                   "series": [{"type": "bar", "name": "¥", "data": [float(r["amount"]) for r in data["months"]]},
                              {"type": "line", "yAxisIndex": 1, "name": "people",
                               "data": [r["people"] for r in data["months"]]}]},
        "types": {"tooltip": {"trigger": "item"},
                  "series": [{"type": "pie", "radius": "60%",
                              "data": [{"name": r["relief_type__name"], "value": float(r["amount"])}
                                       for r in data["types"]]}]},
        "branches": {"tooltip": {"trigger": "axis"}, "xAxis": {"type": "category",
                                                               "data": [r["name"] for r in data["branches"]]},
                     "yAxis": {"type": "value"},
                     "series": [{"type": "bar", "data": [float(r["amount"]) for r in data["branches"]]}]},
    }
