"""The scenario schema: YAML in, a frozen, validated ``Scenario`` out.

Everything a planner can change lives here, once, with its unit and default. Nothing deeper
in the package reads raw dictionaries or re-checks values: validate at the edge, trust inside.
Place names are checked against the geography (with close-match suggestions) in
:func:`load_scenario`, so a run never starts with a typo in it.
"""

from __future__ import annotations

import difflib
import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      model_validator)

from sim.errors import InputError



def _not_bool(value):
    """YAML reads yes/no/true/false as booleans; a number field must not take them as 1/0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
Whole = Annotated[int, BeforeValidator(_not_bool)]
Probability = Annotated[Number, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[Number, Field(ge=0.0)]
Positive = Annotated[Number, Field(gt=0.0)]
Day = Annotated[Whole, Field(ge=0)]
People = Annotated[Whole, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PopulationConfig(_Strict):
    """Who lives in the area at day 0. Shares are of people; see docs/model.md (Initialisation)."""

    total_people: Annotated[Whole, Field(ge=1)] = 2_500_000
    mean_household_size: Annotated[Number, Field(ge=1.0, le=15.0)] = 5.5
    children_share: Probability = 0.47
    adult_women_share: Probability = 0.25
    elderly_share: Probability = 0.06
    vehicle_share: Probability = 0.30
    risk_tolerance_mean: Probability = 0.5
    information_mean: Probability = 0.6
    people_by_place: dict[str, People] = Field(default_factory=dict)
    """Optional override of the shipped 2019 population estimate for named places (people)."""

    @model_validator(mode="after")
    def _shares_fit(self) -> "PopulationConfig":
        if self.children_share + self.adult_women_share + self.elderly_share > 1.0:
            raise ValueError(
                "children_share + adult_women_share + elderly_share must not exceed 1 "
                "(adult men are the rest)"
            )
        return self


class Axis(_Strict):
    """An axis of advance: the front moves from ``start`` through ``via`` at a steady speed."""

    name: str
    start: str
    via: tuple[str, ...] = Field(min_length=1)
    start_day: Day = 0
    speed_km_per_day: Positive = 1.0
    width_km: Positive = 6.0
    stop_day: Day | None = None


class ControlChange(_Strict):
    place: str
    day: Day
    to_side: Literal["government", "opposition"] = "government"


class IntensityPoint(_Strict):
    day: Day
    level: Probability


class Strike(_Strict):
    """Air or artillery strikes on a place away from the front (danger level while active)."""

    place: str
    start_day: Day
    end_day: Day
    level: Probability


class RoadClosure(_Strict):
    from_place: str = Field(alias="from")
    to_place: str = Field(alias="to")
    start_day: Day = 0
    end_day: Day | None = None


class ConflictConfig(_Strict):
    axes: tuple[Axis, ...] = ()
    control_changes: tuple[ControlChange, ...] = ()
    intensity: tuple[IntensityPoint, ...] = (IntensityPoint(day=0, level=1.0),)
    ceasefire_day: Day | None = None
    danger_decay_km: Positive = 14.8
    front_memory_days: Annotated[Whole, Field(ge=1)] = 10
    road_cut_km: NonNegative = 3.0
    strikes: tuple[Strike, ...] = ()
    road_closures: tuple[RoadClosure, ...] = ()
    contact_line: bool = False
    """Treat the whole line of contact as front: every government-held place and every
    ``government_points`` reference point is a source of danger every day (scaled by the
    intensity), not only the ground an axis covered or control changed in recently."""
    government_points: tuple[str, ...] = ()
    """Government-held reference points outside the map (front_points.csv) on the contact line."""


class BorderPhase(_Strict):
    day: Day = 0
    status: Literal["closed", "quota", "open"]
    quota_people_per_day: People | None = None

    @model_validator(mode="after")
    def _quota_needs_number(self) -> "BorderPhase":
        if self.status == "quota" and self.quota_people_per_day is None:
            raise ValueError("status 'quota' needs quota_people_per_day (people per day)")
        return self


class BorderConfig(_Strict):
    """Crossing policy timelines. ``default`` applies to every crossing not listed."""

    default: tuple[BorderPhase, ...] = (BorderPhase(day=0, status="closed"),)
    crossings: dict[str, tuple[BorderPhase, ...]] = Field(default_factory=dict)


class BehaviourConfig(_Strict):
    """Decision parameters. Defaults are documented estimates (docs/model.md, Details), except
    flee_propensity, danger_tolerance, camp_preference and open_air_move_on_per_day (and
    conflict.danger_decay_km, capacity.camp_capacity_scale): the posterior means of the ABC
    calibration on the Apr-Aug 2019 offensive, with their uncertainty in docs/validation.md."""

    flee_propensity: NonNegative = 9.8
    """Daily flight hazard per unit of perceived danger above the household's threshold (1/day)."""
    danger_tolerance: Probability = 0.33
    """Danger a fully risk-tolerant household (risk_tolerance = 1) puts up with indefinitely."""
    base_flee_rate_per_day: NonNegative = 0.0
    front_proximity_weight: NonNegative = 0.15
    front_proximity_scale_km: Positive = 15.0
    social_weight: NonNegative = 1.0
    no_vehicle_factor: NonNegative = 0.85
    prior_displacement_factor: NonNegative = 1.25
    distance_weight_per_100km: NonNegative = 1.5
    safety_weight: NonNegative = 4.0
    front_distance_weight_per_100km: NonNegative = 2.0
    crowding_weight: NonNegative = 2.0
    camp_preference: Number = 1.16
    host_preference: Number = 0.3
    northern_aleppo_preference: Number = -0.5
    border_preference: Number = 0.0
    closed_border_penalty: NonNegative = 3.0
    border_queue_scale_people: Positive = 10_000.0
    """People waiting at a crossing at which the queue deters as much as a full camp."""
    max_destination_danger: Probability = 0.1
    border_give_up_per_day: Probability = 0.05
    open_air_move_on_per_day: Probability = 0.17


