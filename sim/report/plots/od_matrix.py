"""Origin -> destination: displaced people by home sub-district and where they are on a date.

Rows are home sub-districts (the ``origin`` dimension); columns are where people are,
grouped by the ``location_subdistrict_name`` coordinate of their current location, except that areas
outside Idleb governorate (``kind == "external"``) keep their own names. People in transit
count at the last place they passed; people waiting at a crossing count in the crossing's
sub-district. With an ensemble each cell is the median over runs of that cell. The matrix is
:func:`sim.analysis.destinations.od_matrix`; this module draws it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import LogNorm

from sim.analysis.destinations import od_matrix
from sim.io.results import as_runs
from sim.report.plots import style


def _compact(v: float) -> str:
    if v >= 1e6:
        return f"{v / 1e6:.1f}M"
    if v >= 1e4:
        return f"{v / 1e3:.0f}k"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def draw_od_matrix(data, day_index: int = -1, *, dpi: int = style.DPI):
    runs = as_runs(data)
    i = day_index % runs.days
    full = od_matrix(runs, i)
    m = full.loc[full.sum(axis=1) > 0, full.sum(axis=0) > 0]
    m = m.loc[m.sum(axis=1).sort_values(ascending=False).index,
              m.sum(axis=0).sort_values(ascending=False).index]
    with style.styled():
        fig = style.new_figure(style.TALL, runs, "Where the displaced are, by home sub-district "
                               f"(origin -> destination) on {runs.date(i)}", dpi=dpi)
        ax = fig.add_subplot()
        ax.grid(False)
        if m.size == 0:
            ax.text(0.5, 0.5, "nobody displaced on this date", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            values = m.to_numpy()
            vmax = float(values.max())
            norm = LogNorm(vmin=max(1.0, vmax / 1e4), vmax=max(vmax, 10.0))
            shown = np.where(values > 0, np.maximum(values, norm.vmin), np.nan)
            im = ax.imshow(shown, cmap=style.SEQUENTIAL, norm=norm, aspect="auto",
                           interpolation="nearest")
            ax.set_xticks(range(m.shape[1]), m.columns, rotation=60, ha="right",
                          rotation_mode="anchor", fontsize=7)
            ax.set_yticks(range(m.shape[0]), m.index, fontsize=7)
            fs = 6 if max(m.shape) <= 26 else 5
            cmap = im.get_cmap()
            for r in range(m.shape[0]):
                for c in range(m.shape[1]):
                    v = values[r, c]
                    if v >= 0.5:
                        rgba = cmap(norm(max(v, norm.vmin)))
                        light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] > 0.55
                        ax.text(c, r, _compact(v), ha="center", va="center", fontsize=fs,
                                color="black" if light else "white")
            ax.set_xlabel("where they are on the date (sub-district; areas outside Idleb "
                          "by name; in transit: last place passed)")
            ax.set_ylabel("home sub-district (origin)")
            ax.spines[["top", "right"]].set_visible(True)
            cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
            cb.set_label("people (log scale)" + (", median of runs" if runs.is_ensemble else ""))
    table = full.copy()
    table.insert(0, "date", runs.date(i))
    return fig, {"od_matrix": table}


def plot_od_matrix(data, out_stem: str | Path, day_index: int = -1, *, formats=style.FORMATS,
                   dpi: int = style.DPI) -> style.FigureResult:
    fig, numbers = draw_od_matrix(data, day_index, dpi=dpi)
    return style.FigureResult(style.save(fig, out_stem, formats), numbers)
