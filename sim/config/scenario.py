"""The scenario schema: YAML in, a frozen, validated ``Scenario`` out.

Everything a planner can change lives here, once, with its unit and default. Nothing deeper
in the package reads raw dictionaries or re-checks values: validate at the edge, trust inside.
Reading YAML files (``extends:``, friendly errors) is :mod:`sim.config.loading`; place names
are checked against the region's geography in :func:`sim.world.scenarios.load_scenario`, so a
run never starts with a typo in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from sim.config.conflict import ConflictConfig
from sim.config.departure import DepartureConfig
from sim.config.fields import Day, NonNegative, Number, People, Positive, Probability, Whole
from sim.config.fields import Strict as _Strict
from sim.config.response import ResponseConfig
from sim.config.returns import ReturnConfig


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
    max_household_size: Annotated[Whole, Field(ge=1)] = 20
    """Largest household drawn (people): sizes are 1 + Poisson(mean - 1), capped here so the
    Poisson tail cannot produce implausibly large households. With the default mean about one
    household in ten million reaches 20, so the cap only trims the far tail. Estimate."""
    trait_concentration: Positive = 4.0
    """Concentration (a + b) of the Beta draws of risk tolerance and information around their
    means. 4 gives a broad spread (a mean of 0.5 gives a standard deviation of 0.22): a
    documented estimate, since no survey of these traits exists for Idlib. Larger values make
    households more alike."""
    transport_money_share: Probability = 0.35
    """Share of households that can pay for hired transport when they flee (departure
    section). Two in three Syrians were below the poverty line in 2015 (sources.md R16) and
    the poor stayed under fire in 2019 (R04, R05). Documented estimate."""

    @model_validator(mode="after")
    def _shares_fit(self) -> "PopulationConfig":
        if self.children_share + self.adult_women_share + self.elderly_share > 1.0:
            raise ValueError(
                "children_share + adult_women_share + elderly_share must not exceed 1 "
                "(adult men are the rest)"
            )
        if self.max_household_size < self.mean_household_size:
            raise self._field_error("max_household_size", "must be at least mean_household_size",
                                    self.max_household_size)
        named = sum(self.people_by_place.values())
        if named > self.total_people:
            raise self._field_error("people_by_place", f"people_by_place adds up to {named:,}, "
                                    f"more than total_people {self.total_people:,}; raise "
                                    "total_people", self.people_by_place)
        return self

    @staticmethod
    def _field_error(field: str, message: str, value) -> ValidationError:
        """An error located at one field (``population.<field>``), not at the whole section."""
        return ValidationError.from_exception_data("PopulationConfig", [InitErrorDetails(
            type=PydanticCustomError("population_check", message.replace("{", "{{").replace("}", "}}")),
            loc=(field,), input=value)])


class BorderPhase(_Strict):
    day: Day = 0
    status: Literal["closed", "quota", "open"]
    quota_people_per_day: People | None = None

    @model_validator(mode="after")
    def _quota_needs_number(self) -> "BorderPhase":
        if self.status == "quota" and self.quota_people_per_day is None:
            raise ValueError("status 'quota' needs quota_people_per_day (people per day)")
        return self


def _phases_from_day_zero(phases: tuple[BorderPhase, ...]) -> tuple[BorderPhase, ...]:
    """A timeline says what holds on every day, so it starts at day 0 and never goes back."""
    days = [p.day for p in phases]
    if not days or days[0] != 0 or days != sorted(days):
        raise ValueError(f"phases must start at day 0 and be in day order (days {days}); "
                         "begin with day: 0 and sort the phases by day")
    return phases


Phases = Annotated[tuple[BorderPhase, ...], AfterValidator(_phases_from_day_zero)]


class BorderConfig(_Strict):
    """Crossing policy timelines. ``default`` applies to every crossing not listed."""

    default: Phases = (BorderPhase(day=0, status="closed"),)
    crossings: dict[str, Phases] = Field(default_factory=dict)


class BehaviourConfig(_Strict):
    """Decision parameters. Defaults are documented estimates (docs/model.md, Details), except
    flee_propensity, danger_tolerance, camp_preference and onward_move_cost (and
    conflict.danger_decay_km, departure.preparation_days_mean and the response's
    share_of_unsheltered_per_day and camp_land_m2_per_person): the posterior means of the
    ABC-SMC calibration on the Sept 2018 escalation and the Apr-Aug 2019 offensive
    (sim/data/posterior/abc_smc_2018_2019), with their uncertainty in docs/validation.md.
    open_air_move_on_per_day keeps the value of the earlier 2019 calibration (not refitted)."""

    flee_propensity: NonNegative = 6.1
    """Daily flight hazard per unit of perceived danger above the household's threshold (1/day)."""
    danger_tolerance: Probability = 0.54
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
    camp_preference: Number = 1.42
    host_preference: Number = 0.3
    northern_aleppo_preference: Number = -0.5
    border_preference: Number = 0.0
    closed_border_penalty: NonNegative = 3.0
    border_queue_scale_people: Positive = 10_000.0
    """People waiting at a crossing at which the queue deters as much as a full camp."""
    max_destination_danger: Probability = 0.1
    border_give_up_per_day: Probability = 0.05
    open_air_move_on_per_day: Probability = 0.17
    """Daily chance that a household in the open reconsiders where it is (with
    onward_move_cost set, it moves only for a gain above that cost)."""
    uninformed_danger_exponent: Annotated[Number, Field(ge=1.0)] = 2.0
    """Exponent e of perceived danger, danger ** (e - (e - 1) * information): a household with
    information 0 perceives danger ** e, a fully informed one the true danger. 2 makes poorly
    informed households under-react to moderate danger (0.3 feels like 0.09) but not to severe
    danger (near 1 stays near 1); 1 switches the distortion off. At least 1, so perceived danger
    never exceeds the true danger (the flight rule's no-draw shortcut relies on it). Estimate."""
    vehicle_distance_factor: NonNegative = 0.5
    """Multiplies the cost of route length for a household with a vehicle (1 = as for a family
    on foot): driving 100 km takes hours, walking it days. Estimate."""
    safety_risk_offset: Annotated[Number, Field(ge=1.0)] = 1.5
    """The danger at a destination costs safety_weight * (safety_risk_offset - risk_tolerance):
    1.5 makes the most risk-tolerant household (risk_tolerance 1) weigh danger a third as much
    as the most risk-averse (0); at least 1, so nobody is drawn towards danger. Estimate."""
    front_distance_cap_km: Positive = 150.0
    """Distance from the front beyond which further away adds no utility (km): about the
    north-south extent of the area, so the term ranks every place of the region and no more."""
    crowding_cap: Positive = 3.0
    """Crowding (people ÷ camp and host capacity) beyond which a place deters no more: three
    times full is as bad as it gets. A place with no capacity at all counts as this crowded.
    Estimate."""
    fear_memory_days: NonNegative = 7.0
    """Fear lags the guns: the danger a place's households perceive falls by a factor e every
    this many days once the real danger drops (it rises with the danger at once), so flight
    tails off after a ceasefire and returns wait for calm (docs/model.md 7.4). 0: perceived
    danger is today's danger. Documented estimate."""
    onward_move_cost: NonNegative | None = 1.8
    """Utility an onward move must gain over staying before a sheltered household moves on
    (hysteresis: the cost, risk and loss of a move). None: a household in the open that
    reconsiders goes wherever it chooses, and sheltered ones never reconsider (the rule
    before onward moves needed a reason). Calibrated (posterior mean; the estimate was 2)."""
    shelter_review_per_day: Probability = 0.05
    """Daily chance that a household in a camp or with hosts weighs moving on (it moves only
    for a gain above onward_move_cost). Documented estimate."""
    crossing_news_days: Positive = 3.0
    """News of a crossing that opens spreads over days: a household of information I has
    heard of it after d days with probability 1 - exp(-d (0.5 + I) / crossing_news_days).
    Documented estimate."""
    crossing_reach_km: NonNegative = 100.0
    """Route length (km-equivalent) from which people in the open or at a closed crossing go
    to a crossing that opens. Documented estimate."""
    crossing_queue_days: NonNegative = 2.0
    """People head for an open crossing until its queue (with those on the way) holds this
    many days of its quota: enough to fill it, not a stampede. 0 switches the news off.
    Documented estimate."""


