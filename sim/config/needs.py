"""The needs schema: Sphere minimum standards per person, as data a planner can override.

The standards are ``sim/data/sphere_defaults.yaml`` (with their Sphere 2018 sections and the
planning figures that turn them into tonnes, truck loads and tents); a planner's ``--needs``
file overrides any of them, key by key, and is validated here once.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from sim.config.loading import deep_merge, friendly_error
from sim.errors import InputError

Basis = Literal["camp", "host", "open", "border", "transit"]


def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value!r}")
    return value


Positive = Annotated[float, BeforeValidator(_not_bool), Field(gt=0)]
Month = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=12)]
Days = Annotated[int, BeforeValidator(_not_bool), Field(ge=0)]


class _Cluster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    applies_to: tuple[Basis, ...] = Field(min_length=1)
    reference: str = ""        # the short Sphere (or other) reference printed on each line
    source: str = ""


class Water(_Cluster):
    litres_per_person_per_day: Positive
    truck_m3: Positive          # one water-truck load (a planning assumption)


class WaterPoints(_Cluster):
    people_per_water_point: Positive


class Food(_Cluster):
    kcal_per_person_per_day: Positive
    kg_per_ration: Positive     # one person's daily dry ration


class Shelter(_Cluster):
    covered_m2_per_person: Positive
    covered_m2_per_person_cold: Positive
    cold_months: tuple[Month, ...] = ()
    family_tent_m2: Positive    # covered floor area of one family tent


class Settlement(_Cluster):
    camp_land_m2_per_person: Positive


class Sanitation(_Cluster):
    people_per_latrine_acute: Positive
    people_per_latrine: Positive
    acute_phase_days: Days


class NFI(_Cluster):
    kits_per_household: Positive


class NeedsConfig(BaseModel):
    """Minimum standards per cluster; every field comes from the defaults file or an override."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    water: Water
    water_points: WaterPoints
    food: Food
    shelter: Shelter
    settlement: Settlement
    sanitation: Sanitation
    nfi: NFI


CLUSTERS = ("water", "water_points", "food", "shelter", "settlement", "sanitation", "nfi")
"""The clusters of :class:`NeedsConfig`, in the order the memo lists them."""

DEFAULTS = "sphere_defaults.yaml"


def default_needs_text() -> str:
    return resources.files("sim.data").joinpath(DEFAULTS).read_text("utf-8")


def load_needs(path: str | Path | None = None) -> NeedsConfig:
    """The shipped Sphere defaults, with ``path`` (a YAML file of overrides) merged over them."""
    data = yaml.safe_load(default_needs_text())
    where = f"sim/data/{DEFAULTS}"
    if path is not None:
        path = Path(path)
        where = str(path)
        if not path.is_file():
            raise InputError("file not found; give a YAML file of needs overrides "
                             f"(keys as in sim/data/{DEFAULTS})", where=where, field="--needs")
        try:
            override = yaml.safe_load(path.read_text("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}" if mark else ""
            raise InputError(f"malformed YAML{at}; fix the syntax", where=where) from None
        if override is None:
            override = {}
        if not isinstance(override, dict):
            raise InputError("the file must be a YAML mapping of clusters (water, water_points, "
                             "food, shelter, settlement, sanitation, nfi)", where=where)
        data = deep_merge(data, override)
    try:
        return NeedsConfig.model_validate(data)
    except ValidationError as exc:
        raise friendly_error(exc, where, NeedsConfig, "key") from None
