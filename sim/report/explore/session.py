"""One browser session of the what-if page: the scenarios on offer, the settings, the model.

:class:`PageSettings` holds what the page's controls say (which scenario, which
:class:`~sim.report.explore.controls.Controls`); it accepts only settings the schema accepts.
:class:`WhatIfModel` is the :class:`~sim.engine.model.DisplacementModel` that Mesa's
``SolaraViz`` builds from them: Mesa's *Reset* calls ``WhatIfModel(settings=..., seed=...)``
with the settings object as a fixed model parameter and the seed as a Mesa user input, so
a reset always starts a run with what the controls say at that moment.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from sim.config.scenario import Scenario
from sim.engine.model import DisplacementModel
from sim.errors import InputError
from sim.report.explore.controls import Controls, controls_from_scenario, scenario_from_controls
from sim.world.geography import Geography, load_geography
from sim.world.scenarios import load_scenario


def scenarios_beside(path: str | Path) -> dict[str, tuple[Path, Scenario]]:
    """The scenario at ``path`` first, then every other scenario YAML in its folder (the
    shipped ones, for ``scenarios/...``) that loads; by scenario name."""
    path = Path(path)
    first = load_scenario(path)          # bad input here is the user's: let it raise
    found = {first.name: (path, first)}
    for other in sorted(path.parent.glob("*.yaml")):
        if other.resolve() == path.resolve():
            continue
        try:
            sc = load_scenario(other)
        except InputError:                # not a scenario (or a broken one): not offered
            continue
        found.setdefault(sc.name, (other, sc))
    return found


class PageSettings:
    """The scenario chosen and the settings on the page; always valid for the schema."""

    def __init__(self, scenarios: dict[str, tuple[Path, Scenario]], choice: str | None = None):
        if not scenarios:
            raise InputError("no scenario to explore; give a scenario YAML file")
        self.scenarios = scenarios
        self._geographies: dict[str, Geography] = {}
        self.choose(choice or next(iter(scenarios)))

    @property
    def names(self) -> list[str]:
        return list(self.scenarios)

    @property
    def base(self) -> Scenario:
        return self.scenarios[self.choice][1]

    @property
    def geography(self) -> Geography:
        region = self.base.region
        if region not in self._geographies:
            self._geographies[region] = load_geography(region)
        return self._geographies[region]

    def choose(self, name: str) -> Controls:
        """Switch to another scenario; the controls go back to that scenario's own values."""
        if name not in self.scenarios:
            raise InputError(f"unknown scenario {name!r}; choose one of {', '.join(self.scenarios)}",
                             where="explore page", field="scenario")
        self.choice = name
        self.controls = self.defaults
        return self.controls

    @property
    def defaults(self) -> Controls:
        return controls_from_scenario(self.base, self.geography)

    def apply(self, controls: Controls) -> Scenario:
        """Take new settings if the schema accepts them; otherwise raise InputError and keep
        the previous ones."""
        scenario = scenario_from_controls(self.base, controls, self.geography)
        self.controls = controls
        return scenario

    def scenario(self, seed: int | None = None) -> Scenario:
        controls = self.controls if seed is None else replace(self.controls, seed=int(seed))
        return scenario_from_controls(self.base, controls, self.geography)


class WhatIfModel(DisplacementModel):
    """The displacement model for the page's current settings (a new one on every Reset).

    The page reads the model from other threads than the one stepping it (the views, the
    downloads): :meth:`read` gives them whole days only, never a day half stepped.
    """

    def __init__(self, settings: PageSettings, seed: int | None = None):
        scenario = settings.scenario(seed)
        super().__init__(scenario, settings.geography)
        self.base_name = settings.choice
        self.day_lock = threading.Lock()

    def step(self) -> None:
        with self.day_lock:
            super().step()

    def read(self, what):
        """``what(self)`` between two days."""
        with self.day_lock:
            return what(self)
