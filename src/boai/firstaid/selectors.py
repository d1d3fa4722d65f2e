"""First-aid reads beyond restrict(): nearest AEDs, expiry and inspection alerts, progress."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from boai.firstaid import geo, openhours
from boai.firstaid.models import AED, AEDStatus, CourseKind, Session, SessionStatus, Target
from boai.firstaid.models.aed import INSPECTION_INTERVAL_DAYS

MAX_RADIUS_KM = 30.0
NEAREST_FIELDS = ("id", "code", "name", "address", "floor", "indoor", "access_notes", "place_type", "latitude",
                  "longitude", "opening_hours", "status")


@dataclass(frozen=True, slots=True)
class AEDPoint:
    """The public fields of a device, read as a plain row (no model instance: this path is hot)."""

    id: int
    code: str
    name: str
    address: str
    floor: str
    indoor: bool
    access_notes: str
    place_type: str
    latitude: float
    longitude: float
    opening_hours: str
    status: str

    def get_place_type_display(self) -> str:
        from boai.firstaid.models import PlaceType

        return str(PlaceType(self.place_type).label) if self.place_type in PlaceType.values else self.place_type


@dataclass(frozen=True, slots=True)
class NearbyAED:
    aed: AEDPoint
    distance_km: float
    open_now: bool

    @property
    def distance_m(self) -> int:
        return round(self.distance_km * 1000)


def _ring_batches(max_rings: int):
    """Rings 0..1 in the first query (most points find their AEDs there), then one ring at a time."""
    yield 0, 1
    for r in range(2, max_rings + 1):
        yield r, r


_cells: dict[int, tuple[float, list[tuple]]] = {}  # cell id -> (expires at, prepared rows): per process


def clear_cell_cache() -> None:
    _cells.clear()


def _prepared(row: tuple) -> tuple:
    """(row, latitude in radians, longitude in radians, cos latitude): the haversine terms that do not
    depend on the query point, computed once per row."""
    phi = math.radians(row[8])
    return row, phi, math.radians(row[9]), math.cos(phi)


def _rows_in(cells: list[int], base: QuerySet | None) -> list[tuple]:
    """In-service rows of these cells, through the (cell, status) index. Without a custom queryset,
    cells are kept per process for BOAI_AED_CELL_CACHE_SECONDS (the public map may lag that long)."""
    ttl = settings.BOAI_AED_CELL_CACHE_SECONDS
    if base is not None or ttl <= 0:
        qs = (base if base is not None else AED.objects.all()).filter(status=AEDStatus.IN_SERVICE, cell__in=cells)
        return [_prepared(row) for row in qs.values_list(*NEAREST_FIELDS)]
    now = time.monotonic()
    missing = [c for c in cells if (hit := _cells.get(c)) is None or hit[0] <= now]
    if missing:
        fresh: dict[int, list[tuple]] = {c: [] for c in missing}
        for row in AED.objects.filter(status=AEDStatus.IN_SERVICE, cell__in=missing).values_list(*NEAREST_FIELDS,
                                                                                                 "cell"):
            fresh[row[-1]].append(_prepared(row[:-1]))
        if len(_cells) > 200_000:
            _cells.clear()
        _cells.update({c: (now + ttl, rows) for c, rows in fresh.items()})
    return [item for c in cells for item in _cells[c][1]]


def _half_chord(distance_km: float) -> float:
    """The haversine term a = sin²(d / 2R) of a distance: comparing a is comparing distances."""
    return math.sin(min(distance_km / (2 * geo.EARTH_RADIUS_KM), math.pi / 2)) ** 2


def nearest_aeds(*, lat: float, lng: float, limit: int = 10, only_open: bool = True,
                 moment: dt.datetime | None = None, queryset: QuerySet | None = None,
                 max_radius_km: float = MAX_RADIUS_KM) -> list[NearbyAED]:
    """The `limit` nearest in-service AEDs (open at `moment` if `only_open`), nearest first.

    Reads ring after ring of grid cells through the (cell, status) index and stops once the
    k-th match is closer than any unread cell could be: see `boai.firstaid.geo`. Candidates are
    ranked by the haversine term a (monotonic in the distance), the distance itself is computed for
    the results only; opening hours are evaluated once per distinct expression per call.
    """
    moment = openhours.local_minute(moment or timezone.now())
    x, y = geo.cell_xy(lat, lng)
    phi1, lam1 = math.radians(lat), math.radians(lng)
    cos1 = math.cos(phi1)
    a_max = _half_chord(max_radius_km)
    open_cache: dict[str, bool] = {}
    found: list[tuple[float, tuple, bool]] = []
    max_rings = int(max_radius_km / (geo.CELL_DEG * geo.KM_PER_DEG_LAT * 0.5)) + 1
    for first, last in _ring_batches(max_rings):
        cells = [c for r in range(first, last + 1) for c in geo.ring(x, y, r)]
        for row, phi2, lam2, cos2 in _rows_in(cells, queryset):
            a = math.sin((phi2 - phi1) / 2) ** 2 + cos1 * cos2 * math.sin((lam2 - lam1) / 2) ** 2
            if a > a_max:
                continue
            is_open = open_cache.get(row[10])
            if is_open is None:
                is_open = open_cache[row[10]] = openhours.is_open(row[10], moment)
            if only_open and not is_open:
                continue
            found.append((a, row, is_open))
        found.sort(key=lambda item: item[0])
        bound = geo.outside_distance_km(lat, lng, last)
        if len(found) >= limit and found[limit - 1][0] <= _half_chord(bound) or bound >= max_radius_km:
            break
    return [NearbyAED(AEDPoint(*row), 2 * geo.EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a))), is_open)
            for a, row, is_open in found[:limit]]


def directions_url(*, from_lat: float, from_lng: float, aed: AED) -> str:
    return settings.BOAI_DIRECTIONS_URL.format(from_lat=f"{from_lat:.6f}", from_lng=f"{from_lng:.6f}",
                                               lat=f"{aed.latitude:.6f}", lng=f"{aed.longitude:.6f}")


# --- AED maintenance alerts ---------------------------------------------------------------------

def _expiring_q(today: dt.date, within_days: int | None) -> Q:
    days = settings.BOAI_AED_EXPIRY_WARNING_DAYS if within_days is None else within_days
    limit = today + dt.timedelta(days=days)
    return ~Q(status=AEDStatus.OUT_OF_SERVICE) & (
        Q(battery_expiry__lte=limit) | Q(adult_pads_expiry__lte=limit)
        | Q(child_pads=True, child_pads_expiry__lte=limit)
    )


def _overdue_q(today: dt.date) -> Q:
    cutoff = today - dt.timedelta(days=INSPECTION_INTERVAL_DAYS)
    return Q(status=AEDStatus.IN_SERVICE) & (
        Q(last_inspected_on__lt=cutoff) | Q(last_inspected_on__isnull=True, installed_on__lt=cutoff)
        | Q(last_inspected_on__isnull=True, installed_on__isnull=True)
    )


def aeds_with_expiring_parts(queryset: QuerySet, *, today: dt.date | None = None,
                             within_days: int | None = None) -> QuerySet:
    """Devices whose battery, adult pads or (present) child pads expire within the warning window
    (already expired included)."""
    return queryset.filter(_expiring_q(today or timezone.localdate(), within_days))


def aeds_inspection_overdue(queryset: QuerySet, *, today: dt.date | None = None) -> QuerySet:
    """In-service devices not inspected within the monthly interval (never-inspected ones count from
    their installation)."""
    return queryset.filter(_overdue_q(today or timezone.localdate()))


def aed_summary(queryset: QuerySet, *, today: dt.date | None = None) -> dict[str, int]:
    """Totals and alert counts in one query."""
    today = today or timezone.localdate()
    return queryset.aggregate(total=Count("id"), in_service=Count("id", filter=Q(status=AEDStatus.IN_SERVICE)),
                              expiring=Count("id", filter=_expiring_q(today, None)),
                              overdue=Count("id", filter=_overdue_q(today)))


# --- Training progress --------------------------------------------------------------------------

def achievement_by_branch_month(*, year: int, user) -> dict[tuple[str, int, int], int]:
    """{(kind, branch id, month): trainees} for kind "c" (certificates issued, not revoked) and "a"
    (awareness trainees counted on sessions), both restricted to the user's scope: one UNION query."""
    from boai.firstaid.models import Certificate

    if not user.has_perm("firstaid.view"):
        return {}
    certified = (Certificate.objects.restrict(user, "view").filter(issued_on__year=year, revoked_at__isnull=True)
                 .annotate(month=ExtractMonth("issued_on"), kind=Value("c")).values("kind", "branch_id", "month")
                 .annotate(n=Count("id")).order_by())
    awareness = (Session.objects.restrict(user, "view")
                 .filter(course_type__kind=CourseKind.AWARENESS, starts_on__year=year)
                 .exclude(status=SessionStatus.CANCELLED)
                 .annotate(month=ExtractMonth("starts_on"), kind=Value("a")).values("kind", "branch_id", "month")
                 .annotate(n=Sum("awareness_count")).order_by())
    return {(r["kind"], r["branch_id"], r["month"]): r["n"] or 0 for r in certified.union(awareness, all=True)}


