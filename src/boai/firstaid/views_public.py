"""Public phone pages: the AED map with the nearest AEDs (works as a plain list without tiles or
JavaScript), certificate verification and session enrolment."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from boai.firstaid import selectors
from boai.firstaid.forms import NearestForm

DEFAULT_LIMIT = 10


def nearest_payload(items, *, lat: float, lng: float) -> list[dict]:
    """The public view of nearby AEDs: location and access only (no custodian, owner or serial)."""
    return [
        {
            "id": n.aed.pk, "code": n.aed.code, "name": n.aed.name, "address": n.aed.address, "floor": n.aed.floor,
            "indoor": n.aed.indoor, "access_notes": n.aed.access_notes,
            "place_type": n.aed.get_place_type_display(), "latitude": n.aed.latitude, "longitude": n.aed.longitude,
            "opening_hours": n.aed.opening_hours, "open_now": n.open_now, "in_service": True,
            "distance_m": n.distance_m,
            "directions_url": selectors.directions_url(from_lat=lat, from_lng=lng, aed=n.aed),
        }
        for n in items
    ]


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
