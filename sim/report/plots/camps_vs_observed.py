"""People in each camp, simulated against observed, and FLEE's daily relative difference.

One panel per camp (simulated line, observed counts as dots), then one panel with the daily
error and its rescaled variant (sim/analysis/ard.py), their means (the ARD) in the legend.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.analysis.ard import CampComparison
from sim.io.results import as_runs
from sim.report.plots import style

MAX_CAMP_PANELS = 23
"""Largest camps drawn (by observed peak); the error panel always covers every camp."""


def draw_camps_vs_observed(ds, comparison: CampComparison, *, source: str = "",
                           dpi: int = style.DPI):
    runs = as_runs(ds)
    c = comparison
    order = sorted(range(len(c.camps)), key=lambda j: -c.observed[:, j].max())[:MAX_CAMP_PANELS]
    panels = len(order) + 1
    cols = min(4, panels)
    rows = math.ceil(panels / cols)
    size = (min(15.0, 3.6 * cols + 0.6), 2.5 * rows + 1.6)
    with style.styled():
        fig = style.new_figure(size, runs, "People in camps: simulated and observed", dpi=dpi)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, j in zip(axes, order):
            ax.plot(c.dates, c.observed[:, j], "o", ms=2.2, color=style.OKABE_ITO["vermillion"],
                    label="observed" + (f" ({source})" if source else ""))
            ax.plot(c.dates, c.simulated[:, j], color=style.OKABE_ITO["blue"], label="simulated")
            ax.set_title(c.camps[j], fontsize=9)
            ax.yaxis.set_major_formatter(style.thousands_formatter())
            ax.set_ylabel("people")
            style.date_axis(ax, maxticks=5)
        ax = axes[len(order)]
        ax.plot(c.dates, c.error, color=style.OKABE_ITO["black"],
                label=f"relative difference (ARD {c.ard:.3f})")
        ax.plot(c.dates, c.error_rescaled, color=style.OKABE_ITO["orange"], ls="--",
                label=f"rescaled (ARD {c.ard_rescaled:.3f})")
        ax.set_title(f"all {len(c.camps)} camps: sum |sim - obs| / observed", fontsize=9)
        ax.set_ylabel("relative difference (1)")
        ax.set_ylim(bottom=0)
        style.date_axis(ax, maxticks=5)
        ax.legend(loc="upper right", fontsize=7)
        axes[0].legend(loc="upper left", fontsize=7)
        for extra in axes[panels:]:
            extra.set_visible(False)
    numbers = {"camps": c.table(),
               "ard": pd.DataFrame({"measure": ["ard", "ard_rescaled"],
                                    "value": [c.ard, c.ard_rescaled]})}
    return fig, numbers


def plot_camps_vs_observed(ds, comparison: CampComparison, stem: str | Path, *, source: str = "",
                           formats=style.FORMATS, dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_camps_vs_observed(ds, comparison, source=source, dpi=dpi)
    return style.FigureResult(style.save(fig, stem, formats), numbers)
