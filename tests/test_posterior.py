"""Posterior tables and posterior-predictive ensembles: members draw their parameters from the
posterior, reproducibly from their seeds; the scenario's own settings win; bands say what
they show; a posterior naming a parameter the model lacks is refused in one line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from conftest import REPO, TINY_BASE

from sim.analysis.validate import Comparison, coverage
from sim.cli.main import main
from sim.config.scenario import BehaviourConfig, CapacityConfig
from sim.ensemble.plan import load_sweep
from sim.ensemble.sweep import ensemble_folder, ensemble_plan, run_ensemble
from sim.errors import InputError
from sim.io.observed import ObservedRow
from sim.io.posterior import DEFAULT_POSTERIOR, load_posterior, weighted_quantile, write_posterior
from sim.io.results import Runs

SMALL = {**TINY_BASE, "days": 20, "population": {"total_people": 20000}}
FLEE = "behaviour.flee_propensity"
CAMPS = "capacity.camp_capacity_scale"
PROVENANCE = {"method": "test", "data": ["none"], "scenarios": ["tiny"], "date": "2026-01-01",
              "command": "hand-made", "regions": ["tiny"], "priors": {FLEE: [0.1, 8.0]}}


def posterior_file(tmp_path, values: dict, weights, name="post", provenance=PROVENANCE):
    return write_posterior(tmp_path, name, list(values), np.column_stack(list(values.values())),
                           np.asarray(weights, float), provenance)


def scenario_file(tmp_path, data=SMALL, name="tiny.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def five(tmp_path):
    """Five particles, far apart in flight propensity and camp capacity."""
    return posterior_file(tmp_path, {FLEE: [0.2, 1.0, 2.5, 5.0, 8.0],
                                     CAMPS: [0.5, 1.0, 1.5, 2.0, 3.0]}, np.ones(5))


# --------------------------------------------------------------------------- the tables


def test_the_shipped_posterior_reproduces_the_documented_calibration():
    """The recovered accepted points give the summary docs/validation/posterior.csv recorded."""
    table = load_posterior("abc_2019_coarse")
    recorded = pd.read_csv(REPO / "docs" / "validation" / "posterior.csv").set_index("parameter")
    summary = table.summary().set_index("parameter")
    assert set(summary.index) == set(recorded.index) and len(table.weights) == 8
    for p in recorded.index:
        for ours, theirs in (("mean", "posterior_mean"), ("sd", "posterior_sd"), ("p10", "p10"),
                             ("p50", "p50"), ("p90", "p90")):
            assert np.isclose(summary.loc[p, ours], recorded.loc[p, theirs], rtol=1e-9), (p, ours)
    assert {"idlib", "idlib_coarse"} <= set(table.regions)


def test_weighted_quantiles_are_numpys_with_equal_weights_and_follow_the_weights():
    v = np.array([3.0, 1.0, 7.0, 2.0, 10.0])
    for q in (0.1, 0.5, 0.9):
        assert np.isclose(weighted_quantile(v, np.ones(5), q), np.percentile(v, 100 * q))
    assert weighted_quantile(v, [0, 0, 0, 0, 1.0], 0.5) == 10.0


def test_a_column_the_schema_lacks_is_refused_in_one_line(tmp_path):
    path = posterior_file(tmp_path, {"behaviour.flee_propensty": [1.0]}, [1.0])
    with pytest.raises(InputError) as info:
        load_posterior(path)
    text = str(info.value)
    assert "'behaviour.flee_propensty'" in text and "flee_propensity" in text and "\n" not in text


def test_invalid_values_weights_or_provenance_are_refused(tmp_path):
    with pytest.raises(InputError, match="row 3"):
        load_posterior(posterior_file(tmp_path, {"behaviour.danger_tolerance": [0.3, 1.5]}, [1, 1]))
    with pytest.raises(InputError, match="weights"):
        load_posterior(posterior_file(tmp_path, {FLEE: [1.0, 2.0]}, [0, 0]))
    path = posterior_file(tmp_path, {FLEE: [1.0]}, [1.0], provenance={"method": "x"})
    with pytest.raises(InputError, match="provenance is missing data"):
        load_posterior(path)
    path.with_suffix(".yaml").unlink()
    with pytest.raises(InputError, match="no provenance file"):
        load_posterior(path)
    with pytest.raises(InputError, match="posterior not found.*abc_2019_coarse"):
        load_posterior("no_such_posterior")


def test_draws_follow_the_weights_and_depend_on_the_seed_only(tmp_path):
    table = load_posterior(posterior_file(tmp_path, {FLEE: [1.0, 5.0]}, [0.9, 0.1]))
    draws = [table.draw(seed)[FLEE] for seed in range(400)]
    assert 0.85 < np.mean(np.array(draws) == 1.0) < 0.95
    assert [table.draw(s) for s in range(20)] == [table.draw(s) for s in range(20)]


# --------------------------------------------------------------------------- ensembles


def test_members_draw_different_parameters_reproducibly_and_grow_consistently(tmp_path, five):
    path = scenario_file(tmp_path)
    plan = ensemble_plan(path, 6, posterior=five)
    drawn = [m[FLEE] for m in plan.member_params]
    assert len(set(drawn)) >= 3                                   # members differ
    assert plan.member_params == ensemble_plan(path, 6, posterior=five).member_params
    assert ensemble_plan(path, 9, posterior=five).member_params[:6] == plan.member_params
    assert ensemble_plan(path, 6, root_seed=77, posterior=five).member_params != plan.member_params
    for m, params in enumerate(plan.member_params):             # the run's scenario carries it
        data = plan.scenario_data(0, m)
        assert data["behaviour"]["flee_propensity"] == params[FLEE]
        assert data["capacity"]["camp_capacity_scale"] == params[CAMPS]
    fixed = ensemble_plan(path, 6, posterior=None)
    assert not fixed.member_params and "household randomness only" in fixed.band
    assert ensemble_folder(tmp_path, fixed) != ensemble_folder(tmp_path, plan)
    assert fixed.fingerprint() != plan.fingerprint()


def test_posterior_predictive_ensemble_records_parameters_and_is_the_same_on_any_workers(tmp_path, five):
    path = scenario_file(tmp_path)
    one = run_ensemble(path, 4, workers=1, out_dir=tmp_path / "one", posterior=five)
    two = run_ensemble(path, 4, workers=2, out_dir=tmp_path / "two", posterior=five)
    for v in ("cumulative_displaced", "in_camp", "param_behaviour__flee_propensity"):
        assert np.array_equal(one[v].values, two[v].values), v
    plan = ensemble_plan(path, 4, posterior=five)
    assert list(one["param_behaviour__flee_propensity"].values) == \
        [m[FLEE] for m in plan.member_params]
    folder = ensemble_folder(tmp_path / "one", plan)
    records = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]
    assert sorted(r["params"][FLEE] for r in records) == sorted(m[FLEE] for m in plan.member_params)
    # the parameters mattered: more flight propensity, more people displaced
    flee = one["param_behaviour__flee_propensity"].values
    total = one["cumulative_displaced"].isel(time=-1).values
    if len(set(flee)) > 1:
        assert total[flee == flee.max()].mean() > total[flee == flee.min()].mean()
    # the band says what it is, in the combined file, the statistics and the one-liner
    assert one.attrs["parameter_uncertainty"] == "posterior_predictive"
    assert "posterior 'post'" in one.attrs["ensemble_band"]
    with xr.open_dataset(folder / "stats.nc") as stats:
        assert "posterior predictive" in stats.attrs["statistic"]
    assert "(posterior predictive)" in Runs(one).runs_phrase()
    # the ensemble's scenario is the one written, not member 0's draw
    written = json.loads(one.attrs["scenario_json"])
    assert written["behaviour"]["flee_propensity"] == BehaviourConfig().flee_propensity
    assert written["capacity"]["camp_capacity_scale"] == CapacityConfig().camp_capacity_scale
    fixed = run_ensemble(path, 2, workers=1, out_dir=tmp_path / "one", posterior=None)
    assert "(household randomness only)" in Runs(fixed).runs_phrase()
    assert fixed.attrs["parameter_uncertainty"] == "none"


def test_what_the_scenario_or_the_sweep_sets_is_not_drawn(tmp_path, five):
    own = scenario_file(tmp_path, {**SMALL, "behaviour": {"flee_propensity": 3.3}}, "own.yaml")
    plan = ensemble_plan(own, 5, posterior=five)
    assert plan.drawn_parameters == [CAMPS] and plan.posterior["kept"] == [FLEE]
    assert all(plan.scenario_data(0, m)["behaviour"]["flee_propensity"] == 3.3 for m in range(5))
    # a sweep's set: wins too; every parameter set means there is nothing left to draw
    with pytest.raises(InputError, match="sets every parameter"):
        ensemble_plan(own, 2, overrides={CAMPS: 1.2}, posterior=five)
    # an extends chain: the base file's settings count as the scenario's
    child = scenario_file(tmp_path, {"extends": "own.yaml", "days": 15}, "child.yaml")
    assert ensemble_plan(child, 2, posterior=five).drawn_parameters == [CAMPS]


def test_default_draws_only_for_the_regions_the_posterior_was_fitted_for(tmp_path):
    tiny = ensemble_plan(scenario_file(tmp_path), 3)                  # the test geography
    assert not tiny.member_params
    idlib = ensemble_plan(REPO / "scenarios" / "hindcast_2019_hama_idlib.yaml", 3)
    assert idlib.posterior["name"] == DEFAULT_POSTERIOR and len(idlib.member_params) == 3
    assert set(idlib.drawn_parameters) == set(load_posterior(DEFAULT_POSTERIOR).parameters)
    # a parameter sweep keeps its design unless a posterior is named
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump({
        "name": "s", "base": "tiny.yaml", "members": 2, "sampler": {"kind": "grid", "levels": 2},
        "parameters": {FLEE: {"range": [1.0, 2.0]}}}))
    assert not load_sweep(tmp_path / "sweep.yaml").member_params


def test_cli_fixed_parameters_and_posterior_flags(tmp_path, five, capsys):
    path = scenario_file(tmp_path)
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump({"name": "ens", "base": "tiny.yaml",
                                                         "members": 2, "seed": 4}))
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--workers", "1", "--quiet",
                 "--posterior", str(five), "--out", str(tmp_path / "a")]) == 0
    with xr.open_dataset(tmp_path / "a" / "ens" / "combined.nc") as ds:
        assert ds.attrs["parameter_uncertainty"] == "posterior_predictive"
        assert "param_capacity__camp_capacity_scale" in ds.coords
    assert "band: posterior predictive" in " ".join(capsys.readouterr().err.split())
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--workers", "1", "--quiet",
                 "--fixed-parameters", "--out", str(tmp_path / "b")]) == 0
    with xr.open_dataset(tmp_path / "b" / "ens" / "combined.nc") as ds:
        assert ds.attrs["parameter_uncertainty"] == "none"
    with pytest.raises(SystemExit) as exit_:                         # one or the other
        main(["sweep", str(tmp_path / "sweep.yaml"), "--fixed-parameters", "--posterior", str(five)])
    assert exit_.value.code == 2
    bad = posterior_file(tmp_path, {"behaviour.no_such": [1.0]}, [1.0], name="bad")
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--posterior", str(bad)]) == 2
    assert "behaviour.no_such" in capsys.readouterr().err
    assert path.is_file()


# --------------------------------------------------------------------------- coverage


def test_coverage_counts_observed_figures_inside_the_bands():
    def comp(value, sims):
        row = ObservedRow(2, pd.Timestamp("2020-01-01").date(), pd.Timestamp("2020-01-02").date(),
                          "arrivals", "all", value, "T")
        return Comparison(row, None if sims is None else np.asarray(sims, float))

    sims = np.arange(101.0)               # P10 = 10, P90 = 90, P5 = 5, P95 = 95
    cov = coverage([comp(50, sims), comp(7, sims), comp(99, sims), comp(1, None)])
    assert (cov.rows, cov.within_p10_p90, cov.within_p5_p95) == (3, 1, 2)
    assert np.isclose(cov.share_p10_p90, 1 / 3) and "1 of 3" in cov.sentence()