class MovementConfig(_Strict):
    vehicle_speed_km_per_day: Positive = 80.0
    foot_speed_km_per_day: Positive = 20.0
    road_capacity_scale: NonNegative = 1.0
    danger_route_penalty: NonNegative = 5.0


class CapacityConfig(_Strict):
    camp_capacity_scale: NonNegative = 3.76
    """Calibrated (docs/validation.md): the 2019 offensive saw new sites and reception centres
    open as people arrived; 3.76 x the shipped 2019 capacity reproduces the people in sites.
    Set 1.0 to plan with today's camps and no new sites."""
    host_capacity_scale: NonNegative = 1.0
    camp_capacity_people: dict[str, People] = Field(default_factory=dict)


class Scenario(_Strict):
    """A whole scenario: an offensive, a border policy and behaviour, as data."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$")]
    title: str = ""
    description: str = ""
    region: str = "idlib"
    start_date: date
    days: Annotated[Whole, Field(ge=1, le=3650)] = 180
    seed: Annotated[Whole, Field(ge=0)] = 0
    population: PopulationConfig = PopulationConfig()
    conflict: ConflictConfig = ConflictConfig()
    border: BorderConfig = BorderConfig()
    behaviour: BehaviourConfig = BehaviourConfig()
    movement: MovementConfig = MovementConfig()
    capacity: CapacityConfig = CapacityConfig()
    source_path: str = Field(default="", exclude=True)
    source_sha256: str = Field(default="", exclude=True)


# --------------------------------------------------------------------------- loading

INTERNAL_FIELDS = ("source_path", "source_sha256")


def parse_scenario(data: object, where: str = "scenario") -> Scenario:
    """Validate a mapping (from YAML) into a :class:`Scenario`, or raise one-line InputError."""
    if not isinstance(data, dict):
        raise InputError("the file must be a YAML mapping of scenario fields", where=where)
    for internal in INTERNAL_FIELDS:
        if internal in data:
            raise InputError("unknown field; it is set by the program, remove it", where=where,
                             field=internal)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _friendly(exc, where) from None


def load_scenario(path: str | Path, geography=None) -> Scenario:
    """Read, validate and place-check a scenario YAML file.

    ``geography`` defaults to the scenario's ``region`` shipped with the package.
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError("file not found; give the path of a scenario YAML file (see scenarios/)",
                         where=where)
    raw = path.read_bytes()
    data = _read_yaml(path)
    chain = [path.resolve()]
    current = path.resolve()
    while isinstance(data, dict) and "extends" in data:
        base_path = (current.parent / str(data.pop("extends"))).resolve()
        if base_path in chain:
            raise InputError("'extends' loops back to a file already included", where=where,
                             field="extends")
        if not base_path.is_file():
            raise InputError(f"base scenario {base_path} not found; give a path relative to "
                             "this file", where=where, field="extends")
        chain.append(base_path)
        raw = base_path.read_bytes() + raw
        base = _read_yaml(base_path)
        if not isinstance(base, dict):
            raise InputError("the base scenario must be a YAML mapping", where=str(base_path))
        if "extends" in base:  # the base's own base is relative to the base's folder
            base["extends"] = str((base_path.parent / str(base["extends"])).resolve())
        data = deep_merge(base, data)
        current = base_path
    scenario = parse_scenario(data, where)
    update = {"source_path": str(path), "source_sha256": hashlib.sha256(raw).hexdigest()}
    local_region = path.parent / scenario.region
    if not _is_shipped_region(scenario.region) and local_region.is_dir():
        update["region"] = str(local_region.resolve())  # a region folder next to the file
    scenario = scenario.model_copy(update=update)
    if geography is None:
        from sim.geography import load_geography

        geography = load_geography(scenario.region)
    check_places(scenario, geography, where)
    return scenario


