"""Random tiny worlds for the property tests: a region folder and a scenario over it.

A :class:`World` is plain data - the rows of ``locations.csv``, ``roads.csv`` and
``front_points.csv`` (the format of ``tests/data/tiny/``) and a scenario mapping as a YAML
file would hold it - so Hypothesis can shrink it and a failure prints something a person can
read and rebuild. :func:`simulate` writes the region to a temporary folder and runs the
scenario through the public API only (schema, place checks, ``run_model``, ``to_dataset``),
so the tests survive refactors of the engine.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import xarray as xr
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sim.config.loading import parse_scenario
from sim.config.scenario import Scenario
from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.world.geography import LOCATION_COLUMNS, ROAD_COLUMNS, load_geography
from sim.world.scenarios import check_places

SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Shared by every property test: reproducible in CI (derandomized, no example database),
no per-example deadline (a run takes tens of milliseconds, more on a busy machine)."""


def property_settings(max_examples: int):
    return settings(max_examples=max_examples, **SETTINGS)


@dataclass(frozen=True)
class World:
    locations: tuple[dict, ...]
    roads: tuple[dict, ...]
    front_points: tuple[dict, ...]
    scenario: dict
    camp_land: tuple[dict, ...] = ()


# ------------------------------------------------------------------ the region

KIND_CONTROL = {
    "town": ["opposition", "opposition", "opposition", "government"],
    "camp": ["opposition", "opposition", "government"],
    "crossing": ["opposition", "turkish_backed"],
    "external": ["turkish_backed", "opposition", "government"],
}


def _coordinate(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 4))


@st.composite
def _place(draw, i: int, kind: str, populated: bool) -> dict:
    people = draw(st.integers(1, 50_000)) if populated else \
        draw(st.integers(0, 50_000)) if kind in ("town", "camp") else 0
    return {
        "name": f"{kind.capitalize()}{i}", "kind": kind, "subdistrict": f"S{draw(st.integers(0, 3))}",
        "district": "D1", "governorate": "Idleb",
        "lat": draw(_coordinate(35.0, 36.8)), "lon": draw(_coordinate(36.0, 37.3)),
        "control_2019": "opposition" if populated else draw(st.sampled_from(KIND_CONTROL[kind])),
        "population_people": people,
        "idp_people": draw(st.integers(0, people)),
        "camp_capacity_people": draw(st.one_of(st.integers(0, 2_000), st.integers(2_000, 40_000)))
        if kind in ("camp", "external") else 0,
        "host_capacity_people": draw(st.integers(0, 20_000)) if kind in ("town", "external") else 0,
        "coord_source": "hypothesis", "population_source": "hypothesis",
        "capacity_source": "hypothesis", "note": "generated",
    }


@st.composite
def _region(draw) -> tuple[tuple[dict, ...], tuple[dict, ...], tuple[dict, ...]]:
    """3-12 places joined by a random spanning tree plus a few extra roads (so connected)."""
    n = draw(st.integers(3, 12))
    n_crossings = draw(st.integers(1, min(3, n - 2)))
    rest = draw(st.lists(st.sampled_from(["town", "town", "camp", "camp", "crossing", "external"]),
                         min_size=n - 2 - n_crossings, max_size=n - 2 - n_crossings))
    # One populated town (someone must live here), >= 1 crossing, one external area, the rest random.
    kinds = draw(st.permutations(["town"] + ["crossing"] * n_crossings + ["external"] + rest))
    populated = kinds.index("town")
    places = tuple(draw(_place(i, k, i == populated)) for i, k in enumerate(kinds))

    pairs = [(draw(st.integers(0, i - 1)), i) for i in range(1, n)]
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n))
    seen = {frozenset(p) for p in pairs}
    for a, b in extra:
        if a != b and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            pairs.append((a, b))
    capacity = st.one_of(st.integers(0, 300), st.integers(300, 30_000))
    roads = tuple({
        "from": places[a]["name"], "to": places[b]["name"], "road": f"R{k}", "road_class": "primary",
        "distance_km": draw(st.floats(0.5, 80.0, allow_nan=False).map(lambda v: round(v, 2))),
        "capacity_people_per_day": draw(capacity),
        "source": "hypothesis", "distance_method": "generated", "note": "",
    } for k, (a, b) in enumerate(pairs))
    fronts = tuple({"name": f"Front{k}", "lat": draw(_coordinate(34.6, 36.8)),
                    "lon": draw(_coordinate(35.8, 37.5)), "source": "hypothesis", "note": ""}
                   for k in range(draw(st.integers(1, 2))))
    return places, roads, fronts


@st.composite
def _camp_land(draw, places: tuple[dict, ...]) -> tuple[dict, ...]:
    """Land for new camp sites (camp_land.csv) at some camps, towns and external areas."""
    sites = [p["name"] for p in places if p["kind"] != "crossing"]
    chosen = draw(st.lists(st.sampled_from(sites), unique=True, max_size=3)) if sites else []
    return tuple({"place": name, "land_m2": draw(st.integers(0, 3_000_000)),
                  "source": "hypothesis", "note": ""} for name in chosen)


