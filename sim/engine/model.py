"""DisplacementModel: the daily step, in the order of docs/model.md (Process overview).

    update_danger -> plan_routes -> decide_to_flee -> choose_destinations -> move -> admit -> record

Locations (towns, camps, crossings, external areas) are Mesa ``FixedAgent``s on a
``mesa.discrete_space.Network`` built from the road graph; each owns its danger, control,
capacity and head-counts. Households are agents too, held as rows of NumPy arrays
(:mod:`sim.engine.population`) because 455,000 Python objects are far too slow for a daily step.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim.config.scenario import Scenario
from sim.engine import admission, routing
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
        self.households: Households = synthesise(scenario, geo, self.rng,
                                                 held=self.conflict.government[0])
        self.initial_people = self.households.people
        # Camp and host capacities were estimated for the shipped population; a scenario with
        # another total scales them alike, so crowding stays as it was (docs/model.md).
        shipped = geo.population_people[geo.kind != "external"].sum()
        self.population_scale = self.initial_people / shipped if shipped > 0 else 1.0
        self.camp_capacity = geo.camp_capacity_people * self.population_scale * cap.camp_capacity_scale
        for name, people in cap.camp_capacity_people.items():
            self.camp_capacity[geo.index(name)] = people
        self.host_capacity = geo.host_capacity_people * self.population_scale * cap.host_capacity_scale
        self.road_capacity = geo.edge_capacity_people_per_day * scenario.movement.road_capacity_scale
        self.initial_residents = np.bincount(self.households.home, weights=self.households.size,
                                             minlength=geo.n_locations)

        self.space = Network(geo.graph(), random=self.random)
        self.locations = [Location(self, self.space[i], i) for i in range(geo.n_locations)]
        self.kind_preference = self._kind_preference()
        self.candidates = behaviour.candidate_destinations(geo.kind, self.camp_capacity,
                                                           self.host_capacity)
        self.day = -1
        self.routes: routing.Routes | None = None
        self.recorder = Recorder(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "displaced_people": lambda m: m.recorder.displaced_now,
                "in_transit_people": lambda m: m.recorder.in_transit_now,
                "crossed_border_people": lambda m: m.recorder.crossed_now,
            },
            agenttype_reporters={Location: {
                "people_present": "people_present",
                "displaced_present": "displaced_present",
                "danger": "danger",
                "government": "government",
            }},
        )

    # ----------------------------------------------------------------- schedule
    def step(self) -> None:
        self.day = self.steps - 1
        self.update_danger()
        self.plan_routes()
        fleeing = self.decide_to_flee()
        self.choose_destinations(fleeing)
        arrived, flow = self.move()
        crossed = self.admit(arrived)
        self.record(flow, crossed, arrived)
        if self.day + 1 >= self.config.days:
            self.running = False

    def run(self) -> None:
        while self.running:
            self.step()

    # ----------------------------------------------------------------- sub-steps
    def update_danger(self) -> None:
        """Read today's row of the offensive timeline into the Location agents."""
        t, c = self.day, self.conflict
        for loc in self.locations:
            loc.danger = float(c.danger[t, loc.index])
            gov = bool(c.government[t, loc.index])
            if gov and not loc.government and loc.captured_day is None:
                loc.captured_day = t
            loc.government = gov

    def plan_routes(self) -> None:
        t, c = self.day, self.conflict
        self.routes = routing.plan_routes(self.geography, c.government[t], c.road_cut[t],
                                          c.danger[t], self.config.movement.danger_route_penalty,
                                          targets=self.candidates)

    def decide_to_flee(self) -> np.ndarray:
        """Households at home or in shelter decide, under today's danger, whether to flee."""
        hh, t, c, b = self.households, self.day, self.conflict, self.config.behaviour
        danger, front_km = c.danger[t], c.front_distance_km[t]
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
        departed_share = np.divide(self.initial_residents - at_home, self.initial_residents,
                                   out=np.zeros_like(at_home), where=self.initial_residents > 0)
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
        go = movers[dest >= 0]
        # Households already on the road just change destination; others leave today.
        leaving = go[hh.status[go] != Status.TRANSIT]
        flights = np.intersect1d(leaving, fleeing, assume_unique=True)
        first = flights[hh.displaced_day[flights] < 0]
        hh.destination[go] = dest[dest >= 0]
        hh.status[leaving] = Status.TRANSIT
        hh.next_node[leaving] = -1
        hh.progress_km[leaving] = 0.0
        hh.displaced_day[first] = t
        hh.times_displaced[flights] += 1
        self.recorder.note_departures(leaving, flights, first)

    def move(self) -> tuple[np.ndarray, np.ndarray]:
        m = self.config.movement
        res = movement.travel(self.households, self.routes, self.geography, self.road_capacity,
                              m.vehicle_speed_km_per_day, m.foot_speed_km_per_day, self.rng)
        if len(res.stuck):  # no route today: wait where they are and choose again tomorrow
            self.households.destination[res.stuck] = -1
        return res.arrived, res.flow_people

    def admit(self, arrived: np.ndarray) -> np.ndarray:
        crossed_people, crossed = admission.admit(
            self.households, arrived, self.geography, self.camp_capacity, self.host_capacity,
            self.border, self.day, self.rng)
        self.recorder.note_crossed(crossed)
        return crossed_people

    def record(self, flow: np.ndarray, crossed: np.ndarray, arrived: np.ndarray) -> None:
        self.recorder.record(self.day, flow, crossed, arrived)
        present = self.recorder.by_status[self.day]
        for loc in self.locations:
            col = present[:, loc.index]
            loc.people_present = int(col.sum() - col[Status.CROSSED])
            loc.displaced_present = int(col[[Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER]].sum())
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- helpers
    def _kind_preference(self) -> np.ndarray:
        b, geo = self.config.behaviour, self.geography
        pref = np.full(geo.n_locations, b.host_preference)
        pref[geo.kind == "camp"] = b.camp_preference
        pref[geo.kind == "crossing"] = b.border_preference
        pref[(geo.kind == "external") & (geo.control_2019 == "turkish_backed")] = \
            b.northern_aleppo_preference
        return pref

    def _destination_context(self) -> behaviour.DestinationContext:
        t, c, geo, b = self.day, self.conflict, self.geography, self.config.behaviour
        # What households know of crowding is last night's head-count (the recorder's).
        counts = self.recorder.by_status[t - 1] if t > 0 else self.recorder.status_counts()
        camp_occ = counts[Status.CAMP] + np.where(geo.kind == "camp", counts[Status.HOME], 0.0)
        host_occ = counts[Status.HOST]
        in_open = counts[Status.OPEN] + counts[Status.BORDER]
        capacity = self.camp_capacity + self.host_capacity
        crowding = np.divide(camp_occ + host_occ + in_open, capacity,
                             out=np.full(geo.n_locations, 3.0), where=capacity > 0)
        is_crossing = geo.kind == "crossing"
        closed = is_crossing & (self.border.quota_people_per_day[t] <= 0)
        # A queue at a crossing deters like a full camp once it reaches border_queue_scale_people.
        crowding[is_crossing] = in_open[is_crossing] / b.border_queue_scale_people
        eligible = (~c.government[t]) & (c.danger[t] <= b.max_destination_danger)
        eligible &= (capacity > 0) | is_crossing
        return behaviour.DestinationContext(
            route_cost_km=self.routes.cost_km, danger=c.danger[t],
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
