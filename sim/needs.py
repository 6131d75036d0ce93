"""Humanitarian needs from the planning figures, at Sphere minimum standards.

The standards per person are data (``sim/data/sphere_defaults.yaml``, with their Sphere 2018
sections), validated here once; a planner's ``--needs`` file overrides any of them, key by
key. Needs are computed per run from the people displaced on a date, by where they are
(camp, host, open, border, transit), then summarised over runs (median, P10-P90).
"""

from __future__ import annotations

import difflib
import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from sim.errors import InputError
from sim.plotting_io import Runs, as_runs, band

Basis = Literal["camp", "host", "open", "border", "transit"]
STATUS_VARIABLE = {"camp": "in_camp", "host": "in_host", "open": "in_open",
                   "border": "waiting_at_border", "transit": "in_transit"}
"""Where displaced people are -> the dataset variable that counts them (people)."""


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
    source: str = ""


class Water(_Cluster):
    litres_per_person_per_day: Positive


class Food(_Cluster):
    kcal_per_person_per_day: Positive


class Shelter(_Cluster):
    covered_m2_per_person: Positive
    covered_m2_per_person_cold: Positive
    cold_months: tuple[Month, ...] = ()


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
    food: Food
    shelter: Shelter
    settlement: Settlement
    sanitation: Sanitation
    nfi: NFI


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
            raise InputError("the file must be a YAML mapping of clusters (water, food, "
                             "shelter, settlement, sanitation, nfi)", where=where)
        data = _merge(data, override)
    try:
        return NeedsConfig.model_validate(data)
    except ValidationError as exc:
        raise _friendly(exc, where) from None


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for k, v in override.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _friendly(exc: ValidationError, where: str) -> InputError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc)
    if err["type"] == "extra_forbidden":
        model = NeedsConfig if len(loc) == 1 else \
            NeedsConfig.model_fields[loc[0]].annotation if loc[0] in NeedsConfig.model_fields else None
        known = list(model.model_fields) if model else []
        hint = difflib.get_close_matches(loc[-1], known, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(known)}"
        return InputError(f"unknown key; {fix}", where=where, field=field)
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
    return InputError(f"{msg}{shown}; fix this value", where=where, field=field)


# --------------------------------------------------------------------------- computing


def people_in(runs: Runs, basis: tuple[str, ...], day_index: int) -> np.ndarray:
    """People [run] displaced and, on ``day_index``, in any of the places in ``basis``."""
    total = np.zeros(runs.n)
    for b in basis:
        total += runs.values(STATUS_VARIABLE[b], "time", "location")[:, day_index].sum(axis=1)
    return total


def shelter_standard(runs: Runs, cfg: NeedsConfig) -> tuple[float, str]:
    """Covered m2 per person for this run, and the sentence saying which and why."""
    months = list(dict.fromkeys(int(m) for m in runs.dates.month))   # in calendar order
    cold = [m for m in months if m in cfg.shelter.cold_months]
    span = f"{runs.dates[0]:%b %Y} to {runs.dates[-1]:%b %Y}"
    if cold:
        names = ", ".join(pd.Timestamp(2000, m, 1).strftime("%b") for m in cold)
        return (cfg.shelter.covered_m2_per_person_cold,
                f"The run covers {span}, including cold months ({names}): covered living space "
                f"at the cold-climate figure, {cfg.shelter.covered_m2_per_person_cold:g} m2 per "
                f"person (otherwise {cfg.shelter.covered_m2_per_person:g}).")
    return (cfg.shelter.covered_m2_per_person,
            f"The run covers {span}, no cold month: covered living space at "
            f"{cfg.shelter.covered_m2_per_person:g} m2 per person "
            f"({cfg.shelter.covered_m2_per_person_cold:g} in cold months).")


def needs_per_run(runs: Runs, cfg: NeedsConfig, day_index: int) -> dict[str, tuple[np.ndarray, str, str]]:
    """Each need on ``day_index``, per run: name -> (values [run], unit, standard used)."""
    day = day_index % runs.days
    m2, _ = shelter_standard(runs, cfg)
    acute = day + 1 <= cfg.sanitation.acute_phase_days
    per_latrine = cfg.sanitation.people_per_latrine_acute if acute else cfg.sanitation.people_per_latrine
    sc = cfg.sanitation
    latrine_rule = (f"1 per {sc.people_per_latrine_acute:g} to day {sc.acute_phase_days}, "
                    f"then 1 per {sc.people_per_latrine:g}")
    hh = runs.household_size
    p = {name: people_in(runs, c.applies_to, day) for name, c in
         (("water", cfg.water), ("food", cfg.food), ("shelter", cfg.shelter),
          ("settlement", cfg.settlement), ("sanitation", cfg.sanitation), ("nfi", cfg.nfi))}
    ceil = np.vectorize(lambda x: float(math.ceil(x - 1e-9)))
    return {
        "water": (p["water"] * cfg.water.litres_per_person_per_day, "litres per day",
                  f"{cfg.water.litres_per_person_per_day:g} L/person/day"),
        "food": (p["food"] * cfg.food.kcal_per_person_per_day, "kcal per day",
                 f"{cfg.food.kcal_per_person_per_day:,.0f} kcal/person/day"),
        "covered shelter": (p["shelter"] * m2, "m2", f"{m2:g} m2/person"),
        "camp land": (p["settlement"] * cfg.settlement.camp_land_m2_per_person / 1e4, "hectares",
                      f"{cfg.settlement.camp_land_m2_per_person:g} m2/person"),
        "latrines": (ceil(p["sanitation"] / per_latrine), "count",
                     latrine_rule),
        "NFI kits": (ceil(p["nfi"] / hh * cfg.nfi.kits_per_household), "household kits",
                     f"{cfg.nfi.kits_per_household:g} per household of {hh:.2f} people"),
        "people counted for water": (p["water"], "people", _basis(cfg.water.applies_to)),
        "people counted for shelter": (p["shelter"], "people", _basis(cfg.shelter.applies_to)),
    }


def _basis(applies_to) -> str:
    return "all displaced" if set(applies_to) == set(STATUS_VARIABLE) else "+".join(applies_to)


def needs_table(data, cfg: NeedsConfig | None = None,
                checkpoints: tuple[tuple[int, str], ...] | None = None) -> pd.DataFrame:
    """Needs at each checkpoint (day, label) within the run and at its end: P50, P10, P90."""
    from sim.plots.displacement import CHECKPOINTS

    runs = as_runs(data)
    cfg = cfg or load_needs()
    points = [(d, label) for d, label in (checkpoints or CHECKPOINTS) if d <= runs.days]
    points.append((runs.days, "end of run"))
    rows = []
    for day, label in points:
        for need, (values, unit, standard) in needs_per_run(runs, cfg, day - 1).items():
            med, lo, hi = band(values)
            rows.append({"checkpoint": label, "day": day, "date": runs.date(day - 1),
                         "need": need, "unit": unit, "standard": standard,
                         "p50": float(med), "p10": float(lo), "p90": float(hi)})
    return pd.DataFrame(rows)
