"""Validation figure: each observed figure against the simulated median and P10-P90 range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.plots.style import DPI, FOOTER_IN, NOT_A_FORECAST, OKABE_ITO, save, styled


def observed_vs_simulated(tab: pd.DataFrame, stem: Path, title: str, runs: int) -> list[Path]:
    tab = tab[tab["sim_p50"].notna()].reset_index(drop=True)
    labels = [f"{r.measure}, {r.area}\n{r.window}" for r in tab.itertuples()]
    height = 1.8 + 0.55 * len(tab)
    with styled():
        fig = Figure(figsize=(9.5, height), dpi=DPI, layout="constrained")
        fig.get_layout_engine().set(rect=(0, FOOTER_IN / height, 1, 1 - 0.5 / height))
        ax = fig.add_subplot()
        y = np.arange(len(tab))[::-1]
        err = np.vstack([tab["sim_p50"] - tab["sim_p10"], tab["sim_p90"] - tab["sim_p50"]])
        ax.errorbar(tab["sim_p50"], y, xerr=err, fmt="o", color=OKABE_ITO["blue"], capsize=3,
                    label=f"simulated median, P10-P90 ({runs} run{'s' if runs > 1 else ''})")
        ax.plot(tab["observed"], y, "D", color=OKABE_ITO["vermillion"], label="observed")
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_xscale("log")
        ax.set_xlabel("people (log scale)")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        ax.set_title(title, loc="left", fontweight="bold", pad=22)
        fig.text(0.01, 0.08 / height, f"Source: idlib-sim; observed figures with their source ids "
                 f"in the CSV. {NOT_A_FORECAST}", fontsize=6.5, color="#444444")
        return save(fig, stem)