@dataclass
class BranchProgress:
    branch_id: int
    name: str
    certified_target: int
    awareness_target: int
    certified: list[int]
    awareness: list[int]

    @property
    def certified_total(self) -> int:
        return sum(self.certified)

    @property
    def awareness_total(self) -> int:
        return sum(self.awareness)

    @staticmethod
    def _rate(done: int, target: int) -> float | None:
        return round(100 * done / target, 1) if target else None

    @property
    def certified_rate(self) -> float | None:
        return self._rate(self.certified_total, self.certified_target)

    @property
    def awareness_rate(self) -> float | None:
        return self._rate(self.awareness_total, self.awareness_target)

    @property
    def score(self) -> float:
        rates = [r for r in (self.certified_rate, self.awareness_rate) if r is not None]
        return sum(rates) / len(rates) if rates else 0.0


def progress(*, user, year: int) -> list[BranchProgress]:
    """Targets and monthly achievement of each branch the user sees, ranked by the mean of the two
    completion rates. Two queries whatever the number of branches."""
    from boai.orgs.models import Kind, Org

    target = Target.objects.filter(org=OuterRef("pk"), year=year)
    branches = (Org.objects.restrict(user, "view").filter(kind=Kind.BRANCH).only("id", "name", "short_name")
                .annotate(certified_target=Subquery(target.values("certified")[:1]),
                          awareness_target=Subquery(target.values("awareness")[:1])))
    done = achievement_by_branch_month(year=year, user=user)
    rows = [BranchProgress(
        branch_id=b.pk, name=b.display_name, certified_target=b.certified_target or 0,
        awareness_target=b.awareness_target or 0,
        certified=[done.get(("c", b.pk, m), 0) for m in range(1, 13)],
        awareness=[done.get(("a", b.pk, m), 0) for m in range(1, 13)],
    ) for b in branches]
    rows.sort(key=lambda r: (-r.score, -r.certified_total, r.name))
    return rows


