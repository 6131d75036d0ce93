"""The run as an xarray Dataset (units, CF/ACDD metadata, provenance) and its atomic write.

Besides the per-location series, the planning numbers are summed over the official
sub-districts (dimension ``subdistrict``: OCHA P-codes, with English and Arabic names, as OCHA
and the CCCM cluster report them). Each location carries its sub-district as
``location_subdistrict`` (P-code; the name where a region has no P-codes) and
``location_subdistrict_name``.
"""

from __future__ import annotations

import hashlib
import platform
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.engine.households import GROUPS, Status
from sim.engine.recorder import journey_days_quantile
from sim.io.atomic import atomic_path
from sim.io.conventions import PEOPLE, PEOPLE_PER_DAY, apply_conventions, discovery_attrs, netcdf_encoding
from sim.io.numpy_only import local_write_lock

INPUT = {"coverage_content_type": "auxiliaryInformation"}
"""A variable the model was given (after scaling), not one it computed."""


def _var(dims, data, units, long_name, **extra):
    attrs = {"units": units, "long_name": long_name, **extra}
    return (dims, data, attrs)


def to_dataset(model) -> xr.Dataset:
    """Build the Dataset from a finished (or partly run) model."""
    from sim import __version__

    sc, geo, rec, con = model.config, model.geography, model.recorder, model.conflict
    days = model.day + 1
    s = rec.by_status[:days]
    time = pd.date_range(sc.start_date, periods=days, freq="D")
    T, L, R = ("time",), ("time", "location"), ("time", "road")
    displaced_present = s[:, [Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER]].sum(axis=1)
    overflow = np.where(geo.kind == "camp", s[:, Status.OPEN], 0.0)
    data_vars = {
        "residents_present": _var(L, s[:, Status.HOME], PEOPLE,
                                  "people at their day-0 place of residence (not displaced in this run, or gone back home)"),
        "displaced_present": _var(L, displaced_present, PEOPLE,
                                  "people displaced in this run staying at the location (camp, host, open air, border)"),
        "in_camp": _var(L, s[:, Status.CAMP], PEOPLE, "displaced people admitted to camps"),
        "in_host": _var(L, s[:, Status.HOST], PEOPLE, "displaced people in host families or rented housing"),
        "in_open": _var(L, s[:, Status.OPEN], PEOPLE, "displaced people in the open or informal shelter (no capacity left)"),
        "waiting_at_border": _var(L, s[:, Status.BORDER], PEOPLE, "people waiting at a border crossing that does not let them through"),
        "in_transit": _var(L, s[:, Status.TRANSIT], PEOPLE, "people in transit whose last node passed is the location"),
        "in_transit_on_road": _var(L, s[:, Status.TRANSIT] - rec.queued[:days], PEOPLE,
                                   "people in transit part-way along a road tonight, by the last node passed"),
        "in_transit_queued": _var(L, rec.queued[:days], PEOPLE,
                                  "people in transit at a node tonight (queued for a full road or without a route)"),
        "settled_in_open": _var(L, rec.settled_in_open[:days], PEOPLE_PER_DAY,
                                "people settling in the open where they are: a journey or a wait at a closed crossing that lasted movement.settle_after_days"),
        "arrivals": _var(L, rec.arrivals[:days], PEOPLE_PER_DAY, "people reaching their chosen destination"),
        "entered": _var(L, rec.entered[:days], PEOPLE_PER_DAY, "people entering the system at the location (spawning mode)"),
        "departures": _var(L, rec.departures[:days], PEOPLE_PER_DAY, "people setting off from the location (flights and onward moves)"),
        "flights": _var(L, rec.flights[:days], PEOPLE_PER_DAY, "people fleeing danger from the location (first or repeated displacement)"),
        "new_displaced": _var(L, rec.new_displaced[:days], PEOPLE_PER_DAY, "people displaced for the first time in this run (by place left)"),
        "border_crossings": _var(L, rec.border_crossings[:days], PEOPLE_PER_DAY, "people crossing into Turkey"),
        "returns": _var(L, rec.returns[:days], PEOPLE_PER_DAY, "displaced people going back home, by home place"),
        "returned_home": _var(L, rec.returned_home[:days], PEOPLE,
                              "people displaced in this run who are at home again (part of residents_present)"),
        "left_home": _var(L, rec.left_home[:days], PEOPLE_PER_DAY,
                          "people leaving their home: first displacement, or fleeing again after going back"),
        "camp_occupancy": _var(L, rec.camp_occupancy[:days], PEOPLE, "people occupying camp places (day-0 camp residents and admitted arrivals)"),
        "camp_capacity": _var(L, rec.camp_capacity[:days], PEOPLE,
                              "people the camps can hold: the shipped places (after scaling and overrides) and those the response opened", **INPUT),
        "camp_capacity_opened": _var(L, rec.camp_capacity_opened[:days], PEOPLE_PER_DAY,
                                     "people for whom the humanitarian response opened camp places"),
        "response_land_bound": _var(("location",), model.response.land_bound_people, PEOPLE,
                                    "people the response can give camp places at the site: its land (camp_land.csv) / response.camp_land_m2_per_person", **INPUT),
        "host_capacity": _var(("location",), model.host_capacity, PEOPLE, "extra people host communities can absorb", **INPUT),
        "road_capacity": _var(("road",), model.road_capacity, PEOPLE_PER_DAY, "people the road can carry per day in each direction", **INPUT),
        "camp_overflow": _var(L, overflow, PEOPLE, "people at a camp cluster left in the open because the camps are full"),
        "danger": _var(L, con.danger[:days], "1", "conflict danger index (0 = none, 1 = front line at full intensity)"),
        "government_control": _var(L, con.government[:days].astype(np.int8), "1", "location under government control (1) or not (0)",
                                   flag_values=np.array([0, 1], dtype=np.int8), flag_meanings="not_government government"),
        "front_distance_km": _var(L, np.where(np.isfinite(con.front_distance_km[:days]), con.front_distance_km[:days], np.nan),
                                  "km", "distance to the active front line"),
        "road_flow": _var(R, rec.flow[:days].sum(axis=2), PEOPLE_PER_DAY, "people entering the road (both directions)"),
        "road_flow_forward": _var(R, rec.flow[:days, :, 0], PEOPLE_PER_DAY, "people entering the road at road_from, heading to road_to"),
        "road_flow_backward": _var(R, rec.flow[:days, :, 1], PEOPLE_PER_DAY, "people entering the road at road_to, heading to road_from"),
        "road_closed": _var(R, con.road_cut[:days].astype(np.int8), "1", "road cut by the front or closed by the scenario (1) or open (0)",
                            flag_values=np.array([0, 1], dtype=np.int8), flag_meanings="open closed"),
        "cumulative_displaced": _var(T, rec.cumulative_displaced[:days], PEOPLE, "people displaced at least once in this run (each person once)"),
        "cumulative_flights": _var(T, rec.cumulative_flights[:days], PEOPLE, "displacement movements so far (a person fleeing twice counts twice)"),
        "crossed_border": _var(T, s[:, Status.CROSSED].sum(axis=1), PEOPLE, "people who have crossed into Turkey"),
        "people_total": _var(T, s.sum(axis=(1, 2)), PEOPLE, "people in the model (conservation check: day-0 people plus those entered)",
                             coverage_content_type="qualityInformation"),
        "displaced_by_group": _var(("time", "group"), rec.displaced_by_group[:days], PEOPLE,
                                   "people displaced in this run and still in the area, by age/sex group"),
        "displaced_by_origin": _var(("time", "origin", "location"), rec.displaced_by_origin[:days], PEOPLE,
                                    "people displaced in this run (in transit or sheltered) by home sub-district and current location"),
        "in_camp_by_origin": _var(("time", "origin"), rec.in_camp_by_origin[:days], PEOPLE,
                                  "people displaced in this run and admitted to camps, by home sub-district"),
        "conflict_intensity": _var(T, con.intensity[:days], "1", "conflict intensity level"),
        "journeys_ended": _var(("journey_days",), rec.journeys_ended[1:], PEOPLE,
                               "people whose journey ended (arrival or settling on the way) after this many days on the move"),
        "journey_days_median": _var((), journey_days_quantile(rec.journeys_ended, 0.5), "days",
                                    "median days on the move of the journeys that ended (people-weighted)"),
        "journey_days_p90": _var((), journey_days_quantile(rec.journeys_ended, 0.9), "days",
                                 "90th percentile of days on the move of the journeys that ended (people-weighted)"),
    }
    coords = {
        "time": ("time", time, {"long_name": "date (end of simulated day)", "standard_name": "time"}),
        "location": ("location", np.array(geo.names, dtype=object), {"long_name": "place name"}),
        "lat": ("location", geo.lat, {"units": "degrees_north", "standard_name": "latitude",
                                      "long_name": "latitude of the place"}),
        "lon": ("location", geo.lon, {"units": "degrees_east", "standard_name": "longitude",
                                      "long_name": "longitude of the place"}),
        "kind": ("location", geo.kind.astype(object), {"long_name": "town, camp, crossing or external area",
                                                       "coverage_content_type": "thematicClassification"}),
        "location_subdistrict": ("location", geo.subdistrict_key.astype(object),
                                 {"long_name": "sub-district of the location (OCHA P-code; the name where the region has none)"}),
        "location_subdistrict_name": ("location", geo.subdistrict.astype(object),
                                      {"long_name": "sub-district of the location (OCHA name)"}),
        "road": ("road", np.arange(geo.n_edges), {"long_name": "road index"}),
        "road_from": ("road", np.array(geo.names, dtype=object)[geo.edge_from], {"long_name": "road end A"}),
        "road_to": ("road", np.array(geo.names, dtype=object)[geo.edge_to], {"long_name": "road end B"}),
        "road_length_km": ("road", geo.edge_length_km, {"units": "km", "long_name": "road length"}),
        "origin": ("origin", np.array(rec.origins, dtype=object), {"long_name": "home sub-district"}),
        "origin_pcode": ("origin", np.array([str(geo.subdistrict_key[np.argmax(geo.subdistrict == o)])
                                             for o in rec.origins], dtype=object),
                         {"long_name": "home sub-district (OCHA P-code; the name where the region has none)"}),
        "group": ("group", np.array(GROUPS, dtype=object), {"long_name": "age/sex group"}),
        "journey_days": ("journey_days", np.arange(1, len(rec.journeys_ended)),
                         {"units": "days", "long_name": "days on the move, the day of setting off counting as the first"}),
    }
    sub_vars, sub_coords = _by_subdistrict(geo, data_vars, coords)
    sub_vars["new_idps_present_by_cohort"], sub_coords["cohort"] = _cohorts(rec, time, days)
    ds = xr.Dataset(data_vars={**data_vars, **sub_vars}, coords={**coords, **sub_coords})
    ds.attrs = _global_attrs(model, time, __version__)
    return apply_conventions(ds)


