import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from boai.core.models import AuditEntry
from boai.firstaid import geo, selectors, services
from boai.firstaid.models import AED, AEDStatus
from boai.firstaid.tests.factories import make_aed

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def officer(tree, user_factory):
    return user_factory(tree.branch_a, "firstaid_officer")


def test_create_validates_opening_hours_and_audits(tree, officer):
    with pytest.raises(ValidationError) as exc:
        make_aed(tree.unit_a, opening_hours="Mo-Fx 08:00-18:00")
    assert "opening_hours" in exc.value.message_dict
    aed = services.aed_create(actor=officer, org=tree.unit_a, code="WX-AED-1", name="图书馆", address="学前街1号",
                              place_type="community", latitude=31.57, longitude=120.30,
                              opening_hours=" Mo-Su  09:00-21:00 ; PH off")
    assert aed.opening_hours == "Mo-Su 09:00-21:00 ; PH off"
    assert aed.cell == geo.cell_of(31.57, 120.30)
    assert AuditEntry.objects.filter(action="firstaid.aed.create", object_id=str(aed.pk)).exists()


def test_cannot_create_outside_scope(tree, officer):
    with pytest.raises(ValidationError):
        services.aed_create(actor=officer, org=tree.unit_b, code="X2", name="x", address="x", place_type="other",
                            latitude=31, longitude=120)


def test_duplicate_code_and_bad_coordinates_are_rejected(tree):
    make_aed(tree.unit_a, code="DUP1")
    with pytest.raises(ValidationError) as exc:
        make_aed(tree.unit_a, code="DUP1")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_aed(tree.unit_a, lat=95.0)
    assert "latitude" in exc.value.message_dict


def test_expiry_of_battery_and_pads(tree):
    ok = make_aed(tree.unit_a, battery_expiry=TODAY + dt.timedelta(days=200),
                  adult_pads_expiry=TODAY + dt.timedelta(days=200))
    battery = make_aed(tree.unit_a, battery_expiry=TODAY + dt.timedelta(days=10))
    adult = make_aed(tree.unit_a, adult_pads_expiry=TODAY - dt.timedelta(days=1))
    child = make_aed(tree.unit_a, child_pads=True, child_pads_expiry=TODAY + dt.timedelta(days=30))
    child_absent = make_aed(tree.unit_a, child_pads=False, child_pads_expiry=None)
    found = set(selectors.aeds_with_expiring_parts(AED.objects.all(), today=TODAY, within_days=30))
    assert found == {battery, adult, child}
    assert ok not in found and child_absent not in found
    assert battery.expiring_parts(on=TODAY, within_days=30) == [("battery", TODAY + dt.timedelta(days=10))]
    assert [p for p, _ in child.expiring_parts(on=TODAY, within_days=30)] == ["child_pads"]
    assert child.expiring_parts(on=TODAY, within_days=29) == []


def test_inspection_overdue_and_inspection_clears_it(tree, officer):
    fresh = make_aed(tree.unit_a, last_inspected_on=TODAY - dt.timedelta(days=10))
    stale = make_aed(tree.unit_a, last_inspected_on=TODAY - dt.timedelta(days=40))
    never = make_aed(tree.unit_a, last_inspected_on=None, installed_on=TODAY - dt.timedelta(days=60))
    out = make_aed(tree.unit_a, last_inspected_on=TODAY - dt.timedelta(days=90), status=AEDStatus.OUT_OF_SERVICE)
    overdue = set(selectors.aeds_inspection_overdue(AED.objects.all(), today=TODAY))
    assert overdue == {stale, never}
    assert fresh not in overdue and out not in overdue
    today = timezone.localdate()
    services.inspection_record(actor=officer, aed=stale, inspected_on=today, battery_ok=False,
                               new_expiry={"battery": today + dt.timedelta(days=1000)})
    stale.refresh_from_db()
    assert stale.last_inspected_on == today
    assert stale.battery_expiry == today + dt.timedelta(days=1000)
    assert AuditEntry.objects.filter(action="firstaid.aed.inspect").count() == 1


