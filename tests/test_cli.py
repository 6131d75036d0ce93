"""The idlib-sim command: bad input -> one stderr line, exit 2, nothing written; good input runs."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
import yaml

from sim.cli.main import main
from sim.config.loading import deep_merge
from tests.conftest import REPO, TINY_BASE

SMALL_DAYS = 15


def write_tiny(folder, name="tiny.yaml", **overrides):
    """The tiny scenario (absolute region path) with overrides, written to ``folder``."""
    path = folder / name
    path.write_text(yaml.safe_dump(deep_merge(TINY_BASE, overrides), sort_keys=False),
                    encoding="utf-8")
    return path


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{text}"
    assert "Traceback" not in text
    assert lines[0].startswith("idlib-sim: error:"), lines[0]
    return lines[0]


def main_exit_code(argv) -> int:
    """``main`` returns the code for input errors; argparse errors exit via SystemExit."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def run_subprocess(args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PYTHONWARNINGS")}
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


# --------------------------------------------------------------------------- bad input, in-process


def test_run_missing_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "nope.yaml", "--quiet"]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert "nope.yaml" in line and "not found" in line
    assert out == ""
    assert not (tmp_path / "results").exists()
    assert os.listdir(tmp_path) == []


def test_run_unknown_field(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = write_tiny(tmp_path, behaviour={"flee_propensty": 2.0})
    assert main(["run", str(path), "--quiet"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "behaviour.flee_propensty" in line and "flee_propensity" in line
    assert not (tmp_path / "results").exists()


def test_check_bad_place(tmp_path, capsys):
    path = write_tiny(tmp_path, conflict={"control_changes": [{"place": "Midtwn", "day": 3}]})
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert "conflict.control_changes.0.place" in line and "'Midtown'" in line
    assert "OK" not in out


@pytest.mark.parametrize("seed, words", [("-1", [">= 0"]), ("abc", ["'abc'", "whole number"])])
def test_run_bad_seed(tmp_path, monkeypatch, capsys, seed, words):
    monkeypatch.chdir(tmp_path)
    path = write_tiny(tmp_path)
    assert main_exit_code(["run", str(path), "--seed", seed, "--quiet"]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert "--seed" in line
    for word in words:
        assert word in line
    assert out == ""
    assert not (tmp_path / "results").exists()


def test_bench_bad_days(capsys):
    assert main_exit_code(["bench", "--days", "0"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--days" in line and ">= 1" in line


def test_unknown_subcommand(capsys):
    assert main_exit_code(["frobnicate"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "'frobnicate'" in line and "run" in line and "check" in line


def test_no_subcommand(capsys):
    assert main_exit_code([]) == 2
    one_line(capsys.readouterr().err)


def test_run_out_is_a_file(tmp_path, capsys):
    path = write_tiny(tmp_path, days=3)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    assert main_exit_code(["run", str(path), "--out", str(blocker), "--quiet"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--out" in line


# --------------------------------------------------------------------------- bad input, subprocess


def test_subprocess_missing_file(tmp_path):
    proc = run_subprocess(["run", "nope.yaml"], cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "nope.yaml" in line
    assert proc.stdout == ""
    assert not (tmp_path / "results").exists()


def test_subprocess_bad_seed(tmp_path):
    write_tiny(tmp_path)
    proc = run_subprocess(["run", "tiny.yaml", "--seed", "abc"], cwd=tmp_path)
    assert proc.returncode == 2
    assert "'abc'" in one_line(proc.stderr)
    assert not (tmp_path / "results").exists()


def test_subprocess_malformed_yaml(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: tiny\nstart_date: 2020-01-01\ndays: [1, 2\n")
    proc = run_subprocess(["run", "broken.yaml"], cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "broken.yaml" in line and "line" in line
    assert not (tmp_path / "results").exists()


# --------------------------------------------------------------------------- good input


def test_check_good_scenario(tmp_path, capsys):
    path = write_tiny(tmp_path, days=33)
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "OK" in out and "tiny" in out and "33 days" in out
    assert err == ""


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """One short tiny run through the CLI, shared by the checks below."""
    folder = tmp_path_factory.mktemp("cli_run")
    path = write_tiny(folder, days=SMALL_DAYS)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", str(path), "--out", str(folder / "res"), "--quiet"])
    return code, out.getvalue(), err.getvalue(), folder / "res"


def test_run_exit_code_and_summary(small_run):
    code, out, err, _ = small_run
    assert code == 0, err
    assert "total displaced" in out
    assert "error" not in err


def test_run_writes_one_netcdf_and_no_temp_files(small_run):
    _, _, _, res = small_run
    assert sorted(p.name for p in res.iterdir()) == ["tiny"]
    files = os.listdir(res / "tiny")
    assert [f for f in files if f.endswith(".part")] == []
    nc = [f for f in files if f.endswith(".nc")]
    assert len(nc) == 1 and files == nc
    assert nc[0].startswith("seed1-")


def test_run_output_conserves_people(small_run):
    _, out, _, res = small_run
    (nc,) = (res / "tiny").glob("*.nc")
    assert str(nc) in out.replace("\n", "")  # the summary names the file written
    with xr.open_dataset(nc) as ds:
        total = ds["people_total"].values
        assert ds.sizes["time"] == SMALL_DAYS
        assert ds.attrs["scenario_name"] == "tiny"
        assert int(ds.attrs["seed"]) == 1
    assert total[0] > 0
    np.testing.assert_allclose(total, total[0])


def test_run_summary_has_no_checkpoints_past_the_end(small_run):
    _, out, _, _ = small_run
    assert "displaced by day 14" in out
    assert "displaced by day 30" not in out
    assert "displaced by day 90" not in out


def test_bench_tiny(tmp_path, capsys):
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--days", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "whole process" in out and "peak memory" in out
    assert "days                5" in out
    written = [f for f in os.listdir(tmp_path) if f.endswith(".nc")]
    assert written == ["bench-tiny.nc"]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]


# --------------------------------------------------------------------------- one module per command


def subcommands() -> dict:
    """Every command's sub-parser, by name, as ``idlib-sim`` builds them."""
    from sim.cli.main import build_parser

    (sub,) = [a for a in build_parser()._actions if a.dest == "command"]
    return dict(sub.choices)


COMMAND_NAMES = ["scenarios", "new", "run", "check", "compare", "bench", "bench-ensemble", "sweep",
                 "sensitivity", "validate", "calibrate", "plot", "memo", "flee-run", "flee-import",
                 "explore"]


def test_every_command_is_registered():
    assert sorted(subcommands()) == sorted(COMMAND_NAMES)


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_help_of_every_command_shows_an_example(command, capsys):
    assert main_exit_code([command, "--help"]) == 0
    out = capsys.readouterr().out
    example = out.split("example:", 1)
    assert len(example) == 2, out
    assert f"idlib-sim {command} " in example[1]


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_option_has_a_help_text_with_its_default(command):
    import argparse

    parser = subcommands()[command]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{command} {action.dest} has no help text"
        takes_value = action.option_strings and action.nargs != 0
        optional_positional = not action.option_strings and action.nargs == "?"
        if takes_value or optional_positional or isinstance(action, argparse._StoreTrueAction):
            assert "default" in action.help or action.required, \
                f"{command} {action.dest}: help does not say the default: {action.help!r}"


def test_help_imports_no_heavy_library(tmp_path):
    """``idlib-sim --help`` (and every command's) must start fast: no xarray, Mesa, Dask..."""
    code = (
        "import sys\n"
        "from sim.cli import main\n"
        f"for argv in [['--help']] + [[c, '--help'] for c in {COMMAND_NAMES!r}]:\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, argv\n"
        "heavy = {'xarray', 'mesa', 'dask', 'distributed', 'SALib', 'matplotlib', 'netCDF4'}\n"
        "sys.stderr.write(' '.join(sorted(heavy & {m.split('.')[0] for m in sys.modules})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "idlib-sim run" in proc.stdout            # the helps were printed
    assert proc.stderr == "", f"imported at --help: {proc.stderr}"


# --------------------------------------------------------------------------- overrides re-validate


def test_bench_days_past_the_limit_is_refused_before_running(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)                           # the default scenario is relative
    assert main(["bench", "--days", "5000", "--out", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert "days" in line and "3650" in line and "5000" in line
    assert out == ""
    assert os.listdir(tmp_path) == []


def test_run_axis_stopping_before_it_starts(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    axis = {**TINY_BASE["conflict"]["axes"][0], "start_day": 10, "stop_day": 4}
    path = write_tiny(tmp_path, conflict={"axes": [axis]})
    assert main(["run", str(path), "--quiet"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "conflict.axes.0.stop_day" in line and "start_day" in line
    assert not (tmp_path / "results").exists()


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory):
    from sim.world.scenarios import load_scenario

    return load_scenario(write_tiny(tmp_path_factory.mktemp("overrides")))


def test_with_overrides_sets_dotted_paths_and_keeps_the_source(tiny_scenario):
    sc = tiny_scenario.with_overrides({"population.total_people": 50_000, "days": 30,
                                       "conflict.axes.0.speed_km_per_day": 3.5})
    assert (sc.population.total_people, sc.days, sc.conflict.axes[0].speed_km_per_day) == \
        (50_000, 30, 3.5)
    assert sc.source_sha256 == tiny_scenario.source_sha256 and len(sc.source_sha256) == 64
    assert sc.source_path == tiny_scenario.source_path
    assert tiny_scenario.days == TINY_BASE["days"]           # the original is untouched
    assert sc.conflict.axes[0].via == tiny_scenario.conflict.axes[0].via


def test_with_overrides_unknown_path(tiny_scenario):
    from sim.errors import InputError

    with pytest.raises(InputError) as info:
        tiny_scenario.with_overrides({"population.total_peple": 10})
    assert info.value.field == "population.total_peple"
    assert "total_people" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError) as info:
        tiny_scenario.with_overrides({"conflict.axes.3.speed_km_per_day": 1.0})
    assert info.value.field == "conflict.axes.3.speed_km_per_day"


@pytest.mark.parametrize("overrides, field, words", [
    ({"days": 5000}, "days", ["3650", "5000"]),
    ({"behaviour.flee_propensity": -1}, "behaviour.flee_propensity", ["greater than or equal to 0", "-1"]),
    ({"population.total_people": "many"}, "population.total_people", ["integer"]),
    ({"conflict.axes.0.stop_day": 1}, "conflict.axes.0.stop_day", ["start_day"]),  # starts day 2
])
def test_with_overrides_validates_values(tiny_scenario, overrides, field, words):
    from sim.errors import InputError

    with pytest.raises(InputError) as info:
        tiny_scenario.with_overrides(overrides)
    text = str(info.value)
    assert info.value.field == field and "\n" not in text
    for word in words:
        assert word in text, text


def test_bench_ensemble_people_override(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = write_tiny(tmp_path, days=4)
    assert main(["bench-ensemble", str(path), "--members", "2", "--workers", "1",
                 "--people", "3000", "--no-dask"]) == 0
    out = capsys.readouterr().out
    assert "ensemble of 2 members of tiny (3,000 people, 4 days) on 1 workers" in out
    assert "(2 runs, 0 failed; combine included)" in out
    assert "Dask" not in out and "projected 64-member ensemble" in out
    assert os.listdir(tmp_path) == ["tiny.yaml"]      # the timed runs are cleaned up


def test_bench_ensemble_in_turns_says_where_the_time_goes(tmp_path, monkeypatch, capsys):
    from sim.ensemble.benchmark import benchmark_ensemble, benchmark_plan

    monkeypatch.chdir(tmp_path)
    path = write_tiny(tmp_path, days=4)
    assert main(["bench-ensemble", str(path), "--members", "2", "--workers", "1",
                 "--people", "3000", "--no-dask", "--turns", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("pool  wall time") == 2 and out.count("a run ") == 2
    assert "combine and statistics" in out and "the rest" in out
    seen = []
    result = benchmark_ensemble(benchmark_plan(str(path), 2, people=3000, posterior=None),
                                workers=1, backends=("pool",), turns=3, on_timing=seen.append)
    assert [t.backend for t in result.timings] == ["pool"] * 3 and seen == list(result.timings)
    for t in result.timings:
        assert t.finished == 2 and 0 < t.run_s and 0 < t.post_s
        assert t.run_s + t.post_s <= t.wall_s      # one worker: its runs and the post fit in
    walls = sorted(t.wall_s for t in result.timings)
    assert result.median_wall_s("pool") == walls[1] and result.median_wall_s("dask") is None
    assert result.projected_minutes(64) == 64 * walls[1] / 2 / 60


# --------------------------------------------------------------------------- version, run options


def test_version(capsys):
    import sim

    assert main_exit_code(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"idlib-sim {sim.__version__}"


@pytest.fixture(scope="module")
def reduced_run(tmp_path_factory):
    """``run --days 6 --people 4000 --json``, once, and the full-length file name it must not take."""
    folder = tmp_path_factory.mktemp("reduced")
    path = write_tiny(folder)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", str(path), "--days", "6", "--people", "4000", "--seed", "2",
                     "--json", "--out", str(folder / "res"), "--quiet"])
    return code, out.getvalue(), err.getvalue(), folder / "res" / "tiny"


def test_run_days_and_people_override_the_scenario(reduced_run):
    code, out, err, folder = reduced_run
    assert code == 0, err
    (nc,) = folder.glob("*.nc")
    assert nc.name.startswith("seed2-") and nc.stem.endswith("-days6-total_people4000")
    with xr.open_dataset(nc) as ds:
        assert ds.sizes["time"] == 6
        assert int(ds.attrs["initial_people"]) == 4000
        assert int(ds.attrs["seed"]) == 2
        np.testing.assert_allclose(ds["people_total"].values, 4000)


def test_run_json_is_the_printed_summary_next_to_the_netcdf(reduced_run):
    import json
    import math

    from sim.analysis.summary import summarise

    code, out, _, folder = reduced_run
    (nc,) = folder.glob("*.nc")
    path = nc.with_suffix(".json")
    assert f"summary: {path}" in out.replace("\n", "")
    data = json.loads(path.read_text())                  # strict JSON: no NaN
    with xr.open_dataset(nc) as ds:
        s = summarise(ds.load())
    assert data["total_displaced"] == s.total_displaced
    assert data["in_camps"] == s.in_camps and data["days"] == 6 and data["seed"] == 2
    assert {k: v for k, v in data["displaced_by_day"].items()} == \
        {str(k): v for k, v in s.displaced_by_day.items()}
    share = s.women_and_children_share
    assert data["women_and_children_share"] == (None if math.isnan(share) else share)
    assert data["provenance"]["netcdf"] == nc.name
    assert data["provenance"]["scenario_sha256"] == \
        xr.open_dataset(nc).attrs["scenario_sha256"]
    assert not list(folder.glob(".*.part"))


@pytest.mark.parametrize("flags, words", [
    (["--days", "5000"], ["days", "3650", "5000"]),
    (["--people", "0"], ["--people", ">= 1"]),
    (["--days", "ten"], ["--days", "'ten'"]),
])
def test_run_overrides_are_validated_before_running(tmp_path, monkeypatch, capsys, flags, words):
    monkeypatch.chdir(tmp_path)
    path = write_tiny(tmp_path)
    assert main_exit_code(["run", str(path), *flags, "--quiet"]) == 2
    line = one_line(capsys.readouterr().err)
    for word in words:
        assert word in line, line
    assert not (tmp_path / "results").exists()


def test_a_copy_that_keeps_the_name_warns_that_it_writes_beside_the_original(tmp_path, capsys):
    original = write_tiny(tmp_path, "original.yaml", days=3)
    out = str(tmp_path / "res")
    assert main(["run", str(original), "--out", out, "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["run", str(original), "--out", out, "--quiet", "--seed", "4"]) == 0
    assert "warning" not in capsys.readouterr().err      # more runs of the same file: fine
    copy = write_tiny(tmp_path, "copy.yaml", days=3, behaviour={"flee_propensity": 2.0})
    assert main(["run", str(copy), "--out", out, "--quiet"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("idlib-sim: warning:"), err
    assert "holds 2 runs of another scenario file" in err[0] and "original.yaml" in err[0]
    assert "name:" in err[0] and "--out" in err[0]
    assert len(list((tmp_path / "res" / "tiny").glob("*.nc"))) == 3    # the run went on


def test_an_edited_scenario_warns_about_its_earlier_runs(tmp_path, capsys):
    path = write_tiny(tmp_path, "s.yaml", days=3)
    out = str(tmp_path / "res")
    assert main(["run", str(path), "--out", out, "--quiet"]) == 0
    write_tiny(tmp_path, "s.yaml", days=4)
    capsys.readouterr()
    assert main(["run", str(path), "--out", out, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "an earlier version of s.yaml" in err and "refuse the mix" in err
