"""Messages for the usual mistakes (sim/config/loading.py, sim/cli/options.py): a results file
or a folder where a scenario is expected, a date not written YYYY-MM-DD. Each is one line
naming what was given, what it is and what to give instead; exit 2; nothing written."""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import TINY_BASE, make_scenario

from sim.cli.main import main
from sim.config.loading import deep_merge, is_results_file, read_scenario
from sim.engine.model import run_model
from sim.errors import InputError
from sim.io.dataset import to_dataset, write_atomic
from sim.world.geography import load_geography


def exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def one_line(capsys) -> str:
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("idlib-sim: error:"), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def results_file(tmp_path_factory):
    sc = make_scenario(days=5)
    ds = to_dataset(run_model(sc, seed=1, geography=load_geography(sc.region)))
    return write_atomic(ds, tmp_path_factory.mktemp("res") / "tiny" / "seed1-abc.nc")


# --------------------------------------------------------------------------- a results file


@pytest.mark.parametrize("command", ["run", "check", "sweep"])
def test_a_results_file_given_as_a_scenario_says_so_and_names_the_commands(
        command, results_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert exit_code([command, str(results_file)] + (["--quiet"] if command == "run" else [])) == 2
    line = one_line(capsys)
    assert str(results_file) in line and "results file" in line
    for name in ("plot", "memo", "validate", "compare"):
        assert f"'{name}'" in line or f"{name}'" in line, line
    assert "YAML" in line and "malformed" not in line
    assert os.listdir(tmp_path) == []


def test_a_results_file_is_known_by_its_first_bytes_whatever_its_name(results_file, tmp_path):
    renamed = tmp_path / "looks_like.yaml"
    renamed.write_bytes(results_file.read_bytes())
    assert is_results_file(renamed)
    with pytest.raises(InputError, match="results file"):
        read_scenario(renamed)
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(TINY_BASE))
    assert not is_results_file(plain)


# --------------------------------------------------------------------------- a folder


def test_a_folder_given_as_a_scenario_lists_its_yaml_files(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("b.yaml", "a.yml", "notes.txt"):
        (folder / name).write_text("x: 1\n")
    assert exit_code(["run", str(folder), "--quiet", "--out", str(tmp_path / "res")]) == 2
    line = one_line(capsys)
    assert "is a folder" in line and "file not found" not in line
    assert "a.yml, b.yaml" in line and "notes.txt" not in line
    assert not (tmp_path / "res").exists()


def test_an_empty_folder_points_to_the_shipped_scenarios(tmp_path, capsys):
    assert exit_code(["check", str(tmp_path)]) == 2
    line = one_line(capsys)
    assert "is a folder" in line and "holds none" in line and "idlib-sim scenarios" in line


def test_a_missing_file_is_still_not_found(tmp_path, capsys):
    assert exit_code(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in one_line(capsys)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("written", ["10/09/2018", "2018/09/10", "10 Sept 2018", "2018-13-01"])
def test_a_start_date_not_written_iso_names_the_format(tmp_path, capsys, written):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(deep_merge(TINY_BASE, {"start_date": written})))
    assert exit_code(["check", str(path)]) == 2
    line = one_line(capsys)
    assert "start_date" in line and repr(written) in line
    assert "YYYY-MM-DD" in line and "2018-09-10" in line      # the format, with an example


def test_an_iso_start_date_is_accepted(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(deep_merge(TINY_BASE, {"start_date": "2018-09-10"})))
    assert str(read_scenario(path).start_date) == "2018-09-10"


@pytest.mark.parametrize("window", ["01/03/2020:2020-01-04", "2020-01-03:Jan 4 2020"])
def test_a_window_date_not_written_iso_is_refused_naming_the_format(results_file, window, capsys):
    # pandas alone would read 01/03/2020 as 3 January: only YYYY-MM-DD is taken
    assert exit_code(["plot", str(results_file), f"--window={window}"]) == 2
    line = one_line(capsys)
    assert "--window" in line and "YYYY-MM-DD" in line
    assert not results_file.with_suffix("").exists()
