"""Flow map: where people are, which roads they take and which way, and where the front is.

Places are sized by the people present at the date shown (residents, displaced and people in
transit); roads are drawn with a width proportional to the people who entered them over the
window, with an arrow for the net direction; government-held places at the date are shaded
(the front line); camps are coloured by occupancy against capacity and drawn at coarse
precision (:data:`sim.report.plots.style.COARSE_DEG`). A small multiple (days 7, 30, 90 by default)
shows the wave.

Direction: from ``road_flow_forward``/``road_flow_backward`` when the run has them;
otherwise it is inferred (older files): towards the end whose people present grew more over
the window, and on a tie away from danger. The undirected ``road_flow`` is only a width.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Circle, Polygon, Rectangle

from sim.io.results import Runs, as_runs
from sim.report.plots import style
from sim.report.plots.map_data import (  # noqa: F401
    ARROW_COLOR,
    DANGER_RING,
    FRONT_RADIUS_DEG,
    OCCUPANCY_CLASSES,
    PANEL_DAYS,
    ROAD_COLOR,
    _inferred_net,
    _outline_bounds,
    _rings,
    _road_ends,
    drawn_positions,
    load_outlines,
    map_extent,
    map_state,
    resolve_panel_days,
    zoom_extent,
)

# --------------------------------------------------------------------------- drawing


class _Scales:
    def __init__(self, people_max: float, flow_max: float, big: bool):
        self.people_max = max(people_max, 1.0)
        self.flow_max = max(flow_max, 1.0)
        self.s_max = 900.0 if big else 380.0
        self.lw_max = 9.0 if big else 6.0

    def size(self, people):
        return np.maximum(self.s_max * np.asarray(people, float) / self.people_max, 4.0)

    def width(self, flow):
        return 0.6 + self.lw_max * np.asarray(flow, float) / self.flow_max


def _draw_outlines(ax, outlines: list[dict], labels: bool) -> None:
    for f in outlines:
        props, geom = f.get("properties", {}), f["geometry"]
        kind, name = props.get("kind", ""), str(props.get("name", ""))
        if geom["type"] in ("LineString", "MultiLineString"):
            for ring in _rings(geom):
                xy = np.asarray(ring, float)
                ax.plot(xy[:, 0], xy[:, 1], color="#222222", lw=1.3, ls=(0, (6, 2, 1, 2)),
                        zorder=2)
            continue
        home = name.lower().startswith("idleb")
        for ring in _rings(geom):
            ax.add_patch(Polygon(np.asarray(ring, float), closed=True, zorder=0,
                                 facecolor="#f3f1ea" if home else "white",
                                 edgecolor="#8c8c8c", lw=1.1 if home else 0.6))
        if labels and kind == "governorate":
            short = name.split(" governorate")[0]
            xy = np.concatenate([np.asarray(r, float) for r in _rings(geom)])
            ax.text(*_label_point(short, xy), short.upper(), fontsize=7, color="#9a9a9a",
                    style="italic", ha="center", va="center", zorder=1, clip_on=True)


_LABEL_AT = {"Idleb": (36.42, 35.62), "Aleppo": (37.35, 36.05), "Hama": (36.95, 35.42),
             "Lattakia": (36.05, 35.75)}


def _label_point(short: str, xy: np.ndarray) -> tuple[float, float]:
    return _LABEL_AT.get(short, (float(np.median(xy[:, 0])), float(np.median(xy[:, 1]))))


def _draw_panel(ax, runs: Runs, st: dict, sc: _Scales, outlines, extent, *, labels: int,
                pin: bool = True, no_labels_in=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw one map into ``ax``; return the places and roads tables it shows."""
    lon, lat = drawn_positions(runs)
    x0, x1, y0, y1 = extent
    if pin:   # places beyond the map are drawn on its edge, labelled "(off map)"
        px, py = np.clip(lon, x0 + 0.02, x1 - 0.02), np.clip(lat, y0 + 0.02, y1 - 0.02)
    else:
        px, py = lon, lat
    off_map = (px != lon) | (py != lat)
    kind = runs.kind
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / np.cos(np.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(True)
        ax.spines[side].set_color("#8c8c8c")
    _draw_outlines(ax, outlines, labels=labels > 0 and pin)
    for i in np.flatnonzero(st["government"]):     # the front: government-held places
        ax.add_patch(Circle((px[i], py[i]), FRONT_RADIUS_DEG, facecolor=style.GREY, alpha=0.35,
                            edgecolor="none", zorder=1))
    roads = _draw_roads(ax, runs, st, sc, px, py)
    sizes = sc.size(st["present"])
    danger = st["danger"] >= DANGER_RING
    edge = np.where(danger, style.OKABE_ITO["vermillion"], "#333333")
    edge_lw = np.where(danger, 1.6, 0.5)
    fill = np.where(st["government"], style.GREY, style.OKABE_ITO["sky_blue"])
    for k, marker in (("town", "o"), ("external", "D")):
        m = kind == k
        ax.scatter(px[m], py[m], s=sizes[m], marker=marker, c=fill[m], edgecolors=edge[m],
                   linewidths=edge_lw[m], alpha=0.9, zorder=5)
    m = kind == "crossing"
    ax.scatter(px[m], py[m], s=np.maximum(sizes[m], 30), marker="^", c="#222222",
               edgecolors="white", linewidths=0.5, zorder=6)
    m = np.flatnonzero(kind == "camp")
    ax.scatter(px[m], py[m], s=sizes[m], marker="s",
               c=[occupancy_colour(r) for r in st["occupancy_ratio"][m]],
               edgecolors="#222222", linewidths=0.6, zorder=6, alpha=0.95)
    if labels:
        ax.apply_aspect()                 # final axes box, so label boxes are measured right
        skip = np.zeros(len(px), dtype=bool)
        if no_labels_in is not None:
            zx0, zx1, zy0, zy1 = no_labels_in
            skip = (px >= zx0) & (px <= zx1) & (py >= zy0) & (py <= zy1)
        _label_places(ax, runs, px, py, st["present"], off_map, labels, skip)
    places = pd.DataFrame({
        "location": runs.locations, "kind": kind, "lon_drawn": lon, "lat_drawn": lat,
        "people_present_p50": st["present"], "government_held": st["government"],
        "danger": st["danger"], "camp_occupancy_share_p50": st["occupancy_ratio"]})
    return places, roads


def _inside(point, ax) -> bool:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def _draw_roads(ax, runs: Runs, st: dict, sc: _Scales, px, py) -> pd.DataFrame:
    a, b = _road_ends(runs)
    rows = []
    for e in range(len(a)):
        f, n = float(st["flow"][e]), float(st["net"][e])
        xa, ya, xb, yb = px[a[e]], py[a[e]], px[b[e]], py[b[e]]
        if st["closed"][e]:
            ax.plot([xa, xb], [ya, yb], color=style.GREY, lw=0.9, ls=":", zorder=2)
        elif f > 0:
            ax.plot([xa, xb], [ya, yb], color=ROAD_COLOR, lw=float(sc.width(f)), alpha=0.7,
                    solid_capstyle="round", zorder=3)
        else:
            ax.plot([xa, xb], [ya, yb], color="#b8b8b8", lw=0.5, zorder=2)
        if f > 0 and st["closed"][e]:   # people moved before the cut: still show the width
            ax.plot([xa, xb], [ya, yb], color=ROAD_COLOR, lw=float(sc.width(f)), alpha=0.35,
                    solid_capstyle="round", zorder=3)
        forward = n >= 0
        (sx, sy), (tx, ty) = ((xa, ya), (xb, yb)) if forward else ((xb, yb), (xa, ya))
        head = (sx + 0.62 * (tx - sx), sy + 0.62 * (ty - sy))
        tail = (sx + 0.38 * (tx - sx), sy + 0.38 * (ty - sy))
        if f >= 0.04 * sc.flow_max and (xa, ya) != (xb, yb) and _inside(head, ax) \
                and _inside(tail, ax):
            ax.annotate("", xy=head, xytext=tail,
                        arrowprops={"arrowstyle": "-|>", "color": ARROW_COLOR, "lw": 0.9,
                                    "mutation_scale": 9 + 5 * f / sc.flow_max},
                        zorder=4, annotation_clip=True).set_in_layout(False)
        name_a, name_b = runs.locations[a[e]], runs.locations[b[e]]
        rows.append({"road": e, "from": name_a, "to": name_b, "people_moved_p50": f,
                     "net_direction": ("" if f <= 0 else f"{name_a} -> {name_b}" if forward
                                       else f"{name_b} -> {name_a}"),
                     "closed_at_date": bool(st["closed"][e])})
    return pd.DataFrame(rows)


def occupancy_colour(ratio: float) -> str:
    if not np.isfinite(ratio):
        return "white"
    for upper, colour, _ in OCCUPANCY_CLASSES:
        if ratio < upper:
            return style.OKABE_ITO[colour]
    return style.OKABE_ITO["vermillion"]


def _label_places(ax, runs: Runs, px, py, present, off_map, n_labels: int, skip) -> None:
    """Greedy labels: biggest places first, each at the first free offset around it."""
    order = np.argsort(-np.asarray(present))
    kind = runs.kind
    trans = ax.transData
    taken: list[tuple[float, float, float, float]] = []
    pts = trans.transform(np.column_stack([px, py]))
    placed = 0
    fs = 6.8 if n_labels > 12 else 6.2
    for i in order:
        if placed >= n_labels:
            break
        if skip[i] or kind[i] == "village" or (present[i] <= 0 and kind[i] != "crossing"):
            continue
        name = _short(runs.locations[i])
        if off_map[i]:
            name += " (off map)"
        w = 0.55 * fs * len(name) * ax.figure.dpi / 72
        h = 1.2 * fs * ax.figure.dpi / 72
        x, y = pts[i]
        for dx, dy, ha, va in ((6, 4, "left", "bottom"), (6, -4, "left", "top"),
                               (-6, 4, "right", "bottom"), (-6, -4, "right", "top"),
                               (0, 9, "center", "bottom"), (0, -9, "center", "top")):
            ox, oy = dx * ax.figure.dpi / 72, dy * ax.figure.dpi / 72
            left = x + ox - (w if ha == "right" else w / 2 if ha == "center" else 0)
            bottom = y + oy - (h if va == "top" else 0)
            box = (left, bottom, left + w, bottom + h)
            if not any(_overlap(box, t) for t in taken):
                taken.append(box)
                t = ax.annotate(name, (px[i], py[i]), xytext=(dx, dy), textcoords="offset points",
                                ha=ha, va=va, fontsize=fs, color="#111111", zorder=8,
                                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.6,
                                      "pad": 0.3}, annotation_clip=True)
                t.set_in_layout(False)
                placed += 1
                break


