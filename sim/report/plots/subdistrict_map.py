"""Choropleth: new IDPs present per official sub-district, on the OCHA boundaries.

OCHA and the CCCM cluster count new IDPs per sub-district (admin-3 P-code), so planners read
the displacement on the same map: each sub-district is shaded by the people displaced in this
run who are there on the date (``new_idps_present_by_subdistrict``: sheltering, or in transit
with a place of the sub-district the last passed; median over runs). Classes are fixed steps of
people, so panels of a small multiple compare at a glance. Camp clusters are drawn at coarse
precision (:data:`sim.report.plots.style.COARSE_DEG`), as on the flow map, and crossings as
triangles; the polygons are the region's ``subdistricts.geojson`` (OCHA COD-AB, CC BY 3.0 IGO).
A region without sub-district polygons (``idlib_coarse``) gets a map with a note instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Polygon

from sim.data import DATA_ROOT
from sim.io.results import Runs, as_runs
from sim.report.plots import style
from sim.report.plots.map_data import _rings, load_outlines, resolve_panel_days

VAR = "new_idps_present_by_subdistrict"
CLASSES_PEOPLE = (1, 1_000, 5_000, 20_000, 50_000, 100_000, 250_000)
"""Lower bounds of the shading classes (people); below the first: not shaded."""


def load_subdistrict_polygons(region: str) -> list[dict]:
    """The region's sub-district features (``subdistricts.geojson``), or [] if it has none."""
    folder = Path(region) if region and Path(region).is_dir() else DATA_ROOT / (region or "idlib")
    path = folder / "subdistricts.geojson"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8")).get("features", [])


def new_idps_table(runs: Runs, day_index: int) -> pd.DataFrame:
    """New IDPs present per sub-district on ``day_index``: P50 (and P10/P90) over runs."""
    if VAR not in runs.ds.variables:
        return pd.DataFrame(columns=["pcode", "name", "name_ar", "date", "new_idps_present_p50"])
    values = runs.values(VAR, "time", "subdistrict")[:, day_index]
    p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=0)
    out = pd.DataFrame({
        "pcode": runs.coord("subdistrict").astype(str),
        "name": runs.coord("subdistrict_name").astype(str),
        "name_ar": runs.coord("subdistrict_name_ar").astype(str),
        "date": runs.date(day_index), "new_idps_present_p50": p50})
    if runs.is_ensemble:
        out["new_idps_present_p10"], out["new_idps_present_p90"] = p10, p90
    return out


def _cmap():
    colours = mpl.colormaps[style.SEQUENTIAL](np.linspace(0.92, 0.08, len(CLASSES_PEOPLE)))
    edges = list(CLASSES_PEOPLE) + [np.inf]
    return ListedColormap(colours), BoundaryNorm(edges[:-1] + [1e12], len(CLASSES_PEOPLE))


def _draw(ax, runs: Runs, polygons: list[dict], outlines: list[dict], table: pd.DataFrame,
          labels: int) -> None:
    cmap, norm = _cmap()
    value = dict(zip(table["pcode"], table["new_idps_present_p50"]))
    xs, ys = [], []
    for f in polygons:
        v = float(value.get(str(f["properties"]["pcode"]), 0.0))
        face = cmap(norm(v)) if v >= CLASSES_PEOPLE[0] else "white"
        idleb = str(f["properties"].get("governorate", "")) == "Idleb"
        for ring in _rings(f["geometry"]):
            xy = np.asarray(ring, float)
            xs.append(xy[:, 0])
            ys.append(xy[:, 1])
            ax.add_patch(Polygon(xy, closed=True, facecolor=face, edgecolor="#6f6f6f",
                                 lw=0.45 if idleb else 0.3, zorder=1))
    for f in outlines:   # the governorate outline (dissolved from the polygons) and the border
        dashed = f["geometry"]["type"] in ("LineString", "MultiLineString")
        for ring in _rings(f["geometry"]):
            xy = np.asarray(ring, float)
            ax.plot(xy[:, 0], xy[:, 1], color="#222222", lw=1.2 if dashed else 0.9,
                    ls=(0, (6, 2, 1, 2)) if dashed else "-", zorder=2)
    kind = runs.kind
    lon, lat = runs.coord("lon").astype(float), runs.coord("lat").astype(float)
    camp = kind == "camp"
    ax.scatter(style.coarse(lon[camp]), style.coarse(lat[camp]), s=14, marker="s", c="white",
               edgecolors="#222222", linewidths=0.6, zorder=4)
    cross = kind == "crossing"
    ax.scatter(lon[cross], lat[cross], s=18, marker="^", c="#222222", zorder=4)
    if xs:
        x = np.concatenate(xs)
        y = np.concatenate(ys)
        idleb_pts = [np.asarray(r, float) for f in polygons
                     if str(f["properties"].get("governorate", "")) == "Idleb"
                     for r in _rings(f["geometry"])]
        if idleb_pts:
            pts = np.concatenate(idleb_pts)
            x, y = pts[:, 0], pts[:, 1]
        ax.set_xlim(x.min() - 0.2, x.max() + 0.45)     # room for the northern Aleppo hosts
        ax.set_ylim(y.min() - 0.08, y.max() + 0.3)
    y0, y1 = ax.get_ylim()
    ax.set_aspect(1.0 / np.cos(np.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if labels:
        centre = {str(f["properties"]["pcode"]): np.concatenate(
            [np.asarray(r, float) for r in _rings(f["geometry"])]).mean(axis=0) for f in polygons}
        top = table.sort_values("new_idps_present_p50", ascending=False).head(labels)
        for r in top.itertuples():
            if r.new_idps_present_p50 < CLASSES_PEOPLE[0] or r.pcode not in centre:
                continue
            cx, cy = centre[r.pcode]
            ax.annotate(f"{r.name}\n{style.people(r.new_idps_present_p50)}", (cx, cy), fontsize=6,
                        ha="center", va="center", zorder=6, annotation_clip=True,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.2})


def _legend(fig, axes) -> None:
    cmap, norm = _cmap()
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=axes, shrink=0.7, pad=0.02, ticks=list(CLASSES_PEOPLE))
    bar.ax.set_yticklabels([style.people(v) for v in CLASSES_PEOPLE])
    bar.set_label("new IDPs present (people displaced in this run, in the sub-district)")


