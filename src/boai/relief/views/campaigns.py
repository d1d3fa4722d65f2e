"""Relief pages: campaigns (博爱送万家 and the like), and — imported from here — the medical-insurance
exchange (views/medical.py) and the reports (views/reports.py)."""

from __future__ import annotations

from django import forms as django_forms
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, ObjectActionPage, ServiceFormPage
from boai.relief.forms_campaigns import (
    AcknowledgeForm,
    BulkDisburseForm,
    CampaignForm,
    HouseholdNumberForm,
    QuotaForm,
    ReasonForm,
)
from boai.relief.models import Campaign, CampaignHousehold, CampaignStatus, Household
from boai.relief.selectors import campaigns as selectors
from boai.relief.services import campaigns as services
from boai.relief.views import medical as medical_views
from boai.relief.views import reports as report_views


class VisibleCampaignMixin:
    """Campaigns come from `visible_campaigns` (organised in, or with a quota for, the user's subtree)."""

    model = Campaign

    def base_queryset(self):
        return selectors.visible_campaigns(self.request.user, self.action).select_related("org", "relief_type")


COLUMNS = (
    Column("name", _("Campaign"), link=True),
    Column("holiday", _("Occasion"), accessor="get_holiday_display"),
    Column("year", _("Year")),
    Column("org", _("Organiser"), accessor="org.name"),
    Column("relief_type", _("Relief type"), accessor="relief_type.name"),
    Column("standard_amount", _("Amount per household (yuan)")),
    Column("starts_on", _("Starts")),
    Column("ends_on", _("Ends")),
    Column("status", _("Status"), accessor="get_status_display"),
)


class CampaignListPage(VisibleCampaignMixin, ListPage):
    title = _("Relief campaigns")
    columns = COLUMNS
    search_fields = ("name__icontains",)
    search_placeholder = _("Campaign name")
    create_url_name = "relief:campaign-create"
    create_permission = "relief.change"
    empty_text = _("No campaigns yet. 博爱送万家 and other holiday campaigns are set up here.")


class CampaignDetailPage(VisibleCampaignMixin, DetailPage):
    template_name = "relief/campaigns/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        rows = selectors.progress(campaign, user)
        data = selectors.chart(rows)
        ctx.update(rows=rows, total=selectors.totals(rows), S=CampaignStatus,
                   can_change=user.has_perm("relief.change") and campaign.org.path.startswith(user.scope_path or "-"),
                   can_add=user.has_perm("relief.add"), can_approve=user.has_perm("relief.approve"),
                   can_disburse=user.has_perm("relief.disburse"),
                   chart={"tooltip": {"trigger": "axis"},
                          "legend": {"data": [str(_("Quota")), str(_("Listed")), str(_("Delivered")),
                                              str(_("Acknowledged"))]},
                          "xAxis": {"type": "category", "data": data["branches"]}, "yAxis": {"type": "value"},
                          "series": [{"name": str(_("Quota")), "type": "bar", "data": data["quota"]},
                                     {"name": str(_("Listed")), "type": "bar", "data": data["listed"]},
                                     {"name": str(_("Delivered")), "type": "bar", "data": data["delivered"]},
                                     {"name": str(_("Acknowledged")), "type": "bar", "data": data["acknowledged"]}]})
        return ctx


class CampaignCreatePage(ServiceFormPage):
    permission = "relief.change"
    form_class = CampaignForm
    title = _("New relief campaign")
    success_message = _("Campaign saved. Give the branches their quotas, then open it.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        from django.utils import timezone

        return {"year": timezone.localdate().year, "org": self.request.user.org}

    def perform(self, form):
        return services.campaign_create(actor=self.request.user, **form.cleaned_data)


class CampaignObjectPage(VisibleCampaignMixin, ObjectActionPage):
    """A page acting on one campaign the user can see (404 otherwise)."""

    template_name = "relief/campaigns/action.html"
    object_kwarg = "campaign"


class CampaignUpdatePage(CampaignObjectPage):
    action = "change"
    form_class = CampaignForm
    title = _("Edit campaign")
    service = services.campaign_update

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        c = self.get_object()
        return {**{f: getattr(c, f) for f in services.EDITABLE}, "target_categories": c.target_categories.split(",")}


class CampaignQuotaPage(CampaignObjectPage):
    action = "change"
    form_class = QuotaForm
    title = _("Quota per branch")
    submit_label = _("Set quota")
    success_message = _("Quota saved.")
    service = services.quota_set

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.get_object()}


