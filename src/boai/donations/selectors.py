"""Reads of the donations module: masked names, progress of campaigns and projects, balances,
donor totals and tiers, and the income/spending report that disclosure publishes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.donations.models import (
    Account,
    AccountKind,
    Allocation,
    Campaign,
    Donor,
    Fund,
    Gift,
    GiftKind,
    JournalLine,
    Project,
    RecognitionTier,
    Spending,
    SpendingStatus,
)
from boai.donations.models.campaigns import MILLION

ZERO = Decimal("0.00")
PROGRESS_CACHE_SECONDS = 5


def mask_name(name: str) -> str:
    """张三 → 张*, 王小明 → 王**, 某某科技有限公司 → 某某***公司."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) <= 4:
        return name[0] + "*" * min(len(name) - 1, 2)
    return name[:2] + "***" + name[-2:]


def public_donor_name(gift: Gift) -> str:
    """Anonymous gifts are never named; others are masked unless the donor agreed to be named."""
    if gift.anonymous:
        return _("Anonymous donor")
    name = gift.donor_name or _("Kind-hearted donor")
    return name if gift.name_public else mask_name(name)


def users_with_perm(org, perm: str) -> list:
    """Active users acting for `org` or one of its ancestors who hold `perm` (whom to notify)."""
    from boai.accounts.models import User

    prefixes = [org.path[:i] for i in range(4, len(org.path) + 1, 4)]
    users = User.objects.filter(is_active=True, org__path__in=prefixes).select_related("org")
    return [u for u in users if u.has_perm(perm)]


def money_gifts() -> Q:
    return Q(kind=GiftKind.MONEY)


# --- campaign and project progress ----------------------------------------------------------------

def _totals(queryset) -> dict:
    row = queryset.aggregate(total=Coalesce(Sum("amount"), Value(ZERO)), count=Count("id"))
    return {"total": row["total"], "count": row["count"]}


def recent_gifts(queryset, limit: int = 10) -> list[dict]:
    rows = queryset.order_by("-received_at", "-id").only("donor_name", "anonymous", "name_public", "amount",
                                                          "received_at", "message")[:limit]
    return [{"name": public_donor_name(g), "amount": g.amount, "at": g.received_at, "message": g.message}
            for g in rows]


def percent(part: Decimal, whole: Decimal) -> int:
    if not whole:
        return 0
    return max(0, min(100, int(part * 100 / whole)))


def campaign_progress(campaign: Campaign, *, use_cache: bool = True) -> dict:
    """Totals, per-branch and per-day figures against their targets, project totals, recent gifts."""
    key = f"donations:campaign:{campaign.pk}:progress"
    found = cache.get(key) if use_cache else None
    if found is not None:
        return found
    gifts = Gift.objects.filter(campaign=campaign).filter(money_gifts())
    totals = _totals(gifts)
    data = {"total": totals["total"], "count": totals["count"], "target": campaign.target,
            "percent": percent(totals["total"], campaign.target), "recent": recent_gifts(gifts),
            "branches": _branch_progress(campaign, gifts), "days": _day_progress(campaign, gifts),
            "projects": _campaign_projects(campaign, gifts), "updated": timezone.now()}
    cache.set(key, data, PROGRESS_CACHE_SECONDS)
    return data


def _branch_of(path: str) -> str:
    return path[:8]


def _branch_progress(campaign: Campaign, gifts) -> list[dict]:
    from boai.orgs.models import Org

    by_path: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for path, total in gifts.values_list("org__path").annotate(total=Sum("amount")).order_by():
        by_path[_branch_of(path)] += total
    targets = {t.org.path: t.amount for t in campaign.targets.filter(org__isnull=False, day__isnull=True)
               .select_related("org")}
    paths = sorted(set(by_path) | set(targets))
    names = dict(Org.objects.filter(path__in=paths).values_list("path", "name"))
    return [{"name": names.get(p, p), "total": by_path.get(p, ZERO), "target": targets.get(p),
             "percent": percent(by_path.get(p, ZERO), targets.get(p) or ZERO)} for p in paths]


