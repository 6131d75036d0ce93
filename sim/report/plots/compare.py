"""Two runs compared (``idlib-sim compare``): displacement over time for both, and the
relative difference of every planning figure (:func:`sim.analysis.compare.compare_runs`).

The x axis counts days since each run's start, so runs starting on different dates line up.
Both runs' provenance is in the footer.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.compare import series_since_start
from sim.analysis.indicators import band
from sim.io.results import as_runs
from sim.report.plots import style


def draw_compare(a, b, table: pd.DataFrame, labels: tuple[str, str] = ("A", "B"), *,
                 dpi: int = style.DPI) -> Figure:
    ra, rb = as_runs(a), as_runs(b)
    size = style.WIDE
    with style.styled():
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        lines = [f"{labels[0]}: {style.provenance_line(ra)}",
                 f"{labels[1]}: {style.provenance_line(rb)}"]
        lines = [part for line in lines for part in textwrap.wrap(line, 190)]
        footer = 0.1 + len(lines) * 6.3 * 1.35 / 72
        fig.get_layout_engine().set(rect=(0.0, footer / size[1], 1.0,
                                          1.0 - (footer + style.HEADER_IN) / size[1]))
        fig.text(0.012, 1 - 0.16 / size[1], "Two runs compared", ha="left", va="top",
                 fontsize=12.5, fontweight="bold")
        fig.text(0.012, 1 - 0.44 / size[1],
                 f"{labels[0]}: {style.subtitle(ra)}\n{labels[1]}: {style.subtitle(rb)}",
                 ha="left", va="top", fontsize=7.5, color="#333333")
        fig.text(0.012, 0.06 / size[1], "\n".join(lines), ha="left", va="bottom", fontsize=6.3,
                 color="#444444", linespacing=1.35)
        ax_t, ax_d = fig.subplots(1, 2, width_ratios=(1.0, 1.15))
        for runs, label, colour in ((ra, labels[0], style.OKABE_ITO["blue"]),
                                    (rb, labels[1], style.OKABE_ITO["vermillion"])):
            days, cum = series_since_start(runs)
            med, lo, hi = band(cum)
            if runs.is_ensemble:
                ax_t.fill_between(days, lo, hi, color=colour, alpha=style.BAND_ALPHA, lw=0)
            ax_t.plot(days, med, color=colour, label=f"{label}: {runs.scenario_name}"
                      + (" (median, P10-P90)" if runs.is_ensemble else ""))
        ax_t.set_title("People displaced so far")
        ax_t.set_xlabel("days since the start")
        ax_t.set_ylabel("people")
        ax_t.yaxis.set_major_formatter(style.thousands_formatter())
        ax_t.legend(loc="upper left")
        _differences(ax_d, table, labels)
    return fig


def _differences(ax, table: pd.DataFrame, labels: tuple[str, str]) -> None:
    rows = table[table["unit"] != "share"].iloc[::-1]
    rel = rows["relative_difference"].to_numpy(dtype=float) * 100
    y = np.arange(len(rows))
    colours = [style.OKABE_ITO["vermillion"] if v > 0 else style.OKABE_ITO["blue"]
               for v in np.nan_to_num(rel)]
    ax.barh(y, np.nan_to_num(rel), color=colours, height=0.6)
    ax.set_yticks(y, [textwrap.shorten(m, 46) for m in rows["measure"]], fontsize=7)
    ax.axvline(0, color=style.GREY, lw=0.8)
    for yi, v, r in zip(y, rel, rows.itertuples()):
        text = "no change" if r.a == r.b else "A is 0" if not np.isfinite(v) else f"{v:+.0f}%"
        ax.annotate(f"{text} ({style.people(r.a)} -> {style.people(r.b)})", (0, yi),
                    xytext=(3 if not np.isfinite(v) or v >= 0 else -3, 0),
                    textcoords="offset points", va="center", fontsize=6.5,
                    ha="left" if not np.isfinite(v) or v >= 0 else "right")
    ax.set_title(f"{labels[1]} against {labels[0]}: relative difference")
    ax.set_xlabel(f"({labels[1]} - {labels[0]}) / {labels[0]}, %")
    ax.grid(axis="y", visible=False)


def plot_compare(a, b, table: pd.DataFrame, stem: str | Path,
                 labels: tuple[str, str] = ("A", "B"), formats=("png",),
                 dpi: int = style.DPI) -> style.FigureResult:
    fig = draw_compare(a, b, table, labels, dpi=dpi)
    return style.FigureResult(style.save(fig, stem, formats), {"differences": table})
