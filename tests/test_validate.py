"""Validation: each observed measure computed right (people vs movements, windows, areas), and
malformed observed CSVs rejected with one line."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import TINY, make_scenario

from sim.analysis.validate import compare, mean_relative_difference, simulate
from sim.cli.main import main
from sim.engine.model import run_model
from sim.errors import InputError
from sim.io.dataset import to_dataset, write_atomic
from sim.io.observed import ObservedRow, load_observed
from sim.world.geography import load_geography

GEO = load_geography(TINY)
NAMES = GEO.names   # Southtown, Midtown, Northcamp, Gate, Hostland


def synthetic() -> xr.Dataset:
    """Five days, known numbers: 10 people/day leave Southtown, 5/day Midtown (first time);
    every departure is followed by a second move next day from Northcamp (movements)."""
    days, n = 5, len(NAMES)
    new = np.zeros((days, n)); new[:, 0] = 10; new[:, 1] = 5
    dep = new.copy(); dep[1:, 2] = 15            # onward moves from Northcamp on days 1..4
    arr = np.zeros((days, n)); arr[:, 4] = 15; arr[:, 2] = 15
    origins = ["South", "Middle", "North"]
    in_camp = np.cumsum(np.tile([4.0, 2.0, 0.0], (days, 1)), axis=0)
    return xr.Dataset(
        {"new_displaced": (("time", "location"), new), "departures": (("time", "location"), dep),
         "arrivals": (("time", "location"), arr),
         "in_camp_by_origin": (("time", "origin"), in_camp),
         "cumulative_displaced": ("time", np.cumsum(new.sum(1)))},
        coords={"time": pd.date_range("2020-01-01", periods=days), "location": NAMES,
                "origin": origins},
        attrs={"scenario_name": "synthetic", "region": str(TINY)})


def row(measure, area="all", start=(2020, 1, 1), end=(2020, 1, 5), value=1.0):
    return ObservedRow(2, date(*start), date(*end), measure, area, value, "T")


def test_people_are_counted_once_and_movements_each_time():
    ds = synthetic()
    assert simulate(ds, row("people_displaced"), GEO)[0] == 5 * 15
    assert simulate(ds, row("displacements"), GEO)[0] == 5 * 15 + 4 * 15   # second moves count
    assert simulate(ds, row("people_displaced", end=(2020, 1, 2)), GEO)[0] == 2 * 15  # window
    assert simulate(ds, row("people_displaced", start=(2020, 1, 3)), GEO)[0] == 3 * 15


def test_areas_subdistricts_districts_and_groups():
    ds = synthetic()
    assert simulate(ds, row("people_displaced", "South"), GEO)[0] == 50      # sub-district
    assert simulate(ds, row("people_displaced", "D1"), GEO)[0] == 75         # district
    assert simulate(ds, row("arrivals", "north"), GEO)[0] == 5 * 30          # group of places
    assert simulate(ds, row("arrivals", "East"), GEO)[0] == 5 * 15
    # in sites at the end of the window, from the area's people (window = whole run)
    assert simulate(ds, row("in_sites"), GEO)[0] == 5 * 6
    assert simulate(ds, row("in_sites", "South"), GEO)[0] == 5 * 4


def test_windows_outside_the_run_are_not_covered():
    ds = synthetic()
    assert simulate(ds, row("people_displaced", start=(2019, 12, 30)), GEO) is None
    with pytest.raises(InputError, match="no observed window"):
        compare(ds, [row("arrivals", end=(2020, 2, 1))], GEO)


def test_ensemble_gives_one_value_per_run_and_relative_error():
    ds = xr.concat([synthetic(), synthetic() * 1 + 0], dim="run")
    ds["new_displaced"][1] *= 2
    comps = compare(ds, [row("people_displaced", value=100.0)], GEO)
    assert list(comps[0].simulated) == [75, 150]
    assert np.isclose(comps[0].quantiles()[1], 112.5)
    assert np.isclose(mean_relative_difference(comps), 0.125)


def test_measures_of_a_real_run_match_the_household_records():
    model = run_model(make_scenario(days=30), geography=GEO)
    ds = to_dataset(model)
    hh = model.households
    window = (hh.displaced_day >= 5) & (hh.displaced_day <= 20)
    people = simulate(ds, row("people_displaced", start=(2020, 1, 6), end=(2020, 1, 21)), GEO)[0]
    assert people == hh.size[window].sum()
    moves = simulate(ds, row("displacements", start=(2020, 1, 1), end=(2020, 1, 30)), GEO)[0]
    assert moves >= simulate(ds, row("people_displaced", end=(2020, 1, 30)), GEO)[0]


BAD_ROWS = {
    "unknown measure": ("2020-01-01,2020-01-05,people_moved,all,10,X,", "measure"),
    "unknown area": ("2020-01-01,2020-01-05,arrivals,Narnia,10,X,", "area"),
    "end before start": ("2020-01-05,2020-01-01,arrivals,all,10,X,", "date_end"),
    "negative value": ("2020-01-01,2020-01-05,arrivals,all,-3,X,", "value"),
    "bad date": ("2020-13-01,2020-01-05,arrivals,all,3,X,", "date"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_malformed_observed_csv_is_one_line_exit_2(case, tmp_path, capsys):
    line, field = BAD_ROWS[case]
    csv = tmp_path / "obs.csv"
    csv.write_text("date_start,date_end,measure,area,value,source_id,note\n" + line + "\n")
    with pytest.raises(InputError) as exc:
        load_observed(csv, GEO)
    assert field in str(exc.value) and "line 2" in str(exc.value)
    run = tmp_path / "run.nc"
    write_atomic(synthetic(), run)
    assert main(["validate", str(run), str(csv)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and field in err


def test_validate_command_end_to_end(tmp_path, capsys):
    run = tmp_path / "run.nc"
    write_atomic(synthetic(), run)
    csv = tmp_path / "obs.csv"
    csv.write_text("date_start,date_end,measure,area,value,source_id,note\n"
                   "2020-01-01,2020-01-05,people_displaced,all,80,T,\n"
                   "2020-01-01,2020-01-05,displacements,all,140,T,\n"
                   "2021-01-01,2021-01-05,arrivals,all,1,T,outside the run\n")
    assert main(["validate", str(run), str(csv)]) == 0
    out = capsys.readouterr().out
    assert "mean relative difference" in out and "over 2 covered rows" in out
    table = pd.read_csv(tmp_path / "validation" / "obs.csv")
    assert table.loc[0, "sim_p50"] == 75 and table.loc[1, "sim_p50"] == 135
    assert np.isnan(table.loc[2, "sim_p50"])          # outside the run: reported, not compared
    assert (tmp_path / "validation" / "obs.png").stat().st_size > 5000
    # not our file
    other = tmp_path / "other.nc"
    xr.Dataset({"x": ("t", [1.0])}).to_netcdf(other)
    assert main(["validate", str(other), str(csv)]) == 2


def test_areas_by_pcode_and_by_name_agree_on_the_fine_region(idlib_geo, tmp_path):
    """A sub-district can be named by its OCHA P-code or its name: the same places, the same
    numbers; an unknown P-code is rejected with a hint."""
    geo = idlib_geo
    days, n = 4, geo.n_locations
    new = np.zeros((days, n))
    saraqab = geo.subdistrict_pcode == "SY070003"
    new[:, saraqab] = 1.0
    new[:, geo.index("Idlib city")] = 7.0
    ds = xr.Dataset({"new_displaced": (("time", "location"), new)},
                    coords={"time": pd.date_range("2020-01-01", periods=days), "location": geo.names})
    end = (2020, 1, 4)
    by_code = simulate(ds, row("people_displaced", "SY070003", end=end), geo)[0]
    assert by_code == simulate(ds, row("people_displaced", "Saraqab", end=end), geo)[0]
    assert by_code == days * saraqab.sum() > 0
    path = tmp_path / "obs.csv"
    path.write_text("date_start,date_end,measure,area,value,source_id,note\n"
                    "2020-01-01,2020-01-04,people_displaced,SY070003,5,T,\n"
                    "2020-01-01,2020-01-04,people_displaced,SY070300,5,T,\n", encoding="utf-8")
    assert [r.area for r in load_observed(path, geo)] == ["SY070003", "SY070300"]
    path.write_text("date_start,date_end,measure,area,value,source_id,note\n"
                    "2020-01-01,2020-01-04,people_displaced,SY070033,5,T,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_observed(path, geo)
    text = str(info.value)
    assert "'SY070033'" in text and "P-code" in text and "did you mean" in text and "\n" not in text


# --------------------------------------------------------------------------- new IDPs present


def present_by_subdistrict(model, since_day: int) -> dict[str, float]:
    """Counted from the household arrays: people first displaced on or after ``since_day``,
    not at home and not across the border, by the sub-district of the place they are at."""
    hh = model.households
    here = (hh.displaced_day >= since_day) & (hh.status != 0) & (hh.status != 6)
    subs = np.array([str(s) for s in GEO.subdistrict])[hh.location[here]]
    return {s: float(hh.size[here][subs == s].sum()) for s in set(GEO.subdistrict)}


def test_new_idps_present_counts_people_displaced_since_the_window_start_where_they_are():
    """A tiny run stopped on day 14 and counted from the households: people displaced since
    day 5 and present in each sub-district then, against the measure from the finished run."""
    from sim.engine.model import DisplacementModel

    model = DisplacementModel(make_scenario(days=30), GEO)
    while model.day < 14:
        model.step()
    mid = present_by_subdistrict(model, since_day=5)
    mid_all = present_by_subdistrict(model, since_day=0)
    while model.running:
        model.step()
    ds = to_dataset(model)
    window = {"start": (2020, 1, 6), "end": (2020, 1, 15)}     # days 5..14
    for area in ("South", "Middle", "North", "East"):
        assert simulate(ds, row("new_idps_present", area, **window), GEO)[0] == mid[area]
    assert sum(mid.values()) > 0 and mid["North"] > 0          # people fled north
    assert simulate(ds, row("new_idps_present", "all", **window), GEO)[0] == sum(mid.values())
    assert simulate(ds, row("new_idps_present", "D2", **window), GEO)[0] == mid["North"]  # district
    # the window from the run's start: everyone displaced in this run and present
    whole = simulate(ds, row("new_idps_present", "North", end=(2020, 1, 15)), GEO)[0]
    assert whole == mid_all["North"] >= mid["North"]
    # people who arrived before the window's start are not new IDPs of the window
    late = simulate(ds, row("new_idps_present", "North", start=(2020, 1, 10), end=(2020, 1, 15)), GEO)[0]
    assert late <= mid["North"]
    # at the end of the run, every cohort together is the sub-district's new IDPs present
    end = present_by_subdistrict(model, since_day=0)
    last = simulate(ds, row("new_idps_present", "North", end=(2020, 1, 30)), GEO)[0]
    assert last == end["North"] == ds["new_idps_present_by_subdistrict"].isel(time=-1).sel(
        subdistrict="North").item()


def test_new_idps_present_with_weekly_cohorts_takes_the_share_of_the_partial_week():
    """Hand-made weekly cohorts: a window starting on a cohort boundary sums whole cohorts; one
    starting mid-week takes that week's share of first displacements made from its start on."""
    days = 14
    cohorts = np.zeros((days, 2, 2))          # [time, cohort, subdistrict]
    cohorts[-1] = [[70.0, 0.0], [30.0, 10.0]]  # on day 13: week-0 and week-1 cohorts present
    new = np.zeros((days, 2)); new[:7, 0] = 10.0    # week 0: 10 first displacements a day
    ds = xr.Dataset(
        {"new_idps_present_by_cohort": (("time", "cohort", "subdistrict"), cohorts,
                                        {"cohort_length_days": 7}),
         "new_displaced": (("time", "location"), new)},
        coords={"time": pd.date_range("2020-01-01", periods=days),
                "cohort": pd.date_range("2020-01-01", periods=2, freq="7D"),
                "subdistrict": ["South", "North"], "location": ["Southtown", "Northcamp"]})
    end = (2020, 1, 14)
    assert simulate(ds, row("new_idps_present", "South", end=end), GEO)[0] == 100
    assert simulate(ds, row("new_idps_present", "South", start=(2020, 1, 8), end=end), GEO)[0] == 30
    # from day 3: whole week 1 (30) plus 4 of week 0's 7 days of first displacements (4/7 of 70)
    mid = simulate(ds, row("new_idps_present", "South", start=(2020, 1, 4), end=end), GEO)[0]
    assert np.isclose(mid, 30 + 70 * 4 / 7)
    assert simulate(ds, row("new_idps_present", "all", start=(2020, 1, 8), end=end), GEO)[0] == 40


def test_new_idps_present_needs_the_cohort_variable():
    with pytest.raises(InputError, match="new_idps_present_by_cohort.*re-run"):
        simulate(synthetic(), row("new_idps_present"), GEO)
