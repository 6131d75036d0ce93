"""Shared fixtures: a tiny hand-made geography where the right answers are obvious.

    Southfront (front start, outside the map)
        |  ~11 km
    Southtown (town, 10,000 people)
        |  R1 35 km
    Midtown (town, 20,000 people) ---- R5 50 km ----+
        |  R2 35 km                                  |
    Northcamp (camp cluster, 5,000 people, 30,000 places) -- R4 30 km -- Hostland (northern area)
        |  R3 25 km
    Gate (border crossing)

Latitude grows northwards; the front advances from the south.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim.config.loading import deep_merge, parse_scenario
from sim.config.scenario import Scenario
from sim.world.geography import load_geography
from sim.world.scenarios import check_places

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny"
REPO = TESTS.parent

TINY_BASE = {
    "name": "tiny",
    "region": str(TINY),
    "start_date": "2020-01-01",
    "days": 40,
    "seed": 1,
    "population": {"total_people": 30000},
    "conflict": {
        "axes": [{"name": "south", "start": "Southfront", "via": ["Southtown", "Midtown"],
                  "start_day": 2, "speed_km_per_day": 2.0, "width_km": 4}],
    },
}


def make_scenario(**overrides) -> Scenario:
    """The tiny offensive, with any field overridden (nested dicts merge)."""
    data = deep_merge(TINY_BASE, overrides)
    sc = parse_scenario(data)
    check_places(sc, load_geography(TINY))
    return sc


@pytest.fixture(scope="session")
def tiny_geo():
    return load_geography(TINY)


@pytest.fixture(scope="session")
def idlib_geo():
    return load_geography("idlib")


@pytest.fixture(autouse=True)
def _explore_workers_allowed():
    """A test that runs the explore server in this process leaves it stopping (no new worker
    processes, sim.report.explore.live.stop_new_workers); the next test starts afresh."""
    yield
    live = sys.modules.get("sim.report.explore.live")
    if live is not None:
        live._STOPPING.clear()
