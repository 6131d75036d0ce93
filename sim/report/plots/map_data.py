"""What a map shows: outlines, extents and each panel's state (medians over runs)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np

from sim.analysis.indicators import FULL_SHARE
from sim.errors import InputError
from sim.io.results import Runs
from sim.report.plots import style

PANEL_DAYS = (7, 30, 90)
OCCUPANCY_CLASSES = (  # upper bound of occupancy / capacity, colour, label
    (0.5, "bluish_green", "under 50 %"),
    (0.9, "yellow", "50-90 %"),
    (FULL_SHARE, "orange", f"90-{FULL_SHARE * 100:.0f} %"),
    (np.inf, "vermillion", f"full ({FULL_SHARE * 100:.0f} % or more)"),   # the camps' full rule
)
FRONT_RADIUS_DEG = 0.06   # shading around a government-held place (about the 6 km capture width)
DANGER_RING = 0.1         # danger above which a place cannot be chosen as a destination
ROAD_COLOR = style.OKABE_ITO["blue"]
ARROW_COLOR = "#0b3d66"


# --------------------------------------------------------------------------- data


def load_outlines(region: str) -> list[dict]:
    """Map outlines for the region: a shipped region's file (``idlib``, ``idlib_coarse``), or
    ``outlines.geojson`` in a folder."""
    if region in ("", "idlib") or (region.isidentifier() and resources.files("sim.data").joinpath(region).is_dir()):
        text = resources.files(f"sim.data.{region or 'idlib'}").joinpath("outlines.geojson").read_text("utf-8")
    else:
        path = Path(region) / "outlines.geojson"
        if not path.is_file():
            return []
        text = path.read_text("utf-8")
    return json.loads(text).get("features", [])


def map_state(runs: Runs, i0: int, i1: int) -> dict:
    """Everything one map panel shows: medians over runs for the window [i0, i1] (inclusive)."""
    present_all = (runs.values("residents_present", "time", "location")
                   + runs.values("displaced_present", "time", "location")
                   + runs.values("in_transit", "time", "location"))
    present = present_all[:, i1]
    flow = runs.values("road_flow", "time", "road")[:, i0:i1 + 1].sum(axis=1)
    if "road_flow_forward" in runs.ds.variables and "road_flow_backward" in runs.ds.variables:
        fwd = runs.values("road_flow_forward", "time", "road")[:, i0:i1 + 1].sum(axis=1)
        bwd = runs.values("road_flow_backward", "time", "road")[:, i0:i1 + 1].sum(axis=1)
        net = np.median(fwd - bwd, axis=0)
        direction_source = "recorded"
    else:
        net = _inferred_net(runs, present_all, i0, i1)
        direction_source = "inferred"
    cap = runs.camp_capacity()[0, i1]
    occ = np.median(runs.values("camp_occupancy", "time", "location")[:, i1], axis=0)
    ratio = np.where(cap > 0, occ / np.where(cap > 0, cap, 1.0), np.nan)
    closed = (runs.values("road_closed", "time", "road")[0, i1] > 0
              if "road_closed" in runs.ds.variables else np.zeros(len(net), dtype=bool))
    return {
        "i0": i0, "i1": i1,
        "present": np.median(present, axis=0),
        "flow": np.median(flow, axis=0),
        "net": net, "direction_source": direction_source,
        "government": runs.values("government_control", "time", "location")[0, i1] > 0,
        "danger": runs.values("danger", "time", "location")[0, i1],
        "occupancy_ratio": ratio, "closed": closed,
    }


def _inferred_net(runs: Runs, present_all: np.ndarray, i0: int, i1: int) -> np.ndarray:
    """Net direction per road without directed flows: towards the end that gained more people."""
    if i0 > 0:
        before = present_all[:, i0 - 1]
    else:  # the state before day 0: undo day 0's arrivals and departures
        before = (present_all[:, 0] - runs.values("arrivals", "time", "location")[:, 0]
                  + runs.values("departures", "time", "location")[:, 0])
    gain = np.median(present_all[:, i1] - before, axis=0)
    a, b = _road_ends(runs)
    net = gain[b] - gain[a]
    danger = runs.values("danger", "time", "location")[0, i1]
    tie = net == 0
    net[tie] = danger[a[tie]] - danger[b[tie]]
    return net


def _road_ends(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    index = {n: i for i, n in enumerate(runs.locations)}
    a = np.array([index[str(n)] for n in runs.coord("road_from")], dtype=int)
    b = np.array([index[str(n)] for n in runs.coord("road_to")], dtype=int)
    return a, b


def drawn_positions(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude as drawn: exact for towns, rounded for camps."""
    lon = runs.coord("lon").astype(float).copy()
    lat = runs.coord("lat").astype(float).copy()
    camp = runs.kind == "camp"
    lon[camp], lat[camp] = style.coarse(lon[camp]), style.coarse(lat[camp])
    return lon, lat


def map_extent(runs: Runs, outlines: list[dict], pad: float = 0.08) -> tuple[float, float, float, float]:
    """Bounds of the places (padded); with outlines, only places inside them count, so a far
    external area (Jarablus) is pinned to the edge instead of stretching the map."""
    lon, lat = drawn_positions(runs)
    keep = np.ones(len(lon), dtype=bool)
    if outlines:
        (ox0, ox1), (oy0, oy1) = _outline_bounds(outlines)
        keep = (lon >= ox0) & (lon <= ox1) & (lat >= oy0) & (lat <= oy1)
        if not keep.any():
            keep[:] = True
    x0, x1 = lon[keep].min() - pad, lon[keep].max() + pad
    y0, y1 = lat[keep].min() - pad, lat[keep].max() + pad
    return x0, x1, y0, y1


def zoom_extent(runs: Runs, pad: float = 0.06) -> tuple[float, float, float, float] | None:
    """The camp belt, where places crowd: the bounds of the camp clusters, or None if < 3."""
    lon, lat = drawn_positions(runs)
    camp = runs.kind == "camp"
    if camp.sum() < 3:
        return None
    return (lon[camp].min() - pad, lon[camp].max() + pad,
            lat[camp].min() - pad, lat[camp].max() + pad)


def _outline_bounds(outlines):
    pts = np.concatenate([np.asarray(r, float) for f in outlines for r in _rings(f["geometry"])])
    return (pts[:, 0].min(), pts[:, 0].max()), (pts[:, 1].min(), pts[:, 1].max())


def _rings(geom: dict) -> list:
    t, c = geom["type"], geom["coordinates"]
    if t == "Polygon":
        return [c[0]]
    if t == "MultiPolygon":
        return [p[0] for p in c]
    if t == "LineString":
        return [c]
    if t == "MultiLineString":
        return list(c)
    return []


def resolve_panel_days(runs: Runs, days: tuple[int, ...] | None) -> list[int]:
    """Panel days within the run; default 7, 30, 90 (those that fit), else three even steps."""
    if days is not None:
        bad = [d for d in days if not 1 <= d <= runs.days]
        if bad:
            raise InputError(f"day {bad[0]} is outside the run (1-{runs.days}); give days "
                             "counted from the start, e.g. 7,30,90", field="--days")
        return sorted({int(d) for d in days})
    fits = [d for d in PANEL_DAYS if d <= runs.days]
    if len(fits) >= 2:
        return fits
    return sorted({max(1, round(runs.days * k / 3)) for k in (1, 2, 3)})
