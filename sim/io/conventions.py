"""CF-1.8 and ACDD-1.3 for the results files: one pass over the variables, the discovery
attributes, and the NetCDF encoding every writer uses (run, combined ensemble, stats).

The files are what planners share and what other tools read, so they follow the conventions
those tools check (IOOS compliance-checker, ``tests/test_compliance.py``). The pass runs over
the finished Dataset, so a variable added to :mod:`sim.io.dataset` gets the conventions
without anyone remembering them; a new variable needs only ``units`` and a ``long_name``:

- **Counts.** A head count (``units`` :data:`PEOPLE`) is dimensionless in CF: UDUNITS has no
  unit "people", and CF writes a dimensionless number as ``1`` (§3.1; the standard-name
  table's own counts, such as number_of_observations, have units 1). It is written with ``1`` and
  the long name "number of <long name>"; a flow (:data:`PEOPLE_PER_DAY`) with ``day-1`` and
  "number of <long name> per day". Give the long name as a noun phrase about people
  ("people reaching ..."), and it reads right both in the file and in the code.
- **coverage_content_type** (ACDD, ISO 19115-1 codes): ``modelResult`` for data variables and
  ``coordinate`` for coordinates unless the variable says otherwise (capacities are
  ``auxiliaryInformation``: inputs the model was given; the conservation check
  ``qualityInformation``).
- **Discrete sampling geometry** (CF §9, appendix H.2.1). The file is a ``timeSeries``
  collection: ``location`` is the instance dimension, its names carry
  ``cf_role: timeseries_id``, and ``lat``/``lon`` are the instances' positions (auxiliary
  coordinates through each variable's ``coordinates`` attribute). Series keep the dimension
  order (time, location): CF §2.4 allows any order, H.2.1 shows the instance first, and every
  reader of these files indexes (time, location). The series over ``road``, ``origin``,
  ``group`` and ``subdistrict`` are not features of any CF featureType (a road joins two
  places, a group is a category of people); they stay ordinary data variables beside the
  time series, described by their dimension's labels.
- **Strings.** A label dimension (``location``, ``origin``, ``group``, ``subdistrict``) is
  written as a character array (CF §2.2, the way H.2 writes station names), because a CF
  coordinate variable must be numeric; xarray reads it back as the dimension's labels.
  Other string labels are NetCDF strings (CF 1.8 §2.2).
- **Time** is ``days since <first date>`` in doubles with ``calendar: standard`` (CF §4.4;
  CF 1.8 has no 64-bit integers).

ACDD asks every data variable for a ``standard_name``; the CF standard name table has none
for numbers of people (nor for danger, capacities or distance to a front), and an invented
one would break CF. Only ``time``, ``lat`` and ``lon`` carry one; the others carry a
``long_name``. That is the one ACDD "highly recommended" item these files do not meet.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import xarray as xr

PEOPLE = "people"
"""Units of a head count in code; written as CF's dimensionless ``1`` (see the module doc)."""
PEOPLE_PER_DAY = "people day-1"
"""Units of a flow of people in code; written as ``day-1``."""
COUNT_UNITS, RATE_UNITS = "1", "day-1"

CONVENTIONS = "CF-1.8, ACDD-1.3"
FEATURE_TYPE = "timeSeries"
INSTANCE_DIM = "location"
STANDARD_NAME_VOCABULARY = "CF Standard Name Table v93"
"""The names used here (time, latitude, longitude) are in every version of the table; v93 is
the one compliance-checker 6.1 ships, so it checks offline without asking for another."""

DATE_ATTRS = ("date_created", "date_issued", "date_modified", "date_metadata_modified")
"""ACDD dates: when the file was made, not what the run computed (all the same moment)."""

CONTENT_TYPES = {"image", "thematicClassification", "physicalMeasurement", "auxiliaryInformation",
                 "qualityInformation", "referenceInformation", "modelResult", "coordinate"}
"""ISO 19115-1 MD_CoverageContentTypeCode values, the ones ACDD 1.3 allows."""

CREATOR = {
    "creator_name": "idlib-sim contributors",
    "creator_type": "group",
    "creator_institution": "idlib-sim project",
    "institution": "idlib-sim project",
    "publisher_name": "idlib-sim contributors",
    "publisher_type": "group",
    "publisher_institution": "idlib-sim project",
    "naming_authority": "idlib-sim",
}
"""Who made the file. The project has no web address or e-mail of its own, so ACDD's
``creator_url``/``creator_email``/``publisher_url``/``publisher_email`` are left out rather
than invented; an organisation that publishes runs adds its own."""


# --------------------------------------------------------------------------- variables


def apply_conventions(ds: xr.Dataset) -> xr.Dataset:
    """Give every variable its CF/ACDD attributes, in place (and return ``ds``)."""
    for var in ds.data_vars.values():
        _as_cf_units(var.attrs)
        var.attrs.setdefault("coverage_content_type", "modelResult")
    for var in ds.coords.values():
        _as_cf_units(var.attrs)
        var.attrs.setdefault("coverage_content_type", "coordinate")
    if "time" in ds.coords:
        ds["time"].attrs.update(standard_name="time", axis="T")
        ds["time"].attrs.setdefault("long_name", "time")
    for axis, name, std, units in (("Y", "lat", "latitude", "degrees_north"),
                                   ("X", "lon", "longitude", "degrees_east")):
        if name in ds.coords:
            ds[name].attrs.update(standard_name=std, units=units)
            ds[name].attrs.setdefault("long_name", f"{std} of the place")
    if INSTANCE_DIM in ds.coords:
        ds[INSTANCE_DIM].attrs["cf_role"] = "timeseries_id"
        ds.attrs["featureType"] = FEATURE_TYPE
    ds.attrs["Conventions"] = CONVENTIONS
    return ds


