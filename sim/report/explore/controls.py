"""What the what-if page lets a planner change, and the scenario those settings make.

The page's controls are a :class:`Controls` value: one policy per border crossing (closed /
quota / open, from a day on), a speed multiplier and a start day per axis of advance, the
ceasefire day, camp capacity, the two calibrated behaviour parameters, the population and
the seed. :func:`controls_from_scenario` reads a scenario's own values as the defaults, so an
untouched page plays exactly the scenario; :func:`scenario_from_controls` writes the settings
into the scenario's data and validates the result through the schema and the place checks
(:func:`sim.config.loading.parse_scenario`, :func:`sim.world.scenarios.check_places`), the
same edge every YAML file goes through: a setting the model cannot take is refused there
with the one-line message, never passed on.

The camps' *response rate* is ``response.share_of_unsheltered_per_day``: the share of the
people in the open near a response site for whom new places open each day (0: no new places).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from sim.config.loading import parse_scenario
from sim.config.scenario import Scenario
from sim.world.geography import Geography
from sim.world.scenarios import check_places

Status = Literal["closed", "quota", "open"]
STATUSES: tuple[Status, ...] = ("closed", "quota", "open")
DEFAULT_QUOTA_PEOPLE_PER_DAY = 5_000
"""Quota offered when a closed crossing is switched to "quota" (a planning assumption; the
shipped open-border scenario uses 3,000-10,000 a day)."""
WHERE = "explore page"


@dataclass(frozen=True)
class CrossingPolicy:
    """From ``from_day`` on, the crossing is closed, lets ``quota_people_per_day`` through, or
    is open; before that day it keeps the scenario's own timeline."""

    crossing: str
    status: Status
    quota_people_per_day: int
    from_day: int


@dataclass(frozen=True)
class AxisSetting:
    """An axis of advance: its speed as a multiple of the scenario's, and its start day."""

    axis: str
    speed_multiplier: float
    start_day: int


@dataclass(frozen=True)
class Controls:
    crossings: tuple[CrossingPolicy, ...]
    axes: tuple[AxisSetting, ...]
    ceasefire_day: int | None
    camp_capacity_scale: float
    response_share_per_day: float
    flee_propensity: float
    danger_tolerance: float
    total_people: int
    seed: int

    def with_crossing(self, crossing: str, **changes) -> "Controls":
        return replace(self, crossings=tuple(replace(c, **changes) if c.crossing == crossing
                                             else c for c in self.crossings))

    def with_axis(self, axis: str, **changes) -> "Controls":
        return replace(self, axes=tuple(replace(a, **changes) if a.axis == axis else a
                                        for a in self.axes))


def controls_from_scenario(scenario: Scenario, geography: Geography) -> Controls:
    """The scenario's own settings: every crossing's last phase, every axis as it is."""
    crossings = []
    for name in geography.crossing_names:
        last = scenario.border.crossings.get(name, scenario.border.default)[-1]
        quota = last.quota_people_per_day if last.status == "quota" else DEFAULT_QUOTA_PEOPLE_PER_DAY
        crossings.append(CrossingPolicy(name, last.status, int(quota), int(last.day)))
    c, b = scenario.conflict, scenario.behaviour
    return Controls(
        crossings=tuple(crossings),
        axes=tuple(AxisSetting(a.name, 1.0, int(a.start_day)) for a in c.axes),
        ceasefire_day=c.ceasefire_day,
        camp_capacity_scale=float(scenario.capacity.camp_capacity_scale),
        response_share_per_day=float(scenario.response.share_of_unsheltered_per_day),
        flee_propensity=float(b.flee_propensity),
        danger_tolerance=float(b.danger_tolerance),
        total_people=int(scenario.population.total_people),
        seed=int(scenario.seed),
    )


