"""The ``returns`` section: displaced households going home once it is safe (docs/model.md, 7.15).

A household displaced in this run goes home with a daily probability once its home has been
safe (perceived danger below ``safe_danger``) for ``return_after_safe_days`` days; far fewer
go back to a home that has changed hands. Evidence: sim/data/idlib/sources.md (S47, R10-R13).
"""

from __future__ import annotations

from sim.config.fields import Day, Probability, Strict


class ReturnConfig(Strict):
    """Spontaneous returns. ``return_per_day: 0`` switches them off."""

    return_per_day: Probability = 0.02
    """Daily chance that an eligible household goes home. Between the Sept 2018 escalation,
    when about 4,500 of 38,300 displaced went back within two or three days of the shelling
    easing (S47, about 4 % a day), and Sept 2019, when about 13,000 went home in Idleb in the
    month after the 31 Aug ceasefire (R10), most homes having been taken or staying near the
    line. Documented estimate (0 switches returns off)."""
    return_after_safe_days: Day = 3
    """Days the home must have been safe before anyone goes back: in Sept 2018 returns began
    within about two days of the relative decrease in hostilities (S47). Documented estimate."""
    safe_danger: Probability = 0.05
    """Perceived danger at home (with the fear that lags the guns, behaviour.fear_memory_days)
    below which it counts as safe. Documented estimate."""
    return_to_government_factor: Probability = 0.0
    """Multiplies ``return_per_day`` for a home now held by the government side. After the
    Aug 2019 ceasefire the returns reported to the captured towns came from other
    government-held areas, not from the opposition-held north (R11). 0: nobody crosses the
    line to go home (the routing never crosses it either). Documented estimate."""
