"""Where people arrive: daily arrivals at the top destinations, and camps against capacity.

The numbers are :mod:`sim.analysis.destinations`' tables: a camp counts as full from the first
day its occupancy reaches :data:`sim.analysis.indicators.FULL_SHARE` of capacity, the same
rule (the same function) as the printed run summary and the memo. Capacities are the run's
effective places, and the camps figure states the scale behind them
(:func:`sim.analysis.destinations.capacity_note`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim.analysis.destinations import (
    arrivals_by_destination,
    camps_against_capacity,
    capacity_note,
)
from sim.analysis.indicators import FULL_SHARE, band
from sim.io.results import as_runs
from sim.report.plots import style
from sim.report.plots.placement import REFERENCE, Placer

TOP_DESTINATIONS = 8
BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1}


def _grid(n: int, cols: int) -> tuple[int, int]:
    cols = max(1, min(cols, n))
    return math.ceil(n / cols), cols


def _bottom_row_dates(axes, n: int, cols: int) -> None:
    """Label "date" under the lowest visible panel of each column only."""
    for c in range(cols):
        column = [k for k in range(c, max(n, 1), cols)]
        if column:
            axes[column[-1]].set_xlabel("date")
            axes[column[-1]].xaxis.set_tick_params(labelbottom=True)


def draw_arrivals(data, *, top: int = TOP_DESTINATIONS, dpi: int = style.DPI):
    """Small multiple: people arriving per day at each of the ``top`` destinations."""
    runs = as_runs(data)
    everywhere = arrivals_by_destination(runs)
    table = everywhere.head(top)
    daily = runs.values("arrivals", "time", "location")
    t = runs.dates
    rows, cols = _grid(max(len(table), 1), 4)
    with style.styled():
        fig = style.new_figure(style.WIDE, runs, f"Arrivals per day at the top {len(table)} "
                               "destinations", dpi=dpi)
        axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
        for ax, row in zip(axes, table.itertuples()):
            j = runs.locations.index(row.location)
            med, lo, hi = band(daily[:, :, j])
            if runs.is_ensemble:
                ax.fill_between(t, lo, hi, color=style.OKABE_ITO["bluish_green"],
                                alpha=style.BAND_ALPHA, lw=0)
            ax.plot(t, med, color=style.OKABE_ITO["bluish_green"], lw=1.2)
            ax.set_title(f"{row.location} ({row.kind})", fontsize=8.5)
            ax.yaxis.set_major_formatter(style.thousands_formatter())
            style.date_axis(ax, maxticks=5)
            ax.set_xlabel("")
        for ax in axes[len(table):]:
            ax.set_visible(False)
        if len(table) == 0:
            axes[0].set_visible(True)
            axes[0].text(0.5, 0.5, "no arrivals in this run", ha="center", va="center",
                         transform=axes[0].transAxes)
        for ax in axes[::cols]:
            ax.set_ylabel("people per day")
        _bottom_row_dates(axes, len(table), cols)
        placer = Placer(fig)
        for ax, row in zip(axes, table.itertuples()):
            placer.text(ax, "total " + style.band_text(row.arrivals_p50, row.arrivals_p10,
                                                       row.arrivals_p90, runs), fontsize=7,
                        bbox=BOX)
    return fig, {"arrivals_by_destination": everywhere}


def draw_camps(data, *, dpi: int = style.DPI):
    """Small multiple: occupancy of each camp cluster against its capacity, with the date it
    fills, and the people left in the open at the cluster once it is full."""
    runs = as_runs(data)
    table = camps_against_capacity(runs)
    occ = runs.values("camp_occupancy", "time", "location")
    open_ = runs.values("in_open", "time", "location")
    t = runs.dates
    rows, cols = _grid(max(len(table), 1), 5)
    size = (style.TALL[0], 2.6 + 2.3 * rows)
    with style.styled():
        fig = style.new_figure(size, runs, "Camps against capacity: occupancy and the date each "
                               f"camp fills ({FULL_SHARE:.0%} of capacity)", dpi=dpi,
                               note=capacity_note(runs))
        axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True)).ravel()
        labels = []
        for ax, row in zip(axes, table.itertuples()):
            j = runs.locations.index(row.camp)
            for series, colour, label in ((occ, "blue", "occupancy"),
                                          (open_, "vermillion", "in the open here")):
                med, lo, hi = band(series[:, :, j])
                if runs.is_ensemble:
                    ax.fill_between(t, lo, hi, color=style.OKABE_ITO[colour],
                                    alpha=style.BAND_ALPHA, lw=0)
                ax.plot(t, med, color=style.OKABE_ITO[colour], lw=1.3, label=label)
            ax.axhline(row.capacity, color=style.OKABE_ITO["black"], lw=0.9, ls="--",
                       label="capacity")
            if math.isfinite(row.full_day_p50):
                x = t[int(row.full_day_p50)]
                ax.axvline(x, color=style.GREY, lw=0.8, gid=REFERENCE)
                when = f"full {row.full_date_p50}"
                if runs.is_ensemble:
                    when += f"\n({row.share_of_runs_full:.0%} of runs fill)"
            else:
                when = "not full" + (f" in most runs ({row.share_of_runs_full:.0%} fill)"
                                     if runs.is_ensemble else " in this run")
            ax.set_title(f"{row.camp}\ncapacity {style.people(row.capacity)}", fontsize=8.5)
            labels.append(when)
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(style.thousands_formatter())
            style.date_axis(ax, maxticks=5)
            ax.set_xlabel("")
        for ax in axes[len(table):]:
            ax.set_visible(False)
        for ax in axes[::cols]:
            ax.set_ylabel("people")
        _bottom_row_dates(axes, len(table), cols)
        placer = Placer(fig)
        if len(table):
            placer.legend(axes[0], fontsize=6.5)
        for ax, when in zip(axes, labels):
            placer.text(ax, when, avoid=placer.boxes(ax), fontsize=7, bbox=BOX)
    return fig, {"camps": table}


def plot_arrivals(data, out_stem: str | Path, *, top: int = TOP_DESTINATIONS,
                  formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_arrivals(data, top=top, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)


def plot_camps(data, out_stem: str | Path, *, formats=style.FORMATS,
               dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_camps(data, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
