"""Sweep files: validated once, with one-line errors; samplers give the designs they promise."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import REPO, TINY_BASE

from sim.ensemble.plan import load_sweep, set_path
from sim.errors import InputError


def write(tmp_path, sweep: dict, base: dict = TINY_BASE):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "base": "base.yaml", **sweep}))
    return path


def error(tmp_path, sweep: dict) -> InputError:
    with pytest.raises(InputError) as exc:
        load_sweep(write(tmp_path, sweep))
    text = str(exc.value)
    assert "\n" not in text
    return exc.value


def test_unknown_parameter_path_names_it_and_suggests(tmp_path):
    err = error(tmp_path, {"parameters": {"behaviour.flee_propensty": {"range": [1, 2]}}})
    assert err.field == "parameters.behaviour.flee_propensty"
    assert "flee_propensity" in str(err)


def test_empty_range_and_empty_values(tmp_path):
    assert "empty range" in str(error(tmp_path, {"parameters": {
        "behaviour.flee_propensity": {"range": [2, 2]}}}))
    assert "empty values" in str(error(tmp_path, {"parameters": {
        "behaviour.flee_propensity": {"values": []}}}))


def test_members_below_one(tmp_path):
    err = error(tmp_path, {"members": 0})
    assert err.field == "members"


def test_a_value_that_makes_an_invalid_scenario_is_caught_before_running(tmp_path):
    err = error(tmp_path, {"parameters": {"behaviour.max_destination_danger": {"range": [0.5, 1.5]}}})
    assert err.field == "parameters.behaviour.max_destination_danger"
    assert "less than or equal to 1" in str(err)


def test_set_is_validated_and_names_the_path(tmp_path):
    err = error(tmp_path, {"set": {"days": 5000}})
    assert err.field == "set.days" and "3650" in str(err)
    err = error(tmp_path, {"set": {"population.total_peple": 10}})
    assert err.field == "set.population.total_peple" and "total_people" in str(err)


def test_set_applies_to_every_point(tmp_path):
    plan = load_sweep(write(tmp_path, {"set": {"population.total_people": 1234, "days": 12},
                                       "parameters": {"behaviour.flee_propensity": {"values": [1, 2]}}}))
    for p in range(len(plan.points)):
        data = plan.scenario_data(p)
        assert data["population"]["total_people"] == 1234 and data["days"] == 12


def test_unknown_top_level_field(tmp_path):
    err = error(tmp_path, {"membrs": 3})
    assert "members" in str(err)


def test_grid_is_the_full_product(tmp_path):
    plan = load_sweep(write(tmp_path, {"members": 2, "sampler": {"kind": "grid", "levels": 3},
                                       "parameters": {"behaviour.flee_propensity": {"range": [1, 3]},
                                                      "border.default": {"values": [
                                                          [{"day": 0, "status": "closed"}],
                                                          [{"day": 0, "status": "open"}]]}}}))
    assert len(plan.points) == 6 and plan.n_runs == 12
    assert sorted({p["behaviour.flee_propensity"] for p in plan.points}) == [1.0, 2.0, 3.0]
    data = plan.scenario_data(5)
    assert data["behaviour"]["flee_propensity"] == plan.points[5]["behaviour.flee_propensity"]
    assert len(set(plan.seeds)) == 2


def test_latin_hypercube_covers_each_stratum_once(tmp_path):
    plan = load_sweep(write(tmp_path, {"sampler": {"kind": "latin", "samples": 10},
                                       "parameters": {"behaviour.flee_propensity": {"range": [0, 10]}}}))
    values = np.array([p["behaviour.flee_propensity"] for p in plan.points])
    assert sorted(np.floor(values).astype(int)) == list(range(10))


def test_morris_and_sobol_designs_have_the_salib_shape(tmp_path):
    params = {"behaviour.flee_propensity": {"range": [1, 5]},
              "behaviour.danger_tolerance": {"range": [0.1, 0.6]}}
    morris = load_sweep(write(tmp_path, {"sampler": {"kind": "morris", "samples": 3}, "parameters": params}))
    assert len(morris.points) == 3 * (2 + 1)
    sobol = load_sweep(write(tmp_path, {"sampler": {"kind": "sobol", "samples": 8}, "parameters": params}))
    assert len(sobol.points) == 8 * (2 + 2)
    assert sobol.design.shape == (32, 2) and np.all((sobol.design >= 0) & (sobol.design <= 1))


def test_seeds_do_not_depend_on_the_number_of_members(tmp_path):
    a = load_sweep(write(tmp_path, {"members": 3, "seed": 5}))
    b = load_sweep(write(tmp_path, {"members": 5, "seed": 5}))
    assert b.seeds[:3] == a.seeds


def test_set_path_into_lists_and_mappings():
    data = {"conflict": {"axes": [{"speed_km_per_day": 1.0}]}, "border": {"crossings": {}}}
    set_path(data, "conflict.axes.0.speed_km_per_day", 2.5)
    set_path(data, "border.crossings.Gate", [{"day": 0, "status": "open"}])
    assert data["conflict"]["axes"][0]["speed_km_per_day"] == 2.5
    assert data["border"]["crossings"]["Gate"][0]["status"] == "open"
    with pytest.raises(KeyError):
        set_path(data, "conflict.axes.3.speed_km_per_day", 1.0)


def test_shipped_sweeps_load():
    for name in ("full_assault_ensemble", "border_and_behaviour"):
        plan = load_sweep(REPO / "scenarios" / "sweeps" / f"{name}.yaml")
        assert plan.n_runs >= 32


def test_days_cannot_be_varied(tmp_path):
    err = error(tmp_path, {"parameters": {"days": {"values": [10, 20]}}})
    assert err.field == "parameters.days"