def _no_polygons(ax) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, "This region has no sub-district polygons (subdistricts.geojson):\n"
            "no choropleth. The fine region 'idlib' has the OCHA sub-districts.",
            ha="center", va="center", fontsize=10, transform=ax.transAxes)


def draw_subdistrict_map(data, day_index: int = -1, *, dpi: int = style.DPI):
    """One choropleth of new IDPs present per sub-district on ``day_index`` (default: last day)."""
    runs = as_runs(data)
    i = day_index % runs.days
    region = str(runs.ds.attrs.get("region", "idlib"))
    polygons, outlines = load_subdistrict_polygons(region), load_outlines(region)
    table = new_idps_table(runs, i)
    with style.styled():
        fig = style.new_figure(style.TALL, runs, f"New IDPs present by sub-district on "
                               f"{runs.date(i)}", is_map=True, outlines=bool(polygons), dpi=dpi)
        ax = fig.add_subplot()
        if polygons and len(table):
            _draw(ax, runs, polygons, [f for f in outlines if f["properties"].get("pcode") == "SY07"
                                      or f["properties"].get("kind") == "border"], table, labels=12)
            ax.set_title(f"Day {i + 1} ({runs.date(i)})" + (" - median of runs" if runs.is_ensemble
                                                           else ""))
            _legend(fig, ax)
        else:
            _no_polygons(ax)
    return fig, {"subdistricts": table}


def draw_subdistrict_map_panels(data, days: tuple[int, ...] | None = None, *, dpi: int = style.DPI):
    """Small multiple: the choropleth on each of ``days`` (counted from the start; default 7,
    30, 90 where they fit), one colour scale for all panels."""
    runs = as_runs(data)
    panel_days = resolve_panel_days(runs, days)
    region = str(runs.ds.attrs.get("region", "idlib"))
    polygons, outlines = load_subdistrict_polygons(region), load_outlines(region)
    outlines = [f for f in outlines if f["properties"].get("pcode") == "SY07"
                or f["properties"].get("kind") == "border"]
    tables = [new_idps_table(runs, d - 1) for d in panel_days]
    with style.styled():
        fig = style.new_figure(style.PANELS, runs, "New IDPs present by sub-district over time",
                               is_map=True, outlines=bool(polygons), dpi=dpi)
        axes = [fig.add_subplot(1, len(panel_days), k + 1) for k in range(len(panel_days))]
        for ax, d, table in zip(axes, panel_days, tables):
            if polygons and len(table):
                _draw(ax, runs, polygons, outlines, table, labels=4)
                ax.set_title(f"Day {d} ({runs.date(d - 1)})", fontsize=9)
            else:
                _no_polygons(ax)
        if polygons and len(tables[0]):
            _legend(fig, axes)
    return fig, {"subdistricts": pd.concat(tables, ignore_index=True)}


def plot_subdistrict_map(data, out_stem: str | Path, day_index: int = -1, *,
                         formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_subdistrict_map(data, day_index, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)


def plot_subdistrict_map_panels(data, out_stem: str | Path, days: tuple[int, ...] | None = None,
                                *, formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_subdistrict_map_panels(data, days, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