def progress_charts(rows: list[BranchProgress], *, year: int) -> dict[str, dict]:
    """ECharts options: completion by branch (bars) and cumulative monthly achievement (lines)."""
    names = [r.name for r in rows]
    months = [f"{m}月" for m in range(1, 13)]
    by_branch = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0}, "grid": {"left": 8, "right": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": "救护员/CPR+AED", "type": "bar", "data": [r.certified_rate or 0 for r in rows]},
            {"name": "普及培训", "type": "bar", "data": [r.awareness_rate or 0 for r in rows]},
        ],
    }
    cert_monthly = [sum(r.certified[m] for r in rows) for m in range(12)]
    aware_monthly = [sum(r.awareness[m] for r in rows) for m in range(12)]
    monthly = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0}, "grid": {"left": 8, "right": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [{"type": "value"}, {"type": "value"}],
        "series": [
            {"name": "救护员/CPR+AED", "type": "line", "data": _cumulative(cert_monthly)},
            {"name": "普及培训", "type": "line", "yAxisIndex": 1, "data": _cumulative(aware_monthly)},
        ],
    }
    return {"by_branch": by_branch, "monthly": monthly}


def _cumulative(values: list[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def dashboard_widget_context(user) -> dict:
    year = timezone.localdate().year
    rows = progress(user=user, year=year)
    totals = {
        "certified": sum(r.certified_total for r in rows), "awareness": sum(r.awareness_total for r in rows),
        "certified_target": sum(r.certified_target for r in rows),
        "awareness_target": sum(r.awareness_target for r in rows),
    }
    return {"year": year, "rows": rows[:5], "totals": totals,
            "aeds": aed_summary(AED.objects.restrict(user, "view"))}
