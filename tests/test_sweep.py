"""Sweeps and ensembles: the same numbers whatever the workers or backend, resume after a kill,
failed runs reported without stopping the sweep, and ensemble statistics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr
import yaml
from conftest import REPO, TINY_BASE

from sim.ensemble.plan import load_sweep
from sim.ensemble.sweep import run_ensemble, run_sweep
from sim.errors import InputError

SMALL = {**TINY_BASE, "days": 25}


def sweep_file(tmp_path, sweep: dict, base: dict = SMALL):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "base": "base.yaml", **sweep}))
    return path


GRID = {"members": 2, "seed": 3, "sampler": {"kind": "grid", "levels": 2},
        "parameters": {"behaviour.flee_propensity": {"range": [1.5, 4.0]}}}


def same(a: xr.Dataset, b: xr.Dataset) -> None:
    assert a.sizes == b.sizes
    for v in a.data_vars:
        assert np.array_equal(a[v].values, b[v].values, equal_nan=True), v
    assert list(a["seed"].values) == list(b["seed"].values)


def manifest(folder):
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]


def test_one_or_two_workers_give_identical_results(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, GRID))
    one = run_sweep(plan, tmp_path / "one", workers=1)
    two = run_sweep(plan, tmp_path / "two", workers=2)
    assert one.finished == two.finished == 4 and not one.failed
    with xr.open_dataset(one.combined) as a, xr.open_dataset(two.combined) as b:
        same(a, b)
        # the parameter is a coordinate of the combined dataset, and it mattered
        flee = a["param_behaviour__flee_propensity"].values
        total = a["cumulative_displaced"].isel(time=-1).values
        assert total[flee == 4.0].mean() > total[flee == 1.5].mean()


def test_dask_local_cluster_gives_the_same_numbers_as_the_pool(tmp_path):
    pytest.importorskip("distributed")
    plan = load_sweep(sweep_file(tmp_path, GRID))
    pool = run_sweep(plan, tmp_path / "pool", workers=2)
    dask = run_sweep(plan, tmp_path / "dask", workers=2, dask_local=True)
    with xr.open_dataset(pool.combined) as a, xr.open_dataset(dask.combined) as b:
        same(a, b)


def test_rerunning_skips_finished_runs(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, GRID))
    first = run_sweep(plan, tmp_path / "r", workers=1)
    again = run_sweep(plan, tmp_path / "r", workers=1)
    assert first.finished == 4 and again.finished == 0 and again.skipped == 4


def test_a_sweep_killed_mid_way_resumes_without_losing_or_duplicating_runs(tmp_path):
    slow = {**TINY_BASE, "days": 120, "population": {"total_people": 150000}}
    path = sweep_file(tmp_path, {"members": 6, "seed": 1}, base=slow)
    out = tmp_path / "res"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(path), "--workers", "1", "--quiet",
           "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = out / "s" / "runs"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(runs.glob("*.nc"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.stem for p in runs.glob("*.nc")}
    assert 2 <= len(done_before) < 6, "the kill must land mid-sweep"
    subprocess.run(cmd, cwd=REPO, check=True, timeout=120)
    files = sorted(p.stem for p in runs.glob("*.nc"))
    assert files == [f"p0000-m{m:03d}" for m in range(6)]
    assert not list((out / "s").rglob("*.part"))      # the killed sweep's combined.nc too
    ok = [r["run_id"] for r in manifest(out / "s") if r["status"] == "ok"]
    assert sorted(set(ok)) == files and len(ok) == len(set(ok))   # each run once
    with xr.open_dataset(out / "s" / "combined.nc") as ds:
        assert ds.sizes["run"] == 6


def test_a_failing_run_is_reported_and_the_sweep_goes_on(tmp_path, monkeypatch):
    # 40,000 people in one place is more than the 30,000 in the scenario: refused when the sweep
    # is read, before anything runs.
    path = sweep_file(tmp_path, {"members": 1, "sampler": {"kind": "grid"}, "parameters": {
        "population.people_by_place": {"values": [{"Southtown": 100}, {"Southtown": 40000}]}}})
    with pytest.raises(InputError, match="population.people_by_place.*more than total_people"):
        load_sweep(path)
    # A run that breaks while running (here a planted write behind the households' owner, which
    # the conservation ledger catches) fails alone: the other point runs.
    from sim.engine.model import DisplacementModel
    admit = DisplacementModel.admit

    def broken_admit(self, arrived):
        crossed = admit(self, arrived)
        if self.config.population.people_by_place.get("Southtown") == 200 and self.day == 5:
            hh = self.households
            hh.status[np.flatnonzero(hh.status == 0)[0]] = 4    # a HOME household now OPEN
        return crossed

    monkeypatch.setattr(DisplacementModel, "admit", broken_admit)
    path = sweep_file(tmp_path, {"members": 1, "sampler": {"kind": "grid"}, "parameters": {
        "population.people_by_place": {"values": [{"Southtown": 100}, {"Southtown": 200}]}}})
    result = run_sweep(load_sweep(path), tmp_path / "f", workers=1)
    assert result.finished == 1 and len(result.failed) == 1
    bad = result.failed[0]
    assert bad["params"]["population.people_by_place"] == {"Southtown": 200}
    assert "day 5" in bad["error"] and "Households" in bad["error"]
    recs = manifest(tmp_path / "f" / "s")
    assert {r["status"] for r in recs} == {"ok", "failed"}


def test_the_file_combined_as_runs_land_is_the_one_combined_after(tmp_path, monkeypatch):
    """Runs are appended to combined.nc in run order as their outcomes come in, the first run
    failing here: the same file as combining the finished runs' files afterwards."""
    from sim.engine.model import DisplacementModel
    from sim.io.sweep_folder import combine
    admit = DisplacementModel.admit

    def broken_admit(self, arrived):
        crossed = admit(self, arrived)
        if self.config.population.people_by_place.get("Southtown") == 200 and self.day == 5:
            hh = self.households
            hh.status[np.flatnonzero(hh.status == 0)[0]] = 4
        return crossed

    monkeypatch.setattr(DisplacementModel, "admit", broken_admit)
    path = sweep_file(tmp_path, {"members": 2, "sampler": {"kind": "grid"}, "parameters": {
        "population.people_by_place": {"values": [{"Southtown": 200}, {"Southtown": 100}]}}})
    plan = load_sweep(path)
    result = run_sweep(plan, tmp_path / "f", workers=1)
    folder = tmp_path / "f" / "s"
    assert result.finished == 2 and len(result.failed) == 2
    assert result.combined == folder / "combined.nc"
    assert not [p.name for p in folder.rglob("*.part")]
    os.replace(folder / "combined.nc", tmp_path / "as_they_landed.nc")
    assert combine(folder, plan) == folder / "combined.nc"
    with xr.open_dataset(tmp_path / "as_they_landed.nc") as a, \
            xr.open_dataset(folder / "combined.nc") as b:
        assert list(a["run_id"].values) == ["p0001-m000", "p0001-m001"]
        assert a.attrs["sweep_runs_finished"] == 2 and a.attrs["id"].endswith("_runs2")
        stamps = {"date_created", "date_modified", "date_issued", "date_metadata_modified", "history"}
        assert {k: v for k, v in a.attrs.items() if k not in stamps} == \
            {k: v for k, v in b.attrs.items() if k not in stamps}
        xr.testing.assert_identical(a, b.assign_attrs(a.attrs))
        for v in a.variables:
            assert a[v].encoding.get("dtype") == b[v].encoding.get("dtype"), v
            assert a[v].encoding.get("chunksizes") == b[v].encoding.get("chunksizes"), v


