import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boai.firstaid import selectors
from boai.firstaid.models import AED
from boai.firstaid.tests import factories as f
from boai.testing.helpers import make_org


def _branch_with_activity(tree, n: int):
    from boai.orgs.models import Kind

    branch = make_org(tree.city, kind=Kind.BRANCH, name=f"丙{n}区红十字会")
    unit = make_org(branch, kind=Kind.GRASSROOTS)
    f.make_target(branch, certified=10, awareness=100)
    f.make_certificate(unit)
    awareness = f.make_course(branch, kind="awareness")
    f.make_session(unit, course=awareness, awareness_count=40, starts_on=timezone.localdate(),
                   ends_on=timezone.localdate())
    return branch


def test_progress_counts_ranks_and_uses_constant_queries(tree, city_admin, login_as):
    client = login_as(city_admin)
    _branch_with_activity(tree, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("firstaid:progress")).status_code == 200
    for n in range(2, 6):
        _branch_with_activity(tree, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("firstaid:progress"))
    assert len(many) == len(few), "progress page queries grow with the number of branches"
    rows = selectors.progress(user=city_admin, year=timezone.localdate().year)
    top = rows[0]
    assert top.certified_total == 1 and top.awareness_total == 40 and top.certified_rate == 10.0
    assert 'data-chart="fa-by-branch"' in response.content.decode()


def test_dashboard_widget_constant_queries(tree, city_admin, login_as):
    client = login_as(city_admin)
    _branch_with_activity(tree, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:dashboard"))
    for n in range(2, 5):
        _branch_with_activity(tree, n)
    f.make_aed(tree.unit_a, battery_expiry=timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("core:dashboard")).content.decode()
    assert len(many) == len(few)
    assert 'data-testid="firstaid-widget"' in body


def test_geojson_export_uses_schema_dae_names(tree, branch_admin, login_as):
    f.make_aed(tree.unit_a, code="GEO-1", opening_hours="Mo-Fr 08:00-18:00")
    f.make_aed(tree.unit_b, code="GEO-2")
    response = login_as(branch_admin).get(reverse("firstaid:aed-geojson"))
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["properties"]["c_gid"] == "GEO-1" and feature["properties"]["c_disp_complt"] == "Mo-Fr 08:00-18:00"
    assert feature["geometry"]["coordinates"][0] == AED.objects.get(code="GEO-1").longitude


def test_aed_create_form_reports_opening_hours_error(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    data = {"org": tree.unit_a.pk, "code": "F-1", "name": "社区中心", "address": "路1号", "place_type": "community",
            "latitude": "31.57", "longitude": "120.3", "opening_hours": "Mo-Fx 08:00", "funding": "government",
            "indoor": "on", "free_access": "on"}
    response = client.post(reverse("firstaid:aed-create"), data)
    assert response.status_code == 200 and not AED.objects.exists()
    assert "OpenStreetMap" in response.content.decode()
    data["opening_hours"] = "Mo-Fr 08:00-18:00; PH off"
    assert client.post(reverse("firstaid:aed-create"), data).status_code == 302
    assert client.post(reverse("firstaid:aed-inspect", args=[AED.objects.get().pk]),
                       {"inspected_on": timezone.localdate() - dt.timedelta(days=1), "status_light_ok": "on",
                        "battery_ok": "on", "pads_ok": "on", "cabinet_ok": "on"}).status_code == 302


def test_map_page_lists_nearest_without_javascript(tree, client):
    f.make_aed(tree.unit_a, name="近处AED", lat=31.5690, lng=120.2992)
    body = client.get(reverse("firstaid:public-aed-map")).content.decode()
    assert "近处AED" in body and "tile.openstreetmap.org" in body
    bad = client.get(reverse("firstaid:public-aed-map"), {"lat": "999", "lng": "x"})
    assert bad.status_code == 200
    api = client.get("/api/v1/public/aeds/nearest/", {"lat": "999", "lng": "1"})
    assert api.status_code == 400


def test_public_api_is_throttled(tree, client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/min"}}
    from django.core.cache import cache

    cache.clear()
    codes = [client.get("/api/v1/public/aeds/nearest/", {"lat": 31.5, "lng": 120.3}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
