"""Regression baselines (in the style of Covasim's tests/test_baselines.py).

Key results of every shipped scenario, at reduced scale and a fixed seed, are stored in
``tests/baselines/<scenario>.json``. A change to the engine that alters any of them fails here
loudly, so results never change silently. When a change is meant to alter results, refresh
the baselines on purpose, in the commit that makes the change and says why::

    python tests/test_baselines.py --refresh

The figures are sums of whole households, so they are compared exactly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import sim

REPO = Path(__file__).resolve().parent.parent
BASELINES = Path(__file__).resolve().parent / "baselines"
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
PEOPLE = 100_000
SEED = 11


def reduced(path: Path):
    """The shipped scenario at PEOPLE people (capacities scale with it), validated again."""
    sc = sim.load_scenario(path)
    overrides: dict[str, object] = {"population.total_people": PEOPLE}
    people_by_place = sc.population.people_by_place
    if people_by_place:  # keep named places in proportion
        scale = PEOPLE / sc.population.total_people
        overrides["population.people_by_place"] = {k: int(v * scale) for k, v in people_by_place.items()}
    return sc.with_overrides(overrides)


def figures(path: Path) -> dict:
    """The planning figures of one reduced run: what a change must not alter by accident."""
    ds = sim.run(reduced(path), seed=SEED)
    cum = ds["cumulative_displaced"].values
    daily = np.diff(cum, prepend=0.0)
    last = ds.isel(time=-1)

    def total(var: str) -> int:
        return int(round(float(last[var].sum())))

    arrivals = ds["arrivals"].sum("time").to_series()
    camps = ds["camp_occupancy"].isel(time=-1).to_series()
    capacity = ds["camp_capacity"]
    capacity = capacity.isel(time=-1) if "time" in capacity.dims else capacity
    camps = camps[capacity.to_series() > 0]
    return {
        "days": int(len(cum)),
        "people_total": int(ds["people_total"].values[0]),
        "households": int(ds.attrs["households"]),
        "displaced_by_day": {str(d): int(cum[d - 1]) for d in (3, 14, 30, 90, len(cum)) if d <= len(cum)},
        "cumulative_flights": int(ds["cumulative_flights"].values[-1]),
        "peak_day": int(np.argmax(daily)),
        "peak_daily_new_displaced": int(daily.max()),
        "at_end": {v: total(v) for v in ("residents_present", "in_camp", "in_host", "in_open",
                                          "waiting_at_border", "in_transit")},
        "crossed_border": int(last["crossed_border"]),
        "arrivals_by_destination": {str(k): int(v) for k, v in arrivals.items() if v > 0},
        "camp_occupancy_at_end": {str(k): int(v) for k, v in camps.items()},
        "road_flow_total": int(ds["road_flow"].sum()),
        "displaced_by_group_at_end": [int(v) for v in last["displaced_by_group"].values],
    }


def baseline_path(path: Path) -> Path:
    return BASELINES / f"{path.stem}.json"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_baseline(path):
    stored = baseline_path(path)
    assert stored.is_file(), f"no baseline for {path.name}; run: python tests/test_baselines.py --refresh"
    expected = json.loads(stored.read_text())
    got = figures(path)
    changed = {k: (expected.get(k), got[k]) for k in got if expected.get(k) != got[k]}
    assert not changed, (f"{path.name}: results changed from the baseline: {changed}. If this is "
                         "intended, run python tests/test_baselines.py --refresh and say why in the commit")


def refresh() -> None:
    BASELINES.mkdir(exist_ok=True)
    for path in SCENARIOS:
        baseline_path(path).write_text(json.dumps(figures(path), indent=1, sort_keys=True) + "\n")
        print(f"refreshed {baseline_path(path).relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--refresh"]:
        sys.exit("usage: python tests/test_baselines.py --refresh")
    refresh()
