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

import numpy as np

from sim.config.scenario import Scenario
from sim.engine import (
    admission,
    crossings,
    departure,
    numba_start,
    onward,
    perception,
    returns,
    routing,
    settling,
    spawning,
)
from sim.engine import decisions as behaviour
from sim.engine import travel as movement
from sim.engine.allocation import grouped_fits
from sim.engine.departure import Departures
from sim.engine.households import Households, Status
from sim.engine.index_sets import union_of
from sim.engine.mesa_core import Model
from sim.engine.places import Location, RoadNetwork
from sim.engine.population import synthesise
from sim.engine.recorder import Recorder
from sim.engine.response import Response
from sim.world.border import build_border_timeline
from sim.world.conflict import ConflictTimeline, build_timeline
from sim.world.geography import Geography, load_geography


class DisplacementModel(Model):
    """Households fleeing an offensive across the road graph of one region."""

    def __init__(self, scenario: Scenario, geography: Geography | None = None,
                 rng: int | None = None):
        numba_start.load_cython_blas()   # before the first kernel (sim/engine/numba_start.py)
        self.seed = int(scenario.seed if rng is None else rng)
        super().__init__(rng=self.seed)
        # The validated scenario. (Mesa >= 3.5 reserves ``Model.scenario`` for its own
        # experimental Scenario object, so ours is ``config``.)
        self.config = scenario
        self.geography = geography or load_geography(scenario.region)
        geo = self.geography
        cap = scenario.capacity
        self.conflict: ConflictTimeline = build_timeline(scenario, geo)
        self.border = build_border_timeline(scenario, geo)
        self.days_letting_through = crossings.days_letting_through(self.border.quota_people_per_day)
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
        self.response = Response(geo, scenario.response, self.population_scale)
        self.road_capacity = geo.edge_capacity_people_per_day * scenario.movement.road_capacity_scale
        self.initial_residents = np.bincount(self.households.home, weights=self.households.size,
                                             minlength=geo.n_locations)

        # Per-place state the rules read (and the Location agents view): today's row of the
        # conflict timeline, the first day of capture, and last night's head-count.
        self.danger = np.zeros(geo.n_locations)
        self.fear = np.zeros(geo.n_locations)             # the danger households perceive
        self.safe_days = np.zeros(geo.n_locations, dtype=np.int64)
        self.quiet_days = 0                               # days in a row without fighting
        self.government = geo.control_2019 == "government"
        self.captured_day = np.full(geo.n_locations, -1, dtype=np.int64)
        self.head_count = self.households.tally(geo.n_locations).copy()   # people [status, loc]

        self.space = RoadNetwork(geo, random=self.random)
        self.locations = [Location(self, self.space[i], i) for i in range(geo.n_locations)]
        self.kind_preference = self._kind_preference()
        self.candidates = behaviour.candidate_destinations(geo.kind, self.camp_capacity,
                                                           self.host_capacity, geo.camp_land_m2)
        self.day = -1
        self.routes: routing.Routes | None = None   # today's: yesterday's again if nothing changed
        self.route_planner = routing.RoutePlanner(geo, scenario.movement.danger_route_penalty, self.candidates)
        self._fixed: behaviour.FixedTerms | None = None   # tolerated danger, exponent
        self.recorder = Recorder(self.households, geo, scenario.days)

    # ----------------------------------------------------------------- schedule
    def step(self) -> None:
        self.day = self.steps - 1
        self.update_danger()
        self.plan_routes()
        entering = self.enter()
        self.respond()
        self.return_home()
        self.decide_to_flee()
        leaving = self.depart(entering)
        self.choose_destinations(leaving)
        arrived, flow = self.move()
        crossed = self.admit(arrived)
        self.settle()
        self.take_head_count()
        self.record(flow, crossed, arrived)
        if self.day + 1 >= self.config.days:
            self.running = False

    def run(self) -> None:
        while self.running:
            self.step()

    # ----------------------------------------------------------------- sub-steps
    def update_danger(self) -> None:
        """Today's row of the offensive timeline: danger, control, and the day each place fell;
        and the fear that lags the guns (docs/model.md 7.4): perceived danger rises with the
        danger at once and falls by e every behaviour.fear_memory_days."""
        t, c = self.day, self.conflict
        self.danger = c.danger[t]
        gov = c.government[t]
        self.captured_day[gov & ~self.government & (self.captured_day < 0)] = t
        self.government = gov
        self.fear = perception.fear_after(self.fear, self.danger, self.config.behaviour.fear_memory_days)
        self.quiet_days = self.quiet_days + 1 if c.intensity[t] == 0.0 else 0
        self.safe_days = returns.count_safe_days(self.safe_days, self.fear, self.config.returns)

    def plan_routes(self) -> None:
        """Routes towards the candidate destinations usable today (not government-held nor
        above max_destination_danger), the crossings, and where households in transit head:
        no other route is read today (tests/test_routing.py)."""
        t, c, geo = self.day, self.conflict, self.geography
        used = ~self.government & (self.danger <= self.config.behaviour.max_destination_danger)
        used |= geo.kind == "crossing"
        used |= self.households.heading(geo.n_locations) > 0
        self.routes = self.route_planner.today(self.government, c.road_cut[t], self.danger,
                                               used[self.candidates])

    def enter(self) -> np.ndarray:
        """Spawning mode: today's newcomers enter at the places in danger and set off."""
        return spawning.enter(self) if self.spawner else spawning.NO_HOUSEHOLDS

    def respond(self) -> None:
        """The humanitarian response opens camp places for the people left in the open
        ``response.lag_days`` nights ago (sim/engine/response.py)."""
        usable = ~self.government & (self.danger <= self.config.behaviour.max_destination_danger)
        opened = self.response.open_today(self.day, self.recorder.by_status, self.head_count,
                                          self.camp_capacity, self.geography.kind == "camp", usable)
        self.camp_capacity = self.camp_capacity + opened
        self.recorder.note_capacity(self.day, self.camp_capacity, opened)

    def return_home(self) -> None:
        """Displaced households whose home has been safe for a while go home (sim/engine/returns.py)."""
        going = returns.returning_home(self.households, self.safe_days, self.government,
                                       self.geography.kind == "camp", self.config.returns, self.rng)
        self.recorder.note_returns(going)
        self.households.return_home(going, self.day)

    def decide_to_flee(self) -> None:
        """Households at home or in shelter decide, under the danger they perceive, whether to
        flee; those who decide plan to leave once prepared (sim/engine/departure.py), and a plan
        the danger no longer supports is given up."""
        hh, t, b = self.households, self.day, self.config.behaviour
        danger = self.fear                                     # as perceived, fear included
        if self._fixed is None or len(self._fixed) != len(hh):   # households may enter
            self._fixed = behaviour.FixedTerms.of(hh.risk_tolerance, hh.information, b)
        fixed = self._fixed
        proximity = np.exp(-self._perceived_front_km() / b.front_proximity_scale_km)
        bound = behaviour.perceived_bound(danger, fixed.grid)
        # Weighed and drawn for: those who can perceive more than they tolerate (others: p = 0).
        reach = behaviour.reach_of(bound, b.front_proximity_weight * proximity, b.base_flee_rate_per_day)
        who = behaviour.flee_candidates(hh.status, hh.location, fixed.tolerated,
                                        fixed.exponent_bin, reach)
        planning = hh.planning()
        if len(who) == 0:
            hh.give_up_plan(planning)
            return
        # The people at home per home place: a household at home is at its home place.
        at_home = hh.tally(self.geography.n_locations)[Status.HOME]
        residents = self.initial_residents
        departed_share = np.divide(residents - at_home, residents, out=np.zeros(len(residents)),
                                   where=residents > 0)
        p = behaviour.flee_probability_of(
            who, hh.location, danger, proximity, departed_share,
            fixed.tolerated, fixed.exponent, hh.has_vehicle, hh.already_displaced, hh.times_displaced,
            b.base_flee_rate_per_day, b.flee_propensity, b.front_proximity_weight, b.social_weight,
            b.no_vehicle_factor, b.prior_displacement_factor, fixed.exponent_bin, bound)
        decided = who[behaviour.decide_to_flee(p, self.rng)]
        hh.give_up_plan(behaviour.unsupported_plans(planning, who, p))
        new = decided[hh.flee_ready_day[decided] < 0]       # who had no plan (nor has now)
        d = self.config.departure
        prep = 0 if d.mode == "immediate" else \
            departure.preparation_days(danger[hh.location[new]], d.preparation_days_mean, self.rng)
        hh.plan_to_flee(new, t + prep)

    def _perceived_front_km(self) -> np.ndarray:
        c, t = self.conflict, self.day
        return perception.perceived_front_km(c.front_distance_km[t], c.intensity[t] != 0.0,
                                             self.quiet_days, self.config.behaviour)

    def depart(self, entering: np.ndarray) -> Departures:
        """Wanting is not being able: which households ready to flee have the means today
        (sim/engine/departure.py); newcomers entering in spawning mode leave at once."""
        hh = self.households
        # Households ready today, and the people queued at each node (not on a road).
        planning = hh.planning()
        ready, queued_people = planning[hh.flee_ready_day[planning] <= self.day], hh.queued(len(self.danger))
        room = departure.exit_room_people(self.geography, self.routes.usable, self.road_capacity,
                                          queued_people)
        leaving = departure.leave_today(hh, ready, self.geography.n_locations,
                                        self.config.departure, self.rng, room)
        # What the roads out can still take today, for onward moves (``_onward_moves``).
        out = leaving.households
        self.exit_room = room - np.bincount(hh.location[out], weights=hh.people_weight[out],
                                            minlength=len(room))
        if len(entering) == 0:
            return leaving
        everyone = np.union1d(leaving.households, entering)
        by_vehicle = hh.has_vehicle[everyone].copy()
        by_vehicle[np.searchsorted(everyone, leaving.households)] = leaving.by_vehicle
        return Departures(everyone, by_vehicle)

    def choose_destinations(self, leaving: Departures) -> None:
        """Households fleeing today, giving up at a closed crossing, or on the road towards a
        destination they can no longer use choose one by the destination logit; households
        moving on for a reason (sim/engine/onward.py) go where they chose; all set off."""
        hh, b, t = self.households, self.config.behaviour, self.day
        rng = self.rng
        fleeing = leaving.households
        open_air = np.flatnonzero(hh.status == Status.OPEN) if b.onward_move_cost is None else departure.NOBODY
        moving_on = open_air[rng.random(len(open_air)) < b.open_air_move_on_per_day]  # the rule before
        waiting = hh.members(Status.BORDER)   # not let through (closed or quota full)
        giving_up = waiting[rng.random(len(waiting)) < b.border_give_up_per_day]
        ctx = self._destination_context()
        in_transit = hh.members(Status.TRANSIT)
        dest_now = hh.destination[in_transit]
        usable = ctx.eligible
        if b.crossing_queue_days > 0:   # heading for a crossing that lets them through: go on
            usable = usable | (self.days_letting_through[t] > 0) & ~self.government
        ok = dest_now >= 0
        ok[ok] = usable[dest_now[ok]] & np.isfinite(
            self.routes.cost(hh.location[in_transit][ok], dest_now[ok]))
        lost = in_transit[~ok]
        onward, onward_dest = self._onward_moves(ctx)
        movers = union_of(fleeing, moving_on, giving_up, lost)
        movers = np.setdiff1d(movers, onward, assume_unique=True)
        if len(movers) + len(onward) == 0:
            self.recorder.note_departures(movers, movers, movers)
            return
        # The journey's mode: today's means for a flight, the vehicle of a household on the
        # road, the household's own vehicle for everyone else.
        mode = np.where(hh.status[movers] == Status.TRANSIT, hh.by_vehicle[movers],
                        hh.has_vehicle[movers])
        leaving.mode_among(movers, mode)
        dest = behaviour.choose_destinations(hh.location[movers], hh.risk_tolerance[movers],
                                             hh.information[movers], mode, ctx, b, rng)
        found = dest >= 0
        go, dest, mode = movers[found], dest[found], mode[found]
        # Households already on the road just change destination; others leave today.
        on_road = hh.status[go] == Status.TRANSIT
        hh.redirect(go[on_road], dest[on_road])
        leaving_now = np.concatenate([go[~on_road], onward])
        flights = np.intersect1d(leaving_now, fleeing, assume_unique=True)
        from_home = leaving_now[hh.status[leaving_now] == Status.HOME]
        first = hh.set_off(leaving_now, np.concatenate([dest[~on_road], onward_dest]), t, flights,
                           np.concatenate([mode[~on_road], hh.has_vehicle[onward]]))
        self.recorder.note_departures(leaving_now, flights, first, from_home)
        if self.config.departure.mode == "immediate":
            hh.give_up_plan(fleeing)   # no destination today: decide afresh tomorrow

    def _onward_moves(self, ctx: behaviour.DestinationContext) -> tuple[np.ndarray, np.ndarray]:
        """Households staying somewhere that move on today for a reason, and where to: those
        who heard that a crossing opened go and queue for it (sim/engine/crossings.py), others
        move on for a better option (sim/engine/onward.py, with behaviour.onward_move_cost);
        like flights, no more than the roads out can take beyond those already queued."""
        hh, b, rng, t = self.households, self.config.behaviour, self.rng, self.day
        to_cross, crossing = crossings.heading_for_open_crossings(
            hh, self.days_letting_through[t], self.border.quota_people_per_day[t],
            self.routes, b, rng)
        if b.onward_move_cost is None:
            return to_cross, crossing
        room = perception.room_people(hh, self.head_count, self.geography.kind,
                                      self.camp_capacity, self.host_capacity)
        moving, where = onward.moves_today(hh, to_cross, ctx, room, b, rng)
        going = np.concatenate([to_cross, moving])
        fits = grouped_fits(hh.location[going], hh.people_weight[going],
                            np.maximum(self.exit_room, 0.0))
        return going[fits], np.concatenate([crossing, where])[fits]

    def move(self) -> tuple[np.ndarray, np.ndarray]:
        m = self.config.movement
        res = movement.travel(self.households, self.routes, self.geography, self.road_capacity,
                              m.vehicle_speed_km_per_day, m.foot_speed_km_per_day, self.rng)
        self.households.wait_without_route(res.stuck)   # choose again tomorrow
        return res.arrived, res.flow_people

    def admit(self, arrived: np.ndarray) -> np.ndarray:
        crossed_people, crossed = admission.admit(
            self.households, arrived, self.geography, self.camp_capacity, self.host_capacity,
            self.border, self.day, self.rng,
            ~self.government if self.config.capacity.shelter_from_open else None)
        self.recorder.note_crossed(crossed)
        self.recorder.note_journeys_ended(arrived, self.day)
        return crossed_people

    def settle(self) -> None:
        """Journeys that end: households on the move, or waiting at a closed crossing, for
        ``movement.settle_after_days`` settle in the open where they are (sim/engine/settling.py)."""
        limit = self.config.movement.settle_after_days
        if limit is None:
            return
        hh, t = self.households, self.day
        # Not where it would flee from (there it is still fleeing), nor on government-held ground.
        b = self.config.behaviour
        threat = perception.threat(self.fear, self._perceived_front_km(), b)
        journeys = settling.overdue_journeys(hh, t, limit, ~self.government, threat,
                                             b.danger_tolerance)
        self.recorder.note_journeys_ended(journeys, t)
        hh.settle_on_the_way(journeys, t)
        closed = (self.border.quota_people_per_day[t] <= 0) & ~self.government
        waits = settling.overdue_border_waits(hh, t, limit, closed)
        hh.settle_at_border(waits)
        self.recorder.note_settled(np.concatenate([journeys, waits]))

    def take_head_count(self) -> None:
        """Tonight's head-count by status and place, checked against the households' ledger
        and tally by place; tomorrow's destination choice reads it as what households know of
        crowding. The recorder counts it, with tonight's other counts, in one pass."""
        self.head_count = self.recorder.count_tonight(self.day)
        self.households.check_ledger(self.day, self.head_count)

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