class MovementConfig(_Strict):
    vehicle_speed_km_per_day: Positive = 80.0
    foot_speed_km_per_day: Positive = 20.0
    road_capacity_scale: NonNegative = 1.0
    danger_route_penalty: NonNegative = 5.0
    settle_after_days: Annotated[Whole, Field(ge=1)] | None = 3
    """Journeys end: a household on the move for this many days (on the road or queued for
    one), or waiting this long at a closed crossing, settles where it is, in the open, and is
    counted there; it can move on later for a reason. In 2019 families slept for days in the
    fields near full camps (sources.md R07). None: journeys last until arrival. Estimate."""


class CapacityConfig(_Strict):
    camp_capacity_scale: NonNegative = 1.0
    """Multiplies the shipped camp capacity at the start: a planner's what-if. 1.0: the
    shipped camps; the sites opened during an offensive come from the response section. (Before
    that process it was calibrated at 3.76 to stand in for them, docs/validation.md.)"""
    host_capacity_scale: NonNegative = 1.0
    camp_capacity_people: dict[str, People] = Field(default_factory=dict)
    shelter_from_open: bool = True
    """People in the open at a place take its camp or host places as they free up or open,
    longest waiting first (before today's arrivals). False: they find places only by moving
    on (the rule before the response opened capacity)."""


