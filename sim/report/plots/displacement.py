"""Displacement over time: people displaced so far, and new displacement and arrivals per day.

The daily panel carries the 500 and 1,000 arrivals/day reference levels used in UNHCR
contingency planning to grade the scale of an influx; it is on a log scale so that those
levels and a peak of tens of thousands a day are readable on one axis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.analysis.indicators import band
from sim.io.results import Runs, as_runs
from sim.report.plots import style
from sim.report.plots.placement import REFERENCE, Placer

SHORT = {3: "72h", 14: "2w", 30: "1m", 90: "3m"}

IMPACT_LEVELS_PER_DAY = (500, 1000)


def displacement_series(runs: Runs) -> dict[str, np.ndarray]:
    """Per-run series [run, time]: cumulative displaced, new displacement and arrivals per day."""
    return {"cumulative": ind.cumulative_displaced(runs),
            "daily_new": ind.new_displaced_per_day(runs),
            "daily_arrivals": ind.arrivals_per_day(runs)}


def checkpoint_table(runs: Runs) -> pd.DataFrame:
    """People displaced so far at each planning checkpoint within the run (P50, P10, P90)."""
    rows = []
    for c in ind.checkpoints(runs):
        v = ind.displaced_by(runs, c.day)
        rows.append({"checkpoint": c.label, "day": c.day, "date": c.date,
                     "displaced_p50": v.p50, "displaced_p10": v.p10, "displaced_p90": v.p90})
    return pd.DataFrame(rows)


def peak_table(runs: Runs) -> pd.DataFrame:
    """Peak day and peak daily new displacement, and days at or above the impact levels."""
    day, rate = ind.peak_displacement_day(runs), ind.peak_daily_new_displaced(runs)
    rows = [{"measure": "peak day (day index)", "p50": day.p50, "p10": day.p10, "p90": day.p90,
             "date_p50": runs.date(int(day.p50))},
            {"measure": "peak daily new displacement (people/day)", "p50": rate.p50,
             "p10": rate.p10, "p90": rate.p90, "date_p50": ""}]
    arrivals = ind.arrivals_per_day(runs)
    for level in IMPACT_LEVELS_PER_DAY:
        n = ind.days_at_or_above(arrivals, level)
        rows.append({"measure": f"days with >= {level:,} arrivals/day", "p50": n.p50,
                     "p10": n.p10, "p90": n.p90, "date_p50": ""})
    return pd.DataFrame(rows)


def draw_displacement(data, *, dpi: int = style.DPI):
    runs = as_runs(data)
    s = displacement_series(runs)
    t = runs.dates
    checkpoints = checkpoint_table(runs)
    peaks = peak_table(runs)
    with style.styled():
        fig = style.new_figure(style.WIDE, runs, "Displacement over time", dpi=dpi)
        ax_cum, ax_day = fig.subplots(1, 2)
        # --- cumulative
        med, lo, hi = band(s["cumulative"])
        if runs.is_ensemble:
            ax_cum.fill_between(t, lo, hi, color=style.OKABE_ITO["blue"], alpha=style.BAND_ALPHA,
                                lw=0, label="P10-P90 of runs")
        ax_cum.plot(t, med, color=style.OKABE_ITO["blue"],
                    label="median of runs" if runs.is_ensemble else "displaced so far")
        lines = []
        for row in checkpoints.itertuples():
            if row.checkpoint == "end of run":
                continue
            x = t[row.day - 1]
            ax_cum.plot([x], [row.displaced_p50], "o", ms=4, color=style.OKABE_ITO["black"])
            ax_cum.annotate(SHORT[row.day], (x, row.displaced_p50), xytext=(-4, 5),
                            textcoords="offset points", ha="right", fontsize=7.5)
            lines.append(f"{row.checkpoint:<9} {style.band_text(row.displaced_p50, row.displaced_p10, row.displaced_p90, runs)}")
        ax_cum.set_title("People displaced so far (each person once)")
        ax_cum.set_ylabel("people")
        ax_cum.yaxis.set_major_formatter(style.thousands_formatter())
        ax_cum.set_ylim(bottom=0)
        # --- daily
        for key, color, label in (("daily_new", "vermillion", "newly displaced per day"),
                                  ("daily_arrivals", "bluish_green", "arrivals at destinations per day")):
            med, lo, hi = band(s[key])
            if runs.is_ensemble:
                ax_day.fill_between(t, np.maximum(lo, 1), np.maximum(hi, 1),
                                    color=style.OKABE_ITO[color], alpha=style.BAND_ALPHA, lw=0)
            ax_day.plot(t, np.maximum(med, 1), color=style.OKABE_ITO[color], label=label)
        top = max(float(s["daily_new"].max()), float(s["daily_arrivals"].max()), 2000.0)
        ax_day.set_yscale("log")
        ax_day.set_ylim(10, top * 2)
        lo_level, hi_level = IMPACT_LEVELS_PER_DAY
        ax_day.axhspan(lo_level, hi_level, color=style.OKABE_ITO["yellow"], alpha=0.25, lw=0)
        ax_day.axhspan(hi_level, top * 1e6, color=style.OKABE_ITO["orange"], alpha=0.08, lw=0)
        for level in IMPACT_LEVELS_PER_DAY:      # labelled outside the axes, never on the data
            ax_day.axhline(level, color=style.GREY, lw=0.8, ls="--", gid=REFERENCE)
            ax_day.annotate(f"{level:,}/day", (1.0, level), xycoords=("axes fraction", "data"),
                            xytext=(3, 0), textcoords="offset points", ha="left", va="center",
                            fontsize=7, color="#444444")
        p_day = int(peaks.loc[0, "p50"])
        p_val = float(peaks.loc[1, "p50"])
        ax_day.plot([t[p_day]], [max(p_val, 1)], "o", ms=4, color=style.OKABE_ITO["black"])
        ax_day.set_title("New displacement and arrivals per day (log scale)")
        ax_day.set_ylabel("people per day")
        ax_day.yaxis.set_major_formatter(style.thousands_formatter())
        for ax in (ax_cum, ax_day):
            style.date_axis(ax)
        placer = Placer(fig)
        placer.legend(ax_cum)
        if lines:
            placer.text(ax_cum, "Displaced by\n" + "\n".join(lines), avoid=placer.boxes(ax_cum),
                        fontsize=7.5, family="monospace")
        placer.legend(ax_day, ("lower right", "lower left", "upper right", "upper left",
                               "lower center", "upper center", "center"))
        placer.text(ax_day, f"peak {style.people(p_val)}/day on {runs.date(p_day)} (black dot)",
                    avoid=placer.boxes(ax_day), fontsize=7.5)
    series = pd.DataFrame({"date": [runs.date(i) for i in range(runs.days)]})
    for key in ("cumulative", "daily_new", "daily_arrivals"):
        med, lo, hi = band(s[key])
        series[f"{key}_p50"], series[f"{key}_p10"], series[f"{key}_p90"] = med, lo, hi
    return fig, {"checkpoints": checkpoints, "peak": peaks, "series": series}


def plot_displacement(data, out_stem: str | Path, *, formats=style.FORMATS,
                      dpi: int = style.DPI) -> style.FigureResult:
    """Draw and save the displacement-over-time figure; return its files and numbers."""
    fig, numbers = draw_displacement(data, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
