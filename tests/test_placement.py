"""Labels and legends never over the data (sim/report/plots/placement.py): the overlap test
itself, a box moved away from a peak in the usual corner, headroom when every place is taken,
and every boxed label and legend of the time-series figures clear of their lines, for a
hand-made run whose peaks sit where the boxes used to be, a small Idlib run and an ensemble."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import REPO
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from test_indicators import at, one_run

from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.report.plots import draw_arrivals, draw_border_open, draw_camps, draw_displacement, style
from sim.report.plots.placement import ANNOTATION, REFERENCE, Placer, data_paths, extent, overlaps
from sim.world.scenarios import load_scenario

DPI = 40


def axes_with(x, y, **line):
    fig = Figure(figsize=(4, 3), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ax.plot(x, y, **line)
    return fig, ax


def clashes(fig) -> tuple[int, list[str]]:
    """(boxes checked, those over the data) once the figure has its final layout."""
    style.freeze_layout(fig)
    rend = fig.canvas.get_renderer()
    checked, bad = 0, []
    for ax in fig.axes:
        paths = data_paths(ax)
        boxed = [t for t in ax.texts if t.get_gid() == ANNOTATION]
        for artist in boxed + ([ax.get_legend()] if ax.get_legend() else []):
            checked += 1
            if overlaps(extent(artist, rend), paths):
                bad.append(f"{ax.get_title(loc='left')!r}: {getattr(artist, 'get_text', lambda: 'legend')()!r}")
    return checked, bad


def test_overlaps_sees_a_line_through_a_box_and_not_one_beside_it():
    fig, ax = axes_with([0, 1], [0, 1])
    fig.draw_without_rendering()
    (path, filled), = data_paths(ax)
    mid = ax.transData.transform([0.5, 0.5])
    assert overlaps(Bbox.from_bounds(mid[0] - 5, mid[1] - 5, 10, 10), [(path, filled)])
    corner = ax.transData.transform([0.0, 1.0])
    assert not overlaps(Bbox.from_bounds(corner[0], corner[1] - 10, 10, 10), [(path, filled)])
    assert overlaps(Bbox.from_bounds(0, 0, 1, 1), [], [Bbox.from_bounds(0, 0, 2, 2)])


def test_reference_lines_may_be_crossed():
    fig, ax = axes_with([0, 1], [0, 0])
    ax.axhline(0.5, gid=REFERENCE)
    assert len(data_paths(ax)) == 1


def test_a_label_moves_away_from_a_peak_in_the_first_corner():
    x = np.arange(50)
    fig, ax = axes_with(x, np.where(x < 15, 100.0, 5.0))            # high on the left
    text = Placer(fig).text(ax, "peak 100\nend 5", fontsize=8)
    assert text.get_position()[0] > 0.5                              # not the upper left
    assert clashes(fig) == (1, [])


def test_headroom_when_the_data_fill_the_axes():
    x = np.arange(200)
    fig, ax = axes_with(x, np.where(x % 2, 0.0, 1.0))               # a zigzag everywhere
    top = ax.get_ylim()[1]
    Placer(fig).text(ax, "a label", fontsize=8)
    assert ax.get_ylim()[1] > top
    assert clashes(fig) == (1, [])


# --------------------------------------------------------------------------- the figures


def peaks_early() -> xr.Dataset:
    """A hand-made 40-day run: the open air and the border peak on the first days, where the
    boxes used to sit (upper left)."""
    days = 40
    base = one_run()
    early = np.r_[np.linspace(0, 900, 4), np.linspace(900, 100, days - 4)]
    late = np.linspace(0, 300, days)
    time = pd.date_range("2020-01-01", periods=days)
    ds = base.reindex(time=time, method="ffill")
    ds = ds.assign(in_open=(("time", "location"), at(Town=early, Camp=late)),
                   camp_overflow=(("time", "location"), at(Camp=late)),
                   waiting_at_border=(("time", "location"), at(Gate=early)),
                   cumulative_displaced=("time", np.linspace(0, 2000, days)),
                   crossed_border=("time", np.zeros(days)),
                   arrivals=(("time", "location"), at(Camp=early, Host=late, Gate=late / 2)),
                   camp_occupancy=(("time", "location"), at(Camp=np.minimum(early, 10))))
    return ds


@pytest.fixture(scope="module")
def idlib_runs(idlib_geo):
    sc = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml", idlib_geo)
    sc = sc.model_copy(update={"days": 100, "population": sc.population.model_copy(
        update={"total_people": 40_000})})
    runs = [to_dataset(run_model(sc, seed=s, geography=idlib_geo)) for s in (1, 2, 3)]
    return runs[0], xr.concat(runs, dim="run").assign_coords(seed=("run", [1, 2, 3]))


FIGURES = {"displacement": (draw_displacement, 4), "border_open": (draw_border_open, 5),
           "arrivals": (draw_arrivals, 1), "camps": (draw_camps, 2)}
"""Figure -> (draw function, the least number of boxed labels and legends it has)."""


@pytest.mark.parametrize("name", FIGURES)
def test_labels_and_legends_of_a_run_whose_peaks_are_early_avoid_the_data(name):
    draw, least = FIGURES[name]
    fig, _ = draw(peaks_early(), dpi=DPI)
    checked, bad = clashes(fig)
    assert checked >= least and not bad, bad


@pytest.mark.parametrize("which", ["run", "ensemble"])
@pytest.mark.parametrize("name", FIGURES)
def test_labels_and_legends_of_idlib_figures_avoid_the_data(name, which, idlib_runs):
    draw, least = FIGURES[name]
    fig, _ = draw(idlib_runs[0] if which == "run" else idlib_runs[1], dpi=DPI)
    checked, bad = clashes(fig)
    assert checked >= least and not bad, bad


def test_the_border_panel_gives_crossed_its_own_axis(idlib_runs):
    one = idlib_runs[0].copy()
    one["crossed_border"] = one["crossed_border"] + np.linspace(0, 50_000, one.sizes["time"])
    fig, _ = draw_border_open(one, dpi=DPI)
    titles = {ax.get_title(loc="left"): ax for ax in fig.axes}
    waiting = titles["Waiting at the Turkish border"]
    crossed = next(ax for t, ax in titles.items() if t.startswith("Crossed into Turkey"))
    peak_waiting = float(one["waiting_at_border"].sum("location").max())
    assert waiting.get_ylim()[1] < 3 * max(peak_waiting, 10)      # not squashed by 50,000
    assert crossed.get_ylim()[1] >= 50_000
    assert not any("crossed" in (line.get_label() or "") for line in waiting.lines)
