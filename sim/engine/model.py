"""DisplacementModel: the daily step, in the order of docs/model.md (Process overview).

    update_danger -> plan_routes -> [enter] -> decide_to_flee -> choose_destinations -> move
    -> admit -> take_head_count -> record

``enter`` runs in spawning mode only (FLEE's validation setup, :mod:`sim.engine.spawning`).

Locations (towns, camps, crossings, external areas) are Mesa ``FixedAgent``s on a
``mesa.discrete_space.Network`` built from the road graph (``model.space``); their properties
are views of the per-place arrays below (today's danger and control, capacities, last night's
head-count). Households are agents too, held as rows of NumPy arrays
(:mod:`sim.engine.households`) because 455,000 Python objects are far too slow for a daily step;
:class:`~sim.engine.households.Households` applies every change of their state, this module
and its sub-modules decide who changes and where to. The :class:`~sim.engine.recorder.Recorder`
is the model's single collection mechanism (there is no Mesa ``DataCollector``).
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim.config.scenario import Scenario
from sim.engine import admission, routing, spawning
from sim.engine import decisions as behaviour
from sim.engine import travel as movement
from sim.engine.households import Households, Status
from sim.engine.places import Location
from sim.engine.population import synthesise
from sim.engine.recorder import Recorder
from sim.world.border import build_border_timeline
from sim.world.conflict import ConflictTimeline, build_timeline
from sim.world.geography import Geography, load_geography


class DisplacementModel(mesa.Model):
    """Households fleeing an offensive across the road graph of one region."""

    def __init__(self, scenario: Scenario, geography: Geography | None = None,
                 rng: int | None = None):
        seed = scenario.seed if rng is None else rng
        super().__init__(rng=seed)
        self.seed = int(seed)
        # The validated scenario. (Mesa >= 3.5 reserves ``Model.scenario`` for its own
        # experimental Scenario object, so ours is ``config``.)
        self.config = scenario
        self.geography = geography or load_geography(scenario.region)
        geo = self.geography
        cap = scenario.capacity
        self.conflict: ConflictTimeline = build_timeline(scenario, geo)
        self.border = build_border_timeline(scenario, geo)
        self.spawner = spawning.Spawner(scenario, geo) if scenario.spawning.mode != "off" else None
        self.households: Households = (self.spawner.initial_households(self.rng) if self.spawner
                                       else synthesise(scenario, geo, self.rng,
                                                       held=self.conflict.government[0]))
        self.initial_people = self.households.people
        self.people_entered = 0
        # Camp and host capacities were estimated for the shipped population; a scenario with
        # another total scales them alike, so crowding stays as it was (docs/model.md). In
        # spawning mode the populations only weigh where people enter: no scaling.
        shipped = geo.population_people[geo.kind != "external"].sum()
        self.population_scale = self.initial_people / shipped if shipped > 0 and not self.spawner \
            else 1.0
        self.camp_capacity = geo.camp_capacity_people * self.population_scale * cap.camp_capacity_scale
        for name, people in cap.camp_capacity_people.items():
            self.camp_capacity[geo.index(name)] = people
        self.host_capacity = geo.host_capacity_people * self.population_scale * cap.host_capacity_scale
        self.road_capacity = geo.edge_capacity_people_per_day * scenario.movement.road_capacity_scale
        self.initial_residents = np.bincount(self.households.home, weights=self.households.size,
                                             minlength=geo.n_locations)

        # Per-place state the rules read (and the Location agents view): today's row of the
        # conflict timeline, the first day of capture, and last night's head-count.
        self.danger = np.zeros(geo.n_locations)
        self.government = geo.control_2019 == "government"
        self.captured_day = np.full(geo.n_locations, -1, dtype=np.int64)
        self.head_count = self.households.head_count(geo.n_locations)   # people [status, loc]

        self.space = Network(geo.graph(), random=self.random)
        self.locations = [Location(self, self.space[i], i) for i in range(geo.n_locations)]
        self.kind_preference = self._kind_preference()
        self.candidates = behaviour.candidate_destinations(geo.kind, self.camp_capacity,
                                                           self.host_capacity)
        self.day = -1
        self.routes: routing.Routes | None = None
        self.recorder = Recorder(self.households, geo, scenario.days)

    # ----------------------------------------------------------------- schedule
    def step(self) -> None:
        self.day = self.steps - 1
        self.update_danger()
        self.plan_routes()
        entering = self.enter()
        fleeing = self.decide_to_flee()
        if len(entering):
            fleeing = np.union1d(fleeing, entering)
        self.choose_destinations(fleeing)
        arrived, flow = self.move()
        crossed = self.admit(arrived)
        self.take_head_count()
        self.record(flow, crossed, arrived)
        if self.day + 1 >= self.config.days:
            self.running = False

    def run(self) -> None:
        while self.running:
            self.step()

    # ----------------------------------------------------------------- sub-steps
    def update_danger(self) -> None:
        """Today's row of the offensive timeline: danger, control, and the day each place fell."""
        t, c = self.day, self.conflict
        self.danger = c.danger[t]
        gov = c.government[t]
        self.captured_day[gov & ~self.government & (self.captured_day < 0)] = t
        self.government = gov

    def plan_routes(self) -> None:
        t, c = self.day, self.conflict
        self.routes = routing.plan_routes(self.geography, self.government, c.road_cut[t],
                                          self.danger, self.config.movement.danger_route_penalty,
                                          targets=self.candidates)

    def enter(self) -> np.ndarray:
        """Spawning mode: today's newcomers enter at the places in danger and set off."""
        return spawning.enter(self) if self.spawner else spawning.NO_HOUSEHOLDS

    def decide_to_flee(self) -> np.ndarray:
        """Households at home or in shelter decide, under today's danger, whether to flee."""
        hh, t, c, b = self.households, self.day, self.conflict, self.config.behaviour
        danger, front_km = self.danger, c.front_distance_km[t]
        stationary = (hh.status != Status.TRANSIT) & (hh.status != Status.CROSSED)
        if b.base_flee_rate_per_day == 0.0:
            # Exact shortcut: perceived danger <= danger, so households whose place is below
            # their own tolerance threshold have zero hazard and need no draw.
            upper = danger + b.front_proximity_weight * np.exp(-front_km / b.front_proximity_scale_km)
            stationary &= upper[hh.location] > hh.risk_tolerance * b.danger_tolerance
        who = np.flatnonzero(stationary)
        if len(who) == 0:
            return who
        where = hh.location[who]
        if c.intensity[t] == 0.0:   # no fighting (e.g. after a ceasefire): a quiet front line
            front_km = np.full_like(front_km, np.inf)
        home = hh.status == Status.HOME
        at_home = np.bincount(hh.home[home], weights=hh.size[home], minlength=self.geography.n_locations)
        # A float ``out``: once nobody is left at home, ``at_home`` is an empty int64 bincount.
        departed_share = np.divide(self.initial_residents - at_home, self.initial_residents,
                                   out=np.zeros(self.geography.n_locations),
                                   where=self.initial_residents > 0)
        p = behaviour.flee_probability(
            danger[where], front_km[where], departed_share[where], hh.risk_tolerance[who],
            hh.information[who], hh.has_vehicle[who],
            hh.already_displaced[who] | (hh.times_displaced[who] > 0), b)
        return who[behaviour.decide_to_flee(p, self.rng)]

    def choose_destinations(self, fleeing: np.ndarray) -> None:
        """Fleeing households, and those moving on, pick a destination and set off."""
        hh, b, t = self.households, self.config.behaviour, self.day
        rng = self.rng
        open_air = np.flatnonzero(hh.status == Status.OPEN)
        moving_on = open_air[rng.random(len(open_air)) < b.open_air_move_on_per_day]
        waiting = np.flatnonzero(hh.status == Status.BORDER)   # not let through (closed or quota full)
        giving_up = waiting[rng.random(len(waiting)) < b.border_give_up_per_day]
        ctx = self._destination_context()
        in_transit = np.flatnonzero(hh.status == Status.TRANSIT)
        dest_now = hh.destination[in_transit]
        ok = dest_now >= 0
        ok[ok] = ctx.eligible[dest_now[ok]] & np.isfinite(
            self.routes.cost(hh.location[in_transit][ok], dest_now[ok]))
        lost = in_transit[~ok]
        movers = np.unique(np.concatenate([fleeing, moving_on, giving_up, lost]))
        if len(movers) == 0:
            self.recorder.note_departures(movers, movers, movers)
            return
        dest = behaviour.choose_destinations(hh.location[movers], hh.risk_tolerance[movers],
                                             hh.information[movers], hh.has_vehicle[movers],
                                             ctx, b, rng)
        found = dest >= 0
        go, dest = movers[found], dest[found]
        # Households already on the road just change destination; others leave today.
        on_road = hh.status[go] == Status.TRANSIT
        hh.redirect(go[on_road], dest[on_road])
        leaving = go[~on_road]
        flights = np.intersect1d(leaving, fleeing, assume_unique=True)
        first = hh.set_off(leaving, dest[~on_road], t, flights)
        self.recorder.note_departures(leaving, flights, first)

    def move(self) -> tuple[np.ndarray, np.ndarray]:
        m = self.config.movement
        res = movement.travel(self.households, self.routes, self.geography, self.road_capacity,
                              m.vehicle_speed_km_per_day, m.foot_speed_km_per_day, self.rng)
        self.households.wait_without_route(res.stuck)   # choose again tomorrow
        return res.arrived, res.flow_people

    def admit(self, arrived: np.ndarray) -> np.ndarray:
        crossed_people, crossed = admission.admit(
            self.households, arrived, self.geography, self.camp_capacity, self.host_capacity,
            self.border, self.day, self.rng)
        self.recorder.note_crossed(crossed)
        return crossed_people

    def take_head_count(self) -> None:
        """Tonight's head-count by status and location, checked against the households' ledger.

        Tomorrow's destination choice reads it as what households know of crowding.
        """
        self.head_count = self.households.head_count(self.geography.n_locations)
        self.households.check_ledger(self.day, self.head_count.sum(axis=1))

    def record(self, flow: np.ndarray, crossed: np.ndarray, arrived: np.ndarray) -> None:
        self.recorder.record(self.day, self.head_count, flow, crossed, arrived)

    # ----------------------------------------------------------------- helpers
    def _kind_preference(self) -> np.ndarray:
        b, geo = self.config.behaviour, self.geography
        pref = np.full(geo.n_locations, b.host_preference)
        pref[geo.kind == "camp"] = b.camp_preference
        pref[geo.kind == "crossing"] = b.border_preference
        # Region data: the external places of the group northern_aleppo (groups.csv).
        northern = np.isin(np.arange(geo.n_locations), geo.groups.get("northern_aleppo", ()))
        pref[(geo.kind == "external") & northern] = b.northern_aleppo_preference
        return pref

    def _destination_context(self) -> behaviour.DestinationContext:
        t, c, geo, b = self.day, self.conflict, self.geography, self.config.behaviour
        # What households know of crowding is last night's head-count (day 0: the initial one).
        counts = self.head_count
        camp_occ = counts[Status.CAMP] + np.where(geo.kind == "camp", counts[Status.HOME], 0.0)
        host_occ = counts[Status.HOST]
        in_open = counts[Status.OPEN] + counts[Status.BORDER]
        capacity = self.camp_capacity + self.host_capacity
        # A place with no capacity counts as crowded as it gets (it is not a destination anyway
        # unless it is a crossing, whose crowding is its queue).
        crowding = np.divide(camp_occ + host_occ + in_open, capacity,
                             out=np.full(geo.n_locations, b.crowding_cap), where=capacity > 0)
        is_crossing = geo.kind == "crossing"
        closed = is_crossing & (self.border.quota_people_per_day[t] <= 0)
        # A queue at a crossing deters like a full camp once it reaches border_queue_scale_people.
        crowding[is_crossing] = in_open[is_crossing] / b.border_queue_scale_people
        eligible = (~self.government) & (self.danger <= b.max_destination_danger)
        eligible &= (capacity > 0) | is_crossing
        return behaviour.DestinationContext(
            route_cost_km=self.routes.cost_km, danger=self.danger,
            front_distance_km=c.front_distance_km[t], crowding=crowding,
            kind_preference=self.kind_preference, closed_crossing=closed, eligible=eligible,
            candidates=self.candidates)


def run_model(scenario: Scenario, seed: int | None = None, geography: Geography | None = None,
              on_day: Callable[[int, int], None] | None = None) -> DisplacementModel:
    """Build the model and step it to the scenario's last day; ``on_day(done, total)`` after each."""
    model = DisplacementModel(scenario, geography or load_geography(scenario.region), rng=seed)
    while model.running:
        model.step()
        if on_day is not None:
            on_day(model.day + 1, scenario.days)
    return model
