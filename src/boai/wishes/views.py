"""Staff pages: the list (search, filters, export), the review inbox, a wish with its timeline, and one
form page per service (create, edit, submit, review, delivery, confirmation, withdrawal)."""

from __future__ import annotations

from django.http import FileResponse, Http404
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
from boai.wishes import selectors, services
from boai.wishes.filters import WishFilter
from boai.wishes.forms import DeliveryForm, ReasonForm, WishForm
from boai.wishes.models import OPEN_CLAIM, ClaimStatus, MicroWish, WishStatus


def _display(field: str):
    return f"get_{field}_display"


COLUMNS = (
    Column("number", _("Number"), link=True),
    Column("title", _("Wish"), link=True),
    Column("category", _("Category"), accessor=_display("category")),
    Column("estimated_value", _("Estimated value (yuan)")),
    Column("org", _("Grassroots unit"), accessor="org.name"),
    Column("status", _("Status"), accessor=_display("status")),
    Column("deadline", _("Deadline")),
)
SEARCH = ("number__iexact", "title__icontains", "beneficiary__name__startswith")


class WishListPage(ListPage):
    model = MicroWish
    title = _("Micro-wishes")
    filterset_class = WishFilter
    columns = COLUMNS
    select_related = ("org",)
    search_fields = SEARCH
    search_placeholder = _("Number, wish or beneficiary's name")
    export_url_name = "wishes:export"
    create_url_name = "wishes:create"
    create_permission = "relief.add"
    import_kind = "micro_wishes"
    empty_text = _("No micro-wishes yet. Grassroots units raise them for the people they look after.")


class WishExportPage(ExportPage):
    model = MicroWish
    filterset_class = WishFilter
    select_related = ("org", "district", "beneficiary")
    search_fields = SEARCH
    export_columns = (
        *COLUMNS,
        Column("district", _("District"), accessor=lambda w: w.district.name if w.district_id else ""),
        Column("beneficiary", _("Beneficiary"), accessor="beneficiary.name"),
        Column("id_number", _("ID number"), accessor="beneficiary.id_number_masked"),
        Column("public_profile", _("Public description")),
        Column("story", _("Public story")),
        Column("published_at", _("Published")),
        Column("confirmed_at", _("Fulfilled")),
    )
    filename = "micro-wishes"

    def base_queryset(self):
        return super().base_queryset().defer("beneficiary__id_number", "beneficiary__mobile", "beneficiary__address")


class ReviewInboxPage(ListPage):
    model = MicroWish
    action = "approve"
    title = _("Micro-wishes to review")
    columns = (*COLUMNS[:5], Column("submitted_at", _("Submitted")))
    search_fields = SEARCH
    empty_text = _("Nothing waits for your review.")

    def base_queryset(self):
        return selectors.review_inbox(self.request.user)


class WishDetailPage(DetailPage):
    model = MicroWish
    select_related = ("org", "district", "beneficiary", "created_by", "reviewed_by")
    template_name = "wishes/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        wish, user = self.object, self.request.user
        ctx.update(
            claims=wish.claims.select_related("claimant", "confirmed_by").all(),
            open_claim=selectors.open_claim(wish), timeline=selectors.timeline(wish),
            can_add=user.has_perm("relief.add"), can_change=user.has_perm("relief.change"),
            can_review=user.has_perm("relief.approve") and user.pk not in {wish.created_by_id, wish.submitted_by_id},
            confirm_link=self.request.session.pop(ConfirmLinkPage.session_key.format(pk=wish.pk), None),
            open_statuses=OPEN_CLAIM, S=WishStatus,
        )
        if ctx["confirm_link"]:
            from base64 import b64encode

            from boai.core.pdf import qr_png

            ctx["confirm_qr"] = b64encode(qr_png(ctx["confirm_link"], scale=4)).decode()
        return ctx


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class WishCreatePage(UserFormMixin, ServiceFormPage):
    permission = "relief.add"
    form_class = WishForm
    title = _("New micro-wish")
    success_message = _("Saved as a draft. Submit it for review when it is ready.")

    def perform(self, form):
        return services.wish_create(actor=self.request.user, **form.service_fields())


class WishUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = MicroWish
    action = "add"
    form_class = WishForm
    title = _("Edit micro-wish")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.get_object().beneficiary}

    def get_initial(self):
        wish = self.get_object()
        return {"org": wish.org, **{f: getattr(wish, f) for f in services.WISH_FIELDS}}

    def perform(self, form):
        return services.wish_update(actor=self.request.user, wish=self.get_object(), **form.service_fields())


class ActionPage(ObjectActionPage):
    """A confirmation page for one service call on a wish (GET shows it, POST acts)."""

    model = MicroWish
    template_name = "wishes/action.html"
    object_kwarg = "wish"


class WishSubmitPage(ActionPage):
    action = "add"
    title = _("Submit for review")
    submit_label = _("Submit for review")
    success_message = _("Submitted: a reviewer will publish or return it.")
    service = services.wish_submit


class WishApprovePage(ActionPage):
    action = "approve"
    title = _("Approve and publish")
    submit_label = _("Publish")
    success_message = _("Published: the wish is on the public page.")
    service = services.wish_approve


class WishRejectPage(ActionPage):
    action = "approve"
    form_class = ReasonForm
    title = _("Return to the unit")
    submit_label = _("Return")
    success_message = _("Returned with your reason.")
    service = services.wish_reject


class WishWithdrawPage(ActionPage):
    action = "change"
    form_class = ReasonForm
    title = _("Withdraw the wish")
    submit_label = _("Withdraw")
    success_message = _("Withdrawn.")
    service = services.wish_withdraw


class RecordDeliveryPage(ActionPage):
    action = "change"
    form_class = DeliveryForm
    title = _("Record the delivery")
    submit_label = _("Record delivery")
    success_message = _("Delivery recorded.")

    def perform(self, form):
        from django.core.exceptions import ValidationError

        claim = selectors.open_claim(self.get_object())
        if claim is None or claim.status != ClaimStatus.ACTIVE:
            raise ValidationError(_("There is no claim waiting for delivery."))
        services.claim_deliver(claim=claim, actor=self.request.user, **form.cleaned_data)
        return self.get_object()


class RecordConfirmationPage(ActionPage):
    action = "add"
    title = _("Record the beneficiary's confirmation")
    submit_label = _("The beneficiary received it")
    success_message = _("Fulfilled: the wish is closed and written to the transparency log.")
    service = services.wish_confirm


class ConfirmLinkPage(OneTimeLinkPage, ActionPage):
    action = "add"
    title = _("Confirmation link for the beneficiary")
    submit_label = _("Create a new link")
    success_message = _("Show the QR code to the beneficiary or send them the link. It works once.")
    service = services.confirm_link_issue
    link_route = "wishes:public-confirm"
    session_key = "wishes_link_{pk}"


class StaffPhoto(ScopedObjectMixin, View):
    """The wish's photo, or (`?delivery=1`) the latest delivery photo, for staff in scope."""

    model = MicroWish

    def get(self, request, pk: int):
        wish = self.get_object()
        if request.GET.get("delivery"):
            claim = wish.claims.exclude(delivery_photo="").order_by("-claimed_at").first()
            photo = claim.delivery_photo if claim else None
        else:
            photo = wish.photo
        if not photo:
            raise Http404
        response = FileResponse(photo.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=600"
        return response
