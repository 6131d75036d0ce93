"""The planning memo: one folder with memo.pdf, memo.md, the figures (PNG) and a CSV of every
number shown.

Written for a cluster coordinator with ten minutes: the key figures first (displaced at 72
hours, 2 weeks, 1 month and 3 months; the peak; where people are; women and children), then
the scenario in plain words and its provenance, arrivals and capacity per destination, needs
at Sphere minimums, and the figures. With one run every number is that run's value ("single
run, no uncertainty band"); with an ensemble it is the median over runs (P50) with the P10-P90
range. The folder is built under a temporary name and swapped in whole.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from functools import cached_property
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from sim.analysis.destinations import capacity_note
from sim.analysis.indicators import FULL_SHARE
from sim.analysis.needs import CLUSTERS, NeedsConfig, load_needs, needs_table, shelter_standard
from sim.io import atomic
from sim.io.results import Runs, as_runs
from sim.report import glossary
from sim.report.memo_content import (  # noqa: F401
    _changed_settings,
    destinations,
    key_figures,
    provenance,
    scenario_in_words,
    where_people_are,
)
from sim.report.plots import draw_all, style
from sim.report.plots.pages import Document

# --------------------------------------------------------------------------- writing


def _fmt(value: float, unit: str = "people") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "day":
        return f"{value:.0f}"
    if abs(value) < 10 and value != round(value):
        return f"{value:.1f}"
    return style.people(float(value))


def _range(row, unit: str, runs: Runs, p50="p50", p10="p10", p90="p90") -> tuple[str, str]:
    """(P50 text, P10-P90 text); the range is "-" for a single run."""
    mid = _fmt(getattr(row, p50), unit)
    if not runs.is_ensemble:
        return mid, "-"
    return mid, f"{_fmt(getattr(row, p10), unit)}\u2013{_fmt(getattr(row, p90), unit)}"


class Memo:
    """The memo's tables and words for one run or ensemble (numbers computed once)."""

    def __init__(self, data, needs: NeedsConfig | None = None):
        self.runs = as_runs(data)
        self.needs_config = needs or load_needs()
        self.key = key_figures(self.runs)
        self.where = where_people_are(self.runs)
        self.dest = destinations(self.runs)
        self.needs = needs_table(self.runs, self.needs_config)
        self.words = scenario_in_words(self.runs)
        self.provenance = provenance(self.runs)
        self.shelter_note = shelter_standard(self.runs, self.needs_config)[1]
        self.capacity_note = capacity_note(self.runs)

    def standards(self) -> list[str]:
        """Each cluster's standard, its source and whose need it counts."""
        out = []
        for name in CLUSTERS:
            c = getattr(self.needs_config, name)
            out.append(f"{name}: {c.source} People counted: {', '.join(c.applies_to)}.")
        return out

    @property
    def p_label(self) -> tuple[str, str]:
        return ("P50 (median)", "P10 to P90") if self.runs.is_ensemble else ("value", "range")

    # ----------------------------------------------------------------- tables as text
    def key_rows(self) -> tuple[list[str], list[list[str]]]:
        a, b = self.p_label
        rows = []
        for r in self.key.itertuples():
            mid, rng = _range(r, r.unit, self.runs)
            rows.append([r.measure, mid] + ([rng] if self.runs.is_ensemble else []) + [r.date])
        return ["measure", a] + ([b] if self.runs.is_ensemble else []) + ["date"], rows

    def where_rows(self) -> tuple[list[str], list[list[str]]]:
        points = list(dict.fromkeys(self.where["checkpoint"]))
        header = ["where the displaced are"] + points
        rows = []
        for place in dict.fromkeys(self.where["where"]):
            cells = [place]
            for cp in points:
                r = self.where[(self.where["where"] == place) & (self.where["checkpoint"] == cp)]
                row = r.iloc[0]
                mid, rng = _range(row, "people", self.runs)
                cells.append(mid if not self.runs.is_ensemble else f"{mid}\n({rng})")
            rows.append(cells)
        return header, rows

    def dest_rows(self, top: int = 25) -> list[list[str]]:
        rows = []
        for r in self.dest.head(top).itertuples():
            mid, rng = _range(r, "people", self.runs, "arrivals_p50", "arrivals_p10", "arrivals_p90")
            if r.capacity <= 0:
                when = "no places" if r.kind == "crossing" else "no capacity"
            elif r.capacity_exceeded_date_p50:
                when = r.capacity_exceeded_date_p50
                if self.runs.is_ensemble:
                    when += f" ({r.share_of_runs_exceeded:.0%} of runs)"
            else:
                when = "not exceeded" + (f" ({r.share_of_runs_exceeded:.0%} of runs)"
                                         if self.runs.is_ensemble else "")
            rows.append([r.destination, r.kind, mid] + ([rng] if self.runs.is_ensemble else [])
                        + [_fmt(r.camp_capacity), _fmt(r.host_capacity), when,
                           _fmt(r.in_open_at_end_p50)])
        return rows

    def dest_header(self, newline: str = "\n") -> list[str]:
        a, b = self.p_label
        return (["destination", "kind", f"arrivals{newline}{a}"]
                + ([f"arrivals{newline}{b}"] if self.runs.is_ensemble else [])
                + [f"camp{newline}places", f"host{newline}places", f"capacity{newline}exceeded",
                   f"in the open{newline}(end)"])

    def needs_rows(self, newline: str = "\n") -> tuple[list[str], list[list[str]]]:
        points = list(dict.fromkeys(self.needs["checkpoint"]))
        header = ["need (unit)", f"figure used{newline}source"] + points
        rows = []
        for need in dict.fromkeys(self.needs["need"]):
            sub = self.needs[self.needs["need"] == need]
            first = sub.iloc[0]
            if first.unit == "people":          # whose needs: the group, then its places
                cells = ["people counted", f"{first.people_counted}{newline}"
                         + first.standard.replace("+", ", ")]
            else:
                cells = [f"{need}{newline}({first.unit})", f"{first.standard}{newline}{first.reference}"]
            for cp in points:
                row = sub[sub["checkpoint"] == cp].iloc[0]
                mid, rng = _range(row, first.unit, self.runs)
                cells.append(mid if not self.runs.is_ensemble else f"{mid}{newline}({rng})")
            rows.append(cells)
        return header, rows

    def where_note(self) -> str:
        return ("Everyone displaced in this run, by where they are at each checkpoint; the rows add up "
                "to the total" + (" in every run (each row here is its own median over runs, and "
                                  "medians need not add up)" if self.runs.is_ensemble else "")
                + ". The terms are defined in the glossary at the end.")

    def needs_note(self) -> str:
        return (f"{self.shelter_note} Requirements at the minimum standard for the people "
                "counted, not gaps: existing camp places and stocks are not subtracted. Water, "
                "food and household items count all displaced in the area (on the roads and at "
                "the border included); shelter, latrines and water points count those without a "
                "home to share (not people with host families); camp land those needing a site. "
                "People who crossed into Turkey are not counted. Standards and their sources are "
                "listed at the end of this memo.")

    def dest_note(self) -> str:
        return (f"Arrivals over the whole run (a person can arrive at several places). Capacity "
                f"exceeded: first date camp + host occupancy reaches {FULL_SHARE:.0%} of camp + "
                f"host places. {self.capacity_note} All destinations: destinations.csv.")

    # ----------------------------------------------------------------- Markdown
    def markdown(self, figures: list[tuple[str, str]]) -> str:
        lines = self._md_body()
        lines += ["", "## Glossary", ""] + [f"- **{term}**: {text}"
                                            for term, text in self.glossary.items()]
        lines += ["", "## Figures", ""]
        for name, caption in figures:
            lines += [f"### {caption}", "", f"![{caption}]({name}.png)", ""]
        lines += ["## Files", "",
                  "Every number above is in a CSV next to this file (`key_figures.csv`, "
                  "`where_people_are.csv`, `destinations.csv`, `needs.csv`, and "
                  "`figure_<name>_<table>.csv` for the numbers drawn in each figure).",
                  "", style.DISCLAIMER, ""]
        return "\n".join(lines)

    @cached_property
    def glossary(self) -> dict[str, str]:
        """The glossary entries of the terms this memo uses (P50 only for an ensemble, ...)."""
        return glossary.used_in("\n".join(self._md_body()))

    def _md_body(self) -> list[str]:
        runs = self.runs
        lines = [f"# Planning memo: {runs.title}", "",
                 f"Scenario `{runs.scenario_name}` | {runs.runs_phrase()} | "
                 f"{runs.date(0)} to {runs.date(runs.days - 1)}", "",
                 f"**{style.NOT_A_FORECAST}** " + ("Numbers are medians over the runs (P50) "
                 "with the P10-P90 range." if runs.is_ensemble else
                 "Numbers are one run's values: single run, no uncertainty band."), "",
                 "## Key figures", ""]
        lines += _md_table(*self.key_rows())
        lines += ["", "## Where everyone displaced is", "", self.where_note(), ""]
        lines += _md_table(*self.where_rows())
        lines += ["", "## Needs at Sphere minimum standards", "", self.needs_note(), ""]
        lines += _md_table(*self.needs_rows("<br>"))
        lines += ["", "## Arrivals and capacity by destination", "", self.dest_note(), ""]
        lines += _md_table(self.dest_header(" "), self.dest_rows())
        lines += ["", "## The scenario in plain words", ""]
        for section, sentences in self.words.items():
            lines += [f"**{section}.** " + " ".join(sentences), ""]
        lines += ["## Provenance", ""] + [f"- {p}" for p in self.provenance]
        lines += ["", "## Needs: standards and sources", "",
                  "Override any of them with `--needs FILE` (keys as in "
                  "`sim/data/sphere_defaults.yaml`).", ""]
        lines += [f"- {line}" for line in self.standards()]
        return lines

    # ----------------------------------------------------------------- PDF pages
    def document(self) -> Document:
        runs = self.runs
        doc = Document(runs, f"Planning memo: {runs.scenario_name}")
        doc.heading(f"Planning memo: {runs.title}", 0)
        doc.paragraph(f"Scenario {runs.scenario_name}  |  {runs.runs_phrase()}  |  "
                      f"{runs.date(0)} to {runs.date(runs.days - 1)}", size=9.5)
        doc.paragraph(f"{style.NOT_A_FORECAST} " + (
            "Numbers are medians over the runs (P50) with the P10-P90 range." if runs.is_ensemble
            else "Numbers are one run's values: single run, no uncertainty band."),
            size=9.5, fontweight="bold")
        doc.heading("Key figures")
        header, rows = self.key_rows()
        doc.table(header, rows, align="l" + "r" * (len(header) - 2) + "l")
        doc.heading("Where everyone displaced is")
        header, rows = self.where_rows()
        doc.table(header, rows, note=self.where_note())
        doc.heading("Needs at Sphere minimum standards")
        header, rows = self.needs_rows()
        doc.table(header, rows, align="ll" + "r" * (len(header) - 2), size=7,
                  note=self.needs_note())
        doc.heading("Arrivals and capacity by destination")
        header = self.dest_header()
        doc.table(header, self.dest_rows(), align="ll" + "r" * (len(header) - 4) + "lr",
                  note=self.dest_note())
        doc.heading("The scenario in plain words")
        for section, sentences in self.words.items():
            doc.heading(section, 2)
            doc.bullets(sentences) if len(sentences) > 1 else doc.paragraph(sentences[0])
        doc.heading("Provenance", 2)
        doc.bullets(self.provenance)
        doc.heading("Needs: standards and sources", 2)
        doc.bullets(self.standards(), size=7.6)
        doc.heading("Glossary", 2)
        doc.bullets([f"{term}: {text}" for term, text in self.glossary.items()], size=7.6)
        return doc