def _as_cf_units(attrs: dict) -> None:
    """People counts and flows in UDUNITS-valid units, the long name saying what is counted."""
    units, name = attrs.get("units"), attrs.get("long_name", "")
    if units not in (PEOPLE, PEOPLE_PER_DAY):
        return
    if not name.startswith("number of "):
        name = f"number of {name}" if name else "number of people"
    if units == PEOPLE_PER_DAY and "per day" not in name:
        head, sep, note = name.rpartition(" (")   # before a closing remark in brackets
        name = f"{head} per day{sep}{note}" if sep and note.endswith(")") else f"{name} per day"
    attrs["units"] = COUNT_UNITS if units == PEOPLE else RATE_UNITS
    attrs["long_name"] = name


# --------------------------------------------------------------------------- discovery


def discovery_attrs(*, dataset_id: str, title: str, summary: str, keywords: list[str],
                    lat: np.ndarray, lon: np.ndarray, time: pd.DatetimeIndex, created: str,
                    references: str, uses_ocha: bool) -> dict:
    """The ACDD 1.3 global attributes of a results file (the provenance is the caller's)."""
    lat_min, lat_max = float(np.min(lat)), float(np.max(lat))
    lon_min, lon_max = float(np.min(lon)), float(np.max(lon))
    ocha = ("Boundaries, P-codes and community locations: OCHA COD-AB / COD-PP, licensed "
            "CC BY 3.0 IGO; boundaries and names do not imply official endorsement. "
            if uses_ocha else "")
    return {
        "Conventions": CONVENTIONS,
        "featureType": FEATURE_TYPE,
        "id": re.sub(r"\s+", "_", dataset_id),
        **CREATOR,
        "title": title,
        "summary": summary,
        "keywords": ", ".join(keywords),
        "keywords_vocabulary": "none: free-text keywords (no controlled vocabulary is claimed)",
        "standard_name_vocabulary": STANDARD_NAME_VOCABULARY,
        "processing_level": "model output: simulated planning scenario (not observations)",
        "comment": ("Simulated scenarios for humanitarian planning, not observations or "
                    "forecasts; an ensemble's spread is the model's stochastic uncertainty, "
                    "not the uncertainty of its assumptions."),
        "acknowledgement": (f"{ocha}Every other input (populations, roads, camps, capacities, "
                            f"estimates) is listed with its source in {references}."),
        "license": ("The idlib-sim code is MIT-licensed. Data in this file derived from OCHA "
                    "COD-AB / COD-PP are CC BY 3.0 IGO: credit OCHA when you share them (see "
                    "acknowledgement)." if uses_ocha else
                    "The idlib-sim code is MIT-licensed; the region's data keep the licences "
                    f"listed in {references}."),
        **dict.fromkeys(DATE_ATTRS, created),
        "time_coverage_start": f"{time[0]:%Y-%m-%dT%H:%M:%SZ}",
        "time_coverage_end": f"{time[-1]:%Y-%m-%dT%H:%M:%SZ}",
        "time_coverage_duration": f"P{(time[-1] - time[0]).days}D",
        "time_coverage_resolution": "P1D",
        "geospatial_lat_min": lat_min, "geospatial_lat_max": lat_max,
        "geospatial_lon_min": lon_min, "geospatial_lon_max": lon_max,
        "geospatial_lat_units": "degrees_north", "geospatial_lon_units": "degrees_east",
        # WKT in EPSG:4326 axis order (latitude, longitude), as ACDD 1.3's example
        "geospatial_bounds": (f"POLYGON (({lat_min} {lon_min}, {lat_max} {lon_min}, "
                              f"{lat_max} {lon_max}, {lat_min} {lon_max}, {lat_min} {lon_min}))"),
        "geospatial_bounds_crs": "EPSG:4326",
    }


# --------------------------------------------------------------------------- encoding


def netcdf_encoding(ds: xr.Dataset, compress: bool = True) -> dict[str, dict]:
    """How every variable is stored: CF time, no 64-bit integers, label dimensions as
    character arrays, no fill value on coordinates, zlib (level 1, byte shuffle) on the numeric data."""
    out: dict[str, dict] = {}
    for name, var in ds.variables.items():
        enc: dict = {}
        kind = var.dtype.kind
        if kind == "M":
            first = pd.Timestamp(var.values.min())
            start = f"{first:%Y-%m-%d}" if first == first.normalize() else f"{first:%Y-%m-%d %H:%M:%S}"
            enc.update(units=f"days since {start}", calendar="standard", dtype="float64")
        elif kind in "iu" and var.dtype.itemsize >= 4:
            enc["dtype"] = int_storage(var.values)
        elif kind in "OUS" and name in ds.dims and var.dims == (name,):
            enc.update(dtype="S1", char_dim_name=f"{name}_strlen")
        if name in ds.coords and kind in "fM":
            enc["_FillValue"] = None          # coordinates have no missing values (CF §2.5.1)
        if compress and name in ds.data_vars and kind in "fiu":
            enc.update(zlib=True, complevel=1, shuffle=True)   # level 4: 1.6 x the time, 14 % smaller
        if enc:
            out[name] = enc
    return out


def int_storage(values: np.ndarray) -> str:
    """int32 where the values fit, else double (exact below 2**53): CF 1.8 has no 64-bit or
    unsigned integers."""
    info = np.iinfo(np.int32)
    fits = values.size == 0 or (int(values.min()) >= info.min and int(values.max()) <= info.max)
    return "int32" if fits else "float64"
