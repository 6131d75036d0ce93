"""Humanitarian needs from the planning figures, at Sphere minimum standards.

The standards per person are data (``sim/data/sphere_defaults.yaml``, with their Sphere 2018
sections), validated here once; a planner's ``--needs`` file overrides any of them, key by
key. Needs are computed per run from the people displaced on a date, by where they are
(camp, host, open, border, transit), then summarised over runs (median, P10-P90).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.config.needs import NeedsConfig, load_needs  # noqa: F401  (re-exported)
from sim.io.results import Runs, as_runs

# --------------------------------------------------------------------------- computing


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
    p = {name: ind.people_in(runs, c.applies_to, day).per_run for name, c in
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
    return "all displaced" if set(applies_to) == set(ind.WHERE) else "+".join(applies_to)


def needs_table(data, cfg: NeedsConfig | None = None,
                checkpoints: tuple[tuple[int, str], ...] | None = None) -> pd.DataFrame:
    """Needs at each checkpoint (day, label) within the run and at its end: P50, P10, P90."""
    runs = as_runs(data)
    cfg = cfg or load_needs()
    rows = []
    for c in ind.checkpoints(runs, checkpoints or ind.CHECKPOINTS):
        for need, (values, unit, standard) in needs_per_run(runs, cfg, c.index).items():
            med, lo, hi = ind.band(values)
            rows.append({"checkpoint": c.label, "day": c.day, "date": c.date,
                         "need": need, "unit": unit, "standard": standard,
                         "p50": float(med), "p10": float(lo), "p90": float(hi)})
    return pd.DataFrame(rows)
