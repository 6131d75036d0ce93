"""The Dataset: every variable has units and a long name, CF/ACDD attributes, provenance,
and an atomic NetCDF write that leaves no partial file behind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import TINY, make_scenario

from sim.analysis.summary import summarise
from sim.engine.model import run_model
from sim.io.dataset import to_dataset, write_atomic
from sim.world.geography import load_geography


@pytest.fixture(scope="module")
def ds():
    return to_dataset(run_model(make_scenario(days=30), geography=load_geography(TINY)))


def test_every_variable_has_units_and_long_name(ds):
    for name, var in ds.data_vars.items():
        assert var.attrs.get("units"), name
        assert var.attrs.get("long_name"), name
    assert ds["time"].size == 30 and str(ds["time"].values[0])[:10] == "2020-01-01"
    assert set(ds["location"].values) == set(load_geography(TINY).names)


def test_global_attributes_carry_conventions_and_provenance(ds):
    a = ds.attrs
    assert "CF-1.8" in a["Conventions"] and "ACDD-1.3" in a["Conventions"]
    for key in ("title", "summary", "date_created", "product_version", "seed", "scenario_name",
                "scenario_json", "mesa_version", "time_coverage_start", "geospatial_lat_min"):
        assert key in a, key
    assert a["seed"] == 1 and a["scenario_name"] == "tiny"


def test_atomic_write_round_trips_and_leaves_no_temp_files(ds, tmp_path):
    path = write_atomic(ds, tmp_path / "out" / "run.nc")
    back = xr.load_dataset(path)
    assert np.array_equal(back["cumulative_displaced"], ds["cumulative_displaced"])
    assert back["residents_present"].attrs["units"] == "1"          # a count: CF dimensionless
    assert [p.name for p in path.parent.iterdir()] == ["run.nc"]


def test_a_failed_write_leaves_nothing(ds, tmp_path, monkeypatch):
    def boom(self, *a, **k):
        Path(a[0]).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", boom)
    with pytest.raises(OSError):
        write_atomic(ds, tmp_path / "run.nc")
    assert list(tmp_path.iterdir()) == []


def test_summary_numbers_equal_the_dataset(ds):
    s = summarise(ds)
    assert s.total_displaced == ds["cumulative_displaced"].values[-1]
    daily = np.diff(ds["cumulative_displaced"].values, prepend=0)
    assert s.peak_daily_new_displaced == daily.max()
    assert s.in_open == ds["in_open"].isel(time=-1).sum()
    top = dict(s.arrivals_by_destination)
    for name, v in top.items():
        assert v == ds["arrivals"].sel(location=name).sum()


def test_subdistrict_variables_sum_the_locations_and_carry_pcodes_and_names(idlib_geo):
    """Every location has its P-code; the sub-district series are exact sums of the location
    series, with English and Arabic names; all 26 Idleb P-codes are there."""
    from sim.config.loading import parse_scenario
    from sim.io.runs import run

    sc = parse_scenario({"name": "sd", "start_date": "2020-01-01", "days": 25, "seed": 2,
                         "population": {"total_people": 30_000},
                         "conflict": {"axes": [{"name": "a", "start": "Khan Shaykhun",
                                                "via": ["Maarrat al-Nu'man"], "speed_km_per_day": 1.5}]}})
    ds = run(sc)
    assert ds.sizes["location"] >= 600
    codes = [str(c) for c in ds["subdistrict"].values]
    assert sum(c.startswith("SY07") for c in codes) == 26
    assert all(c.startswith("SY") for c in ds["location_subdistrict"].values)
    dana = codes.index("SY070301")
    assert ds["subdistrict_name"].values[dana] == "Dana" and ds["subdistrict_name_ar"].values[dana] == "دانا"
    for var, parts in (("new_idps_present_by_subdistrict", ("displaced_present", "in_transit")),
                       ("arrivals_by_subdistrict", ("arrivals",)),
                       ("camp_occupancy_by_subdistrict", ("camp_occupancy",))):
        by_loc = sum(ds[p] for p in parts).groupby(ds["location_subdistrict"]).sum()
        assert np.allclose(ds[var].values, by_loc.sel(location_subdistrict=codes).transpose("time", ...).values), var
    people = ds["people_present_by_subdistrict"].sum("subdistrict") + ds["crossed_border"]
    assert np.allclose(people, 30_000)                   # conservation, every day
    assert ds["new_idps_present_by_subdistrict"].sum() > 0


def test_new_idps_by_cohort_add_up_to_the_new_idps_present_daily_and_weekly(ds):
    """Cohorts of first displacement (one a day up to 200 days, one a week beyond) sum to the
    people displaced in this run present in each sub-district, every day."""
    long = to_dataset(run_model(make_scenario(days=210), geography=load_geography(TINY)))
    for run, width in ((ds, 1), (long, 7)):
        cohorts = run["new_idps_present_by_cohort"]
        assert cohorts.attrs["cohort_length_days"] == width
        assert run.sizes["cohort"] == -(-run.sizes["time"] // width)
        assert np.allclose(cohorts.sum("cohort"), run["new_idps_present_by_subdistrict"])
        assert run["new_idps_present_by_subdistrict"].values.max() > 0
        # nobody is in a cohort that starts after the day
        day = np.arange(run.sizes["time"])[:, None]
        first = (np.arange(run.sizes["cohort"]) * width)[None, :]
        assert (cohorts.sum("subdistrict").values[first > day] == 0).all()
