"""Our model and FLEE 3.1 on the same graph: cost per person-day of each, side by side.

``idlib-sim bench --vs-flee`` runs the scenario with our model for a few days at its own
population (:func:`sim.analysis.benchmark.benchmark_run`), then FLEE (Suleimenova & Groen's
agent-based refugee model, the optional extra ``[bench]``) on the same places and roads
(:mod:`sim.io.flee.export`, a temporary case folder read by FLEE's own ``InputGeography``)
with a given number of agents for the same days, and compares the simulation phases:
seconds of CPU (user + system) and of wall time per person-day (one FLEE agent is one
person; ours are households of people, all of them counted).

The two do different work per person-day, so the ratio is a cost figure, not a like-for-like
race: every FLEE agent starts displaced in a conflict zone (the places on the scenario's axes
of advance and strikes) and moves every day until it reaches a camp, while most of our people
are residents who decide each day whether to flee. FLEE's settings are its defaults
(``simsetting.yml`` with every log level 0); its agents are placed on day 0 by its own
``Ecosystem.pick_spawn_locations`` (weights: population x conflict intensity).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.benchmark import DEFAULT_SCENARIO, Clock, Phase, benchmark_run, cpu_seconds
from sim.errors import InputError

FLEE_VERSION = "3.1"
INSTALL_HINT = "pip install -e '.[bench]'"
SIMSETTINGS = """\
# idlib-sim bench --vs-flee: FLEE's defaults, no log output.
log_levels:
  agent: 0
  link: 0
  camp: 0
  init: 0
  conflict: 0
  idp_totals: 0
"""


@dataclass(frozen=True)
class ModelCost:
    """One model's run: its size and how long building and simulating took."""

    model: str
    people: int
    """People simulated (FLEE: agents, one person each)."""
    days: int
    build: Phase
    simulate: Phase
    displaced: float
    """People displaced by the last day (FLEE: every agent)."""

    @property
    def person_days(self) -> int:
        return self.people * self.days

    @property
    def cpu_us_per_person_day(self) -> float:
        return self.simulate.cpu_s / self.person_days * 1e6

    @property
    def wall_us_per_person_day(self) -> float:
        return self.simulate.wall_s / self.person_days * 1e6

    @property
    def cpu_us_per_displaced_day(self) -> float:
        """CPU per day of a displaced person, counting those displaced by the last day on
        every day (an upper bound on ours: the displaced grow day by day); NaN if nobody is."""
        if self.displaced <= 0:
            return float("nan")
        return self.simulate.cpu_s / (self.displaced * self.days) * 1e6


@dataclass(frozen=True)
class FleeComparison:
    """Ours and FLEE's cost on one graph; ``ratio`` = FLEE's CPU cost per person-day / ours."""

    scenario_name: str
    places: int
    routes: int
    conflict_zones: tuple[str, ...]
    ours: ModelCost
    flee: ModelCost

    @property
    def ratio(self) -> float:
        return self.flee.cpu_us_per_person_day / self.ours.cpu_us_per_person_day

    @property
    def wall_ratio(self) -> float:
        return self.flee.wall_us_per_person_day / self.ours.wall_us_per_person_day

    @property
    def displaced_ratio(self) -> float:
        """FLEE's CPU per displaced person-day / ours (closer to like for like)."""
        return self.flee.cpu_us_per_displaced_day / self.ours.cpu_us_per_displaced_day


def require_flee():
    """FLEE's ``flee.flee`` module, or one InputError naming the fix (not installed, wrong version)."""
    try:
        flee = importlib.import_module("flee")
        importlib.import_module("flee.flee")
    except ImportError:
        raise InputError(f"flee {FLEE_VERSION} is not installed; {INSTALL_HINT}",
                         where="--vs-flee") from None
    version = str(getattr(flee, "__version__", "")).lstrip("v")
    if version != FLEE_VERSION:
        raise InputError(f"flee {version or '(unknown version)'} is installed, the comparison "
                         f"needs {FLEE_VERSION}; {INSTALL_HINT}", where="--vs-flee")
    return flee


