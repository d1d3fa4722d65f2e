"""Staff pages: star levels and their public notices, certificates, rules and rewards, reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.views_base import Column, DetailPage, ListPage, PermissionMixin, ServiceFormPage
from boai.orgs.models import Org
from boai.volunteers import reports, services
from boai.volunteers.filters import CertificateFilter, StarFilter
from boai.volunteers.forms import DecideForm, HoursRuleForm, PolicyForm, ReasonForm, RewardForm
from boai.volunteers.models import Certificate, HoursRule, Redemption, Reward, StarAward
from boai.volunteers.pdf import certificate_pdf
from boai.volunteers.selectors import PERSON_FIELDS
from boai.volunteers.views.common import ObjectActionPage, person_search


class StarListPage(ListPage):
    model = StarAward
    title = _("Star levels")
    filterset_class = StarFilter
    columns = (
        Column("volunteer", _("Volunteer"), accessor="volunteer.person.name", link=True),
        Column("org", _("Organisation"), accessor="volunteer.org.name"),
        Column("level", _("Stars"), accessor=lambda a: "★" * a.level),
        Column("hours_at", _("Hours when reached")),
        Column("status", _("Status"), accessor="get_status_display"),
        Column("notice_ends", _("Notice until")),
    )
    template_name = "volunteers/star_list.html"

    def base_queryset(self):
        return (super().base_queryset().select_related("volunteer__person", "volunteer__org")
                .defer(*(f"volunteer__{f}" for f in PERSON_FIELDS), "volunteer__emergency_phone"))

    def search(self, queryset, term):
        return person_search(queryset, term, prefix="volunteer__person__")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = [(obj.volunteer, values, obj) for obj, values in ctx["rows"]]
        ctx["can_withdraw"] = self.request.user.has_perm("volunteers.review")
        return ctx


class StarWithdrawPage(ObjectActionPage):
    model = StarAward
    action = "review"
    form_class = ReasonForm
    title = _("Withdraw a star level in public notice")

    def perform(self, form):
        award = services.star_withdraw(actor=self.request.user, award=self.get_object(), **form.cleaned_data)
        return award.volunteer

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("volunteers:star-list")
        return ctx


CERT_COLUMNS = (
    Column("serial", _("Certificate number"), link=True),
    Column("holder_name", _("Holder")),
    Column("unit_name", _("Issuing unit")),
    Column("hours", _("Hours")),
    Column("period", _("Period"), accessor=lambda c: f"{c.period_start} – {c.period_end}"),
    Column("issued_at", _("Issued")),
    Column("revoked", _("Revoked"), accessor=lambda c: bool(c.revoked_at)),
)


class CertificateListPage(ListPage):
    model = Certificate
    title = _("Service certificates")
    filterset_class = CertificateFilter
    columns = CERT_COLUMNS
    search_fields = ("serial__iexact", "holder_name__contains")


class CertificateDetailPage(DetailPage):
    model = Certificate
    template_name = "volunteers/certificate_detail.html"
    select_related = ("volunteer__person", "org", "issued_by")


class CertificatePdfView(PermissionMixin, View):
    permission = "volunteers.view"

    def get(self, request, pk):
        certificate = get_object_or_404(Certificate.objects.restrict(request.user, "view"), pk=pk)
        return pdf_response(certificate)


def pdf_response(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.serial}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class CertificateRevokePage(ObjectActionPage):
    model = Certificate
    action = "change"
    form_class = ReasonForm
    title = _("Revoke a certificate")
    service = services.certificate_revoke
    object_kwarg = "certificate"


# --- rules and rewards ---------------------------------------------------------------------------------

class SettingsPage(PermissionMixin, TemplateView):
    permission = "volunteers.configure"
    template_name = "volunteers/settings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        root = Org.objects.restrict(user, "view").filter(depth=1).first()
        ctx = super().get_context_data(**kwargs)
        ctx.update(policy=services.policy_for(), can_policy=root is not None,
                   rules=HoursRule.objects.restrict(user, "configure").select_related("org"),
                   rewards=Reward.objects.restrict(user, "configure").select_related("org"),
                   redemptions=Redemption.objects.restrict(user, "change").filter(
                       status=Redemption.Status.REQUESTED).select_related("reward", "volunteer__person")[:50])
        return ctx


class PolicyPage(ServiceFormPage):
    permission = "volunteers.configure"
    form_class = PolicyForm
    title = _("Incentive policy")

    def get_root(self) -> Org | None:
        """The society, when the user acts for it; others see the policy read-only."""
        return Org.objects.restrict(self.request.user, "view").filter(depth=1).first()

    def get_initial(self):
        p = services.policy_for()
        return {"star_thresholds": ", ".join(str(t) for t in p.star_thresholds), "notice_days": p.notice_days,
                "points_per_hour": p.points_per_hour, "active_hours_per_month": p.active_hours_per_month,
                "active_window_months": p.active_window_months, "active_min_months": p.active_min_months}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.get_root() is None:
            for field in form.fields.values():
                field.disabled = True
            form.fields["star_thresholds"].help_text = _("The incentive policy is set by the society.")
        return form

    def perform(self, form):
        root = self.get_root()
        if root is None:
            raise ValidationError(_t("The incentive policy is set by the society."))
        services.policy_update(actor=self.request.user, org=root, **form.cleaned_data)
        return None

    def get_success_url(self):
        return reverse("volunteers:settings")


class HoursRulePage(ServiceFormPage):
    permission = "volunteers.configure"
    form_class = HoursRuleForm
    title = _("Hours rule")

    def get_rule(self) -> HoursRule | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(HoursRule.objects.restrict(self.request.user, "configure"), pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_rule()}

    def perform(self, form):
        return services.hours_rule_save(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("volunteers:settings")


class HoursRuleDeleteView(PermissionMixin, View):
    permission = "volunteers.configure"

    def post(self, request, pk):
        rule = get_object_or_404(HoursRule.objects.restrict(request.user, "configure"), pk=pk)
        services.hours_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _t("The rule is removed."))
        return redirect("volunteers:settings")


class RewardPage(ServiceFormPage):
    permission = "volunteers.configure"
    form_class = RewardForm
    title = _("Reward")

    def get_reward(self) -> Reward | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Reward.objects.restrict(self.request.user, "configure"), pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        r = self.get_reward()
        return {} if r is None else {"org": r.org_id, "name": r.name, "description": r.description,
                                     "points_cost": r.points_cost, "stock": r.stock, "is_active": r.is_active}

    def perform(self, form):
        return services.reward_save(actor=self.request.user, reward=self.get_reward(), **form.cleaned_data)

    def get_success_url(self):
        return reverse("volunteers:settings")


class RedemptionDecidePage(ObjectActionPage):
    model = Redemption
    action = "change"
    form_class = DecideForm
    title = _("Hand over or cancel a redemption")

    def perform(self, form):
        services.redemption_decide(actor=self.request.user, redemption=self.get_object(),
                                   fulfil=form.cleaned_data["approve"])
        return None

    def get_success_url(self):
        return reverse("volunteers:settings")


# --- reports ---------------------------------------------------------------------------------------

class ReportsPage(PermissionMixin, TemplateView):
    permission = "volunteers.view"
    template_name = "volunteers/reports.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        months = max(1, min(60, int(self.request.GET.get("months", "12") or 12)
                            if str(self.request.GET.get("months", "12")).isdigit() else 12))
        rows = reports.hours_by_branch_month(user=user, months=months)
        header, table = reports.hours_table(rows)
        stars = reports.star_distribution(user=user)
        policy = services.policy_for()
        from boai.volunteers.selectors import filter_active, volunteers_for

        counts = reports.volunteer_counts(user=user)
        active = filter_active(volunteers_for(user).filter(status="active"), policy).count()
        return super().get_context_data(
            months=months, header=header, table=table, chart=reports.hours_chart_option(rows) if rows else None,
            stars=stars, star_chart={"xAxis": {"type": "category", "data": ["—", "★", "★★", "★★★", "★★★★", "★★★★★"]},
                                     "yAxis": {"type": "value"}, "tooltip": {},
                                     "series": [{"type": "bar", "data": [s["count"] for s in stars]}]},
            teams=reports.hours_by_team(user=user, since=reports.month_start(months - 1)),
            counts=counts, inactive=counts.get("inactive", 0) + counts.get("withdrawn", 0), active=active,
            policy=policy,
            today=timezone.localdate(), **kwargs)


