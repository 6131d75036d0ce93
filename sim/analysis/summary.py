"""The planning figures the CLI prints after a run: each field is one indicator call.

For one run every figure is that run's value; for an ensemble it is the median over runs
(P50), so the console shows the numbers of the memo's ``p50`` columns. ``whereabouts`` accounts
for everyone displaced in the run (:data:`sim.analysis.indicators.WHEREABOUTS`): in one run its
rows add up to ``total_displaced``; the medians of an ensemble need not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.analysis import indicators as ind
from sim.analysis import journeys
from sim.analysis.destinations import (
    arrivals_by_destination,
    camps_against_capacity,
    capacity_note,
)
from sim.io.results import as_runs


@dataclass(frozen=True)
class CampStatus:
    name: str
    capacity_people: float
    peak_occupancy_people: float
    full_since: str | None       # first date occupancy reached FULL_SHARE of capacity
    overflow_people: float       # people in the open at the camp cluster on the last day


@dataclass(frozen=True)
class RunSummary:
    scenario: str
    seed: int
    days: int
    total_people: int
    total_displaced: float
    displaced_by_day: dict[int, float]
    peak_date: str
    peak_daily_new_displaced: float
    displaced_now: float
    in_camps: float
    in_host: float
    in_open: float
    waiting_at_border: float
    in_transit: float            # on a road or queued at the end
    peak_waiting_at_border: float
    crossed_border: float
    whereabouts: dict[str, float] = field(default_factory=dict)   # label -> people at the end
    arrivals_by_destination: list[tuple[str, float]] = field(default_factory=list)
    camps: list[CampStatus] = field(default_factory=list)
    women_and_children_share: float = float("nan")
    capacity_note: str = ""      # the capacity scales behind the camps' capacities
    runs: int = 1                # 2 or more: every figure is the median over runs
    in_transit_on_road: float = float("nan")
    in_transit_queued: float = float("nan")
    returned_home: float = 0.0
    camp_places_opened: float = 0.0
    journey_days_median: float = float("nan")
    journey_days_p90: float = float("nan")
    movements_per_displaced: float = float("nan")
    arrivals_per_displaced: float = float("nan")


def summarise(data, top: int = 10) -> RunSummary:
    """The console's planning figures of a run (or the medians of an ensemble)."""
    runs = as_runs(data)
    end = runs.days - 1
    arrivals = arrivals_by_destination(runs).head(top)
    camps = [CampStatus(name=str(r.camp), capacity_people=float(r.capacity),
                        peak_occupancy_people=float(r.peak_occupancy_p50),
                        full_since=r.full_date_p50 or None,
                        overflow_people=float(r.in_open_at_end_p50))
             for r in camps_against_capacity(runs).itertuples()]
    where = ind.whereabouts(runs, end)
    road, queued = journeys.in_transit_split(runs, end)
    median_days, p90_days = journeys.journey_days(runs)
    return RunSummary(
        scenario=runs.scenario_name, seed=runs.seeds[0] if len(runs.seeds) == 1 else -1,
        days=runs.days, total_people=int(round(ind.initial_people(runs).p50)),
        total_displaced=ind.displaced_by(runs, runs.days).p50,
        displaced_by_day={c.day: ind.displaced_by(runs, c.day).p50
                          for c in ind.checkpoints(runs) if not c.is_end},
        peak_date=runs.date(int(ind.peak_displacement_day(runs).p50)),
        peak_daily_new_displaced=ind.peak_daily_new_displaced(runs).p50,
        displaced_now=ind.displaced_in_area(runs, end).p50,
        in_camps=ind.people_in(runs, "camp", end).p50,
        in_host=ind.people_in(runs, "host", end).p50,
        in_open=ind.people_in(runs, "open", end).p50,
        waiting_at_border=ind.people_in(runs, "border", end).p50,
        in_transit=ind.people_in(runs, "transit", end).p50,
        peak_waiting_at_border=ind.peak_waiting_at_border(runs).p50,
        crossed_border=ind.crossed_into_turkey(runs, end).p50,
        whereabouts={label: where[key].p50 for key, label in ind.WHEREABOUTS},
        arrivals_by_destination=[(str(r.location), float(r.arrivals_p50))
                                 for r in arrivals.itertuples()],
        camps=camps,
        women_and_children_share=ind.women_and_children_share(runs, end).p50,
        capacity_note=capacity_note(runs),
        runs=runs.n,
        in_transit_on_road=road.p50, in_transit_queued=queued.p50,
        returned_home=journeys.returned_home(runs).p50,
        camp_places_opened=journeys.camp_places_opened(runs).p50,
        journey_days_median=median_days.p50, journey_days_p90=p90_days.p50,
        movements_per_displaced=journeys.movements_per_displaced(runs).p50,
        arrivals_per_displaced=journeys.arrivals_per_displaced(runs).p50)
