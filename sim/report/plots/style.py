"""One look for every figure: colour-blind-safe colours, titles, provenance, atomic saving.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for
the common colour-vision deficiencies and in greyscale print; continuous scales use
``cividis`` (Nunez et al. 2018, designed for colour-vision deficiency). Figures are built
with :class:`matplotlib.figure.Figure` (not pyplot) and saved through the Agg (PNG), PDF
and SVG canvases, so no window, display or global backend state is ever involved.
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates  # mpl.dates, used by date_axis
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.io.atomic import atomic_path
from sim.io.results import Runs

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                "reddish_purple", "sky_blue", "black", "yellow")]
SEQUENTIAL = "cividis"
GREY = "#7f7f7f"
LIGHT_GREY = "#d9d9d9"
BAND_ALPHA = 0.25

DPI = 200
"""PNG resolution (dots per inch); PDF and SVG are vector."""
FORMATS = ("png", "pdf")
WIDE = (11.0, 6.5)       # inches: time series, two panels
MAP = (13.0, 8.3)        # inches: one map, its enlarged camp belt and the key
PANELS = (15.0, 7.0)     # inches: small multiple of maps
TALL = (11.0, 8.5)       # inches: matrix, camp grid

COARSE_DEG = 0.05
"""Camp locations are drawn rounded to this many degrees (about 5 km), never exactly."""

DISCLAIMER = "Boundaries and names shown do not imply official endorsement or acceptance."
NOT_A_FORECAST = "Planning scenario, not a forecast."
FOOTER_IN = 0.42          # inches: a one-line footer (other figure modules use it)
HEADER_IN = 0.75          # inches kept free at the top for the title and subtitle


def rc() -> dict:
    return {
        "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 8,
        "ytick.labelsize": 8, "legend.fontsize": 8, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.color": "#e5e5e5", "grid.linewidth": 0.6, "axes.axisbelow": True,
        "axes.prop_cycle": mpl.cycler(color=CYCLE), "lines.linewidth": 1.6,
        "pdf.fonttype": 42, "svg.fonttype": "none", "savefig.facecolor": "white",
        "figure.facecolor": "white", "axes.titlelocation": "left",
    }


@contextmanager
def styled():
    """Apply the house style for the figures built inside the block."""
    with mpl.rc_context(rc()):
        yield


def new_figure(size: tuple[float, float], runs: Runs, what: str, *, is_map: bool = False,
               outlines: bool = True, dpi: int = DPI, note: str = "") -> Figure:
    """A figure with the standard header (what, scenario, runs) and footer (``note``, then
    provenance).

    The layout engine keeps the axes clear of both, so nothing is clipped; the saved image
    is exactly ``size * dpi`` pixels (no tight bounding box).
    """
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    w, h = size
    lines = ([note] if note else []) + [provenance_line(runs)]
    if is_map:
        lines.append(DISCLAIMER + (" Boundaries and community locations: OCHA COD-AB / COD-PP "
                                   "(CC BY 3.0 IGO); outlines also Natural Earth;"
                                   if outlines else "")
                     + f" camp locations rounded to {COARSE_DEG:g} degrees.")
    fine = 6.3                                            # points, the small print
    chars = int((w - 0.25) * 72 / (fine * 0.55))
    lines = [part for line in lines for part in textwrap.wrap(line, chars)]
    footer = 0.1 + len(lines) * fine * 1.35 / 72
    fig.get_layout_engine().set(rect=(0.0, footer / h, 1.0, 1.0 - (footer + HEADER_IN) / h),
                                h_pad=0.06, w_pad=0.06)
    fig.text(0.012, 1 - 0.16 / h, f"{what}", ha="left", va="top", fontsize=12.5,
             fontweight="bold")
    sub = subtitle(runs)
    size_sub = max(6.5, min(9.0, (w - 0.25) * 72 / (0.55 * max(len(sub), 1))))
    fig.text(0.012, 1 - 0.44 / h, sub, ha="left", va="top", fontsize=size_sub, color="#333333")
    fig.text(0.012, 0.06 / h, "\n".join(lines), ha="left", va="bottom", fontsize=fine,
             color="#444444", linespacing=1.35)
    return fig


def subtitle(runs: Runs) -> str:
    return f"{runs.title}  |  scenario {runs.scenario_name}  |  {runs.runs_phrase()}"


def provenance_line(runs: Runs) -> str:
    sha = runs.sha[:12] or "unknown"
    region = str(runs.ds.attrs.get("region", "idlib"))
    sources = "sim/data/idlib/sources.md" if region in ("", "idlib") else \
        f"sources.md of the region folder {Path(region).name}"
    return (f"Source: idlib-sim {runs.version} agent-based simulation. {NOT_A_FORECAST} "
            f"Scenario {runs.scenario_name}, sha256 {sha}; {runs.seeds_phrase(5)}; "
            f"{runs.date(0)} to {runs.date(runs.days - 1)}. Data and sources: "
            f"{sources}; model: docs/model.md.")


def save(fig: Figure, stem: str | Path, formats: tuple[str, ...] = FORMATS,
         dpi: int | None = None) -> list[Path]:
    """Write ``stem.<fmt>`` for each format, each under a temporary name then renamed."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    if len(formats) > 1:
        freeze_layout(fig)
    out = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi or fig.dpi, metadata=_metadata(fig, fmt))
        out.append(path)
    return out


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once and keep that layout for every later save (one layout pass
    instead of one per format)."""
    if fig.get_layout_engine() is not None and fig.get_layout_engine().__class__.__name__ \
            != "PlaceHolderLayoutEngine":
        fig.draw_without_rendering()
        fig.set_layout_engine("none")


def _metadata(fig: Figure, fmt: str) -> dict | None:
    title = fig.texts[0].get_text() if fig.texts else ""
    if fmt == "png":
        return {"Title": title, "Software": "idlib-sim (matplotlib)"}
    if fmt == "pdf":
        return {"Title": title, "Creator": "idlib-sim (matplotlib)"}
    if fmt == "svg":
        return {"Title": title}
    return None


def coarse(deg, step: float = COARSE_DEG) -> np.ndarray:
    """Round coordinates to ``step`` degrees (camps are never drawn at exact positions)."""
    return np.round(np.asarray(deg, dtype=float) / step) * step


def people(x: float) -> str:
    """Planner-friendly people counts: 1,234 / 12,300 / 1.23 M."""
    if not np.isfinite(x):
        return "-"
    if abs(x) >= 1e9:
        return f"{x / 1e9:.2f} bn"
    if abs(x) >= 1e6:
        return f"{x / 1e6:.2f} M"
    if abs(x) >= 1e4:
        return f"{round(x, -2):,.0f}"
    return f"{x:,.0f}"


def band_text(med: float, lo: float, hi: float, runs: Runs, fmt=people) -> str:
    """"1.2 M (P10-P90 1.1-1.3 M)" for an ensemble, "1.2 M" for a single run."""
    if not runs.is_ensemble:
        return fmt(med)
    return f"{fmt(med)} (P10-P90 {fmt(lo)} to {fmt(hi)})"


def thousands_formatter():
    return mpl.ticker.FuncFormatter(lambda v, _: _axis_people(v))


def _axis_people(v: float) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:g} M"
    if abs(v) >= 1e3:
        return f"{v / 1e3:g} k"
    return f"{v:g}"


@dataclass(frozen=True)
class FigureResult:
    """What every figure function returns: the files written and the numbers it shows.

    ``numbers`` holds one table per thing annotated or drawn, so tests and the memo's CSVs
    use exactly the values on the page.
    """

    paths: list[Path]
    numbers: dict[str, pd.DataFrame] = field(default_factory=dict)


def date_axis(ax, maxticks: int = 9) -> None:
    """Concise month ticks ("Oct", "Nov", ..., year once) with the axis labelled as dates."""
    locator = mpl.dates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(locator))
    ax.set_xlabel("date")
