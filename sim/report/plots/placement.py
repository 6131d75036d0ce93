"""Labels and legends where the data are not: positions chosen from what is drawn.

A fixed corner for a figure's text box covers the curve whenever the data happen to peak
there (the open-air panel's box sat on its peak). Here each box or legend is tried at the
usual positions in turn and kept at the first whose drawn extent crosses no data line or band
of its axes; if every position is taken, the y-axis gets headroom above the data and the box
goes on top. Lines marked :data:`REFERENCE` (capacity levels, a day marker) may be crossed.

The figure is laid out once first (constrained layout), so extents are those of the saved
figure; boxes inside the axes do not change that layout.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.path import Path
from matplotlib.transforms import Bbox

REFERENCE = "reference"
"""``gid`` of lines a label may cross (reference levels, markers of a date)."""

ANNOTATION = "annotation"
"""``gid`` of the text boxes placed here (the tests look for them)."""

ANCHORS = {
    "upper left": (0.02, 0.97, "left", "top"), "upper right": (0.98, 0.97, "right", "top"),
    "upper center": (0.5, 0.97, "center", "top"), "center left": (0.02, 0.5, "left", "center"),
    "center right": (0.98, 0.5, "right", "center"), "lower left": (0.02, 0.03, "left", "bottom"),
    "lower right": (0.98, 0.03, "right", "bottom"), "lower center": (0.5, 0.03, "center", "bottom"),
    "center": (0.5, 0.5, "center", "center"),
}
ORDER = ("upper left", "upper right", "upper center", "center left", "center right",
         "lower right", "lower left", "lower center", "center")
HEADROOM = 1.45
"""Each try without a clear position stretches the y-range by this factor above the data."""


MARGIN_PX = 4
"""A box must clear the data by this many pixels (the final layout may shift a little)."""


def data_paths(ax) -> list[tuple[Path, bool]]:
    """The data drawn in ``ax`` in display coordinates: (path, filled) for every line and
    band, reference lines left out."""
    out = []
    for line in ax.lines:
        if not line.get_visible() or line.get_gid() == REFERENCE:
            continue
        xy = line.get_transform().transform(line.get_path().vertices)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy):
            out.append((Path(xy), False))
    for coll in ax.collections:
        if coll.get_visible() and coll.get_gid() != REFERENCE:
            transform = coll.get_transform()
            out += [(transform.transform_path(p), True) for p in coll.get_paths()]
    return out


def extent(artist, rend) -> Bbox:
    """The drawn extent of a text (with its box) or a legend, in display pixels."""
    patch = getattr(artist, "get_bbox_patch", lambda: None)()
    if patch is not None:
        artist.update_bbox_position_size(rend)
        return patch.get_window_extent(rend)
    return artist.get_window_extent(rend)


def overlaps(box: Bbox, paths: list[tuple[Path, bool]], others: list[Bbox] = ()) -> bool:
    """Whether ``box`` crosses any data path (a lone point: lies inside) or another box."""
    for path, filled in paths:
        if len(path.vertices) == 1:
            if box.contains(*path.vertices[0]):
                return True
        elif path.intersects_bbox(box, filled=filled):
            return True
    return any(box.overlaps(o) for o in others)


def _headroom(ax) -> None:
    lo, hi = ax.get_ylim()
    if ax.get_yscale() == "log":
        ax.set_ylim(lo, hi * (hi / lo) ** (HEADROOM - 1))
    else:
        ax.set_ylim(lo, lo + (hi - lo) * HEADROOM)


class Placer:
    """Places the labels and legends of one figure. Lays the figure out once (constrained
    layout) and measures with an Agg renderer: no display involved."""

    def __init__(self, fig):
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        self.renderer = fig.canvas.get_renderer()

    def place(self, ax, make, locations=ORDER, *, avoid: list[Bbox] = (), tries: int = 3):
        """Draw ``make(location)`` (it returns the artist) at the first location clear of the
        data and of ``avoid``; add headroom and try again if none is. Returns the artist."""
        for attempt in range(tries + 1):
            paths = data_paths(ax)
            for loc in locations:
                artist = make(loc)
                box = extent(artist, self.renderer).padded(MARGIN_PX)
                if not overlaps(box, paths, list(avoid)):
                    return artist
                artist.remove()
            if attempt < tries:
                _headroom(ax)
        return make(locations[0])       # nothing clear even with headroom: the first choice

    def text(self, ax, text: str, locations=ORDER, *, avoid: list[Bbox] = (), **kw):
        """A boxed label in axes coordinates, clear of the data."""
        box = kw.pop("bbox", {"facecolor": "white", "edgecolor": "#d9d9d9", "pad": 3})

        def make(loc):
            x, y, ha, va = ANCHORS[loc]
            return ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, bbox=box,
                           gid=ANNOTATION, **kw)

        return self.place(ax, make, locations, avoid=avoid)

    def legend(self, ax, locations=ORDER, *, avoid: list[Bbox] = (), **kw):
        """The axes' legend at the first of ``locations`` clear of the data."""
        return self.place(ax, lambda loc: ax.legend(loc=loc, **kw), locations, avoid=avoid)

    def boxes(self, ax) -> list[Bbox]:
        """Extents of the labels and legend already placed in ``ax`` (to keep the next clear)."""
        out = [extent(t, self.renderer) for t in ax.texts if t.get_gid() == ANNOTATION]
        if ax.get_legend() is not None:
            out.append(extent(ax.get_legend(), self.renderer))
        return out
