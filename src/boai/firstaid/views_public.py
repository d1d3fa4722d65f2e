"""Public phone pages: the AED map with the nearest AEDs (works as a plain list without tiles or
JavaScript), certificate verification and session enrolment."""

from __future__ import annotations

from django.conf import settings
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from boai.core.ratelimit import ratelimit
from boai.firstaid import selectors
from boai.firstaid.forms import NearestForm

DEFAULT_LIMIT = 10


def nearest_payload(items, *, lat: float, lng: float) -> list[dict]:
    """The public view of nearby AEDs: location and access only (no custodian, owner or serial)."""
    return [
        {
            "id": n.aed.id, "code": n.aed.code, "name": n.aed.name, "address": n.aed.address, "floor": n.aed.floor,
            "indoor": n.aed.indoor, "access_notes": n.aed.access_notes,
            "place_type": n.aed.get_place_type_display(), "latitude": n.aed.latitude, "longitude": n.aed.longitude,
            "opening_hours": n.aed.opening_hours, "open_now": n.open_now, "in_service": True,
            "distance_m": n.distance_m,
            "directions_url": selectors.directions_url(from_lat=lat, from_lng=lng, aed=n.aed),
        }
        for n in items
    ]


@method_decorator(ratelimit("public"), name="get")
class AEDMapPage(TemplateView):
    """A Leaflet map when tiles load; always a server-rendered list of the nearest open AEDs to the
    chosen point (the city centre until the visitor shares a location or taps the map)."""

    template_name = "firstaid/public_aed_map.html"

    def get_context_data(self, **kwargs):
        form = NearestForm(self.request.GET or None)
        lat, lng = settings.BOAI_MAP_CENTER
        chosen = False
        if form.is_bound and form.is_valid():
            lat, lng, chosen = form.cleaned_data["lat"], form.cleaned_data["lng"], True
        only_open = not (form.is_bound and form.is_valid() and form.cleaned_data.get("all"))
        items = selectors.nearest_aeds(lat=lat, lng=lng, limit=DEFAULT_LIMIT, only_open=only_open)
        return super().get_context_data(
            form=form, lat=lat, lng=lng, chosen=chosen, only_open=only_open,
            items=nearest_payload(items, lat=lat, lng=lng),
            map_config={"tileUrl": settings.BOAI_MAP_TILE_URL, "attribution": settings.BOAI_MAP_TILE_ATTRIBUTION,
                        "center": [lat, lng], "chosen": chosen, "api": "/api/v1/public/aeds/nearest/",
                        "labels": {"open": str(_("Open now")), "closed": str(_("Closed now")),
                                   "directions": str(_("Walking directions")), "you": str(_("Your point"))}},
            **kwargs,
        )


# --- training ----------------------------------------------------------------------------------

from django.contrib import messages  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.shortcuts import get_object_or_404, redirect  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.cache import cache_control  # noqa: E402
from django.views.generic import FormView  # noqa: E402

from boai.firstaid.forms import PublicEnrolForm, VerifyForm  # noqa: E402
from boai.firstaid.models import Session, SessionStatus  # noqa: E402


def public_sessions():
    return (Session.objects.filter(public_enrolment=True, status=SessionStatus.PLANNED,
                                   starts_on__gte=timezone.localdate())
            .select_related("course_type", "base__org").order_by("starts_on", "id"))


class PublicSessionsPage(TemplateView):
    template_name = "firstaid/public_sessions.html"

    def get_context_data(self, **kwargs):
        sessions = public_sessions()
        course = self.request.GET.get("course", "").strip()[:20]
        if course:
            sessions = sessions.filter(course_type__code=course)
        return super().get_context_data(sessions=sessions[:50], course=course, **kwargs)


@method_decorator(ratelimit("firstaid.enrol", "20/h"), name="post")
class PublicEnrolPage(FormView):
    """Enrolment on a phone: the person is found or registered through the person registry."""

    template_name = "firstaid/public_enrol.html"
    form_class = PublicEnrolForm

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(public_sessions(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)

    def form_valid(self, form):
        from boai.core.views_base import _add_service_errors
        from boai.firstaid.services_training import enrol_public

        data = form.cleaned_data
        try:
            enrolment = enrol_public(session=self.session, name=data["name"], id_number=data["id_number"],
                                     mobile=data["mobile"], consent=data["consent"], employer=data["employer"],
                                     photo=data.get("photo"))
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("You are enrolled. Please bring your ID card to the session."))
        self.request.session["firstaid_enrolment"] = enrolment.pk
        return redirect("firstaid:public-enrolled", pk=self.session.pk)


class PublicEnrolledPage(TemplateView):
    template_name = "firstaid/public_enrolled.html"

    def get_context_data(self, **kwargs):
        from boai.firstaid.models import Enrolment, mask_name

        session = get_object_or_404(Session, pk=kwargs["pk"])
        enrolment = Enrolment.objects.filter(pk=self.request.session.get("firstaid_enrolment"),
                                             session=session).select_related("person").first()
        return super().get_context_data(session=session, enrolment=enrolment,
                                        holder=mask_name(enrolment.person.name) if enrolment else "", **kwargs)


@method_decorator(cache_control(public=True, max_age=60), name="get")
@method_decorator(ratelimit("public"), name="get")
class VerifyPage(FormView):
    """Verification by number and full name; shows only masked name, course, validity, status."""

    template_name = "firstaid/public_verify.html"
    form_class = VerifyForm

    def get(self, request, *args, **kwargs):
        if "number" in request.GET:
            form = VerifyForm(request.GET)
            if form.is_valid():
                from boai.firstaid.selectors_training import verify_by_number

                result = verify_by_number(**form.cleaned_data)
                # a fresh form: the page (cacheable, maybe on a shared phone) never echoes the full name
                return self.render_to_response(self.get_context_data(form=VerifyForm(), result=result, searched=True))
            return self.render_to_response(self.get_context_data(form=form))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


@method_decorator(cache_control(public=True, max_age=60), name="get")
@method_decorator(ratelimit("public"), name="get")
class VerifyTokenPage(TemplateView):
    template_name = "firstaid/public_verify.html"

    def get_context_data(self, **kwargs):
        from boai.firstaid.selectors_training import verify_by_token

        return super().get_context_data(form=VerifyForm(), result=verify_by_token(token=kwargs["token"]),
                                        searched=True, by_qr=True, **kwargs)