SUBDISTRICT_VARS = {  # name over (time, subdistrict): (summed location variables, long name)
    "people_present_by_subdistrict": (("residents_present", "displaced_present", "in_transit"),
                                      "people at places of the sub-district (residents, displaced, in transit)"),
    "displaced_present_by_subdistrict": (("displaced_present",),
                                         "people displaced in this run sheltering in the sub-district (camp, host, open air, border)"),
    "arrivals_by_subdistrict": (("arrivals",), "people reaching a destination in the sub-district"),
    "new_idps_present_by_subdistrict": (("displaced_present", "in_transit"),
                                        "new IDPs present: people displaced in this run and in the sub-district (sheltering, or in transit with the sub-district's place the last passed)"),
    "camp_occupancy_by_subdistrict": (("camp_occupancy",), "people occupying camp places in the sub-district"),
}


def _by_subdistrict(geo, data_vars: dict, coords: dict) -> tuple[dict, dict]:
    """The planning numbers summed over sub-districts (P-codes, else names), and the coords."""
    key = geo.subdistrict_key
    keys = list(dict.fromkeys(str(k) for k in key))
    member = np.zeros((geo.n_locations, len(keys)))
    member[np.arange(geo.n_locations), [keys.index(str(k)) for k in key]] = 1.0
    table = geo.subdistricts
    first = {k: int(np.argmax(key == k)) for k in keys}

    def column(attr: str, fallback) -> np.ndarray:
        if table is not None and all(k in table.pcode for k in keys):
            return np.array([getattr(table, attr)[table.row(k)] for k in keys], dtype=object)
        return np.array([fallback(first[k]) for k in keys], dtype=object)

    out = {}
    for name, (parts, long_name) in SUBDISTRICT_VARS.items():
        total = sum(data_vars[p][1] for p in parts)
        units = data_vars[parts[0]][2]["units"]
        out[name] = _var(("time", "subdistrict"), total @ member, units, long_name)
    cap_dims, cap = data_vars["camp_capacity"][0], data_vars["camp_capacity"][1]
    out["camp_capacity_by_subdistrict"] = _var(cap_dims[:-1] + ("subdistrict",), cap @ member,
                                               PEOPLE, "people the camps of the sub-district can hold", **INPUT)
    sub_coords = {
        "subdistrict": ("subdistrict", np.array(keys, dtype=object),
                        {"long_name": "sub-district (OCHA admin-3 P-code; the name where the region has none)"}),
        "subdistrict_name": ("subdistrict", column("name", lambda i: str(geo.subdistrict[i])),
                             {"long_name": "sub-district name (OCHA, English)"}),
        "subdistrict_name_ar": ("subdistrict", column("name_ar", lambda i: ""),
                                {"long_name": "sub-district name (OCHA, Arabic)"}),
        "subdistrict_district": ("subdistrict", column("district", lambda i: str(geo.district[i])),
                                 {"long_name": "district (OCHA admin-2)"}),
        "subdistrict_governorate": ("subdistrict", column("governorate", lambda i: str(geo.governorate[i])),
                                    {"long_name": "governorate (OCHA admin-1)"}),
    }
    return out, sub_coords


