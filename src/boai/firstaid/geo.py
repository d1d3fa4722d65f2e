"""Nearest-point search without PostGIS: a fixed grid of cells with a B-tree index.

Each device stores the integer id of the grid cell it lies in (`cell_of`). A nearest-k query
reads the cell of the point, then ring after ring of cells around it (`ring`), each ring one
indexed `cell IN (...)` lookup, and stops as soon as it holds k matches that are closer than
anything outside the searched square could be (`outside_distance_km`). Distances are exact
haversine on the candidates only. This works the same on SQLite and PostgreSQL and never reads
the whole table.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
CELL_DEG = 0.01  # about 1.1 km north-south, 0.95 km east-west at Wuxi's latitude
_ROW = 100_000  # cells per row of the grid id (360 / 0.01 = 36,000 < 100,000)
KM_PER_DEG_LAT = math.pi * EARTH_RADIUS_KM / 180


def cell_xy(lat: float, lng: float) -> tuple[int, int]:
    return math.floor((lng + 180.0) / CELL_DEG), math.floor((lat + 90.0) / CELL_DEG)


def cell_id(x: int, y: int) -> int:
    return y * _ROW + (x % int(360 / CELL_DEG))


def cell_of(lat: float, lng: float) -> int:
    return cell_id(*cell_xy(lat, lng))


def ring(x: int, y: int, r: int) -> list[int]:
    """The cells at Chebyshev distance exactly r from (x, y): 1 cell for r=0, else 8r."""
    if r == 0:
        return [cell_id(x, y)]
    cells = [cell_id(x + dx, y + dy) for dx in range(-r, r + 1) for dy in (-r, r)]
    cells += [cell_id(x + dx, y + dy) for dy in range(-r + 1, r) for dx in (-r, r)]
    return cells


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def outside_distance_km(lat: float, lng: float, r: int) -> float:
    """A lower bound of the distance from the point to any place outside the searched square
    (rings 0..r). East-west degrees are measured at the square's latitude farthest from the
    equator, where they are shortest, so the bound is never too large."""
    x, y = cell_xy(lat, lng)
    south = (y - r) * CELL_DEG - 90.0
    north = (y + r + 1) * CELL_DEG - 90.0
    west = (x - r) * CELL_DEG - 180.0
    east = (x + r + 1) * CELL_DEG - 180.0
    worst_lat = min(89.9, max(abs(south), abs(north)))
    km_per_deg_lng = KM_PER_DEG_LAT * math.cos(math.radians(worst_lat))
    return min((lat - south) * KM_PER_DEG_LAT, (north - lat) * KM_PER_DEG_LAT,
               (lng - west) * km_per_deg_lng, (east - lng) * km_per_deg_lng)