def _day_progress(campaign: Campaign, gifts) -> list[dict]:
    rows = (gifts.annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(total=Sum("amount"), count=Count("id")).order_by("day"))
    totals = {r["day"]: r for r in rows}
    targets = dict(campaign.targets.filter(org__isnull=True, day__isnull=False).values_list("day", "amount"))
    days = sorted(set(totals) | set(targets))
    return [{"day": d, "total": totals.get(d, {}).get("total", ZERO), "count": totals.get(d, {}).get("count", 0),
             "target": targets.get(d), "percent": percent(totals.get(d, {}).get("total", ZERO), targets.get(d) or ZERO)}
            for d in days]


def _campaign_projects(campaign: Campaign, gifts) -> list[dict]:
    raised = dict(gifts.filter(restricted_project__isnull=False).values_list("restricted_project")
                  .annotate(total=Sum("amount")).order_by())
    projects = list(campaign.projects.all())
    totals = project_raised_totals([p.pk for p in projects])
    return [{"project": p, "total": raised.get(p.pk, ZERO), "all_time": totals.get(p.pk, ZERO),
             "million": totals.get(p.pk, ZERO) >= MILLION} for p in projects]


def project_raised_totals(project_ids) -> dict[int, Decimal]:
    """What each project has raised from gifts restricted to it (all time)."""
    return dict(Gift.objects.filter(restricted_project__in=project_ids).filter(money_gifts())
                .values_list("restricted_project").annotate(total=Sum("amount")).order_by())


def project_progress(project: Project) -> dict:
    raised = project_raised_totals([project.pk]).get(project.pk, ZERO)
    gifts = Gift.objects.filter(restricted_project=project).filter(money_gifts())
    return {"raised": raised, "budget": project.budget, "percent": percent(raised, project.budget),
            "million": raised >= MILLION, "count": gifts.count(), "recent": recent_gifts(gifts)}


def peer_progress(page) -> dict:
    gifts = Gift.objects.filter(peer_page=page).filter(money_gifts())
    totals = _totals(gifts)
    return {**totals, "target": page.target, "percent": percent(totals["total"], page.target),
            "recent": recent_gifts(gifts)}


# --- donors -------------------------------------------------------------------------------------

def donor_totals(queryset):
    """Annotate donors with their cumulative money giving (a correlated subquery: evaluated per shown row)."""
    total = (Gift.objects.filter(donor=OuterRef("pk")).order_by().values("donor")
             .annotate(s=Sum("amount")).values("s"))
    return queryset.annotate(total_given=Coalesce(Subquery(total), Value(ZERO)))


def tiers_for(org) -> list[RecognitionTier]:
    """The tiers that apply in `org`: those of its nearest ancestor (or itself) that defines any."""
    prefixes = [org.path[:i] for i in range(4, len(org.path) + 1, 4)]
    tiers = list(RecognitionTier.objects.filter(org__path__in=prefixes).select_related("org"))
    if not tiers:
        return []
    deepest = max(t.org.path for t in tiers)
    return sorted((t for t in tiers if t.org.path == deepest), key=lambda t: t.min_total)


def donor_tier(donor: Donor, total: Decimal, tiers: list[RecognitionTier] | None = None) -> RecognitionTier | None:
    tiers = tiers if tiers is not None else tiers_for(donor.org)
    reached = [t for t in tiers if (not t.donor_kind or t.donor_kind == donor.kind) and total >= t.min_total]
    return reached[-1] if reached else None


# --- balances and the disclosure report ---------------------------------------------------------

def fund_balances(funds) -> dict[int, Decimal]:
    return dict(Account.objects.filter(fund__in=funds).values_list("fund_id", "balance"))


def project_balances(projects) -> dict[int, Decimal]:
    return dict(Account.objects.filter(project__in=projects).values_list("project_id", "balance"))


def _period(queryset, field: str, start: dt.date | None, end: dt.date | None):
    if start:
        queryset = queryset.filter(**{f"{field}__date__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__date__lte": end})
    return queryset


def _gift_sums(gifts, fund_ids, project_ids) -> tuple[dict, dict, dict]:
    """Money and goods per fund, and money per restricted project, in one pass over the gifts."""
    fund_in, fund_goods, project_gifts = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), {}
    rows = (gifts.filter(fund__in=fund_ids).values_list("fund", "restricted_project")
            .annotate(money=Sum("amount", filter=Q(kind=GiftKind.MONEY)),
                      goods=Sum("amount", filter=Q(kind=GiftKind.GOODS))).order_by())
    wanted = set(project_ids)
    for fund, project, money, goods in rows:
        fund_in[fund] += money or ZERO
        fund_goods[fund] += goods or ZERO
        if project in wanted:
            project_gifts[project] = project_gifts.get(project, ZERO) + (money or ZERO)
    return fund_in, fund_goods, project_gifts


