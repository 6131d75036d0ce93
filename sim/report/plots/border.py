"""People at the border and in the open over time: the two groups with no shelter.

Waiting at the border are people at a crossing that does not let them through; in the
open are people who found no camp or host place where they arrived (at camp clusters,
``camp_overflow``: the camps are full).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.analysis.indicators import band, border_open_series
from sim.io.results import Runs, as_runs
from sim.report.plots import style


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
    runs = as_runs(data)
    s = border_open_series(runs)
    table = border_open_table(runs)
    t = runs.dates
    by_crossing = runs.values("waiting_at_border", "time", "location")
    crossings = [j for j in np.flatnonzero(runs.kind == "crossing")
                 if by_crossing[:, :, j].max() > 0]
    with style.styled():
        fig = style.new_figure(style.WIDE, runs, "People at the border and in the open", dpi=dpi)
        ax_b, ax_o = fig.subplots(1, 2, sharey=False)

        def line(ax, series, colour, label, ls="-", lw=1.6):
            med, lo, hi = band(series)
            if runs.is_ensemble:
                ax.fill_between(t, lo, hi, color=colour, alpha=style.BAND_ALPHA, lw=0)
            ax.plot(t, med, color=colour, label=label, ls=ls, lw=lw)

        line(ax_b, s["waiting_at_border"], style.OKABE_ITO["vermillion"],
             "waiting at a crossing (all)")
        colours = [style.OKABE_ITO[c] for c in ("reddish_purple", "sky_blue", "black",
                                                 "bluish_green")]
        for k, j in enumerate(crossings[:4]):
            med = np.median(by_crossing[:, :, j], axis=0)
            ax_b.plot(t, med, color=colours[k], lw=0.9,
                      label=f"  at {runs.locations[j]}")
        if s["crossed_border"].max() > 0:
            line(ax_b, s["crossed_border"], style.OKABE_ITO["blue"], "crossed into Turkey (so far)",
                 ls="--")
        ax_b.set_title("At the Turkish border")
        line(ax_o, s["in_open"], style.OKABE_ITO["orange"], "in the open (all places)")
        line(ax_o, s["in_open_at_camps"], style.OKABE_ITO["reddish_purple"],
             "of whom at full camp clusters", lw=1.2)
        ax_o.set_title("In the open (no camp or host place left)")
        for ax, key in ((ax_b, "waiting_at_border"), (ax_o, "in_open")):
            row = table[table["measure"] == key].iloc[0]
            ax.text(0.03, 0.95, f"peak {style.band_text(row.peak_p50, row.peak_p10, row.peak_p90, runs)}"
                    f" on {row.peak_date_p50}\nend {style.band_text(row.end_p50, row.end_p10, row.end_p90, runs)}",
                    transform=ax.transAxes, va="top", fontsize=7.5,
                    bbox={"facecolor": "white", "edgecolor": style.LIGHT_GREY, "pad": 3})
            ax.set_ylabel("people")
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(style.thousands_formatter())
            ax.legend(loc="center right", fontsize=7.5)
            style.date_axis(ax)
    series = pd.DataFrame({"date": [runs.date(i) for i in range(runs.days)]})
    for key, v in s.items():
        med, lo, hi = band(v)
        series[f"{key}_p50"], series[f"{key}_p10"], series[f"{key}_p90"] = med, lo, hi
    return fig, {"border_and_open": table, "series": series}


def plot_border_open(data, out_stem: str | Path, *, formats=style.FORMATS,
                     dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_border_open(data, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
