"""Humanitarian needs from the planning figures, at Sphere minimum standards.

The standards per person are data (``sim/data/sphere_defaults.yaml``, with their Sphere 2018
sections), validated here once; a planner's ``--needs`` file overrides any of them, key by
key. Needs are computed per run from the people displaced on a date, by where they are
(camp, host, open, border, transit: everyone displaced and still in the area, people on the
roads and at the border included), then summarised over runs (median, P10-P90). Each cluster
counts the people its ``applies_to`` names (the defaults' rule is in the YAML file), and each
line is in the unit planners order in: m3 and truck loads of water, taps, tonnes and rations of
food, m2 and family tents, hectares of camp land, latrines, household kits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.config.needs import CLUSTERS, NeedsConfig, load_needs  # noqa: F401  (re-exported)
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


@dataclass(frozen=True, eq=False)
class Need:
    """One line of the needs table: its value in every run, in a planner's unit, with the
    figure used, where that figure comes from and whose need it is."""

    values: np.ndarray       # [run]
    unit: str
    standard: str            # the figure used, e.g. "15 L/person/day"
    reference: str           # its source, e.g. "Sphere 2018 WASH, water supply 2.1"
    counted: str             # whose need (:func:`basis_name`)


BASES = {frozenset(ind.WHERE): "all displaced in the area",
         frozenset({"camp", "open", "border", "transit"}): "displaced without a home to share",
         frozenset({"camp", "open", "border"}): "displaced needing a site"}
"""Names of the groups of people the defaults count (``applies_to``); any other group is
named by its places."""


def basis_name(applies_to) -> str:
    """Whose need a cluster counts, in words: "all displaced in the area", ..."""
    return BASES.get(frozenset(applies_to)) or "displaced " + "+".join(applies_to)


def _count(x: np.ndarray) -> np.ndarray:
    """Whole items (tents, latrines, truck loads): rounded up, never a fraction short."""
    return np.ceil(np.asarray(x, float) - 1e-9)


def needs_per_run(runs: Runs, cfg: NeedsConfig, day_index: int) -> dict[str, Need]:
    """Each need on ``day_index``, per run, in the units planners order in."""
    day = day_index % runs.days
    m2, _ = shelter_standard(runs, cfg)
    sc, w, f, sh = cfg.sanitation, cfg.water, cfg.food, cfg.shelter
    per_latrine = sc.people_per_latrine_acute if day + 1 <= sc.acute_phase_days else sc.people_per_latrine
    hh = runs.household_size
    p = {name: ind.people_in(runs, getattr(cfg, name).applies_to, day).per_run for name in CLUSTERS}

    def need(cluster: str, values, unit: str, standard: str, reference: str | None = None) -> Need:
        c = getattr(cfg, cluster)
        return Need(np.asarray(values, float), unit, standard,
                    c.reference if reference is None else reference, basis_name(c.applies_to))

    water_m3 = p["water"] * w.litres_per_person_per_day / 1000
    shelter_m2 = p["shelter"] * m2
    out = {f"people counted: {basis_name(getattr(cfg, c).applies_to)}":
           Need(p[c], "people", "+".join(getattr(cfg, c).applies_to), "", basis_name(getattr(cfg, c).applies_to))
           for c in CLUSTERS}
    out |= {
        "water": need("water", water_m3, "m3/day", f"{w.litres_per_person_per_day:g} L/person/day"),
        "water-truck loads": need("water", _count(water_m3 / w.truck_m3), "loads/day",
                                  f"{w.truck_m3:g} m3 per truck", "planning assumption"),
        "water points (taps)": need("water_points",
                                    _count(p["water_points"] / cfg.water_points.people_per_water_point),
                                    "count", f"1 per {cfg.water_points.people_per_water_point:g} people"),
        "food": need("food", p["food"] * f.kg_per_ration / 1000, "tonnes/day",
                     f"{f.kg_per_ration:g} kg/ration ({f.kcal_per_person_per_day:,.0f} kcal)"),
        "food rations": need("food", p["food"], "rations/day", "1 ration/person/day"),
        "covered shelter": need("shelter", shelter_m2, "m2", f"{m2:g} m2/person"),
        "family tents": need("shelter", _count(shelter_m2 / sh.family_tent_m2), "count",
                             f"{sh.family_tent_m2:g} m2 per tent ({sh.family_tent_m2 / m2:.1f} people)",
                             "UNHCR family tent"),
        "camp land": need("settlement", p["settlement"] * cfg.settlement.camp_land_m2_per_person / 1e4,
                          "hectares", f"{cfg.settlement.camp_land_m2_per_person:g} m2/person"),
        "latrines": need("sanitation", _count(p["sanitation"] / per_latrine), "count",
                         f"1 per {sc.people_per_latrine_acute:g} to day {sc.acute_phase_days}, "
                         f"then 1 per {sc.people_per_latrine:g}"),
        "NFI kits": need("nfi", _count(p["nfi"] / hh * cfg.nfi.kits_per_household), "household kits",
                         f"{cfg.nfi.kits_per_household:g} per household of {hh:.2f} people"),
    }
    return out


def needs_table(data, cfg: NeedsConfig | None = None,
                checkpoints: tuple[tuple[int, str], ...] | None = None) -> pd.DataFrame:
    """Needs at each checkpoint (day, label) within the run and at its end: P50, P10, P90."""
    runs = as_runs(data)
    cfg = cfg or load_needs()
    rows = []
    for c in ind.checkpoints(runs, checkpoints or ind.CHECKPOINTS):
        for name, n in needs_per_run(runs, cfg, c.index).items():
            med, lo, hi = ind.band(n.values)
            rows.append({"checkpoint": c.label, "day": c.day, "date": c.date,
                         "need": name, "unit": n.unit, "standard": n.standard,
                         "reference": n.reference, "people_counted": n.counted,
                         "p50": float(med), "p10": float(lo), "p90": float(hi)})
    return pd.DataFrame(rows)
