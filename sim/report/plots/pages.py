"""Text pages for the memo PDF: headings, paragraphs and tables flowed onto A4 pages.

Plain matplotlib (no LaTeX, no browser): each page is a :class:`~matplotlib.figure.Figure`
of A4 size with the same header and provenance footer as the figures, so the PDF reads as
one document. Text is wrapped by an estimate of character width that errs on the narrow
side; tables size their columns from their contents and shrink the font to fit the width.
A table that does not fit the rest of a page continues on the next with its header repeated,
unless the page is already more than 70 % full (:data:`MOVE_IF_LESS_THAN`), so no page but
the last is left half empty; :meth:`Document.fill` measures it.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.io.results import Runs
from sim.report.plots import style

A4 = (8.27, 11.69)      # inches, portrait
MARGIN = 0.7            # inches
CHAR_EM = 0.56          # average character width / font size (DejaVu Sans, generous)
MOVE_IF_LESS_THAN = 0.3
"""A table that fits on one page moves to the next only if less than this share of the
current page is left; otherwise it starts here and continues (header repeated)."""


class Document:
    """Flow headings, paragraphs and tables onto as many A4 pages as they need."""

    def __init__(self, runs: Runs, title: str):
        self.runs = runs
        self.title = title
        self.pages: list[Figure] = []
        self.y = 0.0                   # inches from the top of the current page
        self._ends: list[float] = []   # where the content of each finished page ends (inches)
        self._headings: list = []      # (level, text, artists, y) of headings with nothing after them yet
        self._new_page()

    # ----------------------------------------------------------------- pages
    @property
    def width(self) -> float:
        return A4[0] - 2 * MARGIN

    @property
    def bottom(self) -> float:
        return A4[1] - MARGIN - 0.35   # keep the footer clear

    @property
    def top(self) -> float:
        return MARGIN + 0.1

    def fill(self) -> list[float]:
        """The share of each page's writing area that holds content (the last page so far)."""
        ends = self._ends + [self.y]
        return [max(0.0, min(1.0, (y - self.top) / (self.bottom - self.top))) for y in ends]

    def _new_page(self) -> None:
        if self.pages:
            self._ends.append(self.y)
        fig = Figure(figsize=A4, dpi=150)
        n = len(self.pages) + 1
        fig.text(MARGIN / A4[0], 1 - 0.4 / A4[1],
                 f"{self.title}  |  {self.runs.runs_phrase()}", fontsize=6.5, color="#555555",
                 va="top")
        fig.text(1 - MARGIN / A4[0], 1 - 0.4 / A4[1], f"page {n}", fontsize=6.5,
                 color="#555555", va="top", ha="right")
        footer = textwrap.fill(style.provenance_line(self.runs), 150)
        fig.text(MARGIN / A4[0], 0.35 / A4[1], footer, fontsize=5.8, color="#555555",
                 va="bottom", linespacing=1.3)
        self.pages.append(fig)
        self.fig = fig
        self.y = self.top

    def _need(self, inches: float) -> None:
        if self.y + inches > self.bottom:
            self._new_page()

    def _text(self, x_in: float, text: str, size: float, **kw):
        return self.fig.text(x_in / A4[0], 1 - self.y / A4[1], text, fontsize=size, va="top", **kw)

    def _new_page_keeping_heading(self) -> None:
        """Start a new page; headings left alone at the bottom of this one move with it."""
        headings, self._headings = self._headings, []
        for _, _, artists, _ in headings:
            for artist in artists:
                artist.remove()
        if headings:
            self.y = headings[0][3]
        self._new_page()
        for level, text, _, _ in headings:
            self.heading(text, level)

    def page_break(self) -> None:
        self._new_page()

    # ----------------------------------------------------------------- blocks
    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 16, 1: 12.5, 2: 10.5}[level]
        lines = textwrap.wrap(text, int(self.width * 72 / (size * CHAR_EM * 1.12)))
        if self.y + size * (1.5 * len(lines) + 1) / 72 + 0.5 > self.bottom:   # never last on a page
            self._new_page_keeping_heading()
        y_before = self.y
        self.y += 0.12 if level else 0.0
        artists = []
        for line in lines:
            artists.append(self._text(MARGIN, line, size, fontweight="bold"))
            self.y += size * 1.45 / 72
        self.y += size * 0.2 / 72
        self._headings.append((level, text, artists, y_before))

    def paragraph(self, text: str, size: float = 8.8, indent: float = 0.0, bullet: str = "",
                  **kw) -> None:
        chars = int((self.width - indent) * 72 / (size * CHAR_EM))
        lines = textwrap.wrap(text, chars, initial_indent=bullet,
                              subsequent_indent=" " * (2 * len(bullet)))
        step = size * 1.45 / 72
        if len(lines) <= 8 and self.y + step * len(lines) > self.bottom:
            self._new_page_keeping_heading()   # keep a short paragraph on one page
        self._headings = []
        for line in lines:
            self._need(step)
            self._text(MARGIN + indent, line, size, **kw)
            self.y += step
        self.y += size * 0.5 / 72

    def bullets(self, items: list[str], size: float = 8.8) -> None:
        for item in items:
            self.paragraph(item, size=size, indent=0.12, bullet="- ")

    def table(self, header: list[str], rows: list[list[str]], *, align: str | None = None,
              size: float = 7.6, note: str = "") -> None:
        """``align``: one letter per column, ``l`` or ``r`` (default: first left, rest right)."""
        align = align or "l" + "r" * (len(header) - 1)
        chars = [max([len(x) for cell in [header[c]] + [r[c] for r in rows]
                      for x in str(cell).split("\n")] + [3]) for c in range(len(header))]
        while True:
            widths = [(n + 2.5) * size * CHAR_EM * 1.08 / 72 for n in chars]
            if sum(widths) <= self.width or size <= 5.5:
                break
            size -= 0.3
        scale = min(1.0, self.width / sum(widths))
        widths = [w * scale for w in widths]
        row_h = size * 1.75 / 72
        head_lines = max(h.count("\n") + 1 for h in header)
        head_h = row_h * head_lines

        def draw_header():
            x = MARGIN
            for c, h in enumerate(header):
                pos = x + (widths[c] - 0.04 if align[c] == "r" else 0.04)
                self.fig.text(pos / A4[0], 1 - (self.y + 0.02) / A4[1], h, fontsize=size,
                              fontweight="bold", va="top", ha="right" if align[c] == "r" else "left",
                              linespacing=1.15)
                x += widths[c]
            self.y += head_h + 0.03
            self.fig.add_artist(_rule(self.y, sum(widths)))
            self.y += 0.02

        line_h = size * 1.25 / 72
        total = head_h + 0.05 + sum(row_h + (max(str(c).count("\n") for c in r)) * line_h
                                    for r in rows)
        fits_a_page = total < self.bottom - self.top
        left = self.bottom - self.y
        if total + 0.1 > left and (left < head_h + 3 * row_h + 0.1 or
                                   (fits_a_page and left < MOVE_IF_LESS_THAN * (self.bottom - self.top))):
            self._new_page_keeping_heading()
        self._headings = []
        draw_header()
        for k, r in enumerate(rows):
            n_lines = max(str(cell).count("\n") + 1 for cell in r)
            h = row_h + (n_lines - 1) * line_h
            if self.y + h > self.bottom:
                self._new_page()
                draw_header()
            if k % 2 == 1:
                self.fig.add_artist(Rectangle((MARGIN / A4[0], 1 - (self.y + h) / A4[1]),
                                              sum(widths) / A4[0], h / A4[1],
                                              transform=self.fig.transFigure,
                                              facecolor="#f2f2f2", edgecolor="none", zorder=0))
            x = MARGIN
            for c, cell in enumerate(r):
                pos = x + (widths[c] - 0.04 if align[c] == "r" else 0.04)
                self.fig.text(pos / A4[0], 1 - (self.y + h / 2) / A4[1], str(cell),
                              fontsize=size, va="center", linespacing=1.15,
                              ha="right" if align[c] == "r" else "left")
                x += widths[c]
            self.y += h
        self.fig.add_artist(_rule(self.y, sum(widths)))
        self.y += 0.08
        if note:
            self.paragraph(note, size=7, color="#444444")
        self.y += 0.06


def _rule(y_in: float, width_in: float):
    from matplotlib.lines import Line2D

    return Line2D([MARGIN / A4[0], (MARGIN + width_in) / A4[0]], [1 - y_in / A4[1]] * 2,
                  color="#888888", lw=0.6)