class CampaignOpenPage(CampaignObjectPage):
    action = "change"
    title = _("Open the campaign")
    submit_label = _("Open")
    success_message = _("The campaign is under way.")
    service = services.campaign_open


class CampaignClosePage(CampaignObjectPage):
    action = "change"
    title = _("Close the campaign")
    submit_label = _("Close")
    success_message = _("The campaign is closed.")
    service = services.campaign_close


class BatchPage(CampaignObjectPage):
    """A step over the campaign's whole list: the service returns how many it did, or that and the
    lines it refused; both are reported."""

    report = None  # "%(n)s … done."

    def perform(self, form):
        from django.contrib import messages

        outcome = super().perform(form)
        done, refused = outcome if isinstance(outcome, tuple) else (outcome, [])
        messages.info(self.request, self.report % {"n": done})
        for line in refused[:20]:
            messages.warning(self.request, line)
        return self.get_object()


class CampaignBuildPage(BatchPage):
    action = "add"
    title = _("Build the household list from monitoring data")
    submit_label = _("Fill the quotas")
    service = services.campaign_build_list
    report = _("%(n)s households added to the list.")


class CampaignHouseholdAddPage(CampaignObjectPage):
    action = "add"
    form_class = HouseholdNumberForm
    title = _("Add a household to the list")
    submit_label = _("Add")
    success_message = _("Household added.")

    def perform(self, form):
        from django.core.exceptions import ValidationError

        household = Household.objects.restrict(self.request.user, "view").filter(
            number=form.cleaned_data["number"].strip()).first()
        if household is None:
            raise ValidationError({"number": _("No household with this number in your scope.")})
        services.campaign_household_add(actor=self.request.user, campaign=self.get_object(), household=household,
                                        note=form.cleaned_data["note"])
        return self.get_object()


class CampaignRaisePage(BatchPage):
    action = "add"
    title = _("Raise the list's applications")
    submit_label = _("Raise and verify")
    success_message = _("Done.")
    service = services.campaign_raise
    report = _("%(n)s applications raised and verified.")


class ApproveBatchForm(django_forms.Form):
    acknowledge_duplicates = django_forms.BooleanField(
        label=_("I have taken earlier help found by the duplicate check into account"), required=False)


class CampaignApprovePage(BatchPage):
    action = "approve"
    form_class = ApproveBatchForm
    title = _("Approve the campaign's applications as one batch")
    submit_label = _("Approve the batch")
    success_message = _("Done.")
    service = services.campaign_approve
    report = _("%(n)s applications approved.")


class CampaignDisbursePage(BatchPage):
    action = "disburse"
    form_class = BulkDisburseForm
    title = _("Record the delivery to every approved household")
    submit_label = _("Record the deliveries")
    success_message = _("Done.")
    service = services.campaign_disburse
    report = _("%(n)s deliveries recorded.")

    def get_initial(self):
        from django.utils import timezone

        return {"paid_on": timezone.localdate(), "method": "cash"}


def _entry_columns():
    return (
        Column("household", _("Household"), accessor="household.number"),
        Column("head", _("Head of household"), accessor="household.head.name"),
        Column("org", _("Responsible unit"), accessor="org.name"),
        Column("categories", _("Categories"), accessor=lambda e: "、".join(e.household.get_categories_display())),
        Column("size", _("Members"), accessor="household.size"),
        Column("status", _("Status"), accessor="get_status_display"),
        Column("application", _("Application"), accessor=lambda e: e.application.number if e.application_id else ""),
        Column("note", _("Note")),
    )


class CampaignEntriesMixin:
    model = CampaignHousehold
    columns = _entry_columns()
    search_fields = ("household__number__iexact", "household__head__name__startswith")

    def campaign(self) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = get_object_or_404(selectors.visible_campaigns(self.request.user, "view"),
                                               pk=self.kwargs["pk"])
        return self._campaign

    def base_queryset(self):
        status = self.request.GET.get("status", "")
        qs = selectors.entries(self.campaign(), self.request.user).select_related("household__head")
        return qs.filter(status=status) if status in CampaignHousehold.Status.values else qs


