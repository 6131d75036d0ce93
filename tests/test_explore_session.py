"""The page's session: scenarios on offer, settings, the model Mesa builds on Reset
(sim/report/explore/session.py)."""

from __future__ import annotations

import inspect
import threading
import time
from dataclasses import replace

import numpy as np
import pytest
import yaml

from sim.config.loading import deep_merge
from sim.engine.households import Status
from sim.engine.model import DisplacementModel
from sim.errors import InputError
from sim.report.explore.session import PageSettings, WhatIfModel, scenarios_beside
from tests.conftest import TINY_BASE

DAYS = 12


def write(folder, name, **overrides):
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(deep_merge(TINY_BASE, {"name": name, "days": DAYS, **overrides})),
                    encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path):
    first = write(tmp_path, "tiny_a")
    write(tmp_path, "tiny_b", population={"total_people": 20000})
    (tmp_path / "broken.yaml").write_text("name: [unclosed", encoding="utf-8")
    return PageSettings(scenarios_beside(first))


def run(model, days=DAYS):
    while model.running and model.day + 1 < days:
        model.step()
    return model


def test_scenarios_beside_offers_the_folder_first_file_first(settings):
    assert settings.names == ["tiny_a", "tiny_b"]          # the broken file is not offered
    assert settings.choice == "tiny_a"


def test_a_bad_first_scenario_is_the_users_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        scenarios_beside(tmp_path / "nope.yaml")


def test_choosing_a_scenario_resets_the_settings(settings):
    settings.apply(replace(settings.controls, total_people=11_000))
    settings.choose("tiny_b")
    assert settings.controls.total_people == 20_000
    with pytest.raises(InputError, match="unknown scenario"):
        settings.choose("nope")


def test_refused_settings_keep_the_previous_ones(settings):
    before = settings.controls
    with pytest.raises(InputError, match="behaviour.flee_propensity"):
        settings.apply(replace(before, flee_propensity=-1.0))
    assert settings.controls == before


def test_untouched_settings_play_the_scenario_exactly(settings):
    """Same scenario data and seed: the page's model and the plain model step alike."""
    page = run(WhatIfModel(settings))
    plain = run(DisplacementModel(settings.base, settings.geography))
    np.testing.assert_array_equal(page.recorder.by_status, plain.recorder.by_status)
    np.testing.assert_array_equal(page.recorder.flow, plain.recorder.flow)


def test_seed_from_mesa_changes_the_run(settings):
    a = run(WhatIfModel(settings, seed=1))
    b = run(WhatIfModel(settings, seed=2))
    assert a.seed == 1 and b.seed == 2 and b.config.seed == 2
    assert not np.array_equal(a.recorder.by_status, b.recorder.by_status)


def test_quota_lets_people_cross_and_closed_does_not(settings):
    crossed = {}
    for status in ("quota", "closed"):
        c = settings.defaults.with_crossing("Gate", status=status, quota_people_per_day=5000)
        settings.apply(replace(c, flee_propensity=20.0))
        crossed[status] = int(run(WhatIfModel(settings)).head_count[Status.CROSSED].sum())
    assert crossed["quota"] > 0
    assert crossed["closed"] == 0


def test_a_read_holds_the_next_day_back(settings):
    """The views read between two days: a step waits for a read in progress."""
    model = WhatIfModel(settings)
    model.step()
    events = []

    def slow_read(m):
        events.append(("read", m.day))
        time.sleep(0.3)
        events.append(("read done", m.day))

    reader = threading.Thread(target=model.read, args=(slow_read,))
    reader.start()
    time.sleep(0.05)
    model.step()
    events.append(("stepped", model.day))
    reader.join()
    assert events == [("read", 0), ("read done", 0), ("stepped", 1)]


def test_mesa_can_rebuild_it_from_keyword_parameters():
    """Mesa's Reset calls the model class with the page's model parameters as keywords."""
    params = inspect.signature(WhatIfModel.__init__).parameters
    assert list(params) == ["self", "settings", "seed"]
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for n, p in params.items() if n != "self")
