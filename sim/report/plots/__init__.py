"""Figures from a run or an ensemble: one module per kind of figure, one style.

Every figure function takes a run dataset, an ensemble dataset (extra ``run`` dimension) or
a :class:`sim.io.results.Runs`; shows single values for one run (and says so) and the
median with a P10-P90 band for two or more; and returns the numbers it draws, so the
memo's tables and the tests use exactly what is on the page.

    from sim.report.plots import plot_all
    results = plot_all(ds, "results/idlib_full_assault/seed1-930d4ea0")
"""

from __future__ import annotations

from pathlib import Path

from sim.io.results import as_runs
from sim.report.plots import style  # first: the figure modules use it
from sim.report.plots.border import draw_border_open, plot_border_open
from sim.report.plots.destinations import draw_arrivals, draw_camps, plot_arrivals, plot_camps
from sim.report.plots.displacement import draw_displacement, plot_displacement
from sim.report.plots.flow_map import (
    draw_flow_map,
    draw_flow_map_panels,
    plot_flow_map,
    plot_flow_map_panels,
    resolve_panel_days,
)
from sim.report.plots.od_matrix import draw_od_matrix, plot_od_matrix
from sim.report.plots.subdistrict_map import (
    draw_subdistrict_map,
    draw_subdistrict_map_panels,
    plot_subdistrict_map,
    plot_subdistrict_map_panels,
)

FIGURES = ("displacement", "flow_map", "flow_map_panels", "subdistrict_map",
           "subdistrict_map_panels", "arrivals", "camps", "od_matrix", "border_open")
"""File stems of the figures :func:`plot_all` writes, in reading order."""


def draw_all(data, *, window: tuple[int, int] | None = None,
             panel_days: tuple[int, ...] | None = None, dpi: int = style.DPI):
    """Yield ``(name, figure, numbers)`` for every figure, one at a time (the caller closes)."""
    runs = as_runs(data)
    panel_days = tuple(resolve_panel_days(runs, panel_days))     # bad days fail before drawing
    yield "displacement", *draw_displacement(runs, dpi=dpi)
    yield "flow_map", *draw_flow_map(runs, window, dpi=dpi)
    yield "flow_map_panels", *draw_flow_map_panels(runs, panel_days, dpi=dpi)
    yield "subdistrict_map", *draw_subdistrict_map(runs, -1 if window is None else window[1], dpi=dpi)
    yield "subdistrict_map_panels", *draw_subdistrict_map_panels(runs, panel_days, dpi=dpi)
    yield "arrivals", *draw_arrivals(runs, dpi=dpi)
    yield "camps", *draw_camps(runs, dpi=dpi)
    yield "od_matrix", *draw_od_matrix(runs, -1 if window is None else window[1], dpi=dpi)
    yield "border_open", *draw_border_open(runs, dpi=dpi)


def plot_all(data, out_dir: str | Path, *, window: tuple[int, int] | None = None,
             panel_days: tuple[int, ...] | None = None, formats=style.FORMATS,
             dpi: int = style.DPI) -> dict[str, style.FigureResult]:
    """Write every figure into ``out_dir`` (``<name>.png``, ``<name>.pdf``, ...)."""
    out_dir = Path(out_dir)
    results = {}
    for name, fig, numbers in draw_all(data, window=window, panel_days=panel_days, dpi=dpi):
        results[name] = style.FigureResult(style.save(fig, out_dir / name, formats), numbers)
    return results


__all__ = ["FIGURES", "draw_all", "plot_all", "plot_displacement", "plot_flow_map",
           "plot_flow_map_panels", "plot_arrivals", "plot_camps", "plot_od_matrix",
           "plot_border_open", "plot_subdistrict_map", "plot_subdistrict_map_panels",
           "draw_subdistrict_map", "draw_subdistrict_map_panels", "draw_displacement", "draw_flow_map", "draw_flow_map_panels",
           "draw_arrivals", "draw_camps", "draw_od_matrix", "draw_border_open"]
