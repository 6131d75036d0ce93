"""The ``departure`` section: wanting to leave is not being able to (docs/model.md, 7.11).

A household that decides to flee prepares for a few days, then leaves on the first day it has
the means: its own vehicle; a seat in a neighbour's vehicle (seats per place and day from the
vehicles there); hired transport if it can pay; or on foot, which families with elderly
members or many children do less readily. Until then it waits where it is. Sources:
sim/data/idlib/sources.md (R01-R06, R16); every default is a documented estimate (basis E).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.config.fields import NonNegative, Probability, Strict, Whole


class DepartureConfig(Strict):
    """Means of leaving. ``mode: immediate`` switches the process off (the rule before it)."""

    mode: Literal["means", "immediate"] = "means"
    """``means``: a household that decides to flee leaves once it is prepared and has the
    means (this section). ``immediate``: it leaves the day it decides, by its own vehicle or
    on foot, whatever the transport at its place (the rule before the departure process; kept
    to isolate the decision rule, e.g. in tests against the reference model)."""
    preparation_days_mean: NonNegative = 2.8
    """Mean days between deciding and being ready to leave (loading belongings, finding
    relatives), at danger 0; it shrinks linearly to none at danger 1, where people run with
    what they carry. Evidence: in 2019 families fled with their furniture despite scarce and
    costly transport (R02), while under bombardment families "immediately ran for the fields"
    (R03). Calibrated (posterior mean; the estimate was 1 day)."""
    spare_seats_per_vehicle: NonNegative = 4.0
    """People a family vehicle (car, pick-up, tractor and trailer) takes beyond its own
    household on a trip out. Documented estimate."""
    shared_trips_per_day: NonNegative = 1.0
    """Trips out per day by a vehicle whose owners stay (neighbours and relatives driving
    others out and coming back); a vehicle leaving with its owners makes one trip. Civil
    Defence and local groups evacuated families from shelled villages in 2019 (R04).
    Documented estimate."""
    hired_transport_per_day: Probability = 0.5
    """Daily chance that a household able to pay (``population.transport_money_share``)
    finds a truck, bus or driver to hire. In 2019 transport was scarce and its price rose
    with the shelling (R02); two in three Syrians were below the poverty line in
    2015 (R16). Documented estimate."""
    walk_per_day: Probability = 0.15
    """Daily chance that a ready household with no ride sets off on foot. People who could
    not pay stayed under fire in 2019 (R04, R05, R06). Documented estimate."""
    walk_dependants_factor: Probability = 0.5
    """Multiplies ``walk_per_day`` for a household with an elderly member or with at least
    ``dependant_children`` children. Documented estimate."""
    dependant_children: Annotated[Whole, Field(ge=1)] = 3
    """Children (under 18) from which a household counts as having small children to carry:
    the age groups do not separate the under-fives, so many children stand for young ones.
    Documented estimate."""
