"""Journeys and moves of a run (issue 10): movements and arrivals per person displaced, the
largest one-day share of new displacement, who is in transit and how, how long journeys took,
people who went home and the camp places the response opened. Results files written before
these processes existed read as NaN or 0, never as an error. Same conventions as
:mod:`sim.analysis.indicators` (a :class:`~sim.analysis.indicators.Band` per figure)."""

from __future__ import annotations

import numpy as np

from sim.analysis.indicators import (
    Band,
    at_day,
    cumulative_displaced,
    new_displaced_per_day,
    over_places,
    where_series,
)
from sim.io.results import Runs


def _has(runs: Runs, *names: str) -> bool:
    """Whether the results hold these variables (files written before issue 10 do not)."""
    return all(n in runs.ds.variables for n in names)


def _per_displaced(runs: Runs, total: np.ndarray) -> Band:
    displaced = cumulative_displaced(runs)[:, -1]
    return Band.of(np.divide(total, displaced, out=np.full(runs.n, np.nan), where=displaced > 0))


def movements_per_displaced(runs: Runs) -> Band:
    """Moves out of a place (flights and onward moves, ``departures``) per person displaced
    in the run: 1 if everyone fled once and stayed (2019: ~1.5, 630,000 movements for more
    than 400,000 people, sources.md S58/S59)."""
    return _per_displaced(runs, over_places(runs, "departures").sum(axis=1))


def arrivals_per_displaced(runs: Runs) -> Band:
    """Arrivals at a chosen destination per person displaced in the run (settling on the
    way is not an arrival)."""
    return _per_displaced(runs, over_places(runs, "arrivals").sum(axis=1))


def largest_one_day_share(runs: Runs) -> Band:
    """The most people newly displaced in one day, as a share of everyone displaced."""
    return _per_displaced(runs, new_displaced_per_day(runs).max(axis=1))


def in_transit_share(runs: Runs, day_index: int = -1) -> Band:
    """People on a road or queued for one on ``day_index``, as a share of everyone displaced
    so far."""
    moving = where_series(runs, "transit")[:, day_index]
    displaced = cumulative_displaced(runs)[:, day_index]
    return Band.of(np.divide(moving, displaced, out=np.full(runs.n, np.nan), where=displaced > 0))


def in_transit_split(runs: Runs, day_index: int = -1) -> tuple[Band, Band]:
    """People in transit on ``day_index``: part-way along a road, and queued at a node (NaN
    bands for results without the split)."""
    if not _has(runs, "in_transit_on_road", "in_transit_queued"):
        return Band.of(np.full(runs.n, np.nan)), Band.of(np.full(runs.n, np.nan))
    return (at_day(over_places(runs, "in_transit_on_road"), day_index),
            at_day(over_places(runs, "in_transit_queued"), day_index))


def journey_days(runs: Runs) -> tuple[Band, Band]:
    """Median and 90th percentile of the days on the move of the journeys that ended, per run
    (people-weighted; NaN for results without them)."""
    if not _has(runs, "journey_days_median", "journey_days_p90"):
        return Band.of(np.full(runs.n, np.nan)), Band.of(np.full(runs.n, np.nan))
    return (Band.of(np.atleast_1d(runs.values("journey_days_median"))),
            Band.of(np.atleast_1d(runs.values("journey_days_p90"))))


def returned_home(runs: Runs) -> Band:
    """People who went back home during the run (0 for results without returns)."""
    if not _has(runs, "returns"):
        return Band.of(np.zeros(runs.n))
    return Band.of(over_places(runs, "returns").sum(axis=1))


def camp_places_opened(runs: Runs) -> Band:
    """Camp places the humanitarian response opened during the run (people)."""
    if not _has(runs, "camp_capacity_opened"):
        return Band.of(np.zeros(runs.n))
    return Band.of(over_places(runs, "camp_capacity_opened").sum(axis=1))
