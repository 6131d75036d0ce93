"""Sensitivity figures: a tornado chart per planning metric (parameters ranked by influence)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.report.plots.style import DPI, FOOTER_IN, NOT_A_FORECAST, OKABE_ITO, save, styled

LABELS = {
    "mu_star": "Morris mu* (mean |elementary effect|, in the unit of the metric)",
    "ST": "Sobol index (share of output variance)",
    "abs_rho": "|Spearman rank correlation|",
}


def tornado(indices, stem: Path, sweep_name: str, n_runs: int, members: int) -> list[Path]:
    """Horizontal bars, largest influence on top; Morris adds sigma, Sobol shows S1 inside ST."""
    order = np.argsort(indices.values[indices.main])
    names = [indices.parameters[j] for j in order]
    main = indices.values[indices.main][order]
    height = 1.6 + 0.42 * len(names)
    with styled():
        fig = Figure(figsize=(8.5, height), dpi=DPI, layout="constrained")
        fig.get_layout_engine().set(rect=(0, FOOTER_IN / height, 1, 1 - 0.55 / height))
        ax = fig.add_subplot()
        y = np.arange(len(names))
        if indices.method == "sobol":
            ax.barh(y, main, color=OKABE_ITO["sky_blue"], label="ST (total effect)")
            ax.barh(y, indices.values["S1"][order], height=0.45, color=OKABE_ITO["blue"],
                    label="S1 (first order)")
            ax.errorbar(main, y, xerr=indices.values["ST_conf"][order], fmt="none",
                        ecolor="#333333", capsize=2, lw=0.8)
            ax.legend(loc="lower right")
        elif indices.method == "morris":
            ax.barh(y, main, color=OKABE_ITO["blue"], label="mu*")
            ax.errorbar(main, y, xerr=indices.values["mu_star_conf"][order], fmt="none",
                        ecolor="#333333", capsize=2, lw=0.8)
            ax.plot(indices.values["sigma"][order], y, "D", color=OKABE_ITO["vermillion"],
                    ms=4, label="sigma (interactions / non-linearity)")
            ax.legend(loc="lower right")
        else:
            ax.barh(y, main, color=OKABE_ITO["blue"])
        ax.set_yticks(y, names)
        ax.set_xlabel(LABELS.get(indices.main, indices.main))
        ax.set_title(f"What drives '{indices.metric}'", loc="left", fontweight="bold")
        fig.text(0.01, 0.08 / height,
                 f"Source: idlib-sim sweep {sweep_name}, {n_runs} runs ({members} seeds per "
                 f"point, averaged). Method: {indices.method} (SALib). {NOT_A_FORECAST}",
                 fontsize=6.5, color="#444444")
        return save(fig, stem)
