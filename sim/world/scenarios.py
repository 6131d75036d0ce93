"""A scenario checked against its world: every place it names exists in its region.

:func:`load_scenario` is what users call: read and validate the YAML
(:mod:`sim.config.loading`), load the region's geography, and check every place name,
crossing and road (with close-match suggestions), so a run never starts with a typo in it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from sim.config.loading import read_scenario
from sim.config.scenario import Scenario
from sim.errors import InputError
from sim.world.geography import Geography, load_geography


def load_scenario(path: str | Path, geography: Geography | None = None) -> Scenario:
    """Read, validate and place-check a scenario YAML file.

    ``geography`` defaults to the scenario's ``region`` shipped with the package.
    """
    scenario = read_scenario(path)
    check_places(scenario, geography or load_geography(scenario.region), str(path))
    return scenario


def check_places(scenario: Scenario, geography, where: str = "scenario") -> None:
    """Every place a scenario names must exist in the geography; suggest close matches.

    Only what needs the geography is checked here; checks within the scenario (days in
    order, an axis stopping after it starts) are the schema's (:mod:`sim.config.scenario`).
    """
    c = scenario.conflict

    def need(name: str, field: str, allow_front_points: bool = False) -> None:
        known = geography.names + (geography.front_point_names if allow_front_points else [])
        if name in known:
            return
        hint = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        files = "locations.csv or front_points.csv" if allow_front_points else "locations.csv"
        fix = f"did you mean {', '.join(repr(h) for h in hint)}?" if hint else \
            f"use a name from sim/data/<region>/{files}"
        raise InputError(f"unknown place {name!r}; {fix}", where=where, field=field)

    for i, axis in enumerate(c.axes):
        need(axis.start, f"conflict.axes.{i}.start", allow_front_points=True)
        for j, place in enumerate(axis.via):
            need(place, f"conflict.axes.{i}.via.{j}", allow_front_points=True)
    for i, name in enumerate(c.government_points):
        need(name, f"conflict.government_points.{i}", allow_front_points=True)
    for i, cc in enumerate(c.control_changes):
        need(cc.place, f"conflict.control_changes.{i}.place")
    for i, s in enumerate(c.strikes):
        need(s.place, f"conflict.strikes.{i}.place")
    for i, rc in enumerate(c.road_closures):
        need(rc.from_place, f"conflict.road_closures.{i}.from")
        need(rc.to_place, f"conflict.road_closures.{i}.to")
        if geography.edge_index(rc.from_place, rc.to_place) is None:
            raise InputError(
                f"no road between {rc.from_place!r} and {rc.to_place!r}; close a road listed in "
                "sim/data/<region>/roads.csv", where=where, field=f"conflict.road_closures.{i}")
    for name in scenario.border.crossings:
        need(name, f"border.crossings.{name}")
        if geography.kind_of(name) != "crossing":
            raise InputError(f"{name!r} is not a border crossing; crossings are: "
                             f"{', '.join(geography.crossing_names)}",
                             where=where, field=f"border.crossings.{name}")
    for name in scenario.population.people_by_place:
        need(name, f"population.people_by_place.{name}")
    _check_room_for_people(scenario, geography, where)
    for name in scenario.capacity.camp_capacity_people:
        need(name, f"capacity.camp_capacity_people.{name}")
    for name in scenario.spawning.initial_people_by_place:
        need(name, f"spawning.initial_people_by_place.{name}")


def _check_room_for_people(scenario: Scenario, geography, where: str) -> None:
    """People not named in ``people_by_place`` are shared out over the other populated places
    (not external areas; :func:`sim.engine.population.people_by_location`): there must be one."""
    pop = scenario.population
    rest = pop.total_people - sum(pop.people_by_place.values())
    named = set(pop.people_by_place)
    room = any(kind != "external" and people > 0 and name not in named
               for name, kind, people in zip(geography.names, geography.kind,
                                             geography.population_people))
    if rest > 0 and not room:
        raise InputError("no place left to hold the remaining people; list them in "
                         "people_by_place or use a region with populations", where=where,
                         field="population.total_people")
