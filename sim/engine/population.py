"""Initialisation: the households living in the area at day 0, drawn place by place.

Sizes, age/sex mix, prior displacement, vehicles, risk tolerance and information are drawn
from the scenario's ``population`` section (docs/model.md, Initialisation).
"""

from __future__ import annotations

import numpy as np

from sim.config.scenario import Scenario
from sim.engine.households import Households, Status
from sim.world.geography import Geography


def people_by_location(scenario: Scenario, geo: Geography,
                       held: np.ndarray | None = None) -> np.ndarray:
    """Residents at day 0 per location: shipped 2019 estimate rescaled to the scenario total.

    External areas (northern Aleppo, Aleppo city) are hosts, not agents, unless the scenario
    names them in ``population.people_by_place``. The scenario was checked at the edge: the
    named places hold no more than ``total_people`` (``PopulationConfig``) and, if people remain,
    some other place has a population to share them out by
    (:func:`sim.world.scenarios.check_places`).
    Places under government control on day 0
    (``held``: e.g. the 2019 gains in the Dec 2019 hindcast, with the communities around them)
    start empty too: the model simulates the people of the opposition-held area, and their
    weight is shared out over the other places (docs/model.md, Initialisation).
    """
    pop = scenario.population
    weights = np.where(geo.kind == "external", 0.0, geo.population_people)
    if held is not None and (weights * ~held).sum() > 0:
        # (if every populated place is held, nobody would be left to simulate: they stay)
        weights = np.where(held, 0.0, weights)
    fixed = np.zeros(geo.n_locations, dtype=bool)
    people = np.zeros(geo.n_locations, dtype=np.int64)
    for name, n in pop.people_by_place.items():
        i = geo.index(name)
        fixed[i] = True
        people[i] = n
    rest = pop.total_people - int(people.sum())
    w = np.where(fixed, 0.0, weights)
    if rest > 0:
        share = rest * w / w.sum()
        base = np.floor(share).astype(np.int64)
        # Largest remainders so the total is exact.
        short = rest - int(base.sum())
        order = np.argsort(-(share - base), kind="stable")[:short]
        base[order] += 1
        people += base
    return people


def synthesise(scenario: Scenario, geo: Geography, rng: np.random.Generator,
               held: np.ndarray | None = None) -> Households:
    """Draw households place by place so each place's people add up exactly; ``held`` marks
    places under government control on day 0 (they start empty, see people_by_location)."""
    return draw_households(people_by_location(scenario, geo, held), scenario, geo, rng)


def draw_households(per_loc: np.ndarray, scenario: Scenario, geo: Geography,
                    rng: np.random.Generator) -> Households:
    """Households living at each place, ``per_loc[i]`` people at place ``i`` exactly, with the
    traits of the scenario's ``population`` section (also used for people entering the system
    in spawning mode, sim/engine/spawning.py)."""
    pop = scenario.population
    sizes, homes = [], []
    mean_extra = pop.mean_household_size - 1.0
    for i, n_people in enumerate(per_loc):
        if n_people == 0:
            continue
        guess = int(n_people / pop.mean_household_size * 1.2) + 10   # technical: draw batch size
        s = 1 + rng.poisson(mean_extra, size=guess)
        s = np.minimum(s, pop.max_household_size)
        c = np.cumsum(s)
        while c[-1] < n_people:  # rare: draw more
            s = np.concatenate([s, 1 + rng.poisson(mean_extra, size=guess)])
            c = np.cumsum(s)
        k = int(np.searchsorted(c, n_people))  # household k completes the place
        s = s[: k + 1].copy()
        s[k] = n_people - (c[k - 1] if k > 0 else 0)
        sizes.append(s)
        homes.append(np.full(len(s), i))
    size = np.concatenate(sizes or [np.zeros(0)]).astype(np.int16)
    home = np.concatenate(homes or [np.zeros(0)]).astype(np.int16)
    n = len(size)

    men_share = 1.0 - pop.children_share - pop.adult_women_share - pop.elderly_share
    mix = rng.multinomial(size, [pop.children_share, pop.adult_women_share, max(men_share, 0.0),
                                 pop.elderly_share]).astype(np.int16)
    idp_share = np.divide(geo.idp_people, geo.population_people,
                          out=np.zeros(geo.n_locations), where=geo.population_people > 0)
    idp_share = np.where(geo.kind == "camp", 1.0, np.clip(idp_share, 0.0, 1.0))

    def beta(mean: float, size: int) -> np.ndarray:
        m = min(max(mean, 1e-3), 1 - 1e-3)   # technical: both Beta parameters must be > 0
        k = pop.trait_concentration
        return rng.beta(m * k, (1 - m) * k, size).astype(np.float32)

    already_displaced = rng.random(n) < idp_share[home]
    has_vehicle = rng.random(n) < pop.vehicle_share
    risk_tolerance = beta(pop.risk_tolerance_mean, n)
    information = beta(pop.information_mean, n)
    # Drawn only when it varies, so that a share of 0 or 1 leaves every other draw as it was.
    share = pop.transport_money_share
    can_pay = rng.random(n) < share if 0.0 < share < 1.0 else np.full(n, share >= 1.0)
    return Households(
        size=size, children=mix[:, 0], adult_women=mix[:, 1], adult_men=mix[:, 2], elderly=mix[:, 3],
        home=home,
        already_displaced=already_displaced,
        has_vehicle=has_vehicle,
        risk_tolerance=risk_tolerance,
        information=information,
        status=np.full(n, Status.HOME, dtype=np.int8),
        location=home.copy(),
        next_node=np.full(n, -1, dtype=np.int16),
        progress_km=np.zeros(n, dtype=np.float32),
        destination=np.full(n, -1, dtype=np.int16),
        displaced_day=np.full(n, -1, dtype=np.int16),
        times_displaced=np.zeros(n, dtype=np.int16),
        arrival_day=np.full(n, -1, dtype=np.int16),
        can_pay_transport=can_pay,
    )