def _cohorts(rec, time, days: int) -> tuple[tuple, tuple]:
    """New IDPs present by cohort of first displacement (the measure sitreps report as "new
    IDPs in sub-district X since <date>"), and the cohort coordinate: its first day."""
    width = rec.cohort_days
    n = rec.new_idps_by_cohort.shape[1]
    var = _var(("time", "cohort", "subdistrict"), rec.new_idps_by_cohort[:days], PEOPLE,
               "people displaced in this run and present in the sub-district (sheltering, or in "
               "transit with the sub-district's place the last passed), by the period in which "
               "they were first displaced", cohort_length_days=width)
    starts = pd.date_range(time[0], periods=n, freq=f"{width}D")
    return var, ("cohort", starts, {"long_name": "first day of the period of first displacement",
                                    "cohort_length_days": width})


def _global_attrs(model, time, version: str) -> dict:
    """ACDD discovery attributes (:func:`sim.io.conventions.discovery_attrs`) and provenance."""
    from sim.engine.mesa_core import mesa_version

    mesa_v = mesa_version()
    sc, geo = model.config, model.geography
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    scenario_json = sc.model_dump_json()
    sources = ("sim/data/idlib/sources.md" if str(geo.region) == "idlib"
               else f"{geo.data_dir}/sources.md")
    keywords = (["displacement", "IDP", "Idlib", "Syria", "agent-based model", "humanitarian planning"]
                if str(geo.region) == "idlib" else
                ["displacement", "refugees", "IDP", Path(str(geo.region)).name, "agent-based model"])
    digest = hashlib.sha256(scenario_json.encode()).hexdigest()[:12]
    return {
        **discovery_attrs(
            dataset_id=f"{sc.name}_seed{int(model.seed)}_{digest}_v{version}",
            title=f"Displacement simulation: {sc.title or sc.name}",
            summary=(sc.description or sc.title or sc.name).strip(),
            keywords=keywords, lat=geo.lat, lon=geo.lon, time=time, created=now,
            references=sources, uses_ocha=_cites_ocha(geo.data_dir)),
        "source": f"idlib-sim {version} agent-based model (Mesa {mesa_v})",
        "history": f"{now} created by idlib-sim {version}",
        "product_version": version,
        "project": "Idlib displacement scenario simulator",
        "references": f"docs/model.md (ODD description); {sources}",
        "scenario_name": sc.name,
        "scenario_file": sc.source_path,
        "scenario_sha256": sc.source_sha256,
        "scenario_json": scenario_json,
        "seed": int(model.seed),
        "region": str(geo.region),
        "households": int(len(model.households)),
        "initial_people": int(model.initial_people),
        "python_version": platform.python_version(),
        "mesa_version": mesa_v,
        "numpy_version": np.__version__,
        "xarray_version": xr.__version__,
    }


def _cites_ocha(data_dir: Path) -> bool:
    """Whether the region's sources.md cites OCHA's common operational datasets (CC BY 3.0
    IGO asks every copy to credit them)."""
    sources = Path(data_dir) / "sources.md"
    return sources.is_file() and any(k in sources.read_text(encoding="utf-8") for k in ("COD-AB", "COD-PP"))


def write_atomic(ds: xr.Dataset, path: str | Path) -> Path:
    """Write NetCDF (CF encoding, :func:`sim.io.conventions.netcdf_encoding`) under a temporary
    name in the same folder, then rename into place."""
    encoding = netcdf_encoding(ds)
    with atomic_path(path) as tmp, local_write_lock():
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
    return Path(path)
