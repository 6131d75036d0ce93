"""Two runs compared (sim/analysis/compare.py, sim/report/plots/compare.py, ``idlib-sim
compare``): every figure is the one each run's own summary shows, differences are B - A, runs
of different lengths or start dates line up by days since the start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import make_scenario

from sim.analysis.compare import compare_runs, figures
from sim.analysis.summary import summarise
from sim.cli.main import main
from sim.engine.model import run_model
from sim.io.dataset import to_dataset, write_atomic
from sim.report.plots.compare import plot_compare
from sim.world.geography import load_geography


def run(seed=1, **overrides):
    sc = make_scenario(**overrides)
    return to_dataset(run_model(sc, seed=seed, geography=load_geography(sc.region)))


@pytest.fixture(scope="module")
def a():
    return run(days=40)


@pytest.fixture(scope="module")
def b():
    return run(days=40, population={"total_people": 15000})


def test_a_run_against_itself_differs_by_nothing(a):
    t = compare_runs(a, a)
    assert (t["difference"] == 0).all()
    assert ((t["relative_difference"] == 0) | t["relative_difference"].isna()).all()
    assert t.loc[t["a"] == 0, "relative_difference"].isna().all()     # no ratio to nothing


def test_every_figure_is_each_runs_own_summary(a, b):
    t = compare_runs(a, b).set_index("measure")
    for measure, _, value in figures(summarise(a)):
        assert t.loc[measure, "a"] == pytest.approx(value, nan_ok=True)
    for measure, _, value in figures(summarise(b)):
        assert t.loc[measure, "b"] == pytest.approx(value, nan_ok=True)
    np.testing.assert_allclose(t["difference"], t["b"] - t["a"])
    total = t.loc["total displaced (each person once)"]
    assert total["relative_difference"] == pytest.approx((total["b"] - total["a"]) / total["a"])
    assert total["b"] < total["a"]              # half the people, fewer displaced


def test_checkpoints_only_one_run_reaches_are_left_out(a):
    short = run(days=20)
    measures = list(compare_runs(a, short)["measure"])
    assert "displaced by day 14" in measures and "displaced by day 30" not in measures


def test_runs_starting_on_other_dates_line_up_by_days_since_the_start(a):
    later = run(days=40, start_date="2021-06-01")
    t = compare_runs(a, later).set_index("measure")
    assert summarise(a).peak_date != summarise(later).peak_date
    assert t.loc["peak day (days since the start)", "difference"] == 0
    assert t.loc["total displaced (each person once)", "difference"] == 0


def test_an_ensemble_is_compared_by_its_medians(a, b):
    ens = xr.concat([run(seed=s, days=40) for s in (1, 2, 3)], dim="run")
    ens = ens.assign_coords(run=np.arange(3), seed=("run", [1, 2, 3]))
    t = compare_runs(a, ens).set_index("measure")
    totals = [float(summarise(ens.isel(run=i)).total_displaced) for i in range(3)]
    assert t.loc["total displaced (each person once)", "b"] == pytest.approx(np.median(totals))


def test_the_figure_carries_the_table(a, b, tmp_path):
    table = compare_runs(a, b)
    res = plot_compare(a, b, table, tmp_path / "cmp")
    assert [p.name for p in res.paths] == ["cmp.png"] and res.paths[0].stat().st_size > 10_000
    pd.testing.assert_frame_equal(res.numbers["differences"], table)


def test_the_command_prints_writes_the_table_and_the_figure(a, b, tmp_path, capsys):
    pa = write_atomic(a, tmp_path / "res" / "tiny" / "seed1-a.nc")
    pb = write_atomic(b, tmp_path / "res" / "tiny" / "seed1-b.nc")
    out = tmp_path / "cmp"
    assert main(["compare", str(pa), str(pb), "--out", str(out), "--dpi", "60"]) == 0
    printed = capsys.readouterr().out
    assert "B - A" in printed and "total displaced" in printed
    table = pd.read_csv(out / "seed1-a-vs-seed1-b.csv")
    expected = compare_runs(a, b)
    assert list(table["measure"]) == list(expected["measure"])
    np.testing.assert_allclose(table["difference"], expected["difference"])
    assert (out / "seed1-a-vs-seed1-b.png").is_file()
    assert not list(out.glob(".*.part"))


def test_a_missing_run_is_one_line(a, tmp_path, capsys):
    pa = write_atomic(a, tmp_path / "a.nc")
    assert main(["compare", str(pa), str(tmp_path / "nope.nc"), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.nc" in err and "not found" in err
    assert not (tmp_path / "c").exists()
