"""Two runs (or ensembles) side by side: the difference of every planning figure.

Each figure is the one the console prints after a run (:func:`sim.analysis.summary.summarise`,
one indicator per number), so ``idlib-sim compare`` shows exactly the numbers of each run's own
summary; for an ensemble they are its medians over runs. Differences are B - A, and relative to
A (none where A is 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.summary import RunSummary, summarise
from sim.io.results import Runs, as_runs

COLUMNS = ("measure", "unit", "a", "b", "difference", "relative_difference")


def figures(s: RunSummary) -> list[tuple[str, str, float]]:
    """(measure, unit, value) of one summary, in the console's order."""
    rows = [("total displaced (each person once)", "people", s.total_displaced)]
    rows += [(f"displaced by day {d}", "people", v) for d, v in s.displaced_by_day.items()]
    rows += [
        ("peak daily new displacement", "people/day", s.peak_daily_new_displaced),
        ("displaced at the end: in camps", "people", s.in_camps),
        ("displaced at the end: with host families / rented", "people", s.in_host),
        ("displaced at the end: in the open", "people", s.in_open),
        ("displaced at the end: waiting at the border", "people", s.waiting_at_border),
        ("peak waiting at the border", "people", s.peak_waiting_at_border),
        ("crossed into Turkey", "people", s.crossed_border),
        ("camp clusters full by the end", "camp clusters",
         float(sum(c.full_since is not None for c in s.camps))),
        ("women and children among the displaced", "share", s.women_and_children_share),
    ]
    return rows


def peak_day_index(s: RunSummary, runs: Runs) -> float:
    """The peak date as days since the run's start (runs may start on different dates)."""
    return float((pd.Timestamp(s.peak_date) - runs.dates[0]).days)


def compare_runs(a, b) -> pd.DataFrame:
    """One row per planning figure: A, B, B - A and (B - A) / A.

    Checkpoint days that only one run reaches are left out; "at the end" is each run's own
    last day (the table's caller should say so when the runs' lengths differ).
    """
    ra, rb = as_runs(a), as_runs(b)
    sa, sb = summarise(ra), summarise(rb)
    fa, fb = {m: (u, v) for m, u, v in figures(sa)}, {m: (u, v) for m, u, v in figures(sb)}
    rows = [(m, fa[m][0], fa[m][1], fb[m][1]) for m in fa if m in fb]
    after_peak = 1 + [r[0] for r in rows].index("peak daily new displacement")
    rows.insert(after_peak, ("peak day (days since the start)", "days", peak_day_index(sa, ra),
                             peak_day_index(sb, rb)))
    table = pd.DataFrame(rows, columns=list(COLUMNS[:4]))
    table["difference"] = table["b"] - table["a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = table["difference"] / table["a"]
    table["relative_difference"] = rel.where(table["a"] != 0)
    return table


def series_since_start(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    """Days since the start and the people displaced so far, per run [run, time]."""
    from sim.analysis import indicators as ind

    return np.arange(1, runs.days + 1), ind.cumulative_displaced(runs)
