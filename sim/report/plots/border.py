"""People at the border and in the open over time: the two groups with no shelter.

Waiting at the border are people at a crossing that does not let them through; in the
open are people who found no camp or host place where they arrived (at camp clusters,
``camp_overflow``: the camps are full). People who crossed into Turkey have their own panel
and scale: drawn with the waiting lines they hid them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.analysis.indicators import band, border_open_series
from sim.io.results import Runs, as_runs
from sim.report.plots import style
from sim.report.plots.placement import Placer


def border_open_table(runs: Runs) -> pd.DataFrame:
    """Peak (with its day) and end-of-run value of each series, P50 and P10-P90."""
    rows = []
    for key, series in border_open_series(runs).items():
        top, day, end = ind.peak(series), ind.peak_day(series), ind.at_day(series, -1)
        rows.append({"measure": key, "peak_p50": top.p50, "peak_p10": top.p10,
                     "peak_p90": top.p90, "peak_date_p50": runs.date(int(day.p50)),
                     "end_p50": end.p50, "end_p10": end.p10, "end_p90": end.p90})
    return pd.DataFrame(rows)


def draw_border_open(data, *, dpi: int = style.DPI):
    """Waiting at the border (all crossings and each), those who crossed on their own axis
    below (they reach tens of thousands and would flatten the waiting lines), and people in
    the open; peak and end values in boxes placed clear of the lines."""
    runs = as_runs(data)
    s = border_open_series(runs)
    table = border_open_table(runs)
    t = runs.dates
    by_crossing = runs.values("waiting_at_border", "time", "location")
    crossings = [j for j in np.flatnonzero(runs.kind == "crossing")
                 if by_crossing[:, :, j].max() > 0]
    with style.styled():
        fig = style.new_figure(style.WIDE, runs, "People at the border and in the open", dpi=dpi)
        axes = fig.subplot_mosaic([["border", "open"], ["crossed", "open"]],
                                  height_ratios=(2.2, 1), sharex=True)
        ax_b, ax_c, ax_o = axes["border"], axes["crossed"], axes["open"]

        def line(ax, series, colour, label, ls="-", lw=1.6, zorder=2):
            med, lo, hi = band(series)
            if runs.is_ensemble:
                ax.fill_between(t, lo, hi, color=colour, alpha=style.BAND_ALPHA, lw=0)
            ax.plot(t, med, color=colour, label=label, ls=ls, lw=lw, zorder=zorder)

        line(ax_b, s["waiting_at_border"], style.OKABE_ITO["vermillion"],
             "waiting at a crossing (all)", lw=2.2, zorder=3)      # on top of the crossings
        colours = [style.OKABE_ITO[c] for c in ("reddish_purple", "sky_blue", "black",
                                                 "bluish_green")]
        for k, j in enumerate(crossings[:4]):
            med = np.median(by_crossing[:, :, j], axis=0)
            ax_b.plot(t, med, color=colours[k], lw=0.9, label=f"  at {runs.locations[j]}")
        ax_b.set_title("Waiting at the Turkish border")
        line(ax_c, s["crossed_border"], style.OKABE_ITO["blue"], "crossed into Turkey (so far)")
        ax_c.set_title("Crossed into Turkey so far (own scale)", fontsize=9)
        line(ax_o, s["in_open"], style.OKABE_ITO["orange"], "in the open (all places)")
        line(ax_o, s["in_open_at_camps"], style.OKABE_ITO["reddish_purple"],
             "of whom at full camp clusters", lw=1.2)
        ax_o.set_title("In the open (no camp or host place left)")
        for ax in (ax_b, ax_c, ax_o):
            ax.set_ylabel("people")
            ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], 10))
            ax.yaxis.set_major_formatter(style.thousands_formatter())
            style.date_axis(ax)
        ax_b.set_xlabel("")
        ax_b.xaxis.set_tick_params(labelbottom=False)
        placer = Placer(fig)
        for ax, key in ((ax_b, "waiting_at_border"), (ax_o, "in_open"), (ax_c, "crossed_border")):
            if ax is not ax_c:
                placer.legend(ax, fontsize=7.5)
            row = table[table["measure"] == key].iloc[0]
            text = (f"end {style.band_text(row.end_p50, row.end_p10, row.end_p90, runs)}"
                    if key == "crossed_border" else
                    f"peak {style.band_text(row.peak_p50, row.peak_p10, row.peak_p90, runs)}"
                    f" on {row.peak_date_p50}\nend "
                    f"{style.band_text(row.end_p50, row.end_p10, row.end_p90, runs)}")
            placer.text(ax, text, avoid=placer.boxes(ax), fontsize=7.5)
    series = pd.DataFrame({"date": [runs.date(i) for i in range(runs.days)]})
    for key, v in s.items():
        med, lo, hi = band(v)
        series[f"{key}_p50"], series[f"{key}_p10"], series[f"{key}_p90"] = med, lo, hi
    return fig, {"border_and_open": table, "series": series}


def plot_border_open(data, out_stem: str | Path, *, formats=style.FORMATS,
                     dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_border_open(data, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
