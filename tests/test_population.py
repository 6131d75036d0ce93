"""sim.engine.population: day-0 households add up exactly; the population checks sit at the edge
(PopulationConfig, check_places) and the synthesis parameters are schema fields."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TINY_BASE, make_scenario

from sim.config.loading import deep_merge, parse_scenario
from sim.engine.population import people_by_location, synthesise
from sim.errors import InputError
from sim.world.scenarios import check_places


def one_line_error(call) -> str:
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    return message


def test_people_by_place_beyond_the_total_is_refused_by_the_schema():
    data = deep_merge(TINY_BASE, {"population": {"total_people": 1000,
                                                 "people_by_place": {"Midtown": 900, "Southtown": 300}}})
    message = one_line_error(lambda: parse_scenario(data))
    assert "population.people_by_place" in message
    assert "adds up to 1,200, more than total_people 1,000; raise total_people" in message


def test_no_place_left_for_the_rest_is_refused_against_the_geography(tiny_geo):
    everywhere = {name: 0 for name, kind in zip(tiny_geo.names, tiny_geo.kind)
                  if kind != "external" and tiny_geo.population_people[tiny_geo.index(name)] > 0}
    sc = parse_scenario(deep_merge(TINY_BASE, {"population": {"people_by_place": everywhere}}))
    message = one_line_error(lambda: check_places(sc, tiny_geo))
    assert "population.total_people" in message and "no place left" in message
    # the same places holding everyone is fine
    named = dict(everywhere, Midtown=30000)
    check_places(make_scenario(population={"people_by_place": named}), tiny_geo)


def test_max_household_size_below_the_mean_is_refused():
    data = deep_merge(TINY_BASE, {"population": {"max_household_size": 4}})
    assert "population.max_household_size" in one_line_error(lambda: parse_scenario(data))


def test_named_places_get_exactly_their_people_and_the_total_is_exact(tiny_geo):
    sc = make_scenario(population={"total_people": 30001, "people_by_place": {"Midtown": 123}})
    per = people_by_location(sc, tiny_geo)
    assert per.sum() == 30001 and per[tiny_geo.index("Midtown")] == 123
    hh = synthesise(sc, tiny_geo, np.random.default_rng(0))
    assert np.array_equal(np.bincount(hh.home, weights=hh.size, minlength=len(per)), per)


def test_household_size_cap_and_trait_spread_are_read_from_the_schema(tiny_geo):
    def draw(**population):
        sc = make_scenario(population=population)
        return synthesise(sc, tiny_geo, np.random.default_rng(5))

    base, capped = draw(), draw(max_household_size=6)
    assert base.size.max() > 6 and capped.size.max() <= 6
    assert capped.people == base.people                    # places still add up exactly
    alike = draw(trait_concentration=40.0)
    assert alike.risk_tolerance.std() < 0.5 * base.risk_tolerance.std()
    assert abs(alike.risk_tolerance.mean() - base.risk_tolerance.mean()) < 0.02
