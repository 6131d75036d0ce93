"""Every derived planning number, computed once.

The console summary after a run, the memo's tables and CSVs, the figures, the Sphere needs and
the sweep manifests all take their numbers from here, so the same number cannot differ between
two of them. Each indicator reads a :class:`sim.io.results.Runs` (a run or an ensemble seen
alike, with a leading run axis) and returns a series per run ``[run, time]`` or a
:class:`Band`: every run's value with the median and the P10-P90 range over runs. For one run
the three are that run's value ("single run, no uncertainty band"). A report row is one call.

Days: a *day index* counts from 0 (the run's first day); a checkpoint *day* counts from 1, and
"by day d" is the end of day d (index d - 1). Stocks are at the end of a day, flows during it
(docs/model.md, section 8). The per-place tables (arrivals, camps against capacity, the
origin-destination matrix) are in :mod:`sim.analysis.destinations`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.io.results import Runs, as_runs

FULL_SHARE = 0.99
"""A camp counts as full at 99 % of capacity: the last places rarely fit a whole household."""

CHECKPOINTS = ((3, "72 hours"), (14, "2 weeks"), (30, "1 month"), (90, "3 months"))
"""Planning checkpoints (days since the start, label). "By day d" is the end of the run's
d-th day (day index d-1)."""

END_OF_RUN = "end of run"
"""Label of the checkpoint :func:`checkpoints` adds at the run's last day."""

QUANTILES = (10, 50, 90)
"""Percentiles shown for an ensemble: the median and the P10-P90 band."""

WHERE = {"camp": "in_camp", "host": "in_host", "open": "in_open",
         "border": "waiting_at_border", "transit": "in_transit"}
"""Where displaced people still in the area are -> the variable counting them per place.
Together they are everyone displaced in the run and not across the border; people who
crossed into Turkey are counted apart (:func:`crossed_into_turkey`)."""

WHEREABOUTS = (
    ("returned", "returned home"),
    ("camp", "in camps"),
    ("host", "with host families or rented"),
    ("open", "in the open air"),
    ("border", "waiting at the border"),
    ("transit", "on the roads (in transit)"),
    ("crossed", "crossed into Turkey"),
    ("unaccounted", "not accounted for (check: 0)"),
)
"""Where everyone displaced in the run is (key, label), in the order every report lists them.
The rows add up to :func:`cumulative_displaced` in every run and on every day: the last one is
the remainder, shown rather than hidden, and 0 when the model conserves people."""

RETURNED_VARIABLE = "returned_home"
"""People displaced in this run who are at home again [time] or [time, location]; a run of a
model without returns has no such variable and the row reads 0."""

METRICS = {
    "displaced_day30": "people displaced (each once) by day 30",
    "displaced_day90": "people displaced (each once) by day 90",
    "peak_daily_displaced": "largest number of people newly displaced in one day",
    "peak_waiting_at_border": "largest number of people waiting at the border on one day",
    "days_until_largest_camp_full": "days until the largest camp cluster is full "
                                    "(run length + 1 if it never fills: censored)",
}
"""The scalar metrics of :func:`run_metrics` (sweep manifests, sensitivity analysis)."""