def test_no_run_finished_leaves_no_combined_file(tmp_path):
    from sim.io.sweep_folder import combine

    plan = load_sweep(sweep_file(tmp_path, GRID))
    folder = tmp_path / "empty"
    (folder / "runs").mkdir(parents=True)
    assert combine(folder, plan) is None
    assert os.listdir(folder) == ["runs"]


def test_ensemble_reuses_members_and_gives_quantiles(tmp_path):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(SMALL))
    two = run_ensemble(tmp_path / "tiny.yaml", 2, workers=1, out_dir=tmp_path)
    assert two.sizes["run"] == 2
    three = run_ensemble(tmp_path / "tiny.yaml", 3, workers=1, out_dir=tmp_path)
    assert three.sizes["run"] == 3
    assert list(three["seed"].values[:2]) == list(two["seed"].values)
    folder = next((tmp_path / "tiny").glob("ensemble-*"))
    recs = manifest(folder)
    assert len([r for r in recs if r["status"] == "ok"]) == 3       # the first two were reused
    with xr.open_dataset(folder / "stats.nc") as st:
        med = st["cumulative_displaced"].sel(quantile=0.5).values
        assert np.allclose(med, np.median(three["cumulative_displaced"].values, axis=0))
        assert np.all(st["cumulative_displaced"].sel(quantile=0.1).values <= med + 1e-9)