def conflict_zones(scenario, geography) -> tuple[str, ...]:
    """The scenario's places under attack: its axes' ``via`` places and its strikes' places.

    Front points outside the map (an axis's ``start``) are not places and are left out; a
    scenario with neither gives its most populous place, since FLEE needs a conflict zone to
    place its agents.
    """
    named = [p for axis in scenario.conflict.axes for p in axis.via]
    named += [s.place for s in scenario.conflict.strikes]
    places = set(geography.names)
    zones = tuple(dict.fromkeys(p for p in named if p in places))
    if zones:
        return zones
    return (geography.names[int(geography.population_people.argmax())],)


def run_flee(case_folder: Path, *, agents: int, days: int, seed: int) -> ModelCost:
    """Build FLEE's ecosystem from ``case_folder`` (``input_csv/`` inside) and run ``days`` days.

    FLEE keeps its settings in class attributes and draws from the global ``random`` and
    ``numpy.random`` streams: both are seeded with ``seed`` here. Its chatter on stdout and
    stderr (every location it builds) is swallowed.
    """
    require_flee()
    import numpy as np
    from flee import InputGeography, flee
    from flee.SimulationSettings import SimulationSettings

    inputs = case_folder / "input_csv"
    settings = case_folder / "simsetting.yml"
    settings.write_text(SIMSETTINGS, encoding="utf-8")
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        clock = Clock(time.time(), cpu_seconds())
        SimulationSettings.ReadFromYML(str(settings))
        geography = InputGeography.InputGeography()
        geography.ReadLocationsFromCSV(str(inputs / "locations.csv"))
        geography.ReadLinksFromCSV(str(inputs / "routes.csv"))
        geography.ReadClosuresFromCSV(str(inputs / "closures.csv"))
        ecosystem, _ = geography.StoreInputGeographyInEcosystem(flee.Ecosystem())
        random.seed(seed)
        np.random.seed(seed)
        for location in ecosystem.pick_spawn_locations(agents):
            ecosystem.addAgent(location, {})
        build = clock.lap()
        for t in range(days):
            ecosystem.enact_border_closures(t)
            ecosystem.evolve()
        simulate = clock.lap()
    agents_run = ecosystem.numAgents()
    return ModelCost("FLEE " + FLEE_VERSION, agents_run, days, build, simulate, float(agents_run))


def compare_with_flee(scenario: str | Path | None = None, *, people: int | None = None,
                      days: int = 5, agents: int = 100_000) -> FleeComparison:
    """Time ``days`` days of ``scenario`` (default: the full assault) with ours, then FLEE.

    Ours runs at the scenario's population (or ``people``); FLEE with ``agents`` agents on
    the scenario's region written as a FLEE case. FLEE is checked for first, so a missing
    FLEE costs no run of ours.
    """
    require_flee()
    from sim.io.flee.export import write_case_folder
    from sim.world.geography import load_geography
    from sim.world.scenarios import load_scenario

    with tempfile.TemporaryDirectory(prefix="idlib-vs-flee-") as tmp:
        b = benchmark_run(scenario, people=people, days=days, out=tmp)
        ours = ModelCost("idlib-sim", b.people, b.days, b.build, b.simulate, b.displaced)
        sc = load_scenario(scenario or DEFAULT_SCENARIO)
        geo = load_geography(sc.region)
        zones = conflict_zones(sc, geo)
        case = Path(tmp) / sc.name
        write_case_folder(geo, case, conflict_zones=zones, days=days, start_date=sc.start_date)
        theirs = run_flee(case, agents=agents, days=days, seed=sc.seed)
    return FleeComparison(sc.name, geo.n_locations, geo.n_edges, zones, ours, theirs)