def income_spending_report(*, funds, projects, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """Per fund: gifts received (money and goods), allocated out, balance. Per project: gifts restricted
    to it, allocations received, spent (programme and management), balance. Five grouped queries whatever
    the number of gifts, one pass over them (the disclosure benchmark measures this)."""
    fund_ids = [f.pk for f in funds]
    project_ids = [p.pk for p in projects]
    gifts = _period(Gift.objects.all(), "received_at", start, end)
    fund_in, fund_goods, project_gifts = _gift_sums(gifts, fund_ids or [0], project_ids)
    if not fund_ids and project_ids:
        _unused, _goods, project_gifts = _gift_sums(gifts.filter(restricted_project__in=project_ids),
                                                    list({p.fund_id for p in projects}), project_ids)
    fund_out = dict(_period(Allocation.objects.filter(fund__in=fund_ids), "created_at", start, end)
                    .values_list("fund").annotate(s=Sum("amount")).order_by())
    project_in = dict(_period(Allocation.objects.filter(project__in=project_ids), "created_at", start, end)
                      .values_list("project").annotate(s=Sum("amount")).order_by())
    spent = defaultdict(dict)
    for pid, category, total in (_period(Spending.objects.filter(project__in=project_ids, status=SpendingStatus.PAID),
                                         "paid_at", start, end)
                                 .values_list("project", "category").annotate(s=Sum("amount")).order_by()):
        spent[pid][category] = total
    fund_bal, project_bal = fund_balances(fund_ids), project_balances(project_ids)
    return {
        "funds": [{"fund": f, "income": fund_in.get(f.pk, ZERO), "goods": fund_goods.get(f.pk, ZERO),
                   "allocated": fund_out.get(f.pk, ZERO), "balance": fund_bal.get(f.pk, ZERO)} for f in funds],
        "projects": [{"project": p, "gifts": project_gifts.get(p.pk, ZERO), "received": project_in.get(p.pk, ZERO),
                      "programme": spent[p.pk].get("programme", ZERO),
                      "management": spent[p.pk].get("management", ZERO),
                      "balance": project_bal.get(p.pk, ZERO)} for p in projects],
    }


def journal_balance_check() -> list[tuple[int, Decimal, Decimal]]:
    """Internal accounts whose stored balance differs from the sum of their lines (should be none).
    (SQLite sums decimals as floats: the sums are rounded to the fen before comparing.)"""
    sums = {pk: Decimal(total).quantize(ZERO) for pk, total in
            JournalLine.objects.values_list("account").annotate(s=Sum("amount")).order_by()}
    out = []
    for pk, balance in Account.objects.filter(kind__in=[AccountKind.FUND, AccountKind.PROJECT, AccountKind.RELIEF]
                                              ).values_list("pk", "balance"):
        if sums.get(pk, ZERO) != balance:
            out.append((pk, balance, sums.get(pk, ZERO)))
    return out


def public_funds():
    return Fund.objects.filter(is_public=True).select_related("org").order_by("code")


def public_projects():
    return Project.objects.filter(is_public=True).select_related("org", "fund").order_by("code")


def restricted_holdings(fund: Fund) -> list[dict]:
    """What a fund holds, by the restriction donors put on it (open lots grouped)."""
    from boai.donations.models import Lot, Purpose

    rows = (Lot.objects.filter(account__fund=fund, remaining__gt=0)
            .values("restricted_project__name", "restricted_purpose").annotate(total=Sum("remaining"))
            .order_by("restricted_project__name", "restricted_purpose"))
    out = []
    for r in rows:
        label = r["restricted_project__name"] or (Purpose(r["restricted_purpose"]).label if r["restricted_purpose"]
                                                   else _("Unrestricted"))
        out.append({"label": label, "total": r["total"]})
    return out


def gifts_for_mobile_blind(blind: str):
    """The gifts given with this mobile number (online, or by a registered donor with that number)."""
    return (Gift.objects.filter(Q(donor__mobile_blind=blind) | Q(donor__person__mobile_blind=blind)
                                | Q(order__mobile_blind=blind)).order_by("-received_at", "-id"))
