"""Reading campaigns: who sees which campaign, and its progress per branch.

A campaign belongs to its organiser (usually the city society), but the branches that hold a quota
work on it: a user sees a campaign organised in their subtree, or one with a quota for their subtree
or for an organisation above them (a grassroots unit of a branch with a quota). The households and
the figures they see stay inside their own subtree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from boai.core.scoping import permission_for, user_scope_path
from boai.orgs.models import Org
from boai.relief.models import Campaign, CampaignHousehold

Status = CampaignHousehold.Status


def _ancestors(path: str) -> list[str]:
    return [path[:i] for i in range(Org.steplen, len(path) + 1, Org.steplen)]


def visible_campaigns(user, action: str = "view") -> QuerySet:
    path = user_scope_path(user)
    if path is None or not user.has_perm(permission_for(Campaign, action)):
        return Campaign.objects.none()
    quota = Q(quotas__org__path__startswith=path) | Q(quotas__org__path__in=_ancestors(path))
    ids = Campaign.objects.filter(Q(org__path__startswith=path) | quota).values("pk")
    return Campaign.objects.filter(pk__in=ids)


def working_path(user, org: Org) -> str | None:
    """The part of `org`'s subtree that `user` works on: all of it, their own subtree, or nothing."""
    path = user_scope_path(user) or ""
    if not path:
        return None
    if org.path.startswith(path):
        return org.path
    return path if path.startswith(org.path) else None


@dataclass
class QuotaProgress:
    org: Org
    quota: int
    listed: int = 0
    disbursed: int = 0
    acknowledged: int = 0
    excluded: int = 0
    partial: bool = False  # the user sees only their part of this quota's subtree

    @property
    def on_list(self) -> int:
        """Households on the list (listed, delivered or acknowledged)."""
        return self.listed + self.disbursed + self.acknowledged

    @property
    def delivered(self) -> int:
        return self.disbursed + self.acknowledged

    def percent(self, value: int) -> int:
        return round(100 * value / self.quota) if self.quota else 0

    @property
    def listed_percent(self) -> int:
        return self.percent(self.on_list)

    @property
    def delivered_percent(self) -> int:
        return self.percent(self.delivered)

    @property
    def acknowledged_percent(self) -> int:
        return self.percent(self.acknowledged)


def progress(campaign: Campaign, user) -> list[QuotaProgress]:
    """Per quota the user works on: quota, listed, delivered, acknowledged (two queries in all)."""
    rows = []
    for quota in campaign.quotas.select_related("org").order_by("org__path"):
        path = working_path(user, quota.org)
        if path is not None:
            rows.append((quota, path))
    if not rows:
        return []
    counts = (CampaignHousehold.objects.filter(campaign=campaign)
              .filter(_any_prefix([path for _q, path in rows]))
              .values_list("org__path", "status", "application__status").annotate(n=Count("id")).order_by())
    result = [QuotaProgress(q.org, q.households, partial=path != q.org.path) for q, path in rows]
    for org_path, status, app_status, n in counts:
        # a campaign application delivered or acknowledged on its own page counts as the campaign's
        later = {Status.LISTED: (Status.DISBURSED, Status.ACKNOWLEDGED), Status.DISBURSED: (Status.ACKNOWLEDGED,)}
        if app_status in later.get(status, ()):
            status = app_status
        for item, (_quota, path) in zip(result, rows, strict=True):
            if org_path.startswith(path):
                setattr(item, status, getattr(item, status) + n)
                break
    return result


def _any_prefix(paths: list[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(org__path__startswith=path)
    return q


def totals(rows: list[QuotaProgress]) -> QuotaProgress | None:
    if not rows:
        return None
    total = QuotaProgress(rows[0].org, sum(r.quota for r in rows))
    for name in ("listed", "disbursed", "acknowledged", "excluded"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total


def chart(rows: list[QuotaProgress]) -> dict:
    """ECharts data for the progress bar chart (quota vs listed, delivered, acknowledged per branch)."""
    return {"branches": [r.org.short_name or r.org.name for r in rows], "quota": [r.quota for r in rows],
            "listed": [r.on_list for r in rows], "delivered": [r.delivered for r in rows],
            "acknowledged": [r.acknowledged for r in rows]}


def entries(campaign: Campaign, user) -> QuerySet:
    """The campaign's households the user may see (their subtree)."""
    return (CampaignHousehold.objects.restrict(user, "view").filter(campaign=campaign)
            .select_related("household", "household__head", "org", "application"))
