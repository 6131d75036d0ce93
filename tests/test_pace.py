"""Offensive-pace ensembles: members draw the axes' speeds around the written ones, with the
declared spread, reproducibly from their seeds; fixed parameters and swept speeds draw
nothing; the draws reach the model (a faster front displaces more people sooner)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import yaml
from conftest import REPO, TINY_BASE

from sim.config.loading import parse_scenario
from sim.ensemble.pace import pace_draws, speed_path
from sim.ensemble.sweep import ensemble_folder, ensemble_plan, run_ensemble
from sim.errors import InputError
from sim.io.results import Runs

TWO_AXES = {**TINY_BASE, "days": 20, "population": {"total_people": 20000},
            "conflict": {"axes": [
                {"name": "south", "start": "Southfront", "via": ["Southtown", "Midtown"],
                 "start_day": 2, "speed_km_per_day": 2.0, "width_km": 4},
                {"name": "slow", "start": "Southfront", "via": ["Southtown"],
                 "start_day": 5, "speed_km_per_day": 0.5, "width_km": 4}],
                "pace_uncertainty": {"shared_p90_factor": 1.6, "axis_p90_factor": 1.25}}}
SEEDS = tuple(range(4000))


def scenario_file(tmp_path, data=TWO_AXES, name="paced.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def factors(draws, axis: int, written: float) -> np.ndarray:
    return np.array([d[speed_path(axis)] / written for d in draws])


def test_drawn_speeds_have_the_written_medians_and_the_declared_spread():
    sc = parse_scenario(TWO_AXES)
    draws, record = pace_draws(sc, SEEDS, set())
    assert record["drawn"] == [speed_path(0), speed_path(1)]
    f0, f1 = factors(draws, 0, 2.0), factors(draws, 1, 0.5)
    for f in (f0, f1):
        assert abs(np.median(f) - 1.0) < 0.03
    # log factor = shared + own: sd sqrt(s_shared^2 + s_axis^2); the axes share s_shared^2
    s_shared, s_axis = math.log(1.6) / 1.28155, math.log(1.25) / 1.28155
    assert np.std(np.log(f0)) == pytest.approx(math.hypot(s_shared, s_axis), rel=0.05)
    cov = np.cov(np.log(f0), np.log(f1))[0, 1]
    assert cov == pytest.approx(s_shared ** 2, rel=0.1)
    # the shared factor alone: P90 1.6 with no axis spread
    shared_only = parse_scenario({**TWO_AXES, "conflict": {**TWO_AXES["conflict"],
                                  "pace_uncertainty": {"shared_p90_factor": 1.6, "axis_p90_factor": 1.0}}})
    only = factors(pace_draws(shared_only, SEEDS, set())[0], 0, 2.0)
    assert np.quantile(only, 0.9) == pytest.approx(1.6, rel=0.03)
    assert np.allclose(only, factors(pace_draws(shared_only, SEEDS, set())[0], 1, 0.5), rtol=1e-3)


def test_draws_are_reproducible_per_member_and_a_fixed_axis_shifts_no_other():
    sc = parse_scenario(TWO_AXES)
    first, _ = pace_draws(sc, SEEDS[:5], set())
    assert pace_draws(sc, SEEDS[:5], set())[0] == first
    assert pace_draws(sc, SEEDS[:8], set())[0][:5] == first          # an ensemble can grow
    assert len({d[speed_path(0)] for d in first}) == 5                # members differ
    kept, record = pace_draws(sc, SEEDS[:5], {speed_path(0)})
    assert record["drawn"] == [speed_path(1)]
    assert [d[speed_path(1)] for d in kept] == [d[speed_path(1)] for d in first]
    assert all(speed_path(0) not in d for d in kept)


def test_no_declaration_or_fixed_parameters_draw_nothing(tmp_path):
    plain = {**TWO_AXES, "conflict": {"axes": TWO_AXES["conflict"]["axes"]}}
    assert pace_draws(parse_scenario(plain), SEEDS[:3], set()) == ((), {})
    path = scenario_file(tmp_path)
    fixed = ensemble_plan(path, 3, posterior=None)
    assert not fixed.member_params and not fixed.pace
    paced = ensemble_plan(path, 3)        # the tiny region has no posterior: pace only
    assert not paced.posterior and paced.pace["drawn"] == [speed_path(0), speed_path(1)]
    assert paced.band.startswith("offensive pace: each member draws its axis speeds")
    assert ensemble_folder(tmp_path, paced).name.endswith("-pace")
    assert ensemble_folder(tmp_path, paced) != ensemble_folder(tmp_path, fixed)


def test_pace_without_axes_is_refused_in_one_line():
    data = {**TWO_AXES, "conflict": {"pace_uncertainty": {"shared_p90_factor": 1.5}}}
    with pytest.raises(InputError) as info:
        parse_scenario(data)
    text = str(info.value)
    assert "conflict.pace_uncertainty" in text and "add conflict.axes" in text and "\n" not in text
    with pytest.raises(InputError, match="shared_p90_factor"):
        parse_scenario({**TWO_AXES, "conflict": {**TWO_AXES["conflict"],
                                                 "pace_uncertainty": {"shared_p90_factor": 0.5}}})


def test_drawn_speeds_reach_the_model_and_the_band_says_so(tmp_path):
    """Members run at their own speeds (recorded per run); the faster front displaces more."""
    wide = {**TWO_AXES, "conflict": {**TWO_AXES["conflict"],
                                     "pace_uncertainty": {"shared_p90_factor": 3.0}}}
    ds = run_ensemble(scenario_file(tmp_path, wide), 6, workers=1, out_dir=tmp_path / "out")
    speeds = ds["param_conflict__axes__0__speed_km_per_day"].values
    plan = ensemble_plan(scenario_file(tmp_path, wide), 6)
    assert list(speeds) == [d[speed_path(0)] for d in plan.member_params]
    displaced = ds["cumulative_displaced"].isel(time=9).values        # day 10, front still moving
    assert displaced[speeds == speeds.max()][0] > displaced[speeds == speeds.min()][0]
    assert ds.attrs["parameter_uncertainty"] == "offensive_pace"
    assert "(offensive pace)" in Runs(ds).runs_phrase()
    written = json.loads(ds.attrs["scenario_json"])["conflict"]["axes"][0]["speed_km_per_day"]
    assert written == 2.0                   # the ensemble's scenario is the written one


def test_the_planning_assaults_declare_their_pace_uncertainty():
    """The shipped planning scenarios draw their speeds with the posterior; hindcasts, whose
    axes are fitted to dated control changes, do not."""
    full = ensemble_plan(REPO / "scenarios" / "idlib_full_assault.yaml", 2)
    assert full.posterior and len(full.pace["drawn"]) == 4
    assert "posterior predictive" in full.band and "axis speeds" in full.band
    hind = ensemble_plan(REPO / "scenarios" / "hindcast_2019_hama_idlib.yaml", 2)
    assert hind.posterior and not hind.pace
