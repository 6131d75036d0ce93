"""``idlib-sim scenarios`` (sim/config/catalogue.py): every shipped scenario and sweep listed
with its title, an invalid file listed with its problem rather than hidden."""

from __future__ import annotations

import yaml
from conftest import REPO, TINY_BASE

from sim.cli.main import main
from sim.config.catalogue import catalogue, find_scenario


def test_every_shipped_scenario_and_sweep_is_listed_with_its_title():
    entries = catalogue(REPO / "scenarios")
    shipped = sorted(p.name for p in (REPO / "scenarios").glob("*.yaml"))
    sweeps = sorted(p.name for p in (REPO / "scenarios" / "sweeps").glob("*.yaml"))
    assert sorted(e.path.name for e in entries if e.kind == "scenario") == shipped
    assert sorted(e.path.name for e in entries if e.kind == "sweep") == sweeps
    assert not [e for e in entries if e.problem], [e.problem for e in entries if e.problem]
    by_name = {e.name: e for e in entries}
    full = yaml.safe_load((REPO / "scenarios" / "idlib_full_assault.yaml").read_text())
    assert by_name["idlib_full_assault"].title == full["title"]
    assert "2,500,000 people" in by_name["idlib_full_assault"].detail
    assert by_name["full_assault_ensemble"].detail.startswith("32 members of idlib_full_assault")


def test_the_command_prints_the_titles(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for path in (REPO / "scenarios").glob("*.yaml"):
        assert path.name in out
    assert "sweeps/full_assault_ensemble.yaml" in out
    assert "Full assault on Idlib" in out and "Baseline, no offensive" in out
    assert "idlib-sim new NAME --from SCENARIO" in out


def test_an_invalid_file_is_listed_with_its_problem(tmp_path, capsys):
    (tmp_path / "good.yaml").write_text(yaml.safe_dump({**TINY_BASE, "title": "A good one"}))
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({**TINY_BASE, "days": 0}))
    entries = {e.path.name: e for e in catalogue(tmp_path)}
    assert entries["good.yaml"].title == "A good one" and not entries["good.yaml"].problem
    assert "days" in entries["bad.yaml"].problem
    assert main(["scenarios", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "A good one" in out and "invalid" in out


def test_a_missing_folder_is_one_line(tmp_path, capsys):
    assert main(["scenarios", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder" in err


def test_find_scenario_by_name_or_path():
    folder = REPO / "scenarios"
    assert find_scenario("idlib_full_assault", folder) == folder / "idlib_full_assault.yaml"
    assert find_scenario("scenarios/x.yaml", folder).name == "x.yaml"     # a path stays a path
    assert find_scenario("no_such_scenario", folder).name == "no_such_scenario"