def test_inspection_rejects_future_dates_and_past_replacement(tree, officer):
    aed = make_aed(tree.unit_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.inspection_record(actor=officer, aed=aed, inspected_on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.inspection_record(actor=officer, aed=aed, inspected_on=today,
                                   new_expiry={"adult_pads": today - dt.timedelta(days=1)})
    assert not aed.inspections.exists()  # all or nothing


def test_status_change_needs_a_reason_and_is_audited(tree, officer):
    aed = make_aed(tree.unit_a)
    with pytest.raises(ValidationError):
        services.aed_set_status(actor=officer, aed=aed, status=AEDStatus.OUT_OF_SERVICE, reason=" ")
    services.aed_set_status(actor=officer, aed=aed, status=AEDStatus.OUT_OF_SERVICE, reason="电池故障")
    entry = AuditEntry.objects.get(action="firstaid.aed.status")
    assert entry.reason == "电池故障" and entry.after == {"status": "out_of_service"}


def test_usage_report(tree, officer):
    aed = make_aed(tree.unit_a)
    usage = services.usage_record(actor=officer, aed=aed, used_at=timezone.now(), shock_delivered=True,
                                  outcome="rosc", rescuer="张三")
    assert usage.reported_by == officer
    with pytest.raises(ValidationError):
        services.usage_record(actor=officer, aed=aed, used_at=timezone.now() + dt.timedelta(days=1))


# --- nearest ------------------------------------------------------------------------------------

def _random_aeds(org, n: int, rng: random.Random) -> list[AED]:
    rows = []
    for i in range(n):
        lat, lng = 31.40 + rng.random() * 0.35, 120.10 + rng.random() * 0.40
        hours = rng.choice(["24/7", "Mo-Fr 08:00-18:00", "Mo-Su 09:00-21:00; PH off", "Sa,Su 10:00-16:00"])
        status = rng.choice([AEDStatus.IN_SERVICE] * 8 + [AEDStatus.OUT_OF_SERVICE, AEDStatus.ABSENT])
        rows.append(AED(org=org, code=f"R{i:05d}", name=f"点{i}", address="x", place_type="other", latitude=lat,
                        longitude=lng, cell=geo.cell_of(lat, lng), opening_hours=hours, status=status))
    return AED.objects.bulk_create(rows)


def _brute(aeds, lat, lng, moment, limit, only_open):
    items = []
    for a in aeds:
        if a.status != AEDStatus.IN_SERVICE:
            continue
        if only_open and not a.is_open(moment):
            continue
        items.append((geo.haversine_km(lat, lng, a.latitude, a.longitude), a.code))
    return [code for _, code in sorted(items)[:limit]]


@pytest.mark.parametrize("only_open", [True, False])
def test_nearest_matches_brute_force_on_random_data(tree, only_open):
    rng = random.Random(7)
    aeds = _random_aeds(tree.unit_a, 1500, rng)
    moment = timezone.make_aware(dt.datetime(2026, 11, 30, 10, 30))  # a Monday morning
    for _ in range(25):
        lat, lng = 31.35 + rng.random() * 0.45, 120.05 + rng.random() * 0.5
        got = [n.aed.code for n in selectors.nearest_aeds(lat=lat, lng=lng, limit=10, only_open=only_open,
                                                          moment=moment)]
        assert got == _brute(aeds, lat, lng, moment, 10, only_open)


def test_nearest_far_from_everything_is_empty_within_the_radius(tree):
    make_aed(tree.unit_a, lat=31.57, lng=120.30)
    assert selectors.nearest_aeds(lat=39.9, lng=116.4, limit=10) == []


def test_nearest_reads_only_a_few_cells(tree, django_assert_max_num_queries):
    rng = random.Random(3)
    _random_aeds(tree.unit_a, 1500, rng)
    with django_assert_max_num_queries(8):
        assert len(selectors.nearest_aeds(lat=31.57, lng=120.30, limit=10, only_open=False)) == 10


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_nearest_query_uses_the_cell_index_on_postgresql(tree):
    rng = random.Random(11)
    rows = []
    for i in range(20000):
        lat, lng = 31.40 + rng.random() * 0.35, 120.10 + rng.random() * 0.40
        rows.append(AED(org=tree.unit_a, code=f"P{i:06d}", name="p", address="x", place_type="other", latitude=lat,
                        longitude=lng, cell=geo.cell_of(lat, lng), opening_hours="24/7"))
    AED.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE firstaid_aed")
    x, y = geo.cell_xy(31.57, 120.30)
    qs = AED.objects.filter(status=AEDStatus.IN_SERVICE, cell__in=geo.ring(x, y, 1)).only(*selectors.NEAREST_FIELDS)
    plan = qs.explain()
    assert "firstaid_aed_cell_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
