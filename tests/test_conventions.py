"""CF/ACDD conventions of the results (sim/io/conventions.py): people counted in UDUNITS-valid
units with a long name that says so, every variable typed for ACDD, the time-series geometry,
and a NetCDF encoding CF-1.8 accepts that reads back to the same Dataset."""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import TINY, make_scenario

from sim.engine.model import run_model
from sim.io.conventions import (
    CONTENT_TYPES,
    PEOPLE,
    PEOPLE_PER_DAY,
    apply_conventions,
    int_storage,
    netcdf_encoding,
)
from sim.io.dataset import to_dataset, write_atomic
from sim.io.results import load_results
from sim.world.geography import load_geography


@pytest.fixture(scope="module")
def ds():
    return to_dataset(run_model(make_scenario(days=12), geography=load_geography(TINY)))


def small(**data_vars) -> xr.Dataset:
    time = pd.date_range("2020-03-01", periods=3)
    return xr.Dataset(data_vars, coords={"time": time, "location": ["A", "B"],
                                         "lat": ("location", [36.0, 36.5]),
                                         "lon": ("location", [36.6, 36.7])})


def test_a_new_count_or_flow_variable_gets_cf_units_and_a_number_of_long_name():
    """What another module adds with PEOPLE / PEOPLE_PER_DAY comes out right without knowing CF."""
    out = apply_conventions(small(
        stuck=(("time", "location"), np.ones((3, 2)), {"units": PEOPLE, "long_name": "people stuck at a checkpoint"}),
        leaving=(("time", "location"), np.ones((3, 2)),
                 {"units": PEOPLE_PER_DAY, "long_name": "people leaving the place (by place left)"}),
        index=(("time", "location"), np.zeros((3, 2)), {"units": "1", "long_name": "danger index"}),
        cap=(("location",), np.ones(2), {"units": PEOPLE, "long_name": "people a camp can hold",
                                         "coverage_content_type": "auxiliaryInformation"})))
    assert out["stuck"].attrs["units"] == "1"
    assert out["stuck"].attrs["long_name"] == "number of people stuck at a checkpoint"
    assert out["leaving"].attrs["units"] == "day-1"
    assert out["leaving"].attrs["long_name"] == "number of people leaving the place per day (by place left)"
    assert out["index"].attrs == {"units": "1", "long_name": "danger index",
                                  "coverage_content_type": "modelResult"}
    assert out["cap"].attrs["coverage_content_type"] == "auxiliaryInformation"   # its own kept
    assert out["lat"].attrs["standard_name"] == "latitude" and out["lat"].attrs["coverage_content_type"] == "coordinate"
    assert out["location"].attrs["cf_role"] == "timeseries_id" and out.attrs["featureType"] == "timeSeries"


def test_every_variable_of_a_run_is_typed_and_no_unit_is_people(ds):
    for name, var in ds.variables.items():
        assert var.attrs.get("coverage_content_type") in CONTENT_TYPES, name
        assert var.attrs.get("units") not in (PEOPLE, PEOPLE_PER_DAY), name
    for name, var in ds.data_vars.items():
        if var.attrs["units"] == "day-1":
            assert var.attrs["long_name"].startswith("number of ") and "per day" in var.attrs["long_name"], name
    counts = [n for n, v in ds.data_vars.items() if v.attrs["long_name"].startswith("number of ")]
    assert {"residents_present", "camp_capacity", "cumulative_displaced", "displaced_by_origin",
            "new_idps_present_by_subdistrict"} <= set(counts)
    assert ds["danger"].attrs["long_name"].startswith("conflict danger")     # an index is not a count
    assert ds["people_total"].attrs["coverage_content_type"] == "qualityInformation"
    assert ds["road_closed"].attrs["flag_meanings"] == "open closed"


def test_the_global_attributes_credit_ocha_only_where_the_region_uses_it(ds, idlib_geo):
    a = ds.attrs
    for key in ("id", "naming_authority", "acknowledgement", "license", "geospatial_bounds",
                "time_coverage_duration", "date_issued", "processing_level", "standard_name_vocabulary"):
        assert a.get(key), key
    assert " " not in a["id"] and a["time_coverage_duration"] == "P11D"
    assert "OCHA" not in a["acknowledgement"]          # the tiny region cites no OCHA data
    from sim.io.dataset import _cites_ocha
    assert _cites_ocha(idlib_geo.data_dir)


def test_the_file_is_cf_typed_and_reads_back_as_the_same_dataset(ds, tmp_path):
    path = write_atomic(ds, tmp_path / "run.nc")
    with netCDF4.Dataset(path) as nc:
        assert nc["location"].dimensions == ("location", "location_strlen")   # labels as chars
        assert nc["location"].cf_role == "timeseries_id"
        assert nc["time"].units == "days since 2020-01-01" and nc["time"].calendar == "standard"
        assert nc["time"].dtype == np.float64 and "_FillValue" not in nc["time"].ncattrs()
        wide = [n for n, v in nc.variables.items() if v.dtype not in (str,) and v.dtype.kind in "iu"
                and (v.dtype.itemsize > 4 or v.dtype.kind == "u")]
        assert wide == []                                   # CF 1.8: no 64-bit or unsigned ints
    back = load_results(path)
    assert list(back.indexes["location"]) == list(ds["location"].values)
    assert list(back.indexes["subdistrict"]) == list(ds["subdistrict"].values)
    for name in ds.variables:
        assert np.array_equal(back[name].values, ds[name].values,
                              equal_nan=back[name].dtype.kind == "f"), name
        assert plain(back[name].attrs) == plain(ds[name].attrs), name


def plain(attrs: dict) -> dict:
    return {k: np.asarray(v).tolist() for k, v in attrs.items()}


def test_integers_too_wide_for_int32_are_stored_exactly_as_doubles(tmp_path):
    """Sweep seeds are uint32 (SeedSequence); CF 1.8 has no unsigned or 64-bit ints."""
    seeds = np.array([12, 4_000_000_000], dtype=np.int64)
    assert int_storage(seeds[:1]) == "int32" and int_storage(seeds) == "float64"
    one = xr.Dataset({"x": ("run", [1.0, 2.0])}, coords={"run": [0, 1], "seed": ("run", seeds)})
    one.to_netcdf(tmp_path / "s.nc", encoding=netcdf_encoding(one))
    back = xr.load_dataset(tmp_path / "s.nc")
    assert [int(s) for s in back["seed"].values] == [12, 4_000_000_000]
    assert back["run"].dtype == np.int32