# ------------------------------------------------------------------ the scenario

def _maybe(strategy):
    return st.one_of(st.none(), strategy)


def _number(lo: float, hi: float):
    """A parameter as a planner would write it (3 decimals): no subnormal capacities that
    only make NumPy warn about overflow."""
    return st.floats(lo, hi, allow_nan=False).map(lambda v: round(v, 3))


def _fraction():
    return _number(0.0, 1.0)


@st.composite
def _border_phases(draw, days: int) -> list[dict]:
    """A closed / quota / open timeline: starts at day 0, phases in day order."""
    starts = [0] + sorted(draw(st.lists(st.integers(0, days), max_size=3)))
    phases = []
    for day in starts:
        status = draw(st.sampled_from(["closed", "quota", "open"]))
        phase = {"day": day, "status": status}
        if status == "quota":
            phase["quota_people_per_day"] = draw(st.integers(0, 3_000))
        phases.append(phase)
    return phases


@st.composite
def _conflict(draw, days: int, places: list[str], fronts: list[str], edges: list[tuple]) -> dict:
    day = st.integers(0, days)
    axes = []
    for k in range(draw(st.integers(0, 3))):
        start_day = draw(day)
        axes.append({
            "name": f"axis{k}", "start": draw(st.sampled_from(fronts + places)),
            "via": draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)),
            "start_day": start_day,
            "speed_km_per_day": draw(_number(0.5, 15.0)),
            "width_km": draw(_number(0.5, 15.0)),
            "stop_day": draw(_maybe(st.integers(start_day, days + 5))),
        })
    intensity = sorted(draw(st.lists(st.tuples(day, _fraction()), min_size=1, max_size=3)))
    strikes = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(day)
        strikes.append({"place": draw(st.sampled_from(places)), "start_day": start,
                        "end_day": draw(st.integers(start, days + 2)), "level": draw(_fraction())})
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(edges))
        start = draw(day)
        closures.append({"from": a, "to": b, "start_day": start,
                         "end_day": draw(_maybe(st.integers(start, days)))})
    return {
        "axes": axes,
        "control_changes": [
            {"place": draw(st.sampled_from(places)), "day": draw(st.integers(0, days + 2)),
             "to_side": draw(st.sampled_from(["government", "opposition"]))}
            for _ in range(draw(st.integers(0, 3)))],
        "intensity": [{"day": d, "level": lv} for d, lv in intensity],
        "ceasefire_day": draw(_maybe(day)),
        "danger_decay_km": draw(_number(2.0, 40.0)),
        "front_memory_days": draw(st.integers(1, 15)),
        "road_cut_km": draw(_number(0.0, 10.0)),
        "strikes": strikes,
        "road_closures": closures,
        "contact_line": draw(st.booleans()),
        "government_points": draw(st.lists(st.sampled_from(fronts), max_size=2, unique=True)),
    }


@st.composite
def worlds(draw) -> World:
    """A random region and a random offensive over it, 5-40 days, hundreds to tens of
    thousands of people, with every scenario section varied."""
    places, roads, fronts = draw(_region())
    names = [p["name"] for p in places]
    crossings = [p["name"] for p in places if p["kind"] == "crossing"]
    camps = [p["name"] for p in places if p["kind"] == "camp"]
    days = draw(st.integers(5, 40))
    total = draw(st.integers(200, 40_000))
    population = {
        "total_people": total,
        "mean_household_size": draw(_number(1.0, 9.0)),
        "vehicle_share": draw(_fraction()),
        "risk_tolerance_mean": draw(_fraction()),
        "information_mean": draw(_fraction()),
    }
    populated = next(p["name"] for p in places if p["control_2019"] == "opposition"
                     and p["kind"] == "town" and p["population_people"] > 0)
    if draw(st.booleans()):  # people placed by hand, even at a crossing or an external area
        place = draw(st.sampled_from([n for n in names if n != populated]))
        population["people_by_place"] = {place: draw(st.integers(0, total))}
    scenario = {
        "name": "property", "start_date": "2020-01-01", "days": days,
        "seed": draw(st.integers(0, 2**32 - 1)),
        "population": population,
        "conflict": draw(_conflict(days, names, [f["name"] for f in fronts],
                                   [(r["from"], r["to"]) for r in roads])),
        "border": {
            "default": draw(_border_phases(days)),
            "crossings": {c: draw(_border_phases(days))
                          for c in draw(st.lists(st.sampled_from(crossings), unique=True))},
        },
        "behaviour": {
            "flee_propensity": draw(_number(0.0, 20.0)),
            "danger_tolerance": draw(_fraction()),
            "base_flee_rate_per_day": draw(st.sampled_from([0.0, 0.0, 0.01, 0.2])),
            "social_weight": draw(_number(0.0, 3.0)),
            "max_destination_danger": draw(_fraction()),
            "border_give_up_per_day": draw(_fraction()),
            "open_air_move_on_per_day": draw(_fraction()),
            "border_queue_scale_people": draw(_number(10.0, 20_000.0)),
        },
        "movement": {
            "vehicle_speed_km_per_day": draw(_number(5.0, 150.0)),
            "foot_speed_km_per_day": draw(_number(1.0, 40.0)),
            "road_capacity_scale": draw(_number(0.0, 2.0)),
            "danger_route_penalty": draw(_number(0.0, 10.0)),
        },
        "capacity": {
            "camp_capacity_scale": draw(_number(0.0, 5.0)),
            "host_capacity_scale": draw(_number(0.0, 3.0)),
            "camp_capacity_people": {c: draw(st.integers(0, 20_000))
                                     for c in draw(st.lists(st.sampled_from(camps), unique=True))
                                     } if camps else {},
        },
        "response": {
            "lag_days": draw(st.integers(0, 10)),
            "share_of_unsheltered_per_day": draw(st.sampled_from([0.0, 0.1, 0.3, 1.0])),
            "max_people_per_day_per_site": draw(_number(0.0, 5_000.0)),
            "catchment_km": draw(_number(0.0, 80.0)),
            "camp_land_m2_per_person": draw(_number(5.0, 60.0)),
        },
    }
    # Drawn last, so that the worlds drawn before these sections existed stay the same.
    camp_land = draw(_camp_land(places))
    _draw_processes(draw, scenario)
    return World(places, roads, fronts, scenario, camp_land)