def scenario_from_controls(base: Scenario, controls: Controls, geography: Geography) -> Scenario:
    """``base`` with the page's settings, validated like a YAML file (InputError if refused).

    Named ``<base>_whatif`` so its results never mix with the shipped scenario's; its
    description lists what differs from ``base``.
    """
    data = base.model_dump(mode="json", by_alias=True)
    data["name"] = f"{base.name}_whatif"
    changed = changes_in_words(base, controls, geography)
    data["title"] = (f"What-if based on {base.name}: " + "; ".join(changed) if changed
                     else f"What-if: {base.title or base.name}")
    data["description"] = ("Settings from the what-if page (idlib-sim explore), based on "
                           f"{base.name}: " + ("; ".join(changed) if changed else "no changes") + ".")
    data["seed"] = controls.seed
    data["population"]["total_people"] = controls.total_people
    data["capacity"]["camp_capacity_scale"] = controls.camp_capacity_scale
    data["response"]["share_of_unsheltered_per_day"] = controls.response_share_per_day
    data["behaviour"]["flee_propensity"] = controls.flee_propensity
    data["behaviour"]["danger_tolerance"] = controls.danger_tolerance
    data["conflict"]["ceasefire_day"] = controls.ceasefire_day
    data["conflict"]["axes"] = [_axis_data(axis, _setting_for(controls, axis["name"]))
                                for axis in data["conflict"]["axes"]]
    default = controls_from_scenario(base, geography)
    data["border"]["crossings"] |= {   # only the crossings whose policy was changed
        p.crossing: [*_phases_before(base, p), _phase(p)]
        for p, was in zip(controls.crossings, default.crossings) if p != was}
    scenario = parse_scenario(data, where=WHERE)
    check_places(scenario, geography, where=WHERE)
    return scenario


def changes_in_words(base: Scenario, controls: Controls, geography: Geography) -> list[str]:
    """The settings that differ from ``base``, one short phrase each (for titles and memos)."""
    default = controls_from_scenario(base, geography)
    out = []
    for now, was in zip(controls.crossings, default.crossings):
        if now != was:
            what = (f"quota {now.quota_people_per_day:,}/day" if now.status == "quota"
                    else now.status)
            out.append(f"{now.crossing} {what} from day {now.from_day}")
    for now, was in zip(controls.axes, default.axes):
        if now.speed_multiplier != was.speed_multiplier:
            out.append(f"{now.axis} speed x{now.speed_multiplier:g}")
        if now.start_day != was.start_day:
            out.append(f"{now.axis} starts day {now.start_day}")
    if controls.ceasefire_day != default.ceasefire_day:
        out.append("no ceasefire" if controls.ceasefire_day is None
                   else f"ceasefire on day {controls.ceasefire_day}")
    for field, label in (("camp_capacity_scale", "camp capacity x"),
                         ("response_share_per_day", "camp response "),
                         ("flee_propensity", "flee propensity "),
                         ("danger_tolerance", "danger tolerance "),
                         ("total_people", "people "), ("seed", "seed ")):
        now, was = getattr(controls, field), getattr(default, field)
        if now != was:
            out.append(f"{label}{now:,}" if isinstance(now, int) else f"{label}{now:g}")
    return out


def _setting_for(controls: Controls, axis: str) -> AxisSetting | None:
    return next((a for a in controls.axes if a.axis == axis), None)


def _axis_data(axis: dict, setting: AxisSetting | None) -> dict:
    """The axis moved to its new start day; it advances for as long as before (a stop day
    moves with the start), at the scenario's speed times the multiplier."""
    if setting is None:
        return axis
    shift = setting.start_day - axis["start_day"]
    out = {**axis, "start_day": setting.start_day,
           "speed_km_per_day": axis["speed_km_per_day"] * setting.speed_multiplier}
    if axis.get("stop_day") is not None:
        out["stop_day"] = axis["stop_day"] + shift
    return out


def _phases_before(base: Scenario, policy: CrossingPolicy) -> list[dict]:
    phases = base.border.crossings.get(policy.crossing, base.border.default)
    return [p.model_dump(mode="json") for p in phases if p.day < policy.from_day]


def _phase(policy: CrossingPolicy) -> dict:
    phase = {"day": policy.from_day, "status": policy.status}
    if policy.status == "quota":
        phase["quota_people_per_day"] = policy.quota_people_per_day
    return phase


__all__ = ["STATUSES", "AxisSetting", "Controls", "CrossingPolicy",
           "controls_from_scenario", "scenario_from_controls", "changes_in_words"]
