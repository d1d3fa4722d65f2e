"""The household's phone pages: log in with an SMS code, apply for relief, follow the applications,
and sign for a delivery through the one-time link the relief officer gives. Rate-limited per client
address; the verified household lives in the session only as ids."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.middleware import client_ip
from boai.core.ratelimit import ratelimit
from boai.core.views_base import _add_service_errors
from boai.relief import forms_applications as forms
from boai.relief.models import Application, Channel, Household, HouseholdStatus
from boai.relief.services import applications as services

SESSION_KEY = "relief_households"
limited = method_decorator(ratelimit("relief-public", "120/min"), name="dispatch")
writes_limited = method_decorator(ratelimit("relief-write", "30/h"), name="post")


def current_household(request) -> Household | None:
    ids = request.session.get(SESSION_KEY) or []
    return (Household.objects.select_related("org", "head").filter(pk__in=ids, status=HouseholdStatus.ACTIVE)
            .order_by("pk").first()) if ids else None


@limited
@writes_limited
class LoginPage(TemplateView):
    template_name = "relief/public/login.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("mobile_form", forms.MobileForm())
        return super().get_context_data(**kwargs)

    def post(self, request):
        if request.POST.get("step") == "verify":
            code_form = forms.CodeForm(request.POST)
            if code_form.is_valid():
                try:
                    ids = services.household_verify(**code_form.cleaned_data)
                except ValidationError as exc:
                    _add_service_errors(code_form, exc)
                else:
                    if ids:
                        request.session.cycle_key()
                        request.session[SESSION_KEY] = ids
                        return redirect("relief_public:mine")
                    code_form.add_error(None, _("This number is not registered with a household we look after. "
                                                "Ask your community worker."))
            return self.render_to_response(self.get_context_data(code_form=code_form, sent=True))
        mobile_form = forms.MobileForm(request.POST)
        if mobile_form.is_valid():
            try:
                services.household_send_code(mobile=mobile_form.cleaned_data["mobile"],
                                             client=client_ip(request) or "unknown")
            except ValidationError as exc:
                _add_service_errors(mobile_form, exc)
            else:
                code_form = forms.CodeForm(initial={"mobile": mobile_form.cleaned_data["mobile"]})
                return self.render_to_response(self.get_context_data(code_form=code_form, sent=True))
        return self.render_to_response(self.get_context_data(mobile_form=mobile_form))


class HouseholdRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        self.household = current_household(request)
        if self.household is None:
            return redirect(reverse("relief_public:login"))
        return super().dispatch(request, *args, **kwargs)


@limited
class MinePage(HouseholdRequiredMixin, TemplateView):
    template_name = "relief/public/mine.html"

    def get_context_data(self, **kwargs):
        apps = (Application.objects.filter(household=self.household).select_related("relief_type")
                .order_by("-raised_at")[:50])
        return super().get_context_data(household=self.household, applications=apps, **kwargs)


@limited
@writes_limited
class ApplyPage(HouseholdRequiredMixin, TemplateView):
    template_name = "relief/public/apply.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.PublicApplicationForm(household=self.household))
        return super().get_context_data(household=self.household, **kwargs)

    def post(self, request):
        form = forms.PublicApplicationForm(request.POST, household=self.household)
        if form.is_valid():
            try:
                app = services.application_create(actor=None, household=self.household, channel=Channel.SELF,
                                                  **form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                return self.render_to_response(self.get_context_data(done=app))
        return self.render_to_response(self.get_context_data(form=form))


@limited
class LogoutView(View):
    def post(self, request):
        request.session.pop(SESSION_KEY, None)
        return redirect("relief_public:login")


@limited
@writes_limited
class SignPage(TemplateView):
    """The household signs for a delivery on its phone (one-time link, expiring)."""

    template_name = "relief/public/sign.html"

    def _disbursement(self):
        try:
            return services.disbursement_for_token(self.kwargs["token"]), ""
        except ValidationError as exc:
            return None, " ".join(exc.messages)

    def get_context_data(self, **kwargs):
        if "disbursement" not in kwargs and "done" not in kwargs:
            kwargs["disbursement"], kwargs["error"] = self._disbursement()
        kwargs.setdefault("form", forms.AcknowledgeForm())
        return super().get_context_data(**kwargs)

    def post(self, request, token: str):
        disbursement, error = self._disbursement()
        if disbursement is None:
            return self.render_to_response(self.get_context_data(disbursement=None, error=error))
        form = forms.AcknowledgeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.disbursement_acknowledge(actor=None, disbursement=disbursement, **form.service_fields())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                return self.render_to_response(self.get_context_data(done=disbursement, disbursement=None))
        return self.render_to_response(self.get_context_data(disbursement=disbursement, form=form, error=""))


urlpatterns = [
    path("", ApplyPage.as_view(), name="apply"),
    path("login/", LoginPage.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("mine/", MinePage.as_view(), name="mine"),
    path("sign/<str:token>/", SignPage.as_view(), name="sign"),
]
