"""The offensive as data: front lines over time -> control, danger and cut roads per day.

An axis of advance moves a front tip from a start point through waypoints at a steady
speed (km/day). Places within ``width_km`` of the ground the tip has covered change control.
A dated control change applies to its place and, with ``radius_km``, to the places around it.
Danger at a place is ``intensity(day) * exp(-distance_to_active_front / danger_decay_km)``:
shelling and air strikes concentrate within ~10-20 km of the contact line (the Carter Center
weekly summaries in sim/data/idlib/sources.md report events clustered along the front), plus
explicit strikes on places away from it. The active front is the ground the tip covered in the
last ``front_memory_days`` and places whose control changed in that window.

Everything is precomputed once for the whole run, for every place (towns, camps and each of
the ~600 communities of the fine region): an axis reaching a village captures that village,
and the line of contact and the danger are measured at every community. Distances go through
a k-d tree (SciPy), so the work grows with places + front points, never with their product;
the daily step then only reads a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.config.scenario import Scenario
from sim.world.geography import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQUATOR, Geography

SAMPLE_KM = 0.5


@dataclass(frozen=True, eq=False)
class ConflictTimeline:
    """Per-day conflict state. Arrays are indexed ``[day, location]`` or ``[day, edge]``."""

    government: np.ndarray          # bool: place under government control
    danger: np.ndarray              # float in [0, 1]
    front_distance_km: np.ndarray   # distance to the active front (inf when none)
    road_cut: np.ndarray            # bool: road closed by the front or by the scenario
    intensity: np.ndarray           # [day] conflict intensity level in [0, 1]
    tip_lat: np.ndarray             # [day, axis] front-tip position (for maps)
    tip_lon: np.ndarray

    @property
    def days(self) -> int:
        return self.danger.shape[0]


def intensity_series(scenario: Scenario) -> np.ndarray:
    """Piecewise-linear intensity by day; zero from the ceasefire day on."""
    days = np.arange(scenario.days)
    pts = scenario.conflict.intensity
    level = np.interp(days, [p.day for p in pts], [p.level for p in pts])
    if scenario.conflict.ceasefire_day is not None:
        level[days >= scenario.conflict.ceasefire_day] = 0.0
    return level


def _axis_path(geo: Geography, axis) -> tuple[np.ndarray, np.ndarray]:
    """Densified polyline (km) of an axis and the distance along it of each sample."""
    pts = [geo.point_lat_lon(axis.start)] + [geo.point_lat_lon(v) for v in axis.via]
    lat = np.array([p[0] for p in pts])
    lon = np.array([p[1] for p in pts])
    x, y = geo.project_km(lat, lon)
    xs, ys, ss = [x[:1]], [y[:1]], [np.zeros(1)]
    total = 0.0
    for k in range(len(x) - 1):
        seg = float(np.hypot(x[k + 1] - x[k], y[k + 1] - y[k]))
        n = max(1, int(np.ceil(seg / SAMPLE_KM)))
        f = np.arange(1, n + 1) / n
        xs.append(x[k] + f * (x[k + 1] - x[k]))
        ys.append(y[k] + f * (y[k + 1] - y[k]))
        ss.append(total + f * seg)
        total += seg
    return np.column_stack([np.concatenate(xs), np.concatenate(ys)]), np.concatenate(ss)


def _axis_progress_km(axis, days: np.ndarray, stop: int, length_km: float) -> np.ndarray:
    """Distance covered by the tip at the end of each day (0 before the axis starts)."""
    moving_days = np.clip(np.minimum(days + 1, stop) - axis.start_day, 0, None)
    return np.minimum(moving_days * axis.speed_km_per_day, length_km)


def build_timeline(scenario: Scenario, geo: Geography) -> ConflictTimeline:
    c = scenario.conflict
    n_days, n_loc = scenario.days, geo.n_locations
    days = np.arange(n_days)
    loc_xy = geo.xy_km
    intensity = intensity_series(scenario)
    ceasefire = c.ceasefire_day if c.ceasefire_day is not None else n_days

    government = np.repeat((geo.control_2019 == "government")[None, :], n_days, axis=0)
    front_sets: list[list[np.ndarray]] = [[] for _ in range(n_days)]
    tip_lat = np.full((n_days, len(c.axes)), np.nan)
    tip_lon = np.full((n_days, len(c.axes)), np.nan)

    for a, axis in enumerate(c.axes):
        path, s = _axis_path(geo, axis)
        stop = min(axis.stop_day if axis.stop_day is not None else n_days, ceasefire)
        progress = _axis_progress_km(axis, days, stop, float(s[-1]))
        reach = _first_reach_km(loc_xy, path, s, axis.width_km)
        captured = (progress[:, None] >= reach[None, :]) & np.isfinite(reach)[None, :]
        captured &= (days >= axis.start_day)[:, None]
        government |= captured
        for t in range(axis.start_day, n_days):  # no front on this axis before it starts
            lo = progress[t - c.front_memory_days] if t >= c.front_memory_days else 0.0
            active = (s >= lo - 1e-9) & (s <= progress[t] + 1e-9)
            # The exact tip stays front line, also after the axis stops (a stable front).
            tip = np.array([np.interp(progress[t], s, path[:, 0]), np.interp(progress[t], s, path[:, 1])])
            front_sets[t].append(np.vstack([path[active], tip]))
            tip_lat[t, a], tip_lon[t, a] = _unproject(geo, tip)

    for cc in sorted(c.control_changes, key=lambda cc: cc.day):
        if cc.day < n_days:
            i = geo.index(cc.place)
            around = np.hypot(*(loc_xy - loc_xy[i]).T) <= cc.radius_km
            around[i] = True
            government[cc.day:, around] = cc.to_side == "government"

    changed = np.zeros_like(government)
    changed[1:] = government[1:] != government[:-1]
    held_points = np.zeros((0, 2))
    if c.government_points:
        lat_lon = np.array([geo.point_lat_lon(n) for n in c.government_points])
        held_points = np.column_stack(geo.project_km(lat_lon[:, 0], lat_lon[:, 1]))
    for t in range(n_days):
        recent = changed[max(0, t - c.front_memory_days + 1): t + 1].any(axis=0)
        if recent.any():
            front_sets[t].append(loc_xy[recent])
        if c.contact_line:   # the whole line of contact, every day
            front_sets[t].extend([loc_xy[government[t]], held_points])

    front_distance = np.full((n_days, n_loc), np.inf)
    road_cut = np.zeros((n_days, geo.n_edges), dtype=bool)
    edge_samples = _edge_samples(geo)
    # One query a day for the places and the roads' sample points; a day whose front is
    # yesterday's (a stopped axis, a quiet line of contact) takes yesterday's distances.
    probes = np.concatenate([loc_xy, edge_samples.reshape(-1, 2)])
    pts_before, distance = None, None
    for t in range(n_days):
        pts = np.concatenate(front_sets[t]) if front_sets[t] else np.zeros((0, 2))
        if len(pts) == 0:
            continue
        if pts_before is None or not np.array_equal(pts, pts_before):
            distance, pts_before = _min_distance(probes, pts), pts
        front_distance[t] = distance[:n_loc]
        de = distance[n_loc:].reshape(edge_samples.shape[:2])
        road_cut[t] = de.min(axis=1) <= c.road_cut_km

    danger = intensity[:, None] * np.exp(-front_distance / c.danger_decay_km)
    for st in c.strikes:
        span = slice(st.start_day, min(st.end_day + 1, n_days))
        i = geo.index(st.place)
        danger[span, i] = np.maximum(danger[span, i], st.level)
    danger = np.clip(danger, 0.0, 1.0)

    for rc in c.road_closures:
        e = geo.edge_index(rc.from_place, rc.to_place)
        end = n_days if rc.end_day is None else min(rc.end_day + 1, n_days)
        road_cut[rc.start_day:end, e] = True

    return ConflictTimeline(government=government, danger=danger,
                            front_distance_km=front_distance, road_cut=road_cut,
                            intensity=intensity, tip_lat=tip_lat, tip_lon=tip_lon)


def _first_reach_km(loc_xy: np.ndarray, path: np.ndarray, s: np.ndarray, width_km: float) -> np.ndarray:
    """Capture: distance along the path of its first sample within ``width_km`` of each place
    (``dx * dx + dy * dy <= width_km ** 2``; inf if the path never comes that close). Samples
    are in path order, so the first one found is the first reached; a few hundred samples
    against the places take 0.1 ms, and no [place x sample] matrix is built. (It replaced a
    k-d tree's ball query, with the same captures on every shipped scenario.)"""
    return _first_within(np.ascontiguousarray(loc_xy, dtype=np.float64),
                         np.ascontiguousarray(path, dtype=np.float64),
                         np.asarray(s, dtype=np.float64), float(width_km) ** 2)


@njit(cache=True)
def _first_within(points, path, s, r2):
    out = np.full(len(points), np.inf)
    for i in range(len(points)):
        x, y = points[i, 0], points[i, 1]
        for j in range(len(path)):
            dx = x - path[j, 0]
            dy = y - path[j, 1]
            if dx * dx + dy * dy <= r2:
                out[i] = s[j]
                break
    return out


BRUTE_FORCE_PAIRS = 4_000_000
"""Up to this many (point, target) pairs the nearest target is found by trying every one: a
front of a few dozen samples against the ~5,500 places and road points is 0.24 ms a day
against 2.4 ms for a k-d tree's query; larger fronts take the k-d tree."""


def _min_distance(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest target. Both ways take the square root of the
    least ``dx * dx + dy * dy``, so they give the same numbers to the last bit (tested)."""
    if len(points) * len(targets) <= BRUTE_FORCE_PAIRS:
        return _nearest_by_trying_all(np.ascontiguousarray(points, dtype=np.float64),
                                      np.ascontiguousarray(targets, dtype=np.float64))
    from scipy.spatial import cKDTree

    return cKDTree(targets).query(points, k=1)[0]


@njit(cache=True)
def _nearest_by_trying_all(points, targets):
    out = np.empty(len(points))
    for i in range(len(points)):
        x, y = points[i, 0], points[i, 1]
        best = np.inf
        for j in range(len(targets)):
            dx = x - targets[j, 0]
            dy = y - targets[j, 1]
            d = dx * dx + dy * dy
            if d < best:
                best = d
        out[i] = np.sqrt(best)
    return out


def _edge_samples(geo: Geography) -> np.ndarray:
    """Interior points of each road (straight line between its ends), shape [edge, 3, 2].

    The ends are left out on purpose: a front near a town should not trap its people by
    cutting every road out of it; a road is cut when the front lies across its middle.
    """
    a = geo.xy_km[geo.edge_from]
    b = geo.xy_km[geo.edge_to]
    f = np.array([0.25, 0.5, 0.75])[None, :, None]
    return a[:, None, :] + f * (b - a)[:, None, :]


def _unproject(geo: Geography, xy: np.ndarray) -> tuple[float, float]:
    lat0, lon0 = geo.origin_lat_lon
    lon = lon0 + xy[0] / (KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)))
    lat = lat0 + xy[1] / KM_PER_DEG_LAT
    return lat, lon