class CampaignHouseholdsPage(CampaignEntriesMixin, ListPage):
    template_name = "relief/campaigns/households.html"
    import_kind = "relief_campaign_households"
    empty_text = _("No households on the list yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        campaign = self.campaign()
        ctx.update(title=_("Households of %(name)s") % {"name": campaign.name}, campaign=campaign,
                   can_add=self.request.user.has_perm("relief.add") and campaign.status != CampaignStatus.CLOSED,
                   can_disburse=self.request.user.has_perm("relief.disburse"),
                   statuses=CampaignHousehold.Status.choices)
        return ctx


class CampaignHouseholdsExportPage(CampaignEntriesMixin, ExportPage):
    filename = "campaign-households"

    def get_queryset(self):
        self.campaign()
        return super().get_queryset()


class EntryPage(ObjectActionPage):
    model = CampaignHousehold
    template_name = "relief/campaigns/action.html"
    select_related = ("campaign", "household", "org")
    object_kwarg = "entry"

    def get_success_url(self) -> str:
        return reverse("relief:campaign-households", args=[self.get_object().campaign_id])


class CampaignHouseholdRemovePage(EntryPage):
    action = "add"
    form_class = ReasonForm
    title = _("Take the household off the list")
    submit_label = _("Take off the list")
    success_message = _("Taken off the list.")
    service = services.campaign_household_remove


class CampaignAcknowledgePage(EntryPage):
    action = "disburse"
    form_class = AcknowledgeForm
    title = _("Acknowledgement by the household")
    submit_label = _("Record the acknowledgement")
    success_message = _("Acknowledged.")
    service = services.campaign_acknowledge


urlpatterns = [
    path("campaigns/", CampaignListPage.as_view(), name="campaign-list"),
    path("campaigns/new/", CampaignCreatePage.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", CampaignDetailPage.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", CampaignUpdatePage.as_view(), name="campaign-update"),
    path("campaigns/<int:pk>/quota/", CampaignQuotaPage.as_view(), name="campaign-quota"),
    path("campaigns/<int:pk>/open/", CampaignOpenPage.as_view(), name="campaign-open"),
    path("campaigns/<int:pk>/close/", CampaignClosePage.as_view(), name="campaign-close"),
    path("campaigns/<int:pk>/build/", CampaignBuildPage.as_view(), name="campaign-build"),
    path("campaigns/<int:pk>/households/", CampaignHouseholdsPage.as_view(), name="campaign-households"),
    path("campaigns/<int:pk>/households/export/", CampaignHouseholdsExportPage.as_view(),
         name="campaign-households-export"),
    path("campaigns/<int:pk>/households/add/", CampaignHouseholdAddPage.as_view(), name="campaign-household-add"),
    path("campaigns/<int:pk>/raise/", CampaignRaisePage.as_view(), name="campaign-raise"),
    path("campaigns/<int:pk>/approve/", CampaignApprovePage.as_view(), name="campaign-approve"),
    path("campaigns/<int:pk>/disburse/", CampaignDisbursePage.as_view(), name="campaign-disburse"),
    path("campaign-households/<int:pk>/acknowledge/", CampaignAcknowledgePage.as_view(),
         name="campaign-acknowledge"),
    path("campaign-households/<int:pk>/remove/", CampaignHouseholdRemovePage.as_view(),
         name="campaign-household-remove"),
    *medical_views.urlpatterns,
    *report_views.urlpatterns,
]


def register() -> None:
    """Navigation, Excel kinds and the medical and report pages of this area."""
    from boai.core.registry import NavItem, register_nav
    from boai.core.tabular.spec import register_kind
    from boai.relief.tabular.campaigns import CampaignHouseholdsKind
    from boai.relief.tabular.medical import MedicalSettlementKind

    register_nav(NavItem("relief", _("Relief campaigns"), "relief:campaign-list", "relief.view", "gift", 430))
    register_nav(NavItem("relief", _("Medical-insurance exchange"), "relief:medical-list", "relief.view",
                         "hospital", 431),
                 NavItem("relief", _("Relief reports"), "relief:reports", "relief.view", "bar-chart", 432))
    register_kind(CampaignHouseholdsKind())
    register_kind(MedicalSettlementKind())
