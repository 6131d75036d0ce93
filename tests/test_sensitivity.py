"""Sensitivity analysis recovers planted effects, and works end to end on a real small sweep."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from conftest import TINY_BASE

from sim.analysis.sensitivity import analyse, sweep_sensitivity
from sim.cli.main import main
from sim.ensemble.plan import load_sweep
from sim.ensemble.sweep import run_sweep
from sim.errors import InputError

PROBLEM = {"num_vars": 3, "names": ["strong", "weak", "inert"], "bounds": [[0, 1]] * 3}


def toy(x: np.ndarray, rng) -> np.ndarray:
    return 10 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2] + rng.normal(0, 0.01, len(x))


def test_morris_ranks_a_planted_effect():
    from SALib.sample import morris

    x = morris.sample(PROBLEM, N=20, num_levels=4, seed=1)
    ix = analyse("morris", PROBLEM, x, toy(x, np.random.default_rng(0)))
    mu = dict(zip(ix.parameters, ix.values["mu_star"]))
    assert mu["strong"] > 5 * mu["weak"] > 0
    assert mu["inert"] < 0.1 * mu["weak"]
    assert np.isclose(mu["strong"], 10, rtol=0.05)      # linear: mu* = the slope over the range


def test_sobol_attributes_the_variance_to_the_planted_parameter():
    from SALib.sample import sobol

    x = sobol.sample(PROBLEM, N=512, calc_second_order=False, seed=1)
    ix = analyse("sobol", PROBLEM, x, toy(x, np.random.default_rng(0)))
    st = dict(zip(ix.parameters, ix.values["ST"]))
    # variance shares of 10 x0 + x1 with uniform inputs: 100/101 and 1/101
    assert st["strong"] == pytest.approx(100 / 101, abs=0.05)
    assert st["weak"] == pytest.approx(1 / 101, abs=0.02)
    assert abs(st["inert"]) < 0.01


def test_spearman_for_other_designs():
    rng = np.random.default_rng(2)
    x = rng.random((200, 3))
    ix = analyse("latin", PROBLEM, x, toy(x, rng))
    assert ix.method == "spearman" and ix.values["abs_rho"][0] > 0.9 > ix.values["abs_rho"][2]


def test_sensitivity_of_a_real_small_morris_sweep(tmp_path):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump({**TINY_BASE, "days": 25}))
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({
        "name": "m", "base": "base.yaml", "members": 1, "seed": 4,
        "sampler": {"kind": "morris", "samples": 2, "levels": 4},
        "parameters": {"behaviour.flee_propensity": {"range": [0.5, 6.0]},
                       "behaviour.host_preference": {"range": [0.0, 0.1]}}}))
    plan = load_sweep(tmp_path / "s.yaml")
    run_sweep(plan, tmp_path / "res", workers=1)
    folder = tmp_path / "res" / "m"
    indices = {ix.metric: ix for ix in sweep_sensitivity(folder)}
    flee = indices["displaced_day30"].values["mu_star"][0]
    assert flee > 0
    assert main(["sensitivity", str(folder)]) == 0
    assert (folder / "sensitivity" / "indices.csv").is_file()
    assert (folder / "sensitivity" / "tornado_displaced_day30.png").stat().st_size > 10_000


def test_incomplete_or_wrong_folder_is_one_line_exit_2(tmp_path, capsys):
    assert main(["sensitivity", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "sweep.json" in err
    (tmp_path / "sweep.json").write_text(json.dumps({
        "name": "x", "parameters": ["a", "b"], "points": [{}, {}], "seeds": [1],
        "sampler": {"kind": "morris", "levels": 4}, "design": [[0, 0], [1, 0]],
        "problem": {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]},
        "root_seed": 0}))
    (tmp_path / "manifest.jsonl").write_text(json.dumps(
        {"run_id": "p0000-m000", "point": 0, "member": 0, "status": "ok", "metrics": {}}) + "\n")
    with pytest.raises(InputError, match="sweep incomplete: 1 of 2 points"):
        sweep_sensitivity(tmp_path)