def _short(name: str) -> str:
    return (name.replace(" (Maaret Tamsrin town)", "").replace(" crossing", " (crossing)"))


def _overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _legend(ax, sc: _Scales, direction_source: str) -> None:
    """The key, drawn item by item (scaled to fit) so nothing overlaps whatever the sizes."""
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.apply_aspect()
    entries: list[tuple[str, str, object, float]] = []   # (kind, text, draw(y), height pt)

    def title(text):
        entries.append(("title", text, None, 20.0))

    def item(text, draw, height=12.0):
        entries.append(("item", text, draw, max(height, 12.0) + 4.0))

    def line(**kw):
        return lambda yy: ax.plot([0.02, 0.26], [yy, yy], clip_on=False, **kw)

    def marker(size, **kw):
        return lambda yy: ax.scatter([0.14], [yy], s=size, clip_on=False, **kw)

    title("People present (size)")
    for frac in (1.0, 0.3, 0.05):
        v = sc.people_max * frac
        s = float(sc.size(v))
        item(style.people(v), marker(s, marker="o", c=style.OKABE_ITO["sky_blue"],
                                     edgecolors="#333333", linewidths=0.5), height=np.sqrt(s))
    title("People moved on a road")
    for frac in (1.0, 0.3, 0.05):
        v = sc.flow_max * frac
        lw = float(sc.width(v))
        item(style.people(v), line(color=ROAD_COLOR, lw=lw, alpha=0.7, solid_capstyle="round"),
             height=lw)
    item(f"net direction ({direction_source})", lambda yy: ax.annotate(
        "", xy=(0.24, yy), xytext=(0.04, yy), annotation_clip=False,
        arrowprops={"arrowstyle": "-|>", "color": ARROW_COLOR, "lw": 0.9, "mutation_scale": 11}))
    item("road cut at the date", line(color=style.GREY, lw=1, ls=":"))
    title("Camp occupancy / capacity")
    for _, colour, label in OCCUPANCY_CLASSES:
        item(label, marker(60, marker="s", c=style.OKABE_ITO[colour], edgecolors="#222222",
                           linewidths=0.6))
    title("Symbols")
    item("town / sub-district", marker(60, marker="o", c=style.OKABE_ITO["sky_blue"],
                                       edgecolors="#333333", linewidths=0.5))
    item("area outside Idleb", marker(50, marker="D", c=style.OKABE_ITO["sky_blue"],
                                      edgecolors="#333333", linewidths=0.5))
    item("camp cluster", marker(60, marker="s", c="white", edgecolors="#222222", linewidths=0.6))
    item("border crossing", marker(60, marker="^", c="#222222"))
    item(f"danger \u2265 {DANGER_RING:g} (no arrivals)",
         marker(60, marker="o", c="white", edgecolors=style.OKABE_ITO["vermillion"],
                linewidths=1.6))
    item("government-held (front)", marker(170, marker="o", c=style.GREY, alpha=0.45,
                                           edgecolors="none"))
    item("Syria-Turkey border", line(color="#222222", lw=1.3, ls=(0, (6, 2, 1, 2))))

    height_pt = ax.get_window_extent().height * 72 / ax.figure.dpi
    k = min(1.0, height_pt / sum(h for _, _, _, h in entries))
    y = 1.0
    for kind, text, draw, h in entries:
        y -= h * k / height_pt / 2
        if kind == "title":
            ax.text(0.0, y - 3 * k / height_pt, text, fontsize=8, fontweight="bold",
                    va="center")
        else:
            draw(y)
            ax.text(0.32, y, text, fontsize=7.5, va="center")
        y -= h * k / height_pt / 2


