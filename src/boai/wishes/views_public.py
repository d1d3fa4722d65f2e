"""Public phone pages: the anonymised list of wishes, a wish, claiming it with a verified mobile
number, the claimant's own claims (delivery, giving back), and the beneficiary's confirmation link.
Rate-limited per client address; the claimant's verified number lives in the session only as the
id of its `Claimant` row."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.middleware import client_ip
from boai.core.ratelimit import ratelimit
from boai.core.views_base import _add_service_errors
from boai.wishes import forms, selectors, services
from boai.wishes.models import Category, Claim, Claimant, ClaimStatus, WishStatus

PUBLIC_RATE = "120/min"
SESSION_KEY = "wishes_claimant"
PENDING_NAME = "wishes_claimant_name"
limited = method_decorator(ratelimit("wishes-public", PUBLIC_RATE), name="dispatch")
writes_limited = method_decorator(ratelimit("wishes-write", "30/h"), name="post")


def current_claimant(request) -> Claimant | None:
    pk = request.session.get(SESSION_KEY)
    return Claimant.objects.filter(pk=pk).first() if pk else None


def _login(request, claimant: Claimant) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = claimant.pk


def _public_wish(number: str):
    return get_object_or_404(selectors.public_wishes(), number=number)


@limited
class WishListPage(TemplateView):
    template_name = "wishes/public/list.html"

    def get_context_data(self, **kwargs):
        qs = selectors.open_to_claim()
        category = self.request.GET.get("category", "")
        district = self.request.GET.get("district", "")
        if category in Category.values:
            qs = qs.filter(category=category)
        if district.isdigit():
            qs = qs.filter(district_id=int(district))
        page = Paginator(qs.order_by("deadline", "id"), 20).get_page(self.request.GET.get("page"))
        fulfilled = selectors.public_wishes().filter(status=WishStatus.CONFIRMED).order_by("-confirmed_at")[:5]
        return super().get_context_data(page=page, categories=Category.choices, category=category,
                                        districts=selectors.public_districts(), district=district,
                                        counts=selectors.public_counts(), fulfilled=fulfilled, **kwargs)


@limited
class WishDetailPage(TemplateView):
    template_name = "wishes/public/detail.html"

    def get_context_data(self, **kwargs):
        wish = _public_wish(self.kwargs["number"])
        claimant = current_claimant(self.request)
        mine = claimant is not None and wish.claims.filter(claimant=claimant).exists()
        return super().get_context_data(wish=wish, mine=mine, claimable=wish.status == WishStatus.PUBLISHED,
                                        **kwargs)


@limited
class WishPhoto(View):
    """A published wish's photo (media files are not served publicly: drafts' photos stay private)."""

    def get(self, request, number: str):
        wish = _public_wish(number)
        if not wish.photo:
            raise Http404
        response = FileResponse(wish.photo.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=3600"
        return response


@limited
@writes_limited
class ClaimPage(TemplateView):
    """Claim a wish: name and mobile number, then the SMS code; a number verified earlier in this
    session claims in one step."""

    template_name = "wishes/public/claim.html"

    def dispatch(self, request, *args, **kwargs):
        self.wish = _public_wish(kwargs["number"])
        self.claimant = current_claimant(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("claim_form", forms.ClaimForm(initial={"claimant_name": self.request.session.get(
            PENDING_NAME, "")}))
        if self.claimant is None:
            kwargs.setdefault("mobile_form", forms.MobileForm())
        return super().get_context_data(wish=self.wish, claimant=self.claimant, **kwargs)

    def post(self, request, number: str):
        step = request.POST.get("step")
        if step == "verify":
            return self._verify(request)
        claim_form = forms.ClaimForm(request.POST)
        mobile_form = forms.MobileForm(request.POST) if self.claimant is None else None
        if not claim_form.is_valid() or (mobile_form is not None and not mobile_form.is_valid()):
            return self.render_to_response(self.get_context_data(claim_form=claim_form, mobile_form=mobile_form))
        if self.claimant is not None:
            return self._claim(claim_form)
        try:
            services.claimant_send_code(mobile=mobile_form.cleaned_data["mobile"],
                                        client=client_ip(request) or "unknown")
        except ValidationError as exc:
            _add_service_errors(mobile_form, exc)
            return self.render_to_response(self.get_context_data(claim_form=claim_form, mobile_form=mobile_form))
        request.session[PENDING_NAME] = claim_form.cleaned_data["claimant_name"]
        code_form = forms.CodeForm(initial={"mobile": mobile_form.cleaned_data["mobile"]})
        return self.render_to_response(self.get_context_data(code_form=code_form, sent=True))

    def _verify(self, request):
        code_form = forms.CodeForm(request.POST)
        name = request.session.get(PENDING_NAME, "")
        if code_form.is_valid():
            try:
                claimant = services.claimant_verify(**code_form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(code_form, exc)
            else:
                _login(request, claimant)
                self.claimant = claimant
                claim_form = forms.ClaimForm({"claimant_name": name, "agree": True})
                if claim_form.is_valid():
                    return self._claim(claim_form)
                return self.render_to_response(self.get_context_data(claim_form=claim_form))
        return self.render_to_response(self.get_context_data(code_form=code_form, sent=True))

    def _claim(self, claim_form):
        try:
            services.claim_create(wish=self.wish, claimant=self.claimant,
                                  claimant_name=claim_form.cleaned_data["claimant_name"])
        except ValidationError as exc:
            if exc.code == "claimed" or exc.code == "closed":
                messages.error(self.request, exc.messages[0])
                return redirect(reverse("wishes:public-list"))
            _add_service_errors(claim_form, exc)
            return self.render_to_response(self.get_context_data(claim_form=claim_form))
        self.request.session.pop(PENDING_NAME, None)
        messages.success(self.request, _("Thank you! The wish is yours to deliver. Details and the delivery address "
                                         "are below."))
        return redirect("wishes:public-mine")


@limited
class ClaimantLoginPage(TemplateView):
    template_name = "wishes/public/login.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("mobile_form", forms.MobileForm())
        return super().get_context_data(**kwargs)

    def post(self, request):
        if request.POST.get("step") == "verify":
            form = forms.CodeForm(request.POST)
            if form.is_valid():
                try:
                    claimant = services.claimant_verify(**form.cleaned_data)
                except ValidationError as exc:
                    _add_service_errors(form, exc)
                else:
                    _login(request, claimant)
                    return redirect("wishes:public-mine")
            return self.render_to_response(self.get_context_data(code_form=form, sent=True))
        form = forms.MobileForm(request.POST)
        if form.is_valid():
            try:
                services.claimant_send_code(mobile=form.cleaned_data["mobile"], client=client_ip(request) or "unknown")
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                return self.render_to_response(self.get_context_data(
                    code_form=forms.CodeForm(initial={"mobile": form.cleaned_data["mobile"]}), sent=True))
        return self.render_to_response(self.get_context_data(mobile_form=form))


class ClaimantRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        self.claimant = current_claimant(request)
        if self.claimant is None:
            return redirect("wishes:public-login")
        return super().dispatch(request, *args, **kwargs)

    def own_claim(self, pk: int) -> Claim:
        return get_object_or_404(Claim.objects.select_related("wish", "wish__org", "wish__district"), pk=pk,
                                 claimant=self.claimant)


@limited
class MyClaimsPage(ClaimantRequiredMixin, TemplateView):
    template_name = "wishes/public/mine.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(claims=selectors.claims_of(self.claimant)[:50], claimant=self.claimant,
                                        **kwargs)


class ClaimantLogoutView(View):
    http_method_names = ["post"]

    def post(self, request):
        request.session.pop(SESSION_KEY, None)
        return redirect("wishes:public-list")


@limited
@writes_limited
class DeliverPage(ClaimantRequiredMixin, TemplateView):
    template_name = "wishes/public/deliver.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.DeliveryForm())
        return super().get_context_data(claim=self.own_claim(self.kwargs["pk"]), **kwargs)

    def post(self, request, pk: int):
        claim = self.own_claim(pk)
        form = forms.DeliveryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.claim_deliver(claim=claim, claimant=self.claimant, note=form.cleaned_data["note"],
                                       photo=form.cleaned_data.get("photo"))
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you! The unit will ask the beneficiary to confirm receipt."))
                return redirect("wishes:public-mine")
        return self.render_to_response(self.get_context_data(form=form))


@method_decorator(ratelimit("wishes-write", "30/h"), name="dispatch")
class CancelClaimView(ClaimantRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            services.claim_cancel(claimant=self.claimant, claim=self.own_claim(pk))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The wish is open to others again."))
        return redirect("wishes:public-mine")


@limited
@writes_limited
class ConfirmPage(TemplateView):
    """The beneficiary's one-time confirmation link (given by the grassroots worker)."""

    template_name = "wishes/public/confirm.html"

    def get_context_data(self, **kwargs):
        wish = services.wish_for_token(self.kwargs["token"])
        return super().get_context_data(wish=wish, **kwargs)

    def post(self, request, token: str):
        try:
            wish = services.wish_confirm_by_token(token=token)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=exc.messages[0]))
        return self.render_to_response(self.get_context_data(done=wish))


__all__ = ["ClaimStatus", "current_claimant"]
