"""Public pages on the phone: giving (projects, campaigns with live progress, fundraising pages),
the pay return page, certificates and their verification with the gift's journey, the donor's
SMS login and their gifts, and the gateways' notification endpoint. All rate-limited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from boai.core.middleware import client_ip
from boai.core.pdf import qr_png
from boai.core.ratelimit import ratelimit
from boai.donations import forms, ledger_bridge, selectors, services
from boai.donations.journey import gift_journey
from boai.donations.models import Campaign, Certificate, Gift, OrderStatus, PaymentOrder, PeerPage, Project
from boai.donations.pdf import certificate_pdf
from boai.donations.services import donor_login

PUBLIC_RATE = "120/min"
limited = method_decorator(ratelimit("donations-public", PUBLIC_RATE), name="dispatch")


def open_projects():
    return (Project.objects.filter(is_public=True, accepts_online=True, fund__is_active=True, fund__is_public=True)
            .exclude(status="closed").select_related("fund").order_by("code"))


def public_campaigns():
    return Campaign.objects.filter(is_public=True, ends_at__gt=timezone.now()).order_by("starts_at")


@limited
class GiveHomePage(TemplateView):
    template_name = "donations/public/give_home.html"

    def get_context_data(self, **kwargs):
        projects = list(open_projects()[:50])
        raised = selectors.project_raised_totals([p.pk for p in projects])
        return super().get_context_data(campaigns=public_campaigns()[:10], projects=[
            {"project": p, "raised": raised.get(p.pk, selectors.ZERO),
             "percent": selectors.percent(raised.get(p.pk, selectors.ZERO), p.budget)} for p in projects], **kwargs)


def _share(request, path: str) -> dict:
    url = request.build_absolute_uri(path)
    return {"share_url": url, "qr_url": reverse("donations:qr") + "?" + _qs(url)}


def _qs(url: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"u": url})


@limited
class ProjectPublicPage(TemplateView):
    template_name = "donations/public/project.html"

    def get_context_data(self, **kwargs):
        project = get_object_or_404(Project.objects.select_related("fund", "org"), code=self.kwargs["code"],
                                    is_public=True)
        return super().get_context_data(project=project, progress=selectors.project_progress(project),
                                        campaigns=project.campaigns.filter(is_public=True,
                                                                           ends_at__gt=timezone.now()),
                                        **_share(self.request, self.request.path), **kwargs)


@limited
class CampaignPublicPage(TemplateView):
    template_name = "donations/public/campaign.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("org"), slug=self.kwargs["slug"], is_public=True)
        return super().get_context_data(campaign=campaign, progress=selectors.campaign_progress(campaign),
                                        now=timezone.now(), **_share(self.request, self.request.path), **kwargs)


@limited
class CampaignProgressPartial(CampaignPublicPage):
    """The live part of a campaign page (htmx polls it every few seconds)."""

    template_name = "donations/public/_campaign_progress.html"


@limited
class PeerPublicPage(TemplateView):
    template_name = "donations/public/peer.html"

    def get_context_data(self, **kwargs):
        page = get_object_or_404(PeerPage.objects.select_related("project", "campaign"), slug=self.kwargs["slug"])
        mine = donor_login.logged_in_blind(self.request) == page.owner_mobile_blind
        return super().get_context_data(page=page, progress=selectors.peer_progress(page), mine=mine,
                                        **_share(self.request, self.request.path), **kwargs)


@limited
class QrPng(View):
    """A QR code image of one of this site's own pages (for sharing)."""

    def get(self, request):
        url = request.GET.get("u", "")
        if not url.startswith(request.build_absolute_uri("/")) or len(url) > 300:
            raise Http404
        response = HttpResponse(qr_png(url, scale=5), content_type="image/png")
        response["Cache-Control"] = "public, max-age=86400"
        return response


# --- giving ---------------------------------------------------------------------------------------

@limited
class GivePage(FormView):
    template_name = "donations/public/give.html"
    form_class = forms.GiveForm

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(open_projects(), code=kwargs["code"])
        self.campaign = public_campaigns().filter(slug=request.GET.get("c", ""), projects=self.project).first()
        self.peer = PeerPage.objects.filter(slug=request.GET.get("p", ""), project=self.project,
                                            is_active=True).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"amount": self.request.GET.get("amount", "50")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, campaign=self.campaign, peer=self.peer,
                                        amounts=forms.GiveForm.AMOUNTS, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        notify_url = self.request.build_absolute_uri(reverse("donations:notify", args=[data["channel"]]))
        try:
            new = services.order_create(
                fund=self.project.fund, project=self.project, campaign=self.campaign, peer_page=self.peer,
                notify_url=notify_url, client_ip=client_ip(self.request) or "127.0.0.1",
                return_url_for=lambda o: self.request.build_absolute_uri(reverse("donations:order",
                                                                                 args=[o.access_token])), **data)
        except ValidationError as exc:
            from boai.core.views_base import _add_service_errors

            _add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect(new.pay_url)


def _order(token: str) -> PaymentOrder:
    return get_object_or_404(PaymentOrder.objects.select_related("project", "fund"), access_token=token)


