"""Results files in, figures out: `idlib-sim plot`, and every kind of bad input ending in one
line on stderr and exit code 2 (a file that is not ours, a missing variable, a window outside
the run, an empty ensemble)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import TINY, make_scenario

from sim.cli.main import main
from sim.cli.options import parse_window
from sim.engine.model import run_model
from sim.errors import InputError
from sim.io.dataset import to_dataset, write_atomic
from sim.io.results import Runs, check_results, load_results
from sim.report.plots import FIGURES
from sim.world.geography import load_geography


@pytest.fixture(scope="module")
def tiny_ds():
    return to_dataset(run_model(make_scenario(days=30), seed=1, geography=load_geography(TINY)))


@pytest.fixture()
def run_file(tiny_ds, tmp_path):
    return write_atomic(tiny_ds, tmp_path / "results" / "tiny" / "seed1-abc.nc")


def exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:   # argparse errors
        return exc.code


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("idlib-sim: error:") and "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- good input


def test_plot_writes_every_figure_into_the_runs_folder(run_file, capsys):
    assert exit_code(["plot", str(run_file), "--dpi", "25", "--format", "png"]) == 0
    folder = run_file.with_suffix("")
    for name in FIGURES:
        assert (folder / f"{name}.png").stat().st_size > 1000
    assert not list(folder.glob(".*"))                    # no temporary files left behind
    out = capsys.readouterr().out
    assert "single run, no uncertainty band" in out and "flow_map.png" in out


def test_plot_window_by_dates_and_by_day_indices(tiny_ds):
    runs = Runs(tiny_ds)
    assert parse_window("2020-01-03:2020-01-10", runs) == (2, 9)
    assert parse_window("2:9", runs) == (2, 9)
    assert parse_window(":5", runs) == (0, 5)
    assert parse_window(None, runs) == (0, 29)


def test_a_folder_of_runs_is_read_as_an_ensemble(tiny_ds, tmp_path):
    sc = make_scenario(days=30, seed=2)
    other = to_dataset(run_model(sc, geography=load_geography(TINY)))
    write_atomic(tiny_ds, tmp_path / "runs" / "a.nc")
    write_atomic(other, tmp_path / "runs" / "b.nc")
    ens = load_results(tmp_path)
    assert ens.sizes["run"] == 2 and list(ens["seed"].values) == [1, 2]
    assert Runs(ens).runs_phrase().startswith("ensemble of 2 runs")
    assert not np.array_equal(ens["cumulative_displaced"].isel(run=0),
                              ens["cumulative_displaced"].isel(run=1))


# --------------------------------------------------------------------------- bad input


def test_a_text_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "notes.nc"
    bad.write_text("not a netcdf file\n")
    assert exit_code(["plot", str(bad)]) == 2
    assert "not a NetCDF results file" in one_error_line(capsys)


def test_a_netcdf_that_is_not_ours_is_refused(tmp_path, capsys):
    other = tmp_path / "other.nc"
    xr.Dataset({"temperature": ("x", np.arange(3.0))}).to_netcdf(other)
    assert exit_code(["plot", str(other)]) == 2
    line = one_error_line(capsys)
    assert "not an idlib-sim results file" in line and "scenario_name" in line
    assert not (tmp_path / "other").exists()


def test_a_missing_variable_is_named(tiny_ds, tmp_path, capsys):
    path = write_atomic(tiny_ds.drop_vars("road_flow"), tmp_path / "cut.nc")
    assert exit_code(["plot", str(path)]) == 2
    assert "'road_flow' is missing" in one_error_line(capsys)


def test_a_missing_file(tmp_path, capsys):
    assert exit_code(["plot", str(tmp_path / "nope.nc")]) == 2
    assert "file not found" in one_error_line(capsys)


@pytest.mark.parametrize("window, words", [
    ("2020-01-01:2020-02-01", "2020-02-01 is outside the run"),
    ("2019-06-01:2019-07-01", "2019-06-01 is outside the run"),
    ("5:300", "day 300 is outside the run"),
    ("9:2", "the start is after the end"),
    ("yesterday:5", "neither a date"),
    ("1-5", "is not START:END"),
])
def test_a_window_outside_the_run(run_file, window, words, capsys):
    assert exit_code(["plot", str(run_file), f"--window={window}"]) == 2
    line = one_error_line(capsys)
    assert "--window" in line and words in line
    assert "2020-01-01 to 2020-01-30" in line and "0-29" in line      # says what is valid
    assert not run_file.with_suffix("").exists()                      # nothing written


def test_bad_days_and_formats(run_file, capsys):
    assert exit_code(["plot", str(run_file), "--days", "7,90"]) == 2
    assert "--days" in one_error_line(capsys)
    assert exit_code(["plot", str(run_file), "--format", "png,jpg"]) == 2
    assert "--format" in one_error_line(capsys)


def test_an_empty_ensemble_is_refused(tiny_ds):
    empty = xr.concat([tiny_ds], dim="run").isel(run=slice(0, 0))
    with pytest.raises(InputError, match="no runs"):
        check_results(empty)


def test_memo_needs_at_least_one_member(capsys):
    assert exit_code(["memo", "scenarios/idlib_full_assault.yaml", "--members", "0"]) == 2
    line = one_error_line(capsys)
    assert "--members" in line and ">= 1" in line
