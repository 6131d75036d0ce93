"""The ``conflict`` section: axes of advance, dated control changes, intensity, strikes,
road closures, the line of contact and how uncertain the offensive's pace is (docs/model.md
7.1; :mod:`sim.world.conflict` turns it into the daily timeline)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from sim.config.fields import Day, NonNegative, Number, Positive, Probability, Whole
from sim.config.fields import Strict as _Strict


class Axis(_Strict):
    """An axis of advance: the front moves from ``start`` through ``via`` at a steady speed."""

    name: str
    start: str
    via: tuple[str, ...] = Field(min_length=1)
    start_day: Day = 0
    speed_km_per_day: Positive = 1.0
    width_km: Positive = 6.0
    stop_day: Day | None = None

    @field_validator("stop_day")
    @classmethod
    def _stops_after_it_starts(cls, stop_day: int | None, info: ValidationInfo) -> int | None:
        start_day = info.data.get("start_day")  # absent if start_day itself was invalid
        if stop_day is not None and start_day is not None and stop_day < start_day:
            raise ValueError(f"stop_day is before start_day {start_day}; make stop_day >= "
                             f"{start_day} or leave it out")
        return stop_day


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

    @field_validator("end_day")
    @classmethod
    def _ends_after_it_starts(cls, end_day: int, info: ValidationInfo) -> int:
        start_day = info.data.get("start_day")
        if start_day is not None and end_day < start_day:
            raise ValueError(f"end_day is before start_day {start_day}; make end_day >= {start_day}")
        return end_day


class RoadClosure(_Strict):
    from_place: str = Field(alias="from")
    to_place: str = Field(alias="to")
    start_day: Day = 0
    end_day: Day | None = None


class PaceUncertainty(_Strict):
    """How uncertain the offensive's pace is, for ensembles (docs/model.md 7.2, E27).

    Each ensemble member multiplies every axis's ``speed_km_per_day`` by a factor shared by
    all axes (the offensive as a whole faster or slower) times a factor of the axis's own
    (one axis stalls while another breaks through). Each factor is lognormal with median 1 and
    the P90 given here (so its P10 is the inverse); 1 draws nothing. A single run, and an
    ensemble with ``--fixed-parameters``, keep the speeds as written.
    """

    shared_p90_factor: Annotated[Number, Field(ge=1.0, le=5.0)] = 1.6
    """P90 of the factor shared by every axis. Documented estimate (E27): the 2019
    offensive's pushes moved 0.6-1.3 km/day for a week or two, its four months together about
    20 km (0.17 km/day); the planning speeds of the shipped assaults are 0.5-0.8 km/day."""
    axis_p90_factor: Annotated[Number, Field(ge=1.0, le=5.0)] = 1.25
    """P90 of each axis's own factor. Documented estimate (E27)."""


class ConflictConfig(_Strict):
    axes: tuple[Axis, ...] = ()
    control_changes: tuple[ControlChange, ...] = ()
    intensity: tuple[IntensityPoint, ...] = (IntensityPoint(day=0, level=1.0),)
    ceasefire_day: Day | None = None
    danger_decay_km: Positive = 20.0
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
    pace_uncertainty: PaceUncertainty | None = None
    """Ensemble members draw the axes' speeds around the written ones (:class:`PaceUncertainty`);
    none (the default): every member keeps the written speeds."""

    @field_validator("pace_uncertainty")
    @classmethod
    def _pace_needs_axes(cls, pace: PaceUncertainty | None, info: ValidationInfo):
        if pace is not None and info.data.get("axes") == ():   # absent if axes were invalid
            raise ValueError("the scenario has no axes whose pace could vary; add conflict.axes "
                             "or remove pace_uncertainty")
        return pace

    @field_validator("intensity")
    @classmethod
    def _intensity_in_day_order(cls, points: tuple[IntensityPoint, ...]) -> tuple[IntensityPoint, ...]:
        days = [p.day for p in points]
        if days != sorted(days):
            raise ValueError(f"intensity points must be in day order (days {days}); sort them by day")
        return points