def draw_flow_map(data, window: tuple[int, int] | None = None, *, dpi: int = style.DPI):
    """One map: roads over ``window`` (day indices, inclusive; default the whole run), places
    and the front at the window's last day."""
    runs = as_runs(data)
    i0, i1 = window if window is not None else (0, runs.days - 1)
    st = map_state(runs, i0, i1)
    outlines = load_outlines(str(runs.ds.attrs.get("region", "idlib")))
    extent = map_extent(runs, outlines)
    sc = _Scales(float(st["present"].max()), float(st["flow"].max()), big=True)
    what = (f"Flow map: people moved {runs.date(i0)} to {runs.date(i1)}, "
            f"places and front on {runs.date(i1)}")
    zoom = zoom_extent(runs)
    with style.styled():
        fig = style.new_figure(style.MAP, runs, what, is_map=True, outlines=bool(outlines),
                               dpi=dpi)
        ratios = [4.3, 2.1, 1.55] if zoom is not None else [4.3, 1.55]
        gs = fig.add_gridspec(1, len(ratios), width_ratios=ratios)
        ax = fig.add_subplot(gs[0, 0])
        ax_zoom = fig.add_subplot(gs[0, 1]) if zoom is not None else None
        ax_leg = fig.add_subplot(gs[0, -1])
        fig.draw_without_rendering()       # settle the layout so labels can be placed
        places, roads = _draw_panel(ax, runs, st, sc, outlines, extent, labels=18,
                                    no_labels_in=zoom)
        ax.set_title(f"Day {i1 + 1} ({runs.date(i1)}); roads: people moved on days "
                     f"{i0 + 1}-{i1 + 1}" + (" (median of runs)" if runs.is_ensemble else ""))
        if zoom is not None:
            zx0, zx1, zy0, zy1 = zoom
            ax.add_patch(Rectangle((zx0, zy0), zx1 - zx0, zy1 - zy0, fill=False, lw=1.0,
                                   edgecolor="#333333", ls="--", zorder=7))
            _draw_panel(ax_zoom, runs, st, sc, outlines, zoom, labels=40, pin=False)
            ax_zoom.set_title("Camp belt (dashed box)\nenlarged", fontsize=9)
        _legend(ax_leg, sc, st["direction_source"])
    places.insert(0, "date", runs.date(i1))
    roads.insert(0, "window", f"{runs.date(i0)}:{runs.date(i1)}")
    return fig, {"places": places, "roads": roads}


