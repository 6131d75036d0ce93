"""Sphere needs: the shipped defaults, overrides from YAML (unknown keys refused on one line),
the cold-month shelter figure, the latrine ratio by phase, and the arithmetic per run."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
import yaml
from conftest import TINY, make_scenario
from test_indicators import at, one_run

from sim.analysis.needs import CLUSTERS, load_needs, needs_per_run, needs_table, shelter_standard
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
    assert cfg.water_points.people_per_water_point == 250
    assert cfg.food.kcal_per_person_per_day == 2100
    assert 0.5 <= cfg.food.kg_per_ration <= 0.6                 # a 2,100 kcal dry ration
    assert cfg.shelter.covered_m2_per_person == 3.5
    assert 4.5 <= cfg.shelter.covered_m2_per_person_cold <= 5.5
    assert cfg.settlement.camp_land_m2_per_person == 45
    assert (cfg.sanitation.people_per_latrine_acute, cfg.sanitation.people_per_latrine) == (50, 20)
    assert cfg.nfi.kits_per_household == 1
    for cluster in CLUSTERS:
        c = getattr(cfg, cluster)
        assert "Sphere 2018" in c.source and c.reference.startswith("Sphere")
    assert "tanker" in cfg.water.source and "WFP" in cfg.food.source
    assert "family tent" in cfg.shelter.source


def test_default_needs_count_people_on_the_roads_and_at_the_border():
    """Everyone displaced in the area has needs: people on the roads and at the border are
    counted for water, food, household items, shelter, latrines and water points."""
    cfg = load_needs()
    for cluster in ("water", "food", "nfi"):
        assert set(getattr(cfg, cluster).applies_to) == {"camp", "host", "open", "border", "transit"}
    for cluster in ("shelter", "sanitation", "water_points"):
        assert set(getattr(cfg, cluster).applies_to) == {"camp", "open", "border", "transit"}
    assert set(cfg.settlement.applies_to) == {"camp", "open", "border"}


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


def people_at(ds, day, places):
    names = {"camp": "in_camp", "host": "in_host", "open": "in_open", "border": "waiting_at_border",
             "transit": "in_transit"}
    at = ds.isel(time=day)
    return float(sum(at[names[p]].sum() for p in places))


def test_needs_arithmetic_for_one_run(winter_ds):
    cfg = load_needs()
    runs = Runs(winter_ds)
    day = 20
    everyone = people_at(winter_ds, day, ("camp", "host", "open", "border", "transit"))
    roofless = people_at(winter_ds, day, ("camp", "open", "border", "transit"))
    site = people_at(winter_ds, day, ("camp", "open", "border"))
    assert everyone > roofless > site > 0
    n = {k: v.values[0] for k, v in needs_per_run(runs, cfg, day).items()}
    assert n["water"] == pytest.approx(everyone * 15 / 1000)                # m3/day
    assert n["water-truck loads"] == math.ceil(everyone * 15 / 1000 / 10)
    assert n["water points (taps)"] == math.ceil(roofless / 250)
    assert n["food"] == pytest.approx(everyone * 0.555 / 1000)             # tonnes/day
    assert n["food rations"] == everyone
    m2 = cfg.shelter.covered_m2_per_person_cold
    assert n["covered shelter"] == pytest.approx(roofless * m2)
    assert n["family tents"] == math.ceil(roofless * m2 / 16)
    assert n["camp land"] == pytest.approx(site * 45 / 1e4)
    assert n["latrines"] == math.ceil(roofless / 50)                       # day 21: first phase
    hh = winter_ds.attrs["initial_people"] / winter_ds.attrs["households"]
    assert n["NFI kits"] == math.ceil(everyone / hh)
    assert n["people counted: all displaced in the area"] == everyone
    assert n["people counted: displaced without a home to share"] == roofless
    later = {k: v.values[0] for k, v in needs_per_run(runs, cfg, 35).items()}
    assert later["latrines"] == math.ceil(people_at(winter_ds, 35, ("camp", "open", "border",
                                                                   "transit")) / 20)  # medium term


def test_needs_units_on_a_hand_made_run(tmp_path):
    """1,000 people on the roads and 200 waiting at the border, nobody else: every line in
    planners' units follows from the figures per person (households of 5)."""
    ds = one_run(in_camp=at(Camp=[0] * 5), camp_occupancy=at(Camp=[0] * 5), in_host=at(Host=[0] * 5),
                 in_open=at(Town=[0] * 5), in_transit=at(Town=[1000] * 5),
                 waiting_at_border=at(Gate=[200] * 5))
    cfg = load_needs(write(tmp_path, yaml.safe_dump(
        {"water": {"truck_m3": 12}, "food": {"kg_per_ration": 0.5}, "shelter": {"cold_months": []}})))
    n = needs_per_run(Runs(ds), cfg, 2)
    assert n["food"].values[0] == 1200 * 0.5 / 1000 and n["food"].unit == "tonnes/day"
    assert n["food rations"].values[0] == 1200
    assert n["water"].values[0] == pytest.approx(1200 * 15 / 1000) and n["water"].unit == "m3/day"
    assert n["water-truck loads"].values[0] == 2                           # 18 m3 in 12 m3 trucks
    assert n["covered shelter"].values[0] == pytest.approx(1200 * 3.5)
    assert n["family tents"].values[0] == 263                              # 4,200 m2 / 16 m2
    assert n["camp land"].values[0] == pytest.approx(200 * 45 / 1e4)       # not the roads
    assert n["latrines"].values[0] == 24 and n["water points (taps)"].values[0] == 5
    assert n["NFI kits"].values[0] == 240
    for name in ("water", "food", "covered shelter", "latrines"):
        assert n[name].reference.startswith("Sphere")
    assert "12 m3" in n["water-truck loads"].standard and "0.5 kg" in n["food"].standard


def test_needs_table_ensemble_p50_is_the_median_over_runs(summer_ens):
    table = needs_table(summer_ens).set_index(["checkpoint", "need"])
    people = sum(summer_ens[v].isel(time=13).sum("location")
                 for v in ("in_camp", "in_host", "in_open", "waiting_at_border", "in_transit"))
    row = table.loc[("2 weeks", "water")]
    assert row["p50"] == pytest.approx(np.median(people.values * 15 / 1000))
    assert row["p10"] == pytest.approx(np.percentile(people.values * 15 / 1000, 10))
    assert row["standard"] == "15 L/person/day" and row["unit"] == "m3/day"
    assert row["reference"] == "Sphere WASH 2.1"
    assert list(dict.fromkeys(table.index.get_level_values(0))) == ["72 hours", "2 weeks", "1 month",
                                                                    "end of run"]
