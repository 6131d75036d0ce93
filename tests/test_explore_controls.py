"""The what-if page's settings -> scenario (sim/report/explore/controls.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sim.errors import InputError
from sim.report.explore.controls import (
    changes_in_words,
    controls_from_scenario,
    scenario_from_controls,
)
from sim.world.border import CLOSED, OPEN, QUOTA, build_border_timeline
from sim.world.scenarios import load_scenario
from tests.conftest import REPO, make_scenario

SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_untouched_settings_are_the_scenario(path, idlib_geo):
    """An untouched page plays exactly the shipped scenario: only its name and words differ."""
    base = load_scenario(path, idlib_geo)
    sc = scenario_from_controls(base, controls_from_scenario(base, idlib_geo), idlib_geo)
    a, b = base.model_dump(), sc.model_dump()
    assert {k for k in a if a[k] != b[k]} <= {"name", "title", "description"}
    assert sc.name == f"{base.name}_whatif"
    assert "no changes" in sc.description


def test_quota_from_a_day_keeps_the_timeline_before_it(tiny_geo):
    base = make_scenario(border={"crossings": {"Gate": [{"day": 0, "status": "closed"},
                                                         {"day": 20, "status": "open"}]}})
    c = controls_from_scenario(base, tiny_geo)
    gate = c.crossings[0]
    assert (gate.status, gate.from_day) == ("open", 20)          # the scenario's last phase
    sc = scenario_from_controls(base, c.with_crossing("Gate", status="quota",
                                                      quota_people_per_day=5000, from_day=10),
                                tiny_geo)
    timeline = build_border_timeline(sc, tiny_geo)
    g = tiny_geo.index("Gate")
    assert (timeline.status[:10, g] == CLOSED).all()
    assert (timeline.status[10:, g] == QUOTA).all()
    assert (timeline.quota_people_per_day[10:, g] == 5000).all()
    assert "Gate quota 5,000/day from day 10" in sc.description
    opened = scenario_from_controls(base, c.with_crossing("Gate", status="open", from_day=0),
                                    tiny_geo)
    assert (build_border_timeline(opened, tiny_geo).status[:, g] == OPEN).all()


def test_axis_speed_and_start_day(tiny_geo):
    base = make_scenario(conflict={"axes": [{"name": "south", "start": "Southfront",
                                             "via": ["Southtown", "Midtown"], "start_day": 2,
                                             "speed_km_per_day": 2.0, "stop_day": 12}]})
    c = controls_from_scenario(base, tiny_geo).with_axis("south", speed_multiplier=1.5,
                                                         start_day=5)
    axis = scenario_from_controls(base, c, tiny_geo).conflict.axes[0]
    assert axis.speed_km_per_day == pytest.approx(3.0)
    assert axis.start_day == 5
    assert axis.stop_day == 15          # advances for as long as in the scenario
    assert axis.via == ("Southtown", "Midtown")


def test_other_settings_reach_the_scenario(tiny_geo):
    base = make_scenario()
    c = replace(controls_from_scenario(base, tiny_geo), ceasefire_day=9, camp_capacity_scale=2.0,
                flee_propensity=4.5, danger_tolerance=0.2, total_people=12_000, seed=7)
    sc = scenario_from_controls(base, c, tiny_geo)
    assert sc.conflict.ceasefire_day == 9
    assert sc.capacity.camp_capacity_scale == 2.0
    assert (sc.behaviour.flee_propensity, sc.behaviour.danger_tolerance) == (4.5, 0.2)
    assert (sc.population.total_people, sc.seed) == (12_000, 7)
    words = changes_in_words(base, c, tiny_geo)
    assert "ceasefire on day 9" in words and "people 12,000" in words and "seed 7" in words


@pytest.mark.parametrize("change, field", [
    (dict(danger_tolerance=1.5), "behaviour.danger_tolerance"),
    (dict(total_people=0), "population.total_people"),
    (dict(camp_capacity_scale=-1.0), "capacity.camp_capacity_scale"),
])
def test_refused_settings_name_the_field(tiny_geo, change, field):
    base = make_scenario()
    with pytest.raises(InputError) as err:
        scenario_from_controls(base, replace(controls_from_scenario(base, tiny_geo), **change),
                               tiny_geo)
    assert field in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("explore page")


def test_negative_quota_is_refused(tiny_geo):
    base = make_scenario()
    c = controls_from_scenario(base, tiny_geo).with_crossing("Gate", status="quota",
                                                            quota_people_per_day=-5)
    with pytest.raises(InputError, match="border.crossings.Gate"):
        scenario_from_controls(base, c, tiny_geo)


def test_start_day_past_the_stop_day_moves_it_along(tiny_geo):
    base = make_scenario(conflict={"axes": [{"name": "south", "start": "Southfront",
                                             "via": ["Southtown"], "start_day": 0,
                                             "stop_day": 3}]})
    c = controls_from_scenario(base, tiny_geo).with_axis("south", start_day=30)
    assert scenario_from_controls(base, c, tiny_geo).conflict.axes[0].stop_day == 33
