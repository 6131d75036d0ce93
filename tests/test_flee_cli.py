"""``idlib-sim flee-run`` / ``flee-import`` and per-camp ``validate`` (sim/cli/flee.py)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from flee_synthetic import write_case

import sim
from sim.cli.main import main
from sim.io.flee import import_case

DATA = Path(__file__).parent / "data" / "flee"
ALPHA = DATA / "alpha"
ARD_LINE = re.compile(r"^ARD (\d+\.\d{4}) rescaled (\d+\.\d{4})$")


def exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("idlib-sim: error:"), err
    return lines[0]


@pytest.fixture(scope="module")
def flee_run(tmp_path_factory):
    """flee-run on the alpha case, once: (out folder, stdout lines)."""
    out = tmp_path_factory.mktemp("flee_out")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["flee-run", str(ALPHA / "input_csv"), "--validation", str(ALPHA / "source_data"),
                     "--out", str(out), "--seed", "4", "--quiet"])
    assert code == 0
    return out, buf.getvalue().strip().splitlines()


def test_flee_run_ends_with_the_ard_line_and_writes_everything(flee_run):
    out, lines = flee_run
    m = ARD_LINE.match(lines[-1])
    assert m, lines[-1]
    ncs = list((out / "alpha").glob("seed4-*.nc"))
    assert len(ncs) == 1
    folder = ncs[0].with_suffix("")
    table = pd.read_csv(folder / "ard.csv")
    assert float(m.group(1)) == pytest.approx(table["error"].mean(), abs=5e-5)
    assert float(m.group(2)) == pytest.approx(table["error rescaled"].mean(), abs=5e-5)
    assert len(table) == 90 and (folder / "camps_vs_observed.png").is_file()
    assert (out / "alpha" / "region" / "alpha.yaml").is_file()
    assert (out / "alpha" / "region" / "observed_camps.csv").is_file()


def test_validate_prints_the_same_ard_for_the_run(flee_run, capsys):
    out, lines = flee_run
    nc = next((out / "alpha").glob("seed4-*.nc"))
    assert main(["validate", str(nc), str(out / "alpha" / "region" / "observed_camps.csv")]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == lines[-1]


def test_flee_import_writes_a_region_and_scenario_that_run(tmp_path, capsys):
    region = tmp_path / "regions" / "alpha"
    assert main(["flee-import", str(ALPHA), "--out", str(region),
                 "--validation", str(ALPHA / "source_data"), "--days", "30"]) == 0
    text = capsys.readouterr().out
    assert "alpha.yaml" in text and (region / "locations.csv").is_file()
    assert main(["run", str(region / "alpha.yaml"), "--out", str(tmp_path / "res"), "--quiet"]) == 0


def test_bad_folders_give_one_line_and_exit_2(tmp_path, capsys):
    case = tmp_path / "case"
    shutil.copytree(ALPHA, case)
    routes = case / "input_csv" / "routes.csv"
    routes.write_text(routes.read_text().replace("Mark,CampTwo", "Mark,Nowhere"))
    args = ["flee-run", str(case / "input_csv"), "--validation", str(case / "source_data"),
            "--out", str(tmp_path / "out"), "--quiet"]
    assert exit_code(args) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "routes.csv line 7" in line and "'Nowhere'" in line
    assert not (tmp_path / "out").exists()                  # nothing written
    assert exit_code(["flee-run", str(ALPHA), "--validation", str(tmp_path), "--quiet"]) == 2
    assert "data_layout.csv" in one_error_line(capsys.readouterr().err)
    assert exit_code(["flee-run", str(ALPHA)]) == 2          # --validation is required
    assert "--validation" in one_error_line(capsys.readouterr().err)


def test_a_flee_sized_case_runs_well_under_a_minute(tmp_path):
    """~300 days, ~300,000 people, 50 locations (FLEE itself takes 2-40 minutes)."""
    inp, val = write_case(tmp_path / "syn", days=300, people=300_000)
    imp = import_case(inp, tmp_path / "syn_region", validation=val)
    started = time.perf_counter()
    ds = sim.run(imp.scenario_path, seed=1)
    seconds = time.perf_counter() - started
    assert ds.sizes["location"] == 50 and ds.sizes["time"] == 300
    assert int(ds["people_total"][-1]) == int(imp.counts.people.sum(axis=1).max())
    assert int(ds["people_total"][-1]) > 250_000
    assert seconds < 60, f"{seconds:.1f} s"