def test_ensemble_statistics_are_the_members_quantiles_block_by_block(tmp_path, monkeypatch):
    # The combined file is stored in blocks of one run and a few days, and the quantiles are
    # taken block by block (memory: members x block). A small block makes many of them even
    # on the tiny map; every statistic must still be the quantile over all the members.
    import netCDF4

    from sim.io import sweep_folder
    monkeypatch.setattr(sweep_folder, "CHUNK_BYTES", 1024)
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(SMALL))
    run_ensemble(tmp_path / "tiny.yaml", 4, workers=1, out_dir=tmp_path)
    folder = next((tmp_path / "tiny").glob("ensemble-*"))
    with netCDF4.Dataset(folder / "combined.nc") as nc:
        var = nc["displaced_by_origin"]
        chunk = var.chunking()
        assert chunk[0] == 1 and 1 < chunk[1] < var.shape[1]          # one run, some days
        assert np.prod(chunk) * 8 <= 1024
    with xr.open_dataset(folder / "combined.nc") as comb, xr.open_dataset(folder / "stats.nc") as st:
        checked = 0
        for v in st.data_vars:
            if "run" in comb[v].dims:
                want = np.quantile(comb[v].values, st["quantile"].values,
                                   axis=comb[v].dims.index("run"))
                np.testing.assert_array_equal(st[v].transpose("quantile", ...).values,
                                              want, err_msg=v)
                checked += 1
        assert checked > 20
    assert not list(folder.glob(".stats-*")), "the quantiles' scratch files stay behind"


def test_an_edited_scenario_gets_a_new_ensemble_folder(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(SMALL))
    run_ensemble(path, 1, workers=1, out_dir=tmp_path)
    path.write_text(yaml.safe_dump({**SMALL, "behaviour": {"flee_propensity": 2.0}}))
    run_ensemble(path, 1, workers=1, out_dir=tmp_path)          # no "different sweep" error
    assert len(list((tmp_path / "tiny").glob("ensemble-*"))) == 2


def test_combining_waits_for_run_order_and_leaves_nothing_when_interrupted(tmp_path):
    from sim.io.sweep_folder import Combiner

    plan = load_sweep(sweep_file(tmp_path, GRID))
    result = run_sweep(plan, tmp_path / "c", workers=1, combine_runs=False)
    folder = result.folder
    assert result.combined is None and not (folder / "combined.nc").exists()
    with pytest.raises(KeyboardInterrupt):
        with Combiner(folder, plan) as combiner:
            combiner.settle(combiner.order[0], True)
            assert [p.name for p in folder.glob(".combined.nc.*.part")]   # being written
            raise KeyboardInterrupt
    assert not list(folder.glob("*combined*"))
    with Combiner(folder, plan) as combiner:
        first, second, *rest = combiner.order
        combiner.settle(second, True)                 # waits for the run before it
        assert not list(folder.glob("*combined*"))
        combiner.settle(first, False)                 # failed: the second becomes run 0
        for run_id in rest:
            combiner.settle(run_id, True)
    assert combiner.path == folder / "combined.nc"
    with xr.open_dataset(combiner.path) as ds:
        assert list(ds["run_id"].values) == [second, *rest]
        assert ds.attrs["sweep_runs_finished"] == 3
