"""A deliberately plain Mesa reference: one ``mesa.Agent`` per household, scalar Python rules.

It re-implements the decision to flee and the destination choice straight from the model
description (docs/model.md, Submodels), one household at a time, with no NumPy in the rules,
so that the vectorised engine can be checked against it statistically. It shares only the
inputs (geography, conflict timeline, routes) with the engine, not the household code.
Movement is instantaneous here: the reference is for the decision rules, on scenarios where
roads and capacity do not bind.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.engine.population import synthesise
from sim.engine.routing import plan_routes
from sim.world.conflict import build_timeline


class ReferenceHousehold(mesa.Agent):
    def __init__(self, model, size, home, risk_tolerance, information, has_vehicle, idp):
        super().__init__(model)
        self.size = int(size)
        self.home = int(home)
        self.location = int(home)
        self.risk_tolerance = float(risk_tolerance)
        self.information = float(information)
        self.has_vehicle = bool(has_vehicle)
        self.idp = bool(idp)
        self.fled_day: int | None = None
        self.first_destination: int | None = None

    def step(self):
        if self.fled_day is not None:
            return
        m, b = self.model, self.model.config.behaviour
        danger = float(m.timeline.danger[m.day, self.location])
        front = float(m.timeline.front_distance_km[m.day, self.location])
        perceived = danger ** (2.0 - self.information)
        proximity = math.exp(-front / b.front_proximity_scale_km)
        excess = perceived + b.front_proximity_weight * proximity - self.risk_tolerance * b.danger_tolerance
        if excess <= 0 and b.base_flee_rate_per_day == 0:
            return
        hazard = b.base_flee_rate_per_day + b.flee_propensity * max(excess, 0.0) \
            * (1 + b.social_weight * m.departed_share[self.home]) \
            * (1.0 if self.has_vehicle else b.no_vehicle_factor) \
            * (b.prior_displacement_factor if self.idp else 1.0)
        if m.random.random() >= 1.0 - math.exp(-hazard):
            return
        best, best_u = None, -math.inf
        for d in range(m.geo.n_locations):
            cost = float(m.routes.cost_km[self.location, d])
            if d == self.location or not m.eligible[d] or not math.isfinite(cost):
                continue
            u = (m.kind_preference[d]
                 - (0.5 if self.has_vehicle else 1.0) * b.distance_weight_per_100km * cost / 100.0
                 - b.safety_weight * (1.5 - self.risk_tolerance) * float(m.timeline.danger[m.day, d])
                 + b.front_distance_weight_per_100km * min(float(m.timeline.front_distance_km[m.day, d]), 150.0) / 100.0)
            u += -math.log(-math.log(m.random.random()))       # Gumbel draw
            if u > best_u:
                best, best_u = d, u
        if best is not None:
            self.fled_day = m.day
            self.first_destination = best


class ReferenceModel(mesa.Model):
    """Needs a scenario where crowding, capacity and the border do not matter."""

    def __init__(self, scenario, geo, seed):
        super().__init__(rng=seed)
        self.config, self.geo = scenario, geo
        self.timeline = build_timeline(scenario, geo)
        hh = synthesise(scenario, geo, np.random.default_rng(seed))
        for i in range(len(hh)):
            ReferenceHousehold(self, hh.size[i], hh.home[i], hh.risk_tolerance[i],
                               hh.information[i], hh.has_vehicle[i], hh.already_displaced[i])
        b = scenario.behaviour
        self.kind_preference = [
            b.camp_preference if k == "camp" else b.border_preference if k == "crossing"
            else b.northern_aleppo_preference if (k == "external" and c == "turkish_backed")
            else b.host_preference for k, c in zip(geo.kind, geo.control_2019)]
        self.initial = {}
        for a in self.agents:
            self.initial[a.home] = self.initial.get(a.home, 0) + a.size
        self.day = -1

    def step(self):
        self.day = self.steps - 1
        t, tl, b = self.day, self.timeline, self.config.behaviour
        self.routes = plan_routes(self.geo, tl.government[t], tl.road_cut[t], tl.danger[t],
                                  self.config.movement.danger_route_penalty)
        self.eligible = [(not tl.government[t, d]) and tl.danger[t, d] <= b.max_destination_danger
                         and (self.geo.kind[d] == "crossing"
                              or self.geo.camp_capacity_people[d] + self.geo.host_capacity_people[d] > 0)
                         for d in range(self.geo.n_locations)]
        at_home = {}
        for a in self.agents:
            if a.fled_day is None:
                at_home[a.home] = at_home.get(a.home, 0) + a.size
        self.departed_share = {h: (n - at_home.get(h, 0)) / n for h, n in self.initial.items()}
        self.agents.shuffle_do("step")
