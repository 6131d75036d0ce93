"""Calibration recovers a planted parameter on a small synthetic scenario."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import TINY_BASE

from sim.analysis.calibrate import distances, posterior
from sim.cli.main import main
from sim.engine.model import run_model
from sim.ensemble.calibration import calibration_plan, parse_param
from sim.ensemble.sweep import run_sweep
from sim.errors import InputError
from sim.io.dataset import to_dataset
from sim.io.observed import load_observed
from sim.world.geography import load_geography
from sim.world.scenarios import load_scenario

TRUE_FLEE = 2.0
BASE = {**TINY_BASE, "days": 30, "population": {"total_people": 60000},
        "behaviour": {"flee_propensity": TRUE_FLEE}}


def planted_observations(tmp_path):
    """'Observed' figures made by the model itself with flee_propensity = 2."""
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump(BASE))
    sc = load_scenario(tmp_path / "truth.yaml")
    ds = to_dataset(run_model(sc, seed=99))
    cum = ds["cumulative_displaced"].values
    lines = ["date_start,date_end,measure,area,value,source_id,note"]
    for end in (4, 8, 12, 20):
        lines.append(f"2020-01-01,2020-01-{end:02d},people_displaced,all,{cum[end - 1]:.0f},T,")
    (tmp_path / "obs.csv").write_text("\n".join(lines) + "\n")
    # the scenario to calibrate starts from another value
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump({**BASE, "behaviour": {}}))
    return tmp_path / "scenario.yaml", tmp_path / "obs.csv"


def test_calibration_recovers_a_planted_flee_propensity(tmp_path):
    scenario, obs = planted_observations(tmp_path)
    plan = calibration_plan(scenario, ["behaviour.flee_propensity=0.3:8"], samples=24,
                            members=1, seed=3)
    result = run_sweep(plan, tmp_path / "res", workers=1)
    geo = load_geography(load_scenario(scenario).region)
    points = distances(plan.points, len(plan.seeds), result.folder, load_observed(obs, geo), geo, 1.0)
    post = posterior(points, plan.parameter_names, 0.2, {"behaviour.flee_propensity": (0.3, 8)})
    s = post.summary.iloc[0]
    assert abs(s["posterior_mean"] - TRUE_FLEE) < 1.0
    assert s["p10"] <= TRUE_FLEE + 0.3 and s["p90"] >= TRUE_FLEE - 0.3
    assert s["posterior_sd"] < (8 - 0.3) / np.sqrt(12)        # narrower than the prior
    assert abs(s["best"] - TRUE_FLEE) < 1.0


def test_calibrate_command_writes_the_posterior(tmp_path):
    scenario, obs = planted_observations(tmp_path)
    code = main(["calibrate", str(scenario), str(obs), "--params",
                 "behaviour.flee_propensity=0.5:6", "--samples", "8", "--members", "1",
                 "--workers", "1", "--out", str(tmp_path / "res")])
    assert code == 0
    folder = tmp_path / "res" / "calibrate_tiny" / "calibration"
    assert (folder / "posterior.csv").is_file() and (folder / "posterior.png").is_file()


def test_bad_parameter_specs():
    with pytest.raises(InputError, match="path=low:high"):
        parse_param("behaviour.flee_propensity")
    with pytest.raises(InputError, match="empty range"):
        parse_param("behaviour.flee_propensity=3:1")