@limited
class OrderPage(TemplateView):
    """Where the gateway sends the donor back: paid → thanks and the certificate; else waits (htmx)."""

    template_name = "donations/public/order.html"

    def get_context_data(self, **kwargs):
        order = _order(self.kwargs["token"])
        if order.status != OrderStatus.PAID:
            order = services.order_refresh(order)
        gift = Gift.objects.filter(order=order).select_related("certificate", "fund", "restricted_project").first()
        return super().get_context_data(order=order, gift=gift, **kwargs)


@limited
class OrderStatusPartial(OrderPage):
    template_name = "donations/public/_order_status.html"


@method_decorator(csrf_exempt, name="dispatch")
class NotifyView(View):
    """The gateways' asynchronous payment notifications (signed; see services.payments)."""

    http_method_names = ["post"]

    def post(self, request, channel: str):
        answer = services.notification_receive(channel=channel, headers=request.headers, body=request.body)
        response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
        for name, value in answer.headers.items():
            response[name] = value
        return response


# --- certificates, verification and journeys ------------------------------------------------------

def _certificate(token: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("gift__fund", "gift__restricted_project",
                                                                "gift__org", "gift__campaign"), token=token)


@limited
class CertificatePdf(View):
    def get(self, request, token: str):
        certificate = _certificate(token)
        response = HttpResponse(certificate_pdf(certificate, request=request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
        return response


@limited
class VerifyPage(TemplateView):
    """What a certificate's QR code opens: the certificate checked against the public log, and the journey."""

    template_name = "donations/public/verify.html"

    def get_context_data(self, **kwargs):
        certificate = _certificate(self.kwargs["token"])
        gift = certificate.gift
        leaf = ledger_bridge.leaves([gift.ledger_entry]).get(gift.ledger_entry)
        matches = bool(leaf and certificate.opening and leaf.data.get("donor")
                       and ledger_bridge.opens(certificate.opening, leaf.data["donor"]))
        return super().get_context_data(certificate=certificate, gift=gift, leaf=leaf, matches=matches,
                                        public_name=selectors.public_donor_name(gift), journey=gift_journey(gift),
                                        **kwargs)


# --- the donor's SMS login and their gifts --------------------------------------------------------

@limited
class DonorLoginPage(TemplateView):
    template_name = "donations/public/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(mobile_form=kwargs.pop("mobile_form", forms.MobileForm()),
                                        code_form=kwargs.pop("code_form", None), **kwargs)

    def post(self, request):
        step = request.POST.get("step")
        if step == "verify":
            return self._verify(request)
        form = forms.MobileForm(request.POST)
        if form.is_valid():
            try:
                donor_login.send_code(mobile=form.cleaned_data["mobile"], client=client_ip(request) or "unknown")
            except ValidationError as exc:
                form.add_error("mobile", exc.messages[0])
            else:
                code_form = forms.CodeForm(initial={"mobile": form.cleaned_data["mobile"]})
                return self.render_to_response(self.get_context_data(mobile_form=form, code_form=code_form,
                                                                     sent=True))
        return self.render_to_response(self.get_context_data(mobile_form=form))

    def _verify(self, request):
        form = forms.CodeForm(request.POST)
        if form.is_valid():
            try:
                blind = donor_login.verify_code(**form.cleaned_data)
            except ValidationError as exc:
                form.add_error("code", exc.messages[0])
            else:
                donor_login.login(request, blind)
                target = request.GET.get("next", "")
                return redirect(target if target.startswith("/give/") else reverse("donations:my-gifts"))
        return self.render_to_response(self.get_context_data(mobile_form=forms.MobileForm(
            initial={"mobile": request.POST.get("mobile", "")}), code_form=form, sent=True))


class DonorRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        self.blind = donor_login.logged_in_blind(request)
        if not self.blind:
            return redirect(reverse("donations:donor-login") + "?next=" + request.path)
        return super().dispatch(request, *args, **kwargs)


@limited
class MyGiftsPage(DonorRequiredMixin, TemplateView):
    template_name = "donations/public/my_gifts.html"

    def get_context_data(self, **kwargs):
        gifts = selectors.gifts_for_mobile_blind(self.blind).select_related("certificate", "fund",
                                                                            "restricted_project")[:100]
        pages = PeerPage.objects.filter(owner_mobile_blind=self.blind).select_related("project")
        return super().get_context_data(gifts=gifts, pages=pages, **kwargs)


class DonorLogoutView(View):
    http_method_names = ["post"]

    def post(self, request):
        donor_login.logout(request)
        return redirect("donations:give-home")


@limited
class PeerCreatePage(DonorRequiredMixin, FormView):
    template_name = "donations/public/peer_create.html"
    form_class = forms.PeerPageForm

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(open_projects(), code=kwargs["code"])
        self.campaign = public_campaigns().filter(slug=request.GET.get("c", ""), projects=self.project).first()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, campaign=self.campaign, **kwargs)

    def form_valid(self, form):
        try:
            page = services.peer_page_create(project=self.project, campaign=self.campaign,
                                             owner_mobile_blind=self.blind, **form.cleaned_data)
        except ValidationError as exc:
            from boai.core.views_base import _add_service_errors

            _add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect(page.get_absolute_url())


class PeerClosePage(DonorRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug: str):
        page = get_object_or_404(PeerPage, slug=slug)
        try:
            services.peer_page_close(page=page, owner_mobile_blind=self.blind)
        except ValidationError:
            raise Http404 from None
        return redirect(page.get_absolute_url())