def _draw_processes(draw, scenario: dict) -> None:
    """Departure, settling, onward moves, fear, returns, sheltering from the open and news of
    open crossings (issue 10)."""
    scenario["population"]["transport_money_share"] = draw(_fraction())
    scenario["departure"] = {
        "mode": draw(st.sampled_from(["immediate", "means", "means"])),
        "preparation_days_mean": draw(_number(0.0, 4.0)),
        "spare_seats_per_vehicle": draw(_number(0.0, 8.0)),
        "shared_trips_per_day": draw(_number(0.0, 3.0)),
        "hired_transport_per_day": draw(_fraction()),
        "walk_per_day": draw(_fraction()),
        "walk_dependants_factor": draw(_fraction()),
    }
    scenario["movement"]["settle_after_days"] = draw(_maybe(st.integers(1, 6)))
    scenario["behaviour"].update({
        "fear_memory_days": draw(st.sampled_from([0.0, 2.0, 10.0])),
        "onward_move_cost": draw(_maybe(_number(0.0, 4.0))),
        "shelter_review_per_day": draw(st.sampled_from([0.0, 0.1, 1.0])),
        "crossing_queue_days": draw(st.sampled_from([0.0, 1.0, 3.0])),
        "crossing_news_days": draw(_number(0.5, 10.0)),
        "crossing_reach_km": draw(_number(0.0, 200.0)),
    })
    scenario["capacity"]["shelter_from_open"] = draw(st.booleans())
    scenario["returns"] = {
        "return_per_day": draw(st.sampled_from([0.0, 0.05, 0.5])),
        "return_after_safe_days": draw(st.integers(0, 5)),
        "safe_danger": draw(_fraction()),
        "return_to_government_factor": draw(st.sampled_from([0.0, 0.0, 1.0])),
    }


# ------------------------------------------------------------------ running one

def write_region(world: World, folder: Path) -> Path:
    """The region folder as a user would write it (tests/data/tiny/ format)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = [("locations.csv", world.locations, LOCATION_COLUMNS),
              ("roads.csv", world.roads, ROAD_COLUMNS),
              ("front_points.csv", world.front_points, ("name", "lat", "lon"))]
    if world.camp_land:
        tables.append(("camp_land.csv", world.camp_land, ("place", "land_m2")))
    for file, rows, required in tables:
        with (folder / file).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            assert set(required) <= set(rows[0]), file
            writer.writeheader()
            writer.writerows(rows)
    return folder


def simulate(world: World, base: Path, *seeds: int | None) -> tuple[list[xr.Dataset], Scenario]:
    """Validate the scenario at the edge and run it to its last day once per seed (the
    scenario's own seed for ``None``; one run of it if no seed is given), all from the same
    region folder, so the datasets differ only by what the seed changes."""
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        region = write_region(world, Path(tmp) / "region")
        geography = load_geography(region)
        scenario = parse_scenario({**world.scenario, "region": str(region)}, where="property")
        check_places(scenario, geography, "property")
        runs = [to_dataset(run_model(scenario, seed=seed, geography=geography))
                for seed in seeds or (None,)]
        return runs, scenario
