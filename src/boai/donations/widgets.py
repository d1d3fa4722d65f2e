"""Dashboard widget of the donations module: this month's gifts and spending (two queries)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone


def register() -> None:
    from boai.core.registry import Widget, register_widget

    register_widget(Widget("donations/widget_month.html", "donations.view", month_figures, order=30))


def month_figures(user) -> dict:
    from boai.donations.models import Gift, Spending, SpendingStatus

    start = timezone.localdate().replace(day=1)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    gifts = Gift.objects.restrict(user, "view").filter(received_at__gte=since, kind="money")
    row = gifts.aggregate(total=Sum("amount"), count=Count("id"))
    spending = Spending.objects.restrict(user, "view").aggregate(
        spent=Sum("amount", filter=Q(status=SpendingStatus.PAID, paid_at__gte=since)),
        pending=Count("id", filter=Q(status=SpendingStatus.PENDING)))
    return {"total": row["total"] or 0, "count": row["count"], "spent": spending["spent"] or 0,
            "pending": spending["pending"], "since": start}
