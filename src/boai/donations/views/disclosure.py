"""Public disclosure (信息公开): income and spending per fund, project and campaign, and the list of
gifts received (names masked unless the donor chose to be named, anonymous never named), as pages
and as spreadsheets. Figures come from the journal; every gift links to its leaf on the public log."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.ratelimit import ratelimit
from boai.core.tabular.export import xlsx_response
from boai.donations import ledger_bridge, selectors
from boai.donations.models import Gift

limited = method_decorator(ratelimit("donations-disclosure", "120/min"), name="dispatch")


def period(request) -> tuple[int | None, dt.date | None, dt.date | None]:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
        return year, dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None, None, None


def years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


def public_report(start, end) -> dict:
    funds, projects = list(selectors.public_funds()), list(selectors.public_projects())
    report = selectors.income_spending_report(funds=funds, projects=projects, start=start, end=end)
    report["totals"] = {
        "income": sum((r["income"] for r in report["funds"]), selectors.ZERO),
        "goods": sum((r["goods"] for r in report["funds"]), selectors.ZERO),
        "spent": sum((r["programme"] + r["management"] for r in report["projects"]), selectors.ZERO),
    }
    return report


@limited
class DisclosurePage(TemplateView):
    template_name = "donations/public/disclosure.html"

    def get_context_data(self, **kwargs):
        year, start, end = period(self.request)
        return super().get_context_data(report=public_report(start, end), year=year, years=years(), **kwargs)


def public_gifts(request):
    year, start, end = period(request)
    gifts = Gift.objects.filter(fund__is_public=True).select_related("fund", "restricted_project", "campaign")
    if start:
        gifts = gifts.filter(received_at__date__gte=start, received_at__date__lte=end)
    term = request.GET.get("q", "").strip()[:40]
    if term:
        upper = term.upper()
        if upper.startswith(("JZ", "ZS")) and upper[2:].isdigit() and len(upper) > 6:
            gifts = gifts.filter(pk=int(upper[6:]))
        else:
            gifts = gifts.filter(Q(fund__name__icontains=term) | Q(restricted_project__name__icontains=term)
                                 | Q(donor_name=term, name_public=True, anonymous=False))
    return gifts.order_by("-received_at", "-id"), year, term


@limited
class DisclosureGiftsPage(TemplateView):
    template_name = "donations/public/disclosure_gifts.html"

    def get_context_data(self, **kwargs):
        gifts, year, term = public_gifts(self.request)
        page = Paginator(gifts, 30).get_page(self.request.GET.get("page"))
        leaves = ledger_bridge.leaves(g.ledger_entry for g in page.object_list)
        rows = [{"gift": g, "name": selectors.public_donor_name(g), "leaf": getattr(leaves.get(g.ledger_entry),
                                                                                    "index", None)}
                for g in page.object_list]
        return super().get_context_data(page_obj=page, rows=rows, year=year, years=years(), term=term, **kwargs)


@limited
class DisclosureReportExport(View):
    def get(self, request):
        year, start, end = period(request)
        report = public_report(start, end)
        headers = [_("Kind"), _("Code"), _("Name"), _("Gifts received (yuan)"), _("Goods in kind (yuan)"),
                   _("Allocations received (yuan)"), _("Allocated out (yuan)"), _("Programme spending (yuan)"),
                   _("Management cost (yuan)"), _("Balance (yuan)")]
        rows = [[_("Fund"), r["fund"].code, r["fund"].name, r["income"], r["goods"], None, r["allocated"], None, None,
                 r["balance"]] for r in report["funds"]]
        rows += [[_("Project"), r["project"].code, r["project"].name, r["gifts"], None, r["received"], None,
                  r["programme"], r["management"], r["balance"]] for r in report["projects"]]
        return xlsx_response(f"income-spending-{year or 'all'}.xlsx", headers, rows,
                             sheet_title=_("Income and spending"))


@limited
class DisclosureGiftsExport(View):
    MAX_ROWS = 100_000

    def get(self, request):
        gifts, year, _term = public_gifts(request)
        headers = [_("Gift No."), _("Date"), _("Donor"), _("Amount (yuan)"), _("Kind"), _("Fund"), _("Project"),
                   _("Campaign"), _("Log entry")]

        def rows():
            for g in gifts[: self.MAX_ROWS].iterator(chunk_size=2000):
                yield [g.number, timezone.localtime(g.received_at).date(), selectors.public_donor_name(g), g.amount,
                       g.get_kind_display(), g.fund.name, g.restricted_project.name if g.restricted_project_id else "",
                       g.campaign.name if g.campaign_id else "", g.ledger_entry]

        return xlsx_response(f"gifts-{year or 'all'}.xlsx", headers, rows(), sheet_title=_("Gifts received"))