def _is_shipped_region(name: str) -> bool:
    from sim.geography import DATA_ROOT

    return "/" not in name and (DATA_ROOT / name).is_dir()


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_bytes())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"malformed YAML{at}: {problem}; fix the syntax", where=str(path)) from None


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` wins; nested mappings merge key by key, lists are replaced whole."""
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _friendly(exc: ValidationError, where: str) -> InputError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        known = [f for f in (parent.model_fields if parent else []) if f not in INTERNAL_FIELDS]
        hint = difflib.get_close_matches(loc[-1], known, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"known fields: {', '.join(known)}"
        return InputError(f"unknown field; {fix}", where=where, field=field)
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    got = err.get("input")
    shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
    return InputError(f"{msg}{shown}; fix this value", where=where, field=field or None)


def _model_at(loc: list[str]) -> type[BaseModel] | None:
    """Walk the schema along a validation location to find the model that owns a field.

    List indices and the keys of mapping fields (e.g. a crossing's name) are skipped.
    """
    model: type[BaseModel] | None = Scenario
    skip_key = False
    for part in loc:
        if skip_key:
            skip_key = False
            continue
        if model is None or part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        skip_key = getattr(field.annotation, "__origin__", None) is dict
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def check_places(scenario: Scenario, geography, where: str = "scenario") -> None:
    """Every place a scenario names must exist in the geography; suggest close matches."""
    c = scenario.conflict

    def need(name: str, field: str, allow_front_points: bool = False) -> None:
        known = geography.names + (geography.front_point_names if allow_front_points else [])
        if name in known:
            return
        hint = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        files = "locations.csv or front_points.csv" if allow_front_points else "locations.csv"
        fix = f"did you mean {', '.join(repr(h) for h in hint)}?" if hint else \
            f"use a name from sim/data/<region>/{files}"
        raise InputError(f"unknown place {name!r}; {fix}", where=where, field=field)

    for i, axis in enumerate(c.axes):
        need(axis.start, f"conflict.axes.{i}.start", allow_front_points=True)
        for j, place in enumerate(axis.via):
            need(place, f"conflict.axes.{i}.via.{j}", allow_front_points=True)
        if axis.stop_day is not None and axis.stop_day < axis.start_day:
            raise InputError("stop_day is before start_day; make stop_day >= start_day",
                             where=where, field=f"conflict.axes.{i}.stop_day")
    for i, name in enumerate(c.government_points):
        need(name, f"conflict.government_points.{i}", allow_front_points=True)
    for i, cc in enumerate(c.control_changes):
        need(cc.place, f"conflict.control_changes.{i}.place")
    for i, s in enumerate(c.strikes):
        need(s.place, f"conflict.strikes.{i}.place")
        if s.end_day < s.start_day:
            raise InputError("end_day is before start_day", where=where,
                             field=f"conflict.strikes.{i}.end_day")
    for i, rc in enumerate(c.road_closures):
        need(rc.from_place, f"conflict.road_closures.{i}.from")
        need(rc.to_place, f"conflict.road_closures.{i}.to")
        if geography.edge_index(rc.from_place, rc.to_place) is None:
            raise InputError(
                f"no road between {rc.from_place!r} and {rc.to_place!r}; close a road listed in "
                "sim/data/<region>/roads.csv", where=where, field=f"conflict.road_closures.{i}")
    for name in scenario.border.crossings:
        need(name, f"border.crossings.{name}")
        if geography.kind_of(name) != "crossing":
            raise InputError(f"{name!r} is not a border crossing; crossings are: "
                             f"{', '.join(geography.crossing_names)}",
                             where=where, field=f"border.crossings.{name}")
    for name in scenario.population.people_by_place:
        need(name, f"population.people_by_place.{name}")
    for name in scenario.capacity.camp_capacity_people:
        need(name, f"capacity.camp_capacity_people.{name}")
    for field, phases in [("border.default", scenario.border.default),
                          *[(f"border.crossings.{k}", v) for k, v in scenario.border.crossings.items()]]:
        days = [p.day for p in phases]
        if not days or days[0] != 0 or days != sorted(days):
            raise InputError("phases must start at day 0 and be in day order", where=where,
                             field=field)
    days = [p.day for p in c.intensity]
    if days != sorted(days):
        raise InputError("intensity points must be in day order", where=where,
                         field="conflict.intensity")
