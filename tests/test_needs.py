"""Sphere needs: the shipped defaults, overrides from YAML (unknown keys refused on one line),
the cold-month shelter figure, the latrine ratio by phase, and the arithmetic per run."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from conftest import TINY, make_scenario

from sim.analysis.needs import load_needs, needs_per_run, needs_table, shelter_standard
from sim.cli.main import main
from sim.engine.model import run_model
from sim.errors import InputError
from sim.io.dataset import to_dataset
from sim.io.results import Runs
from sim.world.geography import load_geography


@pytest.fixture(scope="module")
def winter_ds():   # 2020-01-01 + 40 days: January and February
    return to_dataset(run_model(make_scenario(days=40), seed=1, geography=load_geography(TINY)))


@pytest.fixture(scope="module")
def summer_ens():  # June-July, three seeds
    geo = load_geography(TINY)
    runs = [to_dataset(run_model(make_scenario(start_date="2020-06-01", days=40, seed=s),
                                 geography=geo)) for s in (1, 2, 3)]
    return xr.concat(runs, dim="run").assign_coords(seed=("run", [1, 2, 3]))


def write(tmp_path, text):
    path = tmp_path / "needs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_sphere_minimums():
    cfg = load_needs()
    assert cfg.water.litres_per_person_per_day == 15
    assert cfg.food.kcal_per_person_per_day == 2100
    assert cfg.shelter.covered_m2_per_person == 3.5
    assert 4.5 <= cfg.shelter.covered_m2_per_person_cold <= 5.5
    assert cfg.settlement.camp_land_m2_per_person == 45
    assert (cfg.sanitation.people_per_latrine_acute, cfg.sanitation.people_per_latrine) == (50, 20)
    assert cfg.nfi.kits_per_household == 1
    for cluster in ("water", "food", "shelter", "settlement", "sanitation", "nfi"):
        assert "Sphere 2018" in getattr(cfg, cluster).source


def test_an_override_changes_only_what_it_names(tmp_path):
    cfg = load_needs(write(tmp_path, "water:\n  litres_per_person_per_day: 20\n"))
    assert cfg.water.litres_per_person_per_day == 20
    assert cfg.water.applies_to == load_needs().water.applies_to
    assert cfg.food == load_needs().food


@pytest.mark.parametrize("text, words", [
    ("water:\n  litres_per_person_per_dya: 20\n", "water.litres_per_person_per_dya: unknown key; did you mean 'litres_per_person_per_day'"),
    ("watr:\n  litres_per_person_per_day: 20\n", "watr: unknown key; did you mean 'water'"),
    ("food:\n  kcal_per_person_per_day: -5\n", "food.kcal_per_person_per_day"),
    ("food:\n  kcal_per_person_per_day: yes\n", "boolean"),
    ("shelter:\n  cold_months: [13]\n", "shelter.cold_months.0"),
    ("nfi:\n  applies_to: [tents]\n", "nfi.applies_to.0"),
    ("- water\n", "must be a YAML mapping"),
    ("water: [\n", "malformed YAML"),
])
def test_bad_needs_files_fail_on_one_line(tmp_path, text, words):
    with pytest.raises(InputError) as err:
        load_needs(write(tmp_path, text))
    message = str(err.value)
    assert words in message and "\n" not in message
    assert str(tmp_path / "needs.yaml") in message


def test_cli_bad_needs_exit_2_before_any_run(tmp_path, capsys, monkeypatch):
    import sim.ensemble.sweep

    monkeypatch.setattr(sim.ensemble.sweep, "run_ensemble",
                        lambda *a, **k: pytest.fail("must not run with a bad --needs file"))
    path = write(tmp_path, "water:\n  litre: 1\n")
    assert main(["memo", "scenarios/idlib_full_assault.yaml", "--needs", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "water.litre: unknown key" in err[0]
    assert main(["memo", "scenarios/idlib_full_assault.yaml", "--needs",
                 str(tmp_path / "none.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_shelter_figure_follows_the_months_covered(winter_ds, summer_ens):
    cfg = load_needs()
    m2, why = shelter_standard(Runs(winter_ds), cfg)
    assert m2 == cfg.shelter.covered_m2_per_person_cold and "Jan" in why and "Feb" in why
    m2, why = shelter_standard(Runs(summer_ens), cfg)
    assert m2 == cfg.shelter.covered_m2_per_person and "no cold month" in why


def test_needs_arithmetic_for_one_run(winter_ds):
    cfg = load_needs()
    runs = Runs(winter_ds)
    day = 20
    at = winter_ds.isel(time=day)
    everyone = float(sum(at[v].sum() for v in ("in_camp", "in_host", "in_open",
                                              "waiting_at_border", "in_transit")))
    sheltering = float(sum(at[v].sum() for v in ("in_camp", "in_open", "waiting_at_border")))
    assert everyone > 0 and sheltering > 0
    n = {k: v[0][0] for k, v in needs_per_run(runs, cfg, day).items()}
    assert n["water"] == everyone * 15
    assert n["food"] == everyone * 2100
    assert n["covered shelter"] == sheltering * cfg.shelter.covered_m2_per_person_cold
    assert n["camp land"] == pytest.approx(sheltering * 45 / 1e4)
    assert n["latrines"] == math.ceil(sheltering / 50)            # day 21: first phase
    hh = winter_ds.attrs["initial_people"] / winter_ds.attrs["households"]
    assert n["NFI kits"] == math.ceil(everyone / hh)
    later = {k: v[0][0] for k, v in needs_per_run(runs, cfg, 35).items()}
    at = winter_ds.isel(time=35)
    sheltering = float(sum(at[v].sum() for v in ("in_camp", "in_open", "waiting_at_border")))
    assert later["latrines"] == math.ceil(sheltering / 20)        # day 36: medium term


def test_needs_table_ensemble_p50_is_the_median_over_runs(summer_ens):
    table = needs_table(summer_ens).set_index(["checkpoint", "need"])
    people = sum(summer_ens[v].isel(time=13).sum("location")
                 for v in ("in_camp", "in_host", "in_open", "waiting_at_border", "in_transit"))
    row = table.loc[("2 weeks", "water")]
    assert row["p50"] == np.median(people.values * 15)
    assert row["p10"] == pytest.approx(np.percentile(people.values * 15, 10))
    assert row["standard"] == "15 L/person/day"
    assert list(dict.fromkeys(table.index.get_level_values(0))) == ["72 hours", "2 weeks", "1 month",
                                                                    "end of run"]