def draw_flow_map_panels(data, days: tuple[int, ...] | None = None, *, dpi: int = style.DPI):
    """Small multiple: one map per day in ``days`` (counted from the start, default 7, 30,
    90); each panel's roads show the people moved since the previous panel."""
    runs = as_runs(data)
    panel_days = resolve_panel_days(runs, days)
    outlines = load_outlines(str(runs.ds.attrs.get("region", "idlib")))
    extent = map_extent(runs, outlines)
    states, start = [], 0
    for d in panel_days:
        states.append(map_state(runs, start, d - 1))
        start = d
    sc = _Scales(max(float(s["present"].max()) for s in states),
                 max(float(s["flow"].max()) for s in states), big=False)
    with style.styled():
        fig = style.new_figure(style.PANELS, runs, "The displacement wave: people, roads and "
                               "front line on successive days", is_map=True,
                               outlines=bool(outlines), dpi=dpi)
        gs = fig.add_gridspec(1, len(states) + 1, width_ratios=[4] * len(states) + [1.55])
        axes = [fig.add_subplot(gs[0, k]) for k in range(len(states))]
        ax_leg = fig.add_subplot(gs[0, -1])
        fig.draw_without_rendering()
        all_places, all_roads = [], []
        for ax, st in zip(axes, states):
            places, roads = _draw_panel(ax, runs, st, sc, outlines, extent, labels=7)
            ax.set_title(f"Day {st['i1'] + 1} ({runs.date(st['i1'])})\nroads: days "
                         f"{st['i0'] + 1}-{st['i1'] + 1}", fontsize=9)
            places.insert(0, "panel_day", st["i1"] + 1)
            roads.insert(0, "panel_day", st["i1"] + 1)
            all_places.append(places)
            all_roads.append(roads)
        _legend(ax_leg, sc, states[0]["direction_source"])
    return fig, {"places": pd.concat(all_places, ignore_index=True),
                 "roads": pd.concat(all_roads, ignore_index=True)}


def plot_flow_map(data, out_stem: str | Path, window: tuple[int, int] | None = None, *,
                  formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_flow_map(data, window, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)


def plot_flow_map_panels(data, out_stem: str | Path, days: tuple[int, ...] | None = None, *,
                         formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_flow_map_panels(data, days, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
