"""Staff pages: donors, gifts, funds, projects, campaigns, allocations, spending, the alliance,
recognition tiers, the disclosure calendar and reconciliation. Every list searches, filters,
paginates and exports the user's scope; every write goes through a service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _

from boai.core.views_base import (
    Column,
    DetailPage,
    ExportPage,
    ListPage,
    ObjectActionPage,
    ScopedObjectMixin,
    ServiceFormPage,
)
from boai.donations import forms, selectors, services
from boai.donations.filters import (
    AllocationFilter,
    CampaignFilter,
    DonorFilter,
    FundFilter,
    GiftFilter,
    ProjectFilter,
    SpendingFilter,
)
from boai.donations.models import (
    AllianceMember,
    Allocation,
    Campaign,
    DisclosureItem,
    Donor,
    Fund,
    Gift,
    GiftKind,
    Project,
    RecognitionTier,
    ReconciliationIssue,
    ReconciliationRun,
    Spending,
    SpendingStatus,
)
from boai.donations.pdf import certificate_pdf

# --- gifts ----------------------------------------------------------------------------------------

GIFT_COLUMNS = (
    Column("number", _("No."), accessor=str, link=True),
    Column("received_at", _("Received")),
    Column("donor", _("Donor"), accessor=lambda g: g.donor_name or (_("Anonymous donor") if g.anonymous else "")),
    Column("amount", _("Amount (yuan)")),
    Column("fund", _("Fund"), accessor="fund.name"),
    Column("project", _("Restricted to"), accessor=lambda g: g.restricted_project.name if g.restricted_project_id
           else g.get_restricted_purpose_display()),
    Column("channel", _("Channel"), accessor="get_channel_display"),
    Column("receipt_number", _("Receipt No.")),
)


def search_gifts(queryset, term: str):
    term = term.strip()
    upper = term.upper()
    if upper.startswith(("JZ", "ZS")) and upper[2:].isdigit() and len(upper) > 6:
        return queryset.filter(pk=int(upper[6:]))
    return queryset.filter(Q(donor_name__icontains=term) | Q(receipt_number=term) | Q(bank_ref=term)
                           | Q(gateway_txn=term) | Q(donor__name__icontains=term))


class GiftListPage(ListPage):
    model = Gift
    title = _("Gifts")
    filterset_class = GiftFilter
    columns = GIFT_COLUMNS
    select_related = ("fund", "restricted_project", "org")
    export_url_name = "donations:gift-export"
    create_url_name = "donations:gift-create"
    create_permission = "donations.add"
    search_placeholder = _("Donor, gift or receipt number, bank reference")
    template_name = "donations/gift_list.html"
    empty_text = _("No gifts recorded yet.")

    def search(self, queryset, term):
        return search_gifts(queryset, term) if term else queryset


class GiftExportPage(ExportPage):
    model = Gift
    filterset_class = GiftFilter
    select_related = ("fund", "restricted_project", "org", "campaign")
    export_columns = (*GIFT_COLUMNS, Column("kind", _("Kind"), accessor="get_kind_display"),
                      Column("item", _("Item")), Column("quantity", _("Quantity")), Column("unit", _("Unit")),
                      Column("campaign", _("Campaign"), accessor="campaign.name"),
                      Column("org", _("Organisation"), accessor="org.name"), Column("ledger_entry", _("Log entry")))
    filename = "gifts"

    def search(self, queryset, term):
        return search_gifts(queryset, term) if term else queryset


class GiftDetailPage(DetailPage):
    model = Gift
    template_name = "donations/gift_detail.html"
    select_related = ("fund", "restricted_project", "campaign", "donor", "org", "order", "certificate")

    def get_context_data(self, **kwargs):
        from boai.donations.journey import gift_journey

        user = self.request.user
        return super().get_context_data(journey=gift_journey(self.object), can_change=user.has_perm(
            "donations.change"), receipt_form=forms.ReceiptForm(), **kwargs)


class GiftCreatePage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.GiftForm
    title = _("Record a gift")
    success_message = _("The gift is recorded; its certificate is ready.")
    kind = GiftKind.MONEY

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.setdefault("channel", "in_kind")
        data["restricted_purpose"] = data.get("restricted_purpose") or ""
        data.pop("bank_ref", None) if self.kind == GiftKind.GOODS else None
        return services.gift_receive(actor=self.request.user, data=services.GiftData(kind=self.kind, **data))


class GoodsGiftCreatePage(GiftCreatePage):
    form_class = forms.GoodsGiftForm
    title = _("Record goods given in kind")
    kind = GiftKind.GOODS


class GiftReceiptPage(ObjectActionPage):
    model = Gift
    action = "change"
    form_class = forms.ReceiptForm
    title = _("Record the official receipt")
    service = services.gift_set_receipt
    object_kwarg = "gift"


class GiftCertificatePage(ScopedObjectMixin, DetailPage):
    model = Gift

    def get(self, request, *args, **kwargs):
        gift = self.get_object()
        response = HttpResponse(certificate_pdf(gift.certificate, request=request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{gift.certificate.number}.pdf"'
        return response


class GoodsReceivePage(ObjectActionPage):
    model = Gift
    action = "add"
    title = _("Receive goods into a warehouse")
    service = services.goods_receive
    object_kwarg = "gift"

    def get_form_class(self):
        from django import forms as django_forms

        class WarehouseForm(django_forms.Form):
            warehouse = django_forms.CharField(label=_("Warehouse"), max_length=100)

        return WarehouseForm


# --- donors ---------------------------------------------------------------------------------------

DONOR_COLUMNS = (
    Column("name", _("Name"), link=True),
    Column("kind", _("Donor type"), accessor="get_kind_display"),
    Column("uscc", _("Credit code")),
    Column("mobile_masked", _("Mobile number")),
    Column("total_given", _("Given in total (yuan)")),
    Column("org", _("Organisation"), accessor="org.name"),
)


class DonorQuerysetMixin:
    model = Donor
    select_related = ("org",)

    def base_queryset(self):
        return selectors.donor_totals(super().base_queryset().defer("mobile"))

    def search(self, queryset, term):
        from boai.people.identity import looks_like_mobile, normalise_mobile
        from boai.people.protect import mobile_blind

        if not term:
            return queryset
        if looks_like_mobile(term):
            return queryset.filter(mobile_blind=mobile_blind(normalise_mobile(term)))
        return queryset.filter(Q(name__icontains=term) | Q(uscc=term.upper()))


class DonorListPage(DonorQuerysetMixin, ListPage):
    title = _("Donors")
    filterset_class = DonorFilter
    columns = DONOR_COLUMNS
    export_url_name = "donations:donor-export"
    create_url_name = "donations:donor-create"
    create_permission = "donations.add"
    search_placeholder = _("Name, credit code or full mobile number")
    empty_text = _("No donors registered yet.")


class DonorExportPage(DonorQuerysetMixin, ExportPage):
    filterset_class = DonorFilter
    export_columns = (*DONOR_COLUMNS, Column("contact_name", _("Contact person")),
                      Column("created_at", _("Registered")))
    filename = "donors"


class DonorDetailPage(DetailPage):
    model = Donor
    template_name = "donations/donor_detail.html"
    select_related = ("org", "person")

    def get_context_data(self, **kwargs):
        donor = self.object
        gifts = Gift.objects.restrict(self.request.user).filter(donor=donor).select_related("fund")
        total = selectors.donor_totals(Donor.objects.filter(pk=donor.pk)).values_list("total_given", flat=True)[0]
        return super().get_context_data(gifts=gifts[:50], total=total, tier=selectors.donor_tier(donor, total),
                                        can_change=self.request.user.has_perm("donations.change"), **kwargs)


class DonorCreatePage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.DonorForm
    title = _("Register a donor")
    success_message = _("The donor is registered.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.donor_create(actor=self.request.user, **form.cleaned_data)


class DonorUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Donor
    action = "change"
    form_class = forms.DonorUpdateForm
    title = _("Edit donor")

    def get_initial(self):
        d = self.get_object()
        return {"name": d.name, "uscc": d.uscc, "contact_name": d.contact_name, "note": d.note}

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not data["mobile"]:
            data.pop("mobile")
        return services.donor_update(actor=self.request.user, donor=self.get_object(), **data)


# --- funds and projects ---------------------------------------------------------------------------

FUND_COLUMNS = (
    Column("code", _("Code")),
    Column("name", _("Name"), link=True),
    Column("kind", _("Fund type"), accessor="get_kind_display"),
    Column("balance", _("Balance (yuan)"), accessor="account.balance"),
    Column("org", _("Organisation"), accessor="org.name"),
    Column("is_active", _("Active")),
)


class FundListPage(ListPage):
    model = Fund
    title = _("Funds")
    filterset_class = FundFilter
    columns = FUND_COLUMNS
    select_related = ("org", "account")
    search_fields = ("name__icontains", "code__iexact")
    export_url_name = "donations:fund-export"
    create_url_name = "donations:fund-create"
    create_permission = "donations.add"
    empty_text = _("No funds yet.")


class FundExportPage(ExportPage):
    model = Fund
    filterset_class = FundFilter
    select_related = ("org", "account")
    search_fields = FundListPage.search_fields
    export_columns = (*FUND_COLUMNS, Column("management_cap", _("Management cost cap (%)")),
                      Column("purposes", _("Purposes"), accessor=lambda f: ", ".join(f.purposes)))
    filename = "funds"


class FundDetailPage(DetailPage):
    model = Fund
    template_name = "donations/fund_detail.html"
    select_related = ("org", "account", "named_after")

    def get_context_data(self, **kwargs):
        fund, user = self.object, self.request.user
        report = selectors.income_spending_report(funds=[fund], projects=[])["funds"][0]
        return super().get_context_data(
            report=report, projects=Project.objects.restrict(user).filter(fund=fund).select_related("account"),
            allocations=Allocation.objects.restrict(user).filter(fund=fund).select_related("project")[:20],
            restricted=selectors.restricted_holdings(fund), can_change=user.has_perm("donations.change"),
            can_allocate=user.has_perm("donations.allocate"), **kwargs)


class FundCreatePage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.FundForm
    title = _("New fund")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.fund_create(actor=self.request.user, **form.cleaned_data)


class FundUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Fund
    action = "change"
    form_class = forms.FundUpdateForm
    title = _("Edit fund")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        f = self.get_object()
        return {k: getattr(f, k) for k in ("name", "kind", "purposes", "named_after", "management_cap",
                                           "description", "is_public", "is_active")}

    def perform(self, form):
        return services.fund_update(actor=self.request.user, fund=self.get_object(), **form.cleaned_data)


PROJECT_COLUMNS = (
    Column("code", _("Code")),
    Column("name", _("Name"), link=True),
    Column("fund", _("Fund"), accessor="fund.name"),
    Column("purpose", _("Purpose"), accessor="get_purpose_display"),
    Column("budget", _("Budget (yuan)")),
    Column("balance", _("Balance (yuan)"), accessor="account.balance"),
    Column("status", _("Status"), accessor="get_status_display"),
)


class ProjectListPage(ListPage):
    model = Project
    title = _("Projects")
    filterset_class = ProjectFilter
    columns = PROJECT_COLUMNS
    select_related = ("fund", "account", "org")
    search_fields = ("name__icontains", "code__iexact")
    export_url_name = "donations:project-export"
    create_url_name = "donations:project-create"
    create_permission = "donations.add"
    empty_text = _("No projects yet.")


class ProjectExportPage(ExportPage):
    model = Project
    filterset_class = ProjectFilter
    select_related = ("fund", "account", "org")
    search_fields = ProjectListPage.search_fields
    export_columns = (*PROJECT_COLUMNS, Column("starts_on", _("Starts")), Column("ends_on", _("Ends")),
                      Column("org", _("Organisation"), accessor="org.name"))
    filename = "projects"


class ProjectDetailPage(DetailPage):
    model = Project
    template_name = "donations/project_detail.html"
    select_related = ("org", "fund", "account")

    def get_context_data(self, **kwargs):
        project, user = self.object, self.request.user
        report = selectors.income_spending_report(funds=[], projects=[project])["projects"][0]
        return super().get_context_data(
            report=report, progress=selectors.project_progress(project),
            spendings=Spending.objects.restrict(user).filter(project=project)[:20],
            allocations=Allocation.objects.restrict(user).filter(project=project).select_related("fund")[:20],
            can_change=user.has_perm("donations.change"), can_spend=user.has_perm("donations.spend"), **kwargs)


class ProjectCreatePage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.ProjectForm
    title = _("New project")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.project_create(actor=self.request.user, **form.cleaned_data)


class ProjectUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Project
    action = "change"
    form_class = forms.ProjectUpdateForm
    title = _("Edit project")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        p = self.get_object()
        return {k: getattr(p, k) for k in ("fund", "name", "purpose", "budget", "starts_on", "ends_on", "status",
                                           "summary", "description", "accepts_online", "is_public")}

    def perform(self, form):
        return services.project_update(actor=self.request.user, project=self.get_object(), **form.cleaned_data)


# --- campaigns ------------------------------------------------------------------------------------

CAMPAIGN_COLUMNS = (
    Column("name", _("Name"), link=True),
    Column("kind", _("Kind"), accessor="get_kind_display"),
    Column("starts_at", _("Starts")),
    Column("ends_at", _("Ends")),
    Column("target", _("Target (yuan)")),
    Column("org", _("Organisation"), accessor="org.name"),
)


class CampaignListPage(ListPage):
    model = Campaign
    title = _("Campaigns")
    filterset_class = CampaignFilter
    columns = CAMPAIGN_COLUMNS
    select_related = ("org",)
    search_fields = ("name__icontains", "slug__iexact")
    export_url_name = "donations:campaign-export"
    create_url_name = "donations:campaign-create"
    create_permission = "donations.add"
    empty_text = _("No campaigns yet.")


class CampaignExportPage(ExportPage):
    model = Campaign
    filterset_class = CampaignFilter
    select_related = ("org",)
    search_fields = CampaignListPage.search_fields
    export_columns = (*CAMPAIGN_COLUMNS, Column("slug", _("Address name")),
                      Column("record_number", _("Filing number")))
    filename = "campaigns"


class CampaignDetailPage(DetailPage):
    model = Campaign
    template_name = "donations/campaign_detail.html"
    select_related = ("org",)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(progress=selectors.campaign_progress(self.object, use_cache=False),
                                        target_form=forms.TargetForm(user=user),
                                        can_change=user.has_perm("donations.change"), **kwargs)


class CampaignCreatePage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.CampaignForm
    title = _("New campaign")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.campaign_create(actor=self.request.user, **form.cleaned_data)


class CampaignUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Campaign
    action = "change"
    form_class = forms.CampaignUpdateForm
    title = _("Edit campaign")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        c = self.get_object()
        initial = {k: getattr(c, k) for k in ("name", "kind", "starts_at", "ends_at", "target", "summary",
                                              "description", "public_fundraising", "record_number", "is_public")}
        return {**initial, "projects": list(c.projects.all())}

    def perform(self, form):
        return services.campaign_update(actor=self.request.user, campaign=self.get_object(), **form.cleaned_data)


class CampaignTargetPage(ScopedObjectMixin, ServiceFormPage):
    model = Campaign
    action = "change"
    form_class = forms.TargetForm
    title = _("Set a target")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        services.campaign_set_target(actor=self.request.user, campaign=self.get_object(), **form.cleaned_data)
        return self.get_object()


# --- allocations and spending ---------------------------------------------------------------------

ALLOCATION_COLUMNS = (
    Column("number", _("No."), accessor=str, link=True),
    Column("created_at", _("Date")),
    Column("fund", _("From fund"), accessor="fund.name"),
    Column("target", _("To"), accessor="target_label"),
    Column("amount", _("Amount (yuan)")),
    Column("note", _("Note")),
)


class AllocationListPage(ListPage):
    model = Allocation
    title = _("Allocations")
    filterset_class = AllocationFilter
    columns = ALLOCATION_COLUMNS
    select_related = ("fund", "project")
    search_fields = ("fund__name__icontains", "project__name__icontains", "note__icontains")
    export_url_name = "donations:allocation-export"
    create_url_name = "donations:allocation-create"
    create_permission = "donations.allocate"
    empty_text = _("No allocations yet.")


class AllocationExportPage(ExportPage):
    model = Allocation
    filterset_class = AllocationFilter
    select_related = ("fund", "project", "created_by")
    search_fields = AllocationListPage.search_fields
    export_columns = (*ALLOCATION_COLUMNS, Column("created_by", _("By"), accessor="created_by"),
                      Column("ledger_entry", _("Log entry")))
    filename = "allocations"


class AllocationDetailPage(DetailPage):
    model = Allocation
    template_name = "donations/allocation_detail.html"
    select_related = ("fund", "project", "created_by", "org")

    def get_context_data(self, **kwargs):
        from boai.donations import ledger_bridge

        return super().get_context_data(leaf=ledger_bridge.leaf_index(self.object.ledger_entry),
                                        draws=self.object.draws.select_related("lot"), **kwargs)


class AllocationCreatePage(ServiceFormPage):
    permission = "donations.allocate"
    form_class = forms.AllocationForm
    title = _("Allocate money")
    success_message = _("The money is allocated.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"fund": self.request.GET.get("fund"), "project": self.request.GET.get("project")}

    def perform(self, form):
        return services.allocation_create(actor=self.request.user, **form.cleaned_data)


SPENDING_COLUMNS = (
    Column("number", _("No."), accessor=str, link=True),
    Column("requested_at", _("Requested")),
    Column("source", _("Paid out of"), accessor="source_label"),
    Column("purpose", _("What it paid for")),
    Column("amount", _("Amount (yuan)")),
    Column("category", _("Category"), accessor="get_category_display"),
    Column("status", _("Status"), accessor="get_status_display"),
)


class SpendingListPage(ListPage):
    model = Spending
    title = _("Spending")
    filterset_class = SpendingFilter
    columns = SPENDING_COLUMNS
    select_related = ("project",)
    search_fields = ("purpose__icontains", "payee_name__icontains", "project__name__icontains")
    export_url_name = "donations:spending-export"
    create_url_name = "donations:spending-create"
    create_permission = "donations.spend"
    empty_text = _("No spending recorded yet.")


class SpendingExportPage(ExportPage):
    model = Spending
    filterset_class = SpendingFilter
    select_related = ("project", "requested_by", "approved_by")
    search_fields = SpendingListPage.search_fields
    export_columns = (*SPENDING_COLUMNS, Column("payee_kind", _("Payee type"), accessor="get_payee_kind_display"),
                      Column("payee_name", _("Payee")), Column("paid_at", _("Paid")),
                      Column("requested_by", _("Requested by"), accessor="requested_by"),
                      Column("approved_by", _("Approved by"), accessor="approved_by"),
                      Column("ledger_entry", _("Log entry")))
    filename = "spending"


class SpendingDetailPage(DetailPage):
    model = Spending
    template_name = "donations/spending_detail.html"
    select_related = ("project", "requested_by", "approved_by", "org")

    def get_context_data(self, **kwargs):
        from boai.donations import ledger_bridge

        spending, user = self.object, self.request.user
        can_approve = (spending.status == SpendingStatus.PENDING and user.has_perm("finance.approve")
                       and spending.requested_by_id != user.pk)
        return super().get_context_data(
            leaf=ledger_bridge.leaf_index(spending.ledger_entry), vouchers=spending.vouchers.all(),
            acknowledgements=spending.acknowledgements.all(), can_approve=can_approve,
            can_acknowledge=spending.status == SpendingStatus.PAID and user.has_perm("donations.add"),
            reject_form=forms.RejectForm(), ack_form=forms.AcknowledgementForm(), **kwargs)


class SpendingCreatePage(ServiceFormPage):
    permission = "donations.spend"
    form_class = forms.SpendingForm
    title = _("Record spending")
    success_message = _("The spending is recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"project": self.request.GET.get("project")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("vouchers", None)
        return services.spending_request(actor=self.request.user, vouchers=self.request.FILES.getlist("vouchers"),
                                         **data)


class SpendingActionPage(ObjectActionPage):
    model = Spending
    object_kwarg = "spending"


class SpendingApprovePage(SpendingActionPage):
    action = "view"
    permission = "finance.approve"
    template_name = "donations/confirm.html"
    title = _("Approve payment")
    service = services.spending_approve


class SpendingRejectPage(SpendingActionPage):
    action = "view"
    permission = "finance.approve"
    form_class = forms.RejectForm
    title = _("Reject payment")
    service = services.spending_reject


class AcknowledgePage(SpendingActionPage):
    action = "add"
    form_class = forms.AcknowledgementForm
    title = _("Record the recipient's acknowledgement")
    service = services.acknowledgement_record


# --- the charity alliance and recognition tiers ---------------------------------------------------

ALLIANCE_COLUMNS = (
    Column("donor", _("Member"), accessor="donor.name", link=True),
    Column("uscc", _("Credit code"), accessor="donor.uscc"),
    Column("joined_on", _("Joined on")),
    Column("status", _("Status"), accessor="get_status_display"),
    Column("org", _("Organisation"), accessor="org.name"),
)


class AllianceListPage(ListPage):
    model = AllianceMember
    title = _("Charity alliance")
    columns = ALLIANCE_COLUMNS
    select_related = ("donor", "org")
    search_fields = ("donor__name__icontains", "donor__uscc__iexact")
    export_url_name = "donations:alliance-export"
    create_url_name = "donations:alliance-join"
    create_permission = "donations.add"
    empty_text = _("No alliance members yet.")
    template_name = "donations/alliance_list.html"


class AllianceExportPage(ExportPage):
    model = AllianceMember
    select_related = ("donor", "org")
    search_fields = AllianceListPage.search_fields
    export_columns = (*ALLIANCE_COLUMNS, Column("pledge", _("Commitment")))
    filename = "alliance"


class AllianceDetailPage(DetailPage):
    model = AllianceMember
    template_name = "donations/alliance_detail.html"
    select_related = ("donor", "org")

    def get_context_data(self, **kwargs):
        member, user = self.object, self.request.user
        total = selectors.donor_totals(Donor.objects.filter(pk=member.donor_id)).values_list("total_given",
                                                                                             flat=True)[0]
        return super().get_context_data(
            contacts=member.contacts.select_related("staff"), total=total,
            tier=selectors.donor_tier(member.donor, total), contact_form=forms.ContactForm(),
            status_form=forms.AllianceStatusForm(initial={"status": member.status}),
            can_change=user.has_perm("donations.change"), can_add=user.has_perm("donations.add"), **kwargs)


class AllianceJoinPage(ServiceFormPage):
    permission = "donations.add"
    form_class = forms.AllianceJoinForm
    title = _("Add a member to the charity alliance")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.alliance_join(actor=self.request.user, **form.cleaned_data)


class AllianceActionPage(ObjectActionPage):
    model = AllianceMember
    object_kwarg = "member"


class ContactCreatePage(AllianceActionPage):
    action = "add"
    form_class = forms.ContactForm
    title = _("Record a contact")
    service = services.contact_record


class AllianceStatusPage(AllianceActionPage):
    action = "change"
    form_class = forms.AllianceStatusForm
    title = _("Change membership status")
    service = services.alliance_set_status


TIER_COLUMNS = (
    Column("name", _("Name"), link=True),
    Column("min_total", _("From (yuan)")),
    Column("donor_kind", _("For donor type"), accessor=lambda t: t.get_donor_kind_display() or _("All")),
    Column("benefits", _("Benefits")),
    Column("org", _("Organisation"), accessor="org.name"),
)


class TierListPage(ListPage):
    model = RecognitionTier
    title = _("Recognition tiers")
    columns = TIER_COLUMNS
    select_related = ("org",)
    search_fields = ("name__icontains",)
    create_url_name = "donations:tier-create"
    create_permission = "donations.change"
    empty_text = _("No recognition tiers yet: donors are not ranked.")


class TierCreatePage(ServiceFormPage):
    permission = "donations.change"
    form_class = forms.TierForm
    title = _("New recognition tier")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        from django.urls import reverse

        return reverse("donations:tier-list")

    def perform(self, form):
        return services.tier_save(actor=self.request.user, **form.cleaned_data)


class TierUpdatePage(ScopedObjectMixin, TierCreatePage):
    model = RecognitionTier
    action = "change"
    title = _("Edit recognition tier")

    def get_initial(self):
        t = self.get_object()
        return {"org": t.org_id, "name": t.name, "min_total": t.min_total, "donor_kind": t.donor_kind,
                "benefits": t.benefits}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("org")
        tier = self.get_object()
        return services.tier_save(actor=self.request.user, org=tier.org, tier=tier, **data)


class TierDeletePage(ObjectActionPage):
    model = RecognitionTier
    action = "change"
    template_name = "donations/confirm.html"
    title = _("Delete recognition tier")
    service = services.tier_delete
    object_kwarg = "tier"

    def get_success_url(self):
        from django.urls import reverse

        return reverse("donations:tier-list")


# --- disclosure calendar and reconciliation --------------------------------------------------------

DISCLOSURE_COLUMNS = (
    Column("title", _("Title"), link=True),
    Column("kind", _("Kind"), accessor="get_kind_display"),
    Column("due_on", _("Deadline")),
    Column("status", _("Status"), accessor="get_status_display"),
    Column("responsible", _("Responsible officer"), accessor="responsible"),
    Column("org", _("Organisation"), accessor="org.name"),
)


class DisclosureCalendarPage(ListPage):
    model = DisclosureItem
    title = _("Disclosure calendar")
    columns = DISCLOSURE_COLUMNS
    select_related = ("org", "responsible")
    search_fields = ("title__icontains",)
    empty_text = _("No disclosure deadlines: they appear when campaigns and projects are planned.")
    template_name = "donations/disclosure_calendar.html"


class DisclosureItemPage(ObjectActionPage):
    model = DisclosureItem
    action = "view"
    form_class = forms.PublishForm
    template_name = "donations/disclosure_item.html"
    success_message = _("Marked as published.")
    service = services.disclosure_publish
    object_kwarg = "item"

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.get_object(), can_change=self.request.user.has_perm(
            "donations.change"), **kwargs)


class ReconciliationPage(ListPage):
    model = ReconciliationIssue
    permission = "finance.reconcile"
    action = "view"
    title = _("Reconciliation")
    columns = (
        Column("kind", _("Mismatch"), accessor="get_kind_display", link=True),
        Column("out_trade_no", _("Order number")),
        Column("transaction_id", _("Gateway transaction")),
        Column("expected", _("Recorded")),
        Column("actual", _("On the statement")),
        Column("resolved", _("Resolved")),
        Column("note", _("Note")),
    )
    select_related = ("run",)
    search_fields = ("out_trade_no", "transaction_id")
    template_name = "donations/reconciliation.html"
    empty_text = _("No mismatches.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(runs=ReconciliationRun.objects.all()[:14],
                                        run_form=forms.ReconcileForm(), **kwargs)


class ReconcileRunPage(ServiceFormPage):
    permission = "finance.reconcile"
    form_class = forms.ReconcileForm
    title = _("Reconcile a statement")

    def perform(self, form):
        return services.reconcile(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        from django.urls import reverse

        return reverse("donations:reconciliation")


class IssueResolvePage(ScopedObjectMixin, ServiceFormPage):
    model = ReconciliationIssue
    permission = "finance.reconcile"
    action = "view"
    form_class = forms.ResolveForm
    title = _("Resolve a mismatch")

    def perform(self, form):
        from boai.donations.services.payments import issue_resolve

        return issue_resolve(actor=self.request.user, issue=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        from django.urls import reverse

        return reverse("donations:reconciliation")


def _unused(*args):  # keep imports used by type checkers quiet
    return get_object_or_404, redirect, ValidationError