class SpawningConfig(_Strict):
    """FLEE's spawning mode (docs/flee.md): who is in the system comes from observations.

    ``off`` (the default): the day-0 population lives in the places and leaves by the
    flight-decision model. ``observed_total``: as in FLEE's validation runs, the households on
    day 0 are the people already in camps (``initial_people_by_place``); from day 1 the
    increase of ``observed_total_people`` (people in the system on each day from
    ``start_date``, the observed total in camps) enters each day at the places in danger,
    shared by population x danger, and sets off (sim/engine/spawning.py). A fall in the total
    enters nobody until the total passes its earlier high (FLEE's "refugee debt"); after the
    last value the total holds. The flight-decision model still applies to everyone in the
    system."""

    mode: Literal["off", "observed_total"] = "off"
    observed_total_people: tuple[People, ...] = ()
    """People in the system on each day from start_date (observed people in camps)."""
    initial_people_by_place: dict[str, People] = Field(default_factory=dict)
    """People already displaced and in these places (camps) on day 0."""

    @model_validator(mode="after")
    def _needs_totals(self) -> "SpawningConfig":
        if self.mode == "observed_total" and not self.observed_total_people:
            raise ValueError("mode observed_total needs observed_total_people (people in the "
                             "system on each day from start_date)")
        return self


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
    departure: DepartureConfig = DepartureConfig()
    response: ResponseConfig = ResponseConfig()
    returns: ReturnConfig = ReturnConfig()
    spawning: SpawningConfig = SpawningConfig()
    source_path: str = Field(default="", exclude=True)
    source_sha256: str = Field(default="", exclude=True)

    def with_overrides(self, overrides: Mapping[str, object], *, where: str | None = None) -> "Scenario":
        """This scenario with fields changed by dotted path, validated again through the schema.

        ``{"population.total_people": 50_000, "days": 30}``: unlike ``model_copy(update=...)``,
        which skips validation, every value is checked as if it had been in the YAML, so an
        override can never give a scenario the file could not. The source file and its hash are
        kept (they say where the scenario came from). A path that does not exist or a value
        that is invalid raises a one-line :class:`~sim.errors.InputError` naming it; ``where``
        (default: the source file) prefixes the message.
        """
        from sim.config.loading import parse_scenario  # loading and sweep import this module
        from sim.config.sweep import set_path
        from sim.errors import InputError

        where = where or (f"{self.source_path} with overrides" if self.source_path else "overrides")
        data = self.model_dump(mode="json", by_alias=True)   # lists, so indices can be set
        for path, value in overrides.items():
            try:
                set_path(data, path, value)
            except KeyError as exc:
                raise InputError(f"unknown path: {exc.args[0]}; use a dotted path to a scenario "
                                 "field, e.g. behaviour.flee_propensity", where=where,
                                 field=path) from None
        scenario = parse_scenario(data, where)
        return scenario.model_copy(update={"source_path": self.source_path,
                                           "source_sha256": self.source_sha256})
