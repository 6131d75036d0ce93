"""The ``response`` section: the humanitarian response that opens camp capacity (docs/model.md, 7.14).

New camp and reception places open each day at the response sites (places with land for new
sites in the region's ``camp_land.csv``), after a lag, for a share of the people left in the
open near each site; never more per site and day than the opening limit, and never more in all
than the site's land holds at ``camp_land_m2_per_person``. The shipped capacity is the
starting point (``capacity.camp_capacity_scale`` 1); everything else opens during the run.
"""

from __future__ import annotations

from sim.config.fields import Day, NonNegative, Positive, Probability, Strict


class ResponseConfig(Strict):
    """New camp capacity per day. ``share_of_unsheltered_per_day: 0`` switches it off."""

    lag_days: Day = 3
    """Days between people being counted in the open near a site and places opening for them
    (assessment, site planning, tents). In 2019 about 90,000 people were in camps and reception
    centres about 17 days after the escalation (S53), while some families found the camps full
    and slept in the fields for a week or more (R07, R08). Documented estimate."""
    share_of_unsheltered_per_day: Probability = 0.41
    """Share of the people in the open within ``catchment_km`` of a site (counted
    ``lag_days`` ago, less the places still free there) for whom places open each day.
    Calibrated (posterior mean; the estimate from the 2019 pace, S53, was 0.3); 0 switches
    the response off."""
    max_people_per_day_per_site: NonNegative = 2000.0
    """Most places one site opens in a day (people; about 360 tents of 5.5 people): the
    pace of one cluster's site planning, tents and latrines. Documented estimate."""
    catchment_km: NonNegative = 25.0
    """Straight-line distance within which people in the open count towards a site's need
    (a short trip to a new camp). Documented estimate."""
    camp_land_m2_per_person: Positive = 27.0
    """Land per person in a camp (m2). The land bound of a site is its land (``camp_land.csv``)
    divided by this. Calibrated (posterior mean, weakly identified): denser than Sphere 2018's
    45 m2 per person including household plots (Shelter and settlement standard 2, as
    sim/data/sphere_defaults.yaml), as the camps of north-west Syria were (E25); set 45 to plan
    at the Sphere standard."""
