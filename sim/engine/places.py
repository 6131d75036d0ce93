"""Places as Mesa agents: towns, camps, crossings and external areas on the road network.

A :class:`Location` sits in a cell of the model's ``mesa.discrete_space.Network`` (``model.space``,
a :class:`RoadNetwork`)
and is a *view* of the per-place state the engine works on: every property reads the model's
arrays (today's danger and control, capacities, last night's head-count), so an agent can never
disagree with the numbers the rules used, and no daily loop copies them over. A live page can
draw the Location agents of ``model.space`` and read these properties.
"""

from __future__ import annotations

import inspect

from sim.engine.households import Status
from sim.engine.mesa_core import Cell, DiscreteSpace, FixedAgent, Network

DISPLACED_HERE = [Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER]


_PLACES_CELLS = "layout" in inspect.signature(Network.__init__).parameters
"""Mesa's ``Network`` gives its cells positions from a layout (Mesa 3.5; not 3.3)."""


class RoadNetwork(Network):
    """Mesa's network space over the road graph: a cell per place (its coordinate is the
    place's index), joined along the roads.

    Mesa 3.3's ``Network`` joins its cells from a networkx graph; here they are joined from the
    geography's road arrays, in the same order, and the networkx graph (``G``) is built when
    first asked for: importing networkx costs ~0.13 s, and a run never asks for it. A Mesa
    whose ``Network`` places its cells (a ``layout``, Mesa 3.5) imports networkx itself and
    builds the space as ever, each cell at its place's longitude and latitude."""

    def __init__(self, geo, random=None, cell_klass: type[Cell] = Cell):
        self._geography = geo
        self._graph = None
        if _PLACES_CELLS:
            Network.__init__(self, geo.graph(), random=random, cell_klass=cell_klass,
                             layout={i: (float(geo.lon[i]), float(geo.lat[i]))
                                     for i in range(geo.n_locations)})
            return
        DiscreteSpace.__init__(self, capacity=None, random=random, cell_klass=cell_klass)
        for i in range(geo.n_locations):
            self._cells[i] = self.cell_klass(coordinate=i, capacity=None, random=self.random)
        for a, b in zip(geo.edge_from.tolist(), geo.edge_to.tolist()):
            self._cells[a].connect(self._cells[b], b)
            self._cells[b].connect(self._cells[a], a)

    @property
    def G(self):  # noqa: N802  (Mesa's name)
        """The road network as a networkx graph (:meth:`~sim.world.geography.Geography.graph`)."""
        if self._graph is None:
            self._graph = self._geography.graph()
        return self._graph

    @G.setter
    def G(self, graph):  # noqa: N802
        self._graph = graph


class Location(FixedAgent):
    """A place on the road graph: its name and kind, and a view of its state in the model."""

    def __init__(self, model, cell, index: int):
        super().__init__(model)
        self.cell = cell
        geo = model.geography
        self.index = index
        self.name = geo.names[index]
        self.kind = str(geo.kind[index])
        self.lat = float(geo.lat[index])
        self.lon = float(geo.lon[index])

    # ----------------------------------------------------------------- today's conflict
    @property
    def danger(self) -> float:
        """Today's danger index (0-1); 0 before the first step."""
        return float(self.model.danger[self.index])

    @property
    def government(self) -> bool:
        """Government-held today (before the first step: as in 2019)."""
        return bool(self.model.government[self.index])

    @property
    def captured_day(self) -> int | None:
        """First day of the run the place was government-held, None if never (yet)."""
        day = int(self.model.captured_day[self.index])
        return day if day >= 0 else None

    # ----------------------------------------------------------------- capacity
    @property
    def camp_capacity_people(self) -> float:
        return float(self.model.camp_capacity[self.index])

    @property
    def host_capacity_people(self) -> float:
        return float(self.model.host_capacity[self.index])

    # ----------------------------------------------------------------- last night's head-count
    def _count(self, status) -> float:
        return self.model.head_count[status, self.index]

    @property
    def people_present(self) -> int:
        """People here at the end of the last day, in any status except CROSSED."""
        col = self.model.head_count[:, self.index]
        return int(col.sum() - col[Status.CROSSED])

    @property
    def displaced_present(self) -> int:
        """People displaced in this run staying here: camp, host, open air or border queue."""
        return int(self._count(DISPLACED_HERE).sum())

    @property
    def camp_occupancy(self) -> int:
        """Camp places in use: admitted arrivals, plus day-0 residents at a camp cluster."""
        home = self._count(Status.HOME) if self.kind == "camp" else 0.0
        return int(self._count(Status.CAMP) + home)

    @property
    def in_open(self) -> int:
        """People in the open or informal shelter here (no capacity was left)."""
        return int(self._count(Status.OPEN))

    @property
    def waiting_at_border(self) -> int:
        """People waiting at this crossing, not let through."""
        return int(self._count(Status.BORDER))