def _md_table(header: list[str], rows: list[list[str]], newline: str = " ") -> list[str]:
    def cell(x: str) -> str:
        return str(x).replace("\n", newline).replace("|", "\\|")
    out = ["| " + " | ".join(cell(h) for h in header) + " |",
           "|" + "|".join("---" if k == 0 else "---:" for k in range(len(header))) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return out


CAPTIONS = {
    "displacement": "Displacement over time",
    "flow_map": "Flow map: roads used over the whole run, places and front at the end",
    "flow_map_panels": "The displacement wave (days 7, 30, 90)",
    "subdistrict_map": "New IDPs present by sub-district at the end of the run (OCHA boundaries)",
    "subdistrict_map_panels": "New IDPs present by sub-district over time",
    "arrivals": "Arrivals per day at the top destinations",
    "camps": "Camps against capacity",
    "od_matrix": "Origin -> destination at the end of the run",
    "border_open": "People at the border and in the open",
}


def write_memo(data, out_dir: str | Path, needs: NeedsConfig | None = None, *,
               dpi: int = style.DPI) -> Path:
    """Write the memo folder ``out_dir`` (replacing any previous one as a whole)."""
    memo = Memo(data, needs)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", suffix=".part", dir=out_dir.parent))
    try:
        tables = {"key_figures": memo.key, "where_people_are": memo.where,
                  "destinations": memo.dest, "needs": memo.needs}
        figures = []
        doc = memo.document()
        with PdfPages(tmp / "memo.pdf", metadata={
                "Title": f"Planning memo: {memo.runs.title}", "Creator": "idlib-sim",
                "Subject": memo.runs.runs_phrase()}) as pdf:
            for page in doc.pages:
                pdf.savefig(page)
            for name, fig, numbers in draw_all(memo.runs, dpi=dpi):
                style.freeze_layout(fig)
                style.save(fig, tmp / name, ("png",), dpi=dpi)
                pdf.savefig(fig)
                figures.append((name, CAPTIONS.get(name, name)))
                for key, table in numbers.items():
                    tables[f"figure_{name}_{key}"] = table
        for name, table in tables.items():
            write_csv(table, tmp / f"{name}.csv")
        write_text(memo.markdown(figures), tmp / "memo.md")
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


CSV_FLOAT_FORMAT = "%.10g"
"""Ten significant digits: people counts of a full-scale run (millions) are written whole, as
the console prints them (six digits wrote 2,345,678 as 2.34568e+06)."""


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    index = df.index.name is not None
    return write_text(df.to_csv(index=index, float_format=CSV_FLOAT_FORMAT), path)


def write_text(text: str, path: Path) -> Path:
    """Write under a temporary name in the same folder, then rename into place."""
    return atomic.write_text(path, text)


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``: two renames, so a reader sees the old folder or the new
    one, never a half-written one."""
    os.chmod(new, 0o755)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
