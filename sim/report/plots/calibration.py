"""Calibration figure: distance to the observations against each fitted parameter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.report.plots.style import DPI, FOOTER_IN, GREY, NOT_A_FORECAST, OKABE_ITO, save, styled


def posterior_plot(post, stem: Path, scenario: str,
                   method: str = "ABC rejection over a Latin hypercube") -> list[Path]:
    names = post.parameters
    width = 3.6 * len(names) + 0.6
    with styled():
        fig = Figure(figsize=(width, 4.2), dpi=DPI, layout="constrained")
        fig.get_layout_engine().set(rect=(0, FOOTER_IN / 4.2, 1, 1 - 0.45 / 4.2))
        axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
        pts = post.points[np.isfinite(post.points["distance"])]
        acc = pts["accepted"].astype(bool)
        for ax, n in zip(axes, names):
            ax.scatter(pts.loc[~acc, n], pts.loc[~acc, "distance"], s=12, color=GREY,
                       label="rejected")
            ax.scatter(pts.loc[acc, n], pts.loc[acc, "distance"], s=16,
                       color=OKABE_ITO["vermillion"], label="accepted (posterior)")
            row = post.summary.set_index("parameter").loc[n]
            ax.axvspan(row["p10"], row["p90"], color=OKABE_ITO["vermillion"], alpha=0.12)
            ax.set_xlabel(n)
        axes[0].set_ylabel("distance (RMS of log(1 + people) differences)")
        axes[0].legend(loc="upper left")
        fig.suptitle(f"Calibration of {scenario}: {method}",
                     x=0.01, ha="left", fontweight="bold", fontsize=10)
        fig.text(0.01, 0.08 / 4.2, f"Shaded: posterior P10-P90. {NOT_A_FORECAST}",
                 fontsize=6.5, color="#444444")
        return save(fig, stem)
