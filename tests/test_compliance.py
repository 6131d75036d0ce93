"""The results files pass IOOS compliance-checker (CF-1.8 and ACDD-1.3, offline: it ships the
CF standard-name table): a run on the tiny geography, the shipped Idlib scenario at reduced
scale, and a 2-member ensemble's combined file and its statistics.

"Clean" means: the checker raises no exception, CF has no high-priority failure, and ACDD's
only high-priority failures are the ``standard_name`` it asks of variables that the CF table
has no name for (numbers of people, danger, capacities, distance to the front;
sim/io/conventions.py says why none is invented). Run with ``-s`` to see the scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import netCDF4
import pytest
import yaml
from compliance_checker.runner import CheckSuite
from conftest import REPO, TINY, TINY_BASE, make_scenario

import sim
from sim.engine.model import run_model
from sim.ensemble.sweep import run_ensemble
from sim.io.dataset import to_dataset, write_atomic
from sim.world.geography import load_geography

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")   # the checker's own plugins

CHECKERS = ("cf:1.8", "acdd:1.3")
HIGH = 3
MISSING_VAR_ATTRS = re.compile(r'variable "(.+)" missing the following attributes:')


@dataclass
class Report:
    checker: str
    scored: int
    possible: int
    high_failures: list[tuple[str, list[str]]]
    errors: dict[str, str]


def check(path: Path) -> dict[str, Report]:
    """Run the checkers through compliance-checker's Python API; the failed high-priority
    results (group name, messages) and the exceptions of each."""
    suite = CheckSuite()
    suite.load_all_available_checkers()
    reports = {}
    for name, (groups, errors) in suite.run_all(suite.load_dataset(str(path)), list(CHECKERS)).items():
        failed: list[tuple[str, list[str]]] = []

        def walk(results):
            for r in results:
                walk(r.children)
                if r.weight == HIGH and r.value is not None and r.value[0] < r.value[1]:
                    failed.append((str(r.name), list(r.msgs)))

        walk(groups)
        reports[name] = Report(name, sum(g.value[0] for g in groups), sum(g.value[1] for g in groups),
                               failed, {k: repr(e) for k, (e, _) in errors.items()})
    return reports


def assert_clean(path: Path) -> dict[str, Report]:
    """No checker exception, no CF high-priority failure, and ACDD's high-priority failures
    exactly the missing standard_name of the data variables with none to give."""
    reports = check(path)
    assert set(reports) == set(CHECKERS)
    for r in reports.values():
        print(f"{path.name} {r.checker}: {r.scored}/{r.possible} points, "
              f"{len(r.high_failures)} high-priority failures")
        assert r.errors == {}, f"{r.checker} raised: {r.errors}"
    assert reports["cf:1.8"].high_failures == []
    acdd = reports["acdd:1.3"].high_failures
    assert all(m == ["standard_name"] for _, m in acdd), acdd
    named = {MISSING_VAR_ATTRS.fullmatch(g).group(1) for g, _ in acdd}
    with netCDF4.Dataset(path) as nc:
        coords = {c for v in nc.variables.values() for c in getattr(v, "coordinates", "").split()}
        data = {name for name, v in nc.variables.items()
                if name not in nc.dimensions and name not in coords and "flag_meanings" not in v.ncattrs()}
        assert named == {v for v in data if "standard_name" not in nc.variables[v].ncattrs()}
    return reports


# --------------------------------------------------------------------------- files


def test_a_run_on_the_tiny_geography_is_clean(tmp_path):
    ds = to_dataset(run_model(make_scenario(days=12), geography=load_geography(TINY)))
    assert_clean(write_atomic(ds, tmp_path / "tiny.nc"))


def test_the_shipped_idlib_scenario_at_reduced_scale_is_clean(tmp_path):
    sc = sim.load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml")
    overrides: dict[str, object] = {"population.total_people": 20_000, "days": 15}
    if sc.population.people_by_place:
        scale = 20_000 / sc.population.total_people
        overrides["population.people_by_place"] = {k: int(v * scale)
                                                   for k, v in sc.population.people_by_place.items()}
    ds = sim.run(sc.with_overrides(overrides), out_dir=tmp_path)
    assert ds.sizes["location"] > 600 and ds.sizes["subdistrict"] >= 26
    assert_clean(Path(ds.attrs["output_path"]))


@pytest.fixture(scope="module")
def ensemble_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("ensemble")
    (out / "tiny.yaml").write_text(yaml.safe_dump({**TINY_BASE, "days": 12}))
    run_ensemble(out / "tiny.yaml", 2, workers=1, out_dir=out)
    return next((out / "tiny").glob("ensemble-*"))


def test_a_combined_two_member_ensemble_is_clean(ensemble_folder):
    path = ensemble_folder / "combined.nc"
    with netCDF4.Dataset(path) as nc:
        assert nc.dimensions["run"].size == 2 and nc.featureType == "timeSeries"
    assert_clean(path)


def test_the_ensemble_statistics_are_clean(ensemble_folder):
    assert_clean(ensemble_folder / "stats.nc")