# --------------------------------------------------------------------------- over runs


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, P10 and P90 over the run axis (axis 0); one run gives the value three times."""
    v = np.asarray(values, dtype=float)
    med = np.median(v, axis=0)
    lo, hi = np.percentile(v, [QUANTILES[0], QUANTILES[2]], axis=0)
    return med, lo, hi


def day_band(days: np.ndarray) -> tuple[float, float, float]:
    """Median, P10, P90 of a day index that may be ``inf`` ("never").

    Empirical quantiles (``inverted_cdf``): each is a day some run really had, and ``inf``
    propagates instead of turning into NaN as interpolation would.
    """
    d = np.asarray(days, dtype=float)
    out = np.percentile(d, list(QUANTILES), method="inverted_cdf")
    return float(out[1]), float(out[0]), float(out[2])


@dataclass(frozen=True, eq=False)
class Band:
    """One planning number over runs: its value in every run, the median and P10-P90."""

    per_run: np.ndarray
    p50: float
    p10: float
    p90: float

    @classmethod
    def of(cls, per_run: np.ndarray) -> Band:
        """Median and P10-P90 interpolated between runs (:func:`band`)."""
        v = np.asarray(per_run, dtype=float)
        med, lo, hi = band(v)
        return cls(v, float(med), float(lo), float(hi))

    @classmethod
    def of_days(cls, per_run: np.ndarray) -> Band:
        """For day indices: quantiles that are days some run had, ``inf`` kept (:func:`day_band`)."""
        v = np.asarray(per_run, dtype=float)
        return cls(v, *day_band(v))


# --------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    """A planning date within the run: "72 hours" is day 3, the end of its third day."""

    label: str
    day: int             # days since the start; 1 = the first day
    date: str

    @property
    def index(self) -> int:
        return self.day - 1

    @property
    def is_end(self) -> bool:
        return self.label == END_OF_RUN


def checkpoints(runs: Runs, points: tuple[tuple[int, str], ...] = CHECKPOINTS) -> list[Checkpoint]:
    """The ``points`` (day, label) that fall within the run, then its last day (:data:`END_OF_RUN`)."""
    within = [Checkpoint(label, day, runs.date(day - 1)) for day, label in points
              if day <= runs.days]
    return within + [Checkpoint(END_OF_RUN, runs.days, runs.date(runs.days - 1))]


# --------------------------------------------------------------------------- series [run, time]


def over_places(runs: Runs, name: str) -> np.ndarray:
    """A per-place variable summed over places: people (or people/day) [run, time]."""
    return runs.values(name, "time", "location").sum(axis=2)


def cumulative_displaced(runs: Runs) -> np.ndarray:
    """People displaced so far, each person once [run, time]."""
    return runs.values("cumulative_displaced", "time")


def new_displaced_per_day(runs: Runs) -> np.ndarray:
    """People displaced for the first time on each day [run, time]: the daily increase of
    :func:`cumulative_displaced` (day 0 counts from nobody displaced)."""
    return np.diff(cumulative_displaced(runs), axis=1, prepend=0.0)


def arrivals_per_day(runs: Runs) -> np.ndarray:
    """People reaching their chosen destination each day, all places [run, time]."""
    return over_places(runs, "arrivals")


def where_series(runs: Runs, where: str | tuple[str, ...]) -> np.ndarray:
    """Displaced people in any of the places ``where`` (keys of :data:`WHERE`) [run, time]."""
    keys = (where,) if isinstance(where, str) else tuple(where)
    total = np.zeros((runs.n, runs.days))
    for key in keys:
        total = total + over_places(runs, WHERE[key])
    return total


def crossed_series(runs: Runs) -> np.ndarray:
    """People who have crossed into Turkey so far [run, time]."""
    return runs.values("crossed_border", "time")


def returned_series(runs: Runs) -> np.ndarray:
    """People displaced in this run and at home again [run, time] (:data:`RETURNED_VARIABLE`),
    zeros when the results have no returns."""
    if RETURNED_VARIABLE not in runs.ds.variables:
        return np.zeros((runs.n, runs.days))
    dims = [d for d in runs.ds[RETURNED_VARIABLE].dims if d != "run"]
    values = runs.values(RETURNED_VARIABLE, *dims)
    return values.sum(axis=tuple(range(2, values.ndim))) if values.ndim > 2 else values


def whereabouts_series(runs: Runs) -> dict[str, np.ndarray]:
    """Everyone displaced in the run, by where they are [run, time] (keys of
    :data:`WHEREABOUTS`): the rows add up to :func:`cumulative_displaced` exactly, the
    remainder ("unaccounted") included."""
    out = {"returned": returned_series(runs)}
    out.update({key: where_series(runs, key) for key in ("camp", "host", "open", "border",
                                                         "transit")})
    out["crossed"] = crossed_series(runs)
    out["unaccounted"] = cumulative_displaced(runs) - sum(out.values())
    return out


def whereabouts(runs: Runs, day_index: int) -> dict[str, Band]:
    """:func:`whereabouts_series` on one day. With an ensemble each row is its own median, and
    the medians need not add up to the median total (each run's rows do)."""
    return {key: at_day(series, day_index) for key, series in whereabouts_series(runs).items()}


def border_open_series(runs: Runs) -> dict[str, np.ndarray]:
    """The people without shelter and those who left [run, time]: waiting at a crossing, in
    the open (at all places and at full camp clusters), crossed into Turkey so far."""
    return {
        "waiting_at_border": where_series(runs, "border"),
        "in_open": where_series(runs, "open"),
        "in_open_at_camps": over_places(runs, "camp_overflow"),
        "crossed_border": crossed_series(runs),
    }


# --------------------------------------------------------------------------- numbers from series


def at_day(series: np.ndarray, day_index: int) -> Band:
    """A series [run, time] on one day."""
    return Band.of(series[:, day_index])


def peak(series: np.ndarray) -> Band:
    """The largest value of each run's series [run, time]."""
    return Band.of(series.max(axis=1))


def peak_day(series: np.ndarray) -> Band:
    """The day index of each run's largest value (the first, on a tie)."""
    return Band.of_days(np.argmax(series, axis=1).astype(float))


def days_at_or_above(series: np.ndarray, level: float) -> Band:
    """Number of days each run's series is at or above ``level``."""
    return Band.of((series >= level).sum(axis=1).astype(float))


# --------------------------------------------------------------------------- planning numbers


def displaced_by(runs: Runs, day: int) -> Band:
    """People displaced (each once, including those who crossed) by day ``day`` (1 = first)."""
    return at_day(cumulative_displaced(runs), day - 1)


def peak_displacement_day(runs: Runs) -> Band:
    """Day index with the most people newly displaced."""
    return peak_day(new_displaced_per_day(runs))


def peak_daily_new_displaced(runs: Runs) -> Band:
    """The most people newly displaced in one day (people/day)."""
    return peak(new_displaced_per_day(runs))


def people_in(runs: Runs, where: str | tuple[str, ...], day_index: int) -> Band:
    """Displaced people who, on ``day_index``, are in any of the places ``where``."""
    return at_day(where_series(runs, where), day_index)


def displaced_in_area(runs: Runs, day_index: int) -> Band:
    """Everyone displaced in the run and still in the area on ``day_index`` (all of
    :data:`WHERE`: camps, hosts, open air, border, transit)."""
    return people_in(runs, tuple(WHERE), day_index)


def crossed_into_turkey(runs: Runs, day_index: int) -> Band:
    """People who have crossed into Turkey by the end of ``day_index``."""
    return at_day(crossed_series(runs), day_index)


def peak_waiting_at_border(runs: Runs) -> Band:
    """The most people waiting at a closed crossing on one day (all crossings)."""
    return peak(where_series(runs, "border"))


def initial_people(runs: Runs) -> Band:
    """People in the run on day 0 (every person simulated, displaced or not).

    A run file keeps the count as the attribute ``initial_people``; an ensemble file as a
    coordinate per run (the runs may differ); older files only as ``people_total``."""
    ds = runs.ds
    if "initial_people" in ds.coords or "initial_people" in ds.data_vars:
        values = np.broadcast_to(np.asarray(ds["initial_people"].values, float), (runs.n,))
    elif "initial_people" in ds.attrs:
        values = np.full(runs.n, float(ds.attrs["initial_people"]))
    elif "people_total" in ds.variables:
        values = runs.values("people_total", "time")[:, 0]
    else:
        values = np.full(runs.n, float(runs.scenario.get("population", {}).get("total_people", 0)))
    return Band.of(values)


def women_and_children_share(runs: Runs, day_index: int = -1) -> Band:
    """Children and adult women among the displaced still in the area on ``day_index``
    (``displaced_by_group``); NaN in a run with nobody displaced."""
    groups = runs.values("displaced_by_group", "time", "group")[:, day_index]
    names = [str(g) for g in np.atleast_1d(runs.coord("group"))]
    wc = sum((groups[:, names.index(g)] for g in ("children", "adult_women") if g in names),
             np.zeros(runs.n))
    total = groups.sum(axis=1)
    return Band.of(np.where(total > 0, wc / np.where(total > 0, total, 1), np.nan))


def first_full_day(occupancy: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """First day index [run, place] with occupancy >= FULL_SHARE x capacity; inf if never.

    ``occupancy`` is [run, time, place], ``capacity`` [run, time, place] (each day's, as the
    response opens places), [run, place] or [place] (each run's own capacity); places without
    capacity are never "full" (inf)."""
    cap = np.asarray(capacity, dtype=float)
    if cap.ndim < 3:
        cap = np.broadcast_to(cap, (occupancy.shape[0], occupancy.shape[2]))[:, None, :]
    reached = (occupancy >= FULL_SHARE * cap) & (cap > 0)
    first = np.argmax(reached, axis=1).astype(float)
    first[~reached.any(axis=1)] = np.inf
    return first


# --------------------------------------------------------------------------- sweep metrics


def metrics_per_run(data) -> dict[str, np.ndarray]:
    """The :data:`METRICS` of every run [run].

    Checkpoints past the run's end take its last day (a lower bound); the largest camp
    cluster is the place of kind ``camp`` with the most camp places on day 0, and its "days until full"
    counts the day it fills as day 1, 2, ... (run length + 1 if it never fills), against the
    day's capacity (places opened by the response included)."""
    runs = as_runs(data)
    cum = cumulative_displaced(runs)
    series = runs.camp_capacity()
    largest = np.argmax(np.where(runs.kind == "camp", series[:, 0], 0.0), axis=1)  # at the start
    first = first_full_day(runs.values("camp_occupancy", "time", "location"),
                           np.where(runs.kind == "camp", series, 0.0))
    full = first[np.arange(runs.n), largest]
    return {
        "displaced_day30": cum[:, min(30, runs.days) - 1],
        "displaced_day90": cum[:, min(90, runs.days) - 1],
        "peak_daily_displaced": peak_daily_new_displaced(runs).per_run,
        "peak_waiting_at_border": peak_waiting_at_border(runs).per_run,
        "days_until_largest_camp_full": np.where(np.isfinite(full), full + 1, runs.days + 1.0),
    }


def run_metrics(data) -> dict[str, float]:
    """The :data:`METRICS` of one run, as plain floats (a sweep manifest record)."""
    per_run = metrics_per_run(data)
    n = len(per_run["displaced_day30"])
    if n != 1:
        raise ValueError(f"run_metrics takes one run, got {n}; use metrics_per_run")
    return {name: float(v[0]) for name, v in per_run.items()}
