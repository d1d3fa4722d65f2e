"""Relief pages: relief types, applications (list, export, inbox per role, detail with its timeline
and duplicate findings, one form per step), disbursement and acknowledgement (signature canvas or
photo, the household's one-time signing link)."""

from __future__ import annotations

import django_filters
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from boai.core.views_base import (
    Column,
    DetailPage,
    ExportPage,
    ListPage,
    ObjectActionPage,
    OneTimeLinkPage,
    ScopedObjectMixin,
    ServiceFormPage,
)
from boai.relief import forms_applications as forms
from boai.relief.models import (
    Application,
    ApplicationStatus,
    ApprovalLevel,
    Channel,
    Disbursement,
    ReliefType,
)
from boai.relief.selectors import applications as selectors
from boai.relief.services import applications as services
from boai.relief.services import rules


def household_link(household) -> str:
    """The household page when the households area provides it; empty otherwise."""
    try:
        return reverse("relief:household-detail", args=[household.pk])
    except NoReverseMatch:
        return ""


# --- relief types -------------------------------------------------------------------------------

TYPE_COLUMNS = (
    Column("code", _("Code"), link=True),
    Column("name", _("Name"), link=True),
    Column("org", _("Organisation"), accessor="org.name"),
    Column("purpose", _("Spending purpose"), accessor="get_purpose_display"),
    Column("max_amount", _("Maximum amount (yuan)")),
    Column("branch_approval_limit", _("Branch approves up to (yuan)")),
    Column("repeat_window_days", _("Repeat window (days)")),
    Column("duplicate_rule", _("On a duplicate"), accessor="get_duplicate_rule_display"),
    Column("active", _("Active")),
)


class TypeListPage(ListPage):
    model = ReliefType
    title = _("Relief types")
    columns = TYPE_COLUMNS
    select_related = ("org",)
    search_fields = ("code__iexact", "name__icontains")
    search_placeholder = _("Code or name")
    create_url_name = "relief:type-create"
    create_permission = "relief.change"
    empty_text = _("No relief types yet.")

    def base_queryset(self):
        return selectors.types_visible(self.request.user).select_related("org")


class TypeDetailPage(DetailPage):
    model = ReliefType
    template_name = "relief/applications/type_detail.html"

    def base_queryset(self):
        return selectors.types_visible(self.request.user).select_related("org", "fund")

    def get_context_data(self, **kwargs):
        from boai.core.scoping import org_in_scope
        from boai.relief.models import Category

        labels = dict(Category.choices)
        rt, user = self.object, self.request.user
        return super().get_context_data(
            categories=[labels.get(c, c) for c in rt.eligible_category_list],
            can_change=user.has_perm("relief.change") and org_in_scope(rt.org, user), **kwargs)


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class TypeCreatePage(UserFormMixin, ServiceFormPage):
    permission = "relief.change"
    form_class = forms.ReliefTypeForm
    title = _("New relief type")

    def perform(self, form):
        return rules.relief_type_create(actor=self.request.user, **form.service_fields())


class TypeUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = ReliefType
    action = "change"
    form_class = forms.ReliefTypeForm
    title = _("Edit relief type")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_initial(self):
        rt = self.get_object()
        return {**{f: getattr(rt, f) for f in rules.TYPE_FIELDS}, "eligible_categories": rt.eligible_category_list}

    def perform(self, form):
        return rules.relief_type_update(actor=self.request.user, relief_type=self.get_object(),
                                        **form.service_fields())


class TypeActivePage(ObjectActionPage):
    model = ReliefType
    action = "change"
    form_class = forms.OptionalReasonForm
    template_name = "relief/applications/action.html"
    service = rules.relief_type_set_active
    object_kwarg = "relief_type"

    def get_context_data(self, **kwargs):
        active = self.get_object().active
        return super().get_context_data(title=_("Deactivate") if active else _("Reactivate"),
                                        submit_label=_("Deactivate") if active else _("Reactivate"), **kwargs)

    def service_kwargs(self, form) -> dict:
        return {**form.cleaned_data, "active": not self.get_object().active}


# --- applications -------------------------------------------------------------------------------

