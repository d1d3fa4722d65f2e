"""Relief pages: reports (people helped, money spent by branch, type, month, category; relief per fund
with links to the donations disclosure), ECharts charts and an Excel export, in the user's subtree."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.generic import TemplateView, View

from boai.core.views_base import PermissionMixin
from boai.relief.models import ReliefType
from boai.relief.selectors import reports


def _params(request) -> tuple[int, ReliefType | None]:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    code = request.GET.get("type", "")
    relief_type = ReliefType.objects.filter(code=code).first() if code else None
    return year, relief_type


class ReportPage(PermissionMixin, TemplateView):
    permission = "relief.view"
    template_name = "relief/reports/report.html"

    def get_context_data(self, **kwargs):
        year, relief_type = _params(self.request)
        data = reports.report(self.request.user, reports.Period.year(year), relief_type)
        this_year = timezone.localdate().year
        return super().get_context_data(
            data=data, charts=reports.charts(data), year=year, relief_type=relief_type,
            years=list(range(this_year, this_year - 6, -1)), types=ReliefType.objects.order_by("code"),
            can_export=self.request.user.has_perm("relief.export"), **kwargs)


class ReportExport(PermissionMixin, View):
    permission = "relief.export"

    def get(self, request):
        from boai.core.audit import audit_record
        from boai.core.tabular.export import xlsx_response

        year, relief_type = _params(request)
        data = reports.report(request.user, reports.Period.year(year), relief_type)
        audit_record(actor=request.user, action="relief.export", object_type="relief.report",
                     object_repr=f"relief report {year}",
                     after={"year": year, "type": getattr(relief_type, "code", "")})
        rows = [[_t("Total"), "", data["totals"]["people"], data["totals"]["helped"], data["totals"]["amount"]]]
        rows += [[_t("Branch"), r["name"], r["people"], r["helped"], r["amount"]] for r in data["branches"]]
        rows += [[_t("Relief type"), r["relief_type__name"], r["people"], r["helped"], r["amount"]]
                 for r in data["types"]]
        rows += [[_t("Month"), r["month"].strftime("%Y-%m"), r["people"], r["helped"], r["amount"]]
                 for r in data["months"]]
        rows += [[_t("Category"), str(r["name"]), r["people"], "", r["amount"]] for r in data["categories"]]
        rows += [[_t("Fund"), r["relief_type__fund__name"] or _t("No fund"), r["people"], "", r["amount"]]
                 for r in data["funds"]]
        rows.append([_t("Goods deliveries"), "", "", data["goods"], ""])
        headers = [_t("Breakdown"), _t("Name"), _t("People helped"), _t("Person-grants"), _t("Money (yuan)")]
        return xlsx_response(f"relief-report-{year}.xlsx", headers, rows, sheet_title=str(year))


urlpatterns = [
    path("reports/", ReportPage.as_view(), name="reports"),
    path("reports/export/", ReportExport.as_view(), name="reports-export"),
]

