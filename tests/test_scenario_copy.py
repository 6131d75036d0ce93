"""``idlib-sim new`` (sim/io/scenario_copy.py): a copy under a new name keeps the template's
text (comments, sources), points its relative paths where they pointed, runs into its own
results folder, and never overwrites anything."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import REPO, TINY_BASE

from sim.cli.main import main
from sim.config.loading import read_scenario
from sim.errors import InputError
from sim.io.scenario_copy import copy_scenario

TEMPLATE = "# a comment that must survive\n# source: S1\n" + yaml.safe_dump(TINY_BASE, sort_keys=False)


def exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TEMPLATE)
    return path


def test_the_copy_keeps_the_text_and_takes_the_new_name(template, tmp_path):
    path = copy_scenario(template, "tiny_copy", tmp_path / "tiny_copy.yaml")
    text = path.read_text()
    assert text.startswith("# a comment that must survive")
    assert "name: tiny_copy\n" in text and "name: tiny\n" not in text
    assert text.replace("name: tiny_copy", "name: tiny") == template.read_text()
    copy, original = read_scenario(path), read_scenario(template)
    assert copy.name == "tiny_copy"
    assert copy.model_dump(exclude={"name"}) == original.model_dump(exclude={"name"})


def test_a_copy_elsewhere_still_extends_its_base(tmp_path):
    shipped = tmp_path / "scenarios"
    shipped.mkdir()
    for name in ("idlib_full_assault.yaml", "idlib_border_open.yaml"):
        shutil.copy(REPO / "scenarios" / name, shipped / name)
    target = tmp_path / "mine" / "deeper" / "open_2025.yaml"
    copy_scenario(shipped / "idlib_border_open.yaml", "open_2025", target)
    assert "extends: ../../scenarios/idlib_full_assault.yaml" in target.read_text()
    sc = read_scenario(target)
    base = read_scenario(shipped / "idlib_border_open.yaml")
    assert sc.name == "open_2025" and sc.border == base.border and sc.conflict == base.conflict


def test_the_command_writes_beside_the_template_and_the_copy_runs_into_its_own_folder(
        template, tmp_path, capsys):
    assert main(["new", "tiny_b", "--from", str(template)]) == 0
    assert "idlib-sim check" in capsys.readouterr().out
    copy = tmp_path / "tiny_b.yaml"
    assert main(["run", str(template), "--days", "3", "--out", str(tmp_path / "res"), "--quiet"]) == 0
    assert main(["run", str(copy), "--days", "3", "--out", str(tmp_path / "res"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == ["tiny", "tiny_b"]


@pytest.mark.parametrize("argv, words", [
    (["new", "bad name", "--from", "{t}"], ["'bad name'", "letters, digits"]),
    (["new", "tiny", "--from", "{t}", "--to", "{d}/other.yaml"], ["already named 'tiny'"]),
    (["new", "x", "--from", "{t}", "--to", "{t}"], ["exists already"]),
    (["new", "x", "--from", "{d}/nope.yaml"], ["file not found"]),
    (["new", "x", "--from", "{t}", "--to", "{d}/x.txt"], [".yaml"]),
])
def test_bad_requests_are_one_line_and_write_nothing(template, tmp_path, capsys, argv, words):
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = [a.format(t=template, d=tmp_path) for a in argv]
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("idlib-sim: error:"), err
    for word in words:
        assert word in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert template.read_text() == TEMPLATE


def test_a_broken_template_fails_before_writing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**TINY_BASE, "days": -1}))
    with pytest.raises(InputError, match="days"):
        copy_scenario(bad, "other", tmp_path / "other.yaml")
    assert not (tmp_path / "other.yaml").exists()