class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("Raised"), choices=Channel.choices)
    approval_level = django_filters.ChoiceFilter(label=_("Approved at"), choices=ApprovalLevel.choices)
    relief_type = django_filters.ModelChoiceFilter(label=_("Relief type"), queryset=None)
    org = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=None, method="in_subtree")

    class Meta:
        model = Application
        fields = ["status", "channel", "approval_level", "relief_type", "org"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        from boai.orgs.selectors import org_choices_for

        user = getattr(request, "user", None)
        self.filters["org"].queryset = org_choices_for(user).only("id", "name", "path") if user else None
        self.filters["relief_type"].queryset = selectors.types_visible(user) if user else ReliefType.objects.none()

    def in_subtree(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path) if value else queryset


COLUMNS = (
    Column("number", _("Number"), link=True),
    Column("household", _("Household"), accessor="household.number"),
    Column("beneficiary", _("Beneficiary"), accessor="beneficiary.name"),
    Column("relief_type", _("Relief type"), accessor="relief_type.name"),
    Column("amount_requested", _("Amount requested (yuan)")),
    Column("org", _("Responsible unit"), accessor="org.name"),
    Column("status", _("Status"), accessor="get_status_display"),
    Column("raised_at", _("Raised")),
)
SEARCH = ("number__iexact", "household__number__iexact", "beneficiary__name__startswith")
SELECT = ("org", "household", "beneficiary", "relief_type")


class ApplicationListPage(ListPage):
    model = Application
    title = _("Relief applications")
    filterset_class = ApplicationFilter
    columns = COLUMNS
    select_related = SELECT
    search_fields = SEARCH
    search_placeholder = _("Number, household number or beneficiary's name")
    export_url_name = "relief:application-export"
    create_url_name = "relief:application-create"
    create_permission = "relief.add"
    empty_text = _("No applications yet.")

    def base_queryset(self):
        return super().base_queryset().defer("beneficiary__id_number", "beneficiary__mobile", "beneficiary__address",
                                             "household__address")


class ApplicationExportPage(ExportPage):
    model = Application
    filterset_class = ApplicationFilter
    select_related = (*SELECT, "campaign")
    search_fields = SEARCH
    export_columns = (
        *COLUMNS,
        Column("id_number", _("ID number"), accessor="beneficiary.id_number_masked"),
        Column("channel", _("Raised"), accessor="get_channel_display"),
        Column("amount_approved", _("Amount approved (yuan)")),
        Column("approval_level", _("Approved at"), accessor="get_approval_level_display"),
        Column("approved_at", _("Approved")),
        Column("reject_reason", _("Reason for rejection")),
    )
    filename = "relief-applications"

    def base_queryset(self):
        return super().base_queryset().defer("beneficiary__id_number", "beneficiary__mobile", "beneficiary__address",
                                             "household__address")


class InboxPage(ListPage):
    """What waits for me: the steps my roles may take, one tab per step."""

    model = Application
    title = _("Relief applications waiting for me")
    columns = COLUMNS
    select_related = SELECT
    search_fields = SEARCH
    template_name = "relief/applications/inbox.html"
    empty_text = _("Nothing waits for you.")

    def base_queryset(self):
        return selectors.inbox(self.request.user, self.request.GET.get("box")).select_related(*SELECT)

    def get_context_data(self, **kwargs):
        labels = {"verify": _("To verify"), "review": _("To review"), "approve": _("To approve"),
                  "disburse": _("To disburse"), "acknowledge": _("To acknowledge")}
        user = self.request.user
        boxes = [(b, labels[b], selectors.inbox(user, b).count()) for b in selectors.boxes_for(user)]
        return super().get_context_data(boxes=boxes, box=self.request.GET.get("box", ""), **kwargs)


class ApplicationCreatePage(UserFormMixin, ServiceFormPage):
    permission = "relief.add"
    form_class = forms.ApplicationForm
    title = _("New relief application")
    success_message = _("Application raised: the grassroots unit verifies it next.")

    def get_initial(self):
        from boai.relief.models import Household

        initial = {"channel": Channel.WORKER if self.request.user.org.level >= 2 else Channel.STAFF}
        pk = self.request.GET.get("household", "")
        if pk.isdigit():
            household = Household.objects.restrict(self.request.user).filter(pk=int(pk)).first()
            if household is not None:
                initial["household"] = household.number
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.application_create(actor=self.request.user, **data)


class ApplicationDetailPage(DetailPage):
    model = Application
    select_related = (*SELECT, "raised_by", "verified_by", "reviewed_by", "approved_by", "rejected_by", "campaign")
    template_name = "relief/applications/detail.html"

    def get_context_data(self, **kwargs):
        app, user = self.object, self.request.user
        uid = user.pk
        not_own = uid not in {app.raised_by_id, app.verified_by_id}
        S = ApplicationStatus
        disbursement = Disbursement.objects.filter(application=app).first()
        link = self.request.session.pop(AckLinkPage.session_key.format(pk=app.pk), None)
        ctx = super().get_context_data(
            S=S, steps=app.steps.select_related("actor").all(), disbursement=disbursement,
            household_url=household_link(app.household),
            can_verify=user.has_perm("relief.verify") and app.status == S.SUBMITTED,
            can_review=user.has_perm("relief.review") and app.status == S.VERIFIED and not_own,
            can_approve=user.has_perm("relief.approve") and app.status == S.REVIEWED and not_own,
            can_reject=app.status in (S.SUBMITTED, S.VERIFIED, S.REVIEWED) and user.has_perm(
                {S.SUBMITTED: "relief.verify", S.VERIFIED: "relief.review"}.get(app.status, "relief.approve")),
            can_withdraw=app.status in services.BEFORE_MONEY and (
                user.has_perm("relief.review") or (user.has_perm("relief.add") and uid == app.raised_by_id)),
            can_disburse=user.has_perm("relief.disburse") and app.status == S.APPROVED,
            can_acknowledge=user.has_perm("relief.disburse") and app.status == S.DISBURSED,
            ack_link=link, **kwargs)
        if link:
            from base64 import b64encode

            from boai.core.pdf import qr_png

            ctx["ack_qr"] = b64encode(qr_png(link, scale=4)).decode()
        return ctx


class ActionPage(ObjectActionPage):
    """A form page for one step on an application (GET shows it, POST acts)."""

    model = Application
    object_kwarg = "application"
    select_related = ("org", "household", "beneficiary", "relief_type")
    template_name = "relief/applications/action.html"


class VerifyPage(ActionPage):
    permission = "relief.verify"
    form_class = forms.NoteForm
    title = _("Verify the application")
    submit_label = _("The household's situation is confirmed")
    success_message = _("Verified: the branch reviews it next.")
    service = services.application_verify


class ReviewPage(ActionPage):
    permission = "relief.review"
    form_class = forms.NoteForm
    title = _("Review the application")
    submit_label = _("Reviewed: pass on for approval")
    success_message = _("Reviewed: it waits for approval.")
    service = services.application_review


class ApprovePage(ActionPage):
    permission = "relief.approve"
    form_class = forms.ApproveForm
    title = _("Approve the application")
    submit_label = _("Approve")
    success_message = _("Approved: record the disbursement when it is paid.")
    service = services.application_approve

    def get_context_data(self, **kwargs):
        app = self.get_object()
        check = services.duplicates_for(app, self.request.user) if app.status == ApplicationStatus.REVIEWED else None
        return super().get_context_data(duplicates=check, **kwargs)


class RejectPage(ActionPage):
    permission = "relief.verify"
    form_class = forms.ReasonForm
    title = _("Reject the application")
    submit_label = _("Reject")
    success_message = _("Rejected with your reason.")
    service = services.application_reject


class WithdrawPage(ActionPage):
    permission = "relief.add"
    form_class = forms.OptionalReasonForm
    title = _("Withdraw the application")
    submit_label = _("Withdraw")
    success_message = _("Withdrawn.")
    service = services.application_withdraw


class DisbursePage(ActionPage):
    permission = "relief.disburse"
    form_class = forms.DisbursementForm
    title = _("Record the disbursement")
    submit_label = _("Record the disbursement")
    success_message = _("Disbursement recorded and written to the transparency log.")
    service = services.disbursement_record

    def get_initial(self):
        app = self.get_object()
        return {"amount": app.amount_approved, "paid_on": timezone.localdate(), "goods": app.goods}


class AcknowledgePage(ActionPage):
    permission = "relief.disburse"
    form_class = forms.AcknowledgeForm
    title = _("The recipient's acknowledgement")
    submit_label = _("Save the acknowledgement")
    success_message = _("Acknowledged.")
    template_name = "relief/applications/acknowledge.html"

    def perform(self, form):
        app = self.get_object()
        d = Disbursement.objects.filter(application=app).first()
        if d is None:
            raise ValidationError(_("Nothing has been disbursed yet."))
        try:
            fields = form.service_fields()
        except django_forms.ValidationError as exc:
            raise ValidationError(exc.messages) from None
        services.disbursement_acknowledge(actor=self.request.user, disbursement=d, **fields)
        return app


class AckLinkPage(OneTimeLinkPage, ActionPage):
    permission = "relief.disburse"
    title = _("Signing link for the household")
    submit_label = _("Create the signing link")
    success_message = _("Show the QR code to the household or send them the link. It works once.")
    service = services.ack_link_issue
    link_route = "relief_public:sign"
    session_key = "relief_ack_link_{pk}"


class AckFile(ScopedObjectMixin, View):
    """The acknowledgement image, for staff in scope."""

    model = Application

    def get(self, request, pk: int):
        app = self.get_object()
        d = Disbursement.objects.filter(application=app).exclude(acknowledgement="").first()
        if d is None:
            raise Http404
        kind = "image/png" if d.acknowledgement.name.endswith(".png") else "image/jpeg"
        response = FileResponse(d.acknowledgement.open("rb"), content_type=kind)
        response["Cache-Control"] = "private, max-age=600"
        return response


urlpatterns = [
    path("types/", TypeListPage.as_view(), name="type-list"),
    path("types/new/", TypeCreatePage.as_view(), name="type-create"),
    path("types/<int:pk>/", TypeDetailPage.as_view(), name="type-detail"),
    path("types/<int:pk>/edit/", TypeUpdatePage.as_view(), name="type-update"),
    path("types/<int:pk>/active/", TypeActivePage.as_view(), name="type-active"),
    path("applications/", ApplicationListPage.as_view(), name="application-list"),
    path("applications/export/", ApplicationExportPage.as_view(), name="application-export"),
    path("applications/inbox/", InboxPage.as_view(), name="application-inbox"),
    path("applications/new/", ApplicationCreatePage.as_view(), name="application-create"),
    path("applications/<int:pk>/", ApplicationDetailPage.as_view(), name="application-detail"),
    path("applications/<int:pk>/verify/", VerifyPage.as_view(), name="application-verify"),
    path("applications/<int:pk>/review/", ReviewPage.as_view(), name="application-review"),
    path("applications/<int:pk>/approve/", ApprovePage.as_view(), name="application-approve"),
    path("applications/<int:pk>/reject/", RejectPage.as_view(), name="application-reject"),
    path("applications/<int:pk>/withdraw/", WithdrawPage.as_view(), name="application-withdraw"),
    path("applications/<int:pk>/disburse/", DisbursePage.as_view(), name="application-disburse"),
    path("applications/<int:pk>/acknowledge/", AcknowledgePage.as_view(), name="application-acknowledge"),
    path("applications/<int:pk>/sign-link/", AckLinkPage.as_view(), name="application-ack-link"),
    path("applications/<int:pk>/acknowledgement/", AckFile.as_view(), name="application-ack-file"),
]


def register() -> None:
    """Navigation of this area (the public phone pages are registered as a public service) and the
    notification category of the application workflow."""
    from boai.core.notifications import register_category
    from boai.core.registry import NavItem, PublicService, register_nav, register_public
    from boai.relief.services.applications import NOTIFICATION_CATEGORIES

    for code, label in NOTIFICATION_CATEGORIES.items():
        register_category(code, label)

    register_nav(
        NavItem("relief", _("Relief applications"), "relief:application-list", "relief.view", "file-earmark-text",
                410),
        NavItem("relief", _("Waiting for me"), "relief:application-inbox", "relief.view", "inbox", 411),
        NavItem("relief", _("Relief types"), "relief:type-list", "relief.view", "sliders", 412),
    )
    register_public(PublicService(_("Apply for relief"), _("Households in difficulty apply for help by phone."),
                                  "relief_public:apply", "heart", 35))


