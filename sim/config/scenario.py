"""The scenario schema: YAML in, a frozen, validated ``Scenario`` out.

Everything a planner can change lives here, once, with its unit and default. Nothing deeper
in the package reads raw dictionaries or re-checks values: validate at the edge, trust inside.
Reading YAML files (``extends:``, friendly errors) is :mod:`sim.config.loading`; place names
are checked against the region's geography in :func:`sim.world.scenarios.load_scenario`, so a
run never starts with a typo in it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


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
    radius_km: NonNegative = 0.0
    """The change also applies to every place within this distance of ``place`` (the
    villages around a dated town); 0 = the named place only."""


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
