"""Places as Mesa agents: towns, camps, crossings and external areas on the road network."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent


class Location(FixedAgent):
    """A place on the road graph that owns danger, capacity and head-counts."""

    def __init__(self, model, cell, index: int):
        super().__init__(model)
        self.cell = cell
        geo = model.geography
        self.index = index
        self.name = geo.names[index]
        self.kind = str(geo.kind[index])
        self.camp_capacity_people = float(model.camp_capacity[index])
        self.host_capacity_people = float(model.host_capacity[index])
        self.danger = 0.0
        self.government = bool(geo.control_2019[index] == "government")
        self.captured_day: int | None = None
        self.people_present = 0
        self.displaced_present = 0
