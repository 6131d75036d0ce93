"""The humanitarian response: new camp and reception capacity, opened day by day (docs/model.md, 7.14).

In 2019 the camps along the border were full within days of the escalation, people slept in
the fields beside them, and new sites, tents and reception centres followed over the weeks
after (sources.md R07, R08, R14, R15). The model had stood in for this with a constant 3.76 x
camp capacity from day 0; here it is a process:

* **Sites** are the places with land for new camps in the region's ``camp_land.csv`` (m2).
  A site can open at most ``land_m2 / response.camp_land_m2_per_person`` places in all (the
  land bound; Sphere's 45 m2 per person by default). Like the shipped capacities, the land
  bound and the daily limit scale with a run's population against the shipped one.
* **Need.** Each day, the people in the open or at a closed crossing counted
  ``response.lag_days`` nights ago at each place are shared among the sites within
  ``catchment_km`` of it that still have land, in proportion to the land left; a site's need
  is its share less the places still free there today.
* **Opening.** A site opens ``share_of_unsheltered_per_day`` of its need, at most
  ``max_people_per_day_per_site`` and never beyond its land bound; nothing opens at a site held
  by the government side or more dangerous than a destination may be.

Opened places are camp capacity like any other (admission fills them; with
``capacity.shelter_from_open`` the people already in the open there take them first). Capacity
only grows: a site's places stay open for the rest of the run.
"""

from __future__ import annotations

import numpy as np

from sim.config.response import ResponseConfig
from sim.engine.households import Status
from sim.world.geography import Geography


class Response:
    """The response over one run: each site's land bound and the places it has opened so far."""

    def __init__(self, geo: Geography, cfg: ResponseConfig, population_scale: float = 1.0):
        self.cfg = cfg
        # Land and pace were estimated for the shipped population: a run with another total
        # scales them as it scales the shipped capacities (docs/model.md 5), so that crowding
        # stays as it was.
        self.scale = population_scale
        self.land_bound_people = geo.camp_land_m2 / cfg.camp_land_m2_per_person * population_scale
        self.sites = np.flatnonzero(self.land_bound_people > 0)
        xy = geo.xy_km
        gap = xy[self.sites, None, :] - xy[None, :, :]
        self.near = np.hypot(gap[..., 0], gap[..., 1]) <= cfg.catchment_km   # [site, place]
        self.opened_people = np.zeros(geo.n_locations)

    @property
    def active(self) -> bool:
        return len(self.sites) > 0 and self.cfg.share_of_unsheltered_per_day > 0

    def land_left_people(self) -> np.ndarray:
        return np.maximum(self.land_bound_people - self.opened_people, 0.0)

    def open_places(self, unsheltered_people: np.ndarray, free_people: np.ndarray,
                    usable: np.ndarray) -> np.ndarray:
        """Places opened today at each location (people): ``unsheltered_people`` per place
        counted ``lag_days`` ago, ``free_people`` the camp places still free today, ``usable``
        the places where a site may open today."""
        opened = np.zeros_like(self.opened_people)
        if not self.active:
            return opened
        s, cfg = self.sites, self.cfg
        left = np.where(usable[s], self.land_left_people()[s], 0.0)
        weight = self.near * left[:, None]                                # [site, place]
        total = weight.sum(axis=0)
        share = np.divide(weight, total[None, :], out=np.zeros_like(weight), where=total > 0)
        need = np.maximum(share @ unsheltered_people - free_people[s], 0.0)
        today = np.minimum(np.minimum(cfg.share_of_unsheltered_per_day * need,
                                      cfg.max_people_per_day_per_site * self.scale), left)
        opened[s] = today
        self.opened_people += opened
        return opened

    def open_today(self, day: int, by_status: np.ndarray, head_count: np.ndarray,
                   camp_capacity: np.ndarray, is_camp: np.ndarray, usable: np.ndarray) -> np.ndarray:
        """Places opened on ``day`` (people per place), from the recorded head-counts
        ``by_status`` [day, status, place] (the people in the open or at a closed crossing
        ``lag_days`` nights ago, at least one) and last night's ``head_count`` (the camp places
        still free)."""
        if not self.active:
            return np.zeros_like(self.opened_people)
        night = day - max(self.cfg.lag_days, 1)
        if night < 0:
            unsheltered = np.zeros_like(self.opened_people)
        else:
            unsheltered = by_status[night, Status.OPEN] + by_status[night, Status.BORDER]
        occupied = head_count[Status.CAMP] + np.where(is_camp, head_count[Status.HOME], 0.0)
        return self.open_places(unsheltered, np.maximum(camp_capacity - occupied, 0.0), usable)
