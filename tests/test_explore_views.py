"""The page's live views and downloads (sim/report/explore/views.py, downloads.py, live.py)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from sim.analysis.summary import summarise
from sim.io.results import load_results
from sim.report.explore import downloads, live, views
from sim.report.explore.live import MapMaker, Snapshot
from sim.report.explore.session import PageSettings, WhatIfModel, scenarios_beside
from tests.test_explore_session import write

DAYS = 12


@pytest.fixture
def model(tmp_path):
    settings = PageSettings(scenarios_beside(write(tmp_path, "tiny_views")))
    m = WhatIfModel(settings)
    for _ in range(8):
        m.step()
    return m


def test_headline_is_the_printed_summary(model):
    runs = Snapshot().of(model)
    h = views.headline(runs, model.config.days)
    s = summarise(runs.ds)
    assert (h.day, h.days) == (8, DAYS)
    assert h.displaced_so_far == s.total_displaced > 0
    assert (h.in_camps, h.in_host, h.in_open) == (s.in_camps, s.in_host, s.in_open)
    assert (h.waiting_at_border, h.crossed_border) == (s.waiting_at_border, s.crossed_border)
    assert (h.peak_daily, h.peak_date) == (s.peak_daily_new_displaced, s.peak_date)
    assert h.camps_full == sum(c.full_since is not None for c in s.camps)
    assert "day 8 of 12" in h.when
    assert dict(h.lines())["Displaced so far"].replace(",", "").isdigit()


def test_snapshot_is_built_once_a_day_and_none_before(tmp_path):
    m = WhatIfModel(PageSettings(scenarios_beside(write(tmp_path, "tiny_snap"))))
    snap = Snapshot()
    assert snap.of(m) is None
    m.step()
    first = snap.of(m)
    assert snap.of(m) is first and first.days == 1
    m.step()
    assert snap.of(m).days == 2


def test_displacement_chart_spans_the_run_with_the_impact_levels(model):
    runs = Snapshot().of(model)
    opt = views.displacement_option(runs, model.config.days)
    assert len(opt["xAxis"][0]["data"]) == DAYS
    cum = opt["series"][0]["data"]
    assert len(cum) == 8 and cum[-1] == round(views.headline(runs, DAYS).displaced_so_far)
    levels = [d["yAxis"] for d in opt["series"][1]["markLine"]["data"]]
    assert levels == [500, 1000]
    assert all(v is None or v >= 1 for v in opt["series"][1]["data"])   # log axis: no zeros
    json.dumps(opt)                                                         # plain data


def test_camp_chart_is_occupancy_against_capacity(model):
    runs = Snapshot().of(model)
    opt = views.camps_option(runs)
    cap, occ = opt["series"][0]["data"], opt["series"][1]["data"]
    assert opt["yAxis"]["data"] == ["Northcamp"]
    assert cap == [round(float(model.camp_capacity[model.geography.index("Northcamp")]))]
    assert occ == [round(float(model.recorder.camp_occupancy[model.day, model.geography.index("Northcamp")]))]


def test_border_chart_series(model):
    opt = views.border_open_option(Snapshot().of(model), DAYS)
    names = [s["name"] for s in opt["series"]]
    assert names == ["waiting at a crossing", "in the open", "crossed into Turkey (so far)"]
    assert all(len(s["data"]) == 8 for s in opt["series"])


@pytest.mark.parametrize("day, expected", [(0, 0), (8, 0), (9, 9), (15, 9), (19, 19), (178, 169),
                                           (179, 179)])
def test_map_day_is_every_ten_days_and_the_last(day, expected):
    assert views.map_day(day, 180) == expected


def test_flow_map_png(model):
    png = views.flow_map_png(Snapshot().of(model).ds, 7)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_netcdf_download_is_the_run_so_far(model, tmp_path):
    path = tmp_path / downloads.netcdf_name(model)
    path.write_bytes(downloads.netcdf_bytes(model))
    ds = load_results(path)
    assert ds.sizes["time"] == 8 and path.name.endswith("seed1-day8.nc")
    assert ds.attrs["scenario_name"] == "tiny_views_whatif"
    assert ds.attrs["scenario_sha256"] == hashlib.sha256(ds.attrs["scenario_json"].encode()).hexdigest()
    np.testing.assert_allclose(ds["cumulative_displaced"].values, model.recorder.cumulative_displaced[:8])


def test_netcdf_download_waits_for_the_day_in_hand(model, tmp_path):
    """Pressed while the page is still stepping (a pause takes effect after the day in hand),
    the download holds back until the day is whole: a half-stepped day has zeros in its row."""
    got = {}
    model.day_lock = threading.RLock()         # so this thread can step inside it, as the page does
    reader = threading.Thread(target=lambda: got.update(nc=downloads.netcdf_bytes(model)))
    with model.day_lock:                       # what model.step() holds while it runs a day
        reader.start()
        reader.join(timeout=1.0)
        assert reader.is_alive() and not got, "the download read the model in the middle of a day"
        model.step()                           # the day in hand, under the same lock
    reader.join(timeout=60)
    path = tmp_path / "run.nc"
    path.write_bytes(got["nc"])
    ds = load_results(path)
    assert ds.sizes["time"] == 9
    assert float(ds["cumulative_displaced"][-1]) == model.recorder.cumulative_displaced[8] > 0


def test_the_memo_runs_the_settings_to_the_end_in_a_worker_process(model, tmp_path):
    from sim.report.explore.page import _write_memo

    folder = _write_memo(model, tmp_path)
    assert folder.parent == tmp_path / "tiny_views_whatif" and folder.name.startswith("memo-seed1-")
    assert (folder / "memo.pdf").stat().st_size > 10_000
    assert "displaced by the end (day 12)" in (folder / "key_figures.csv").read_text()


def test_map_maker_draws_the_newest_request_and_skips_the_rest(monkeypatch):
    monkeypatch.setattr(live, "worker_pool", lambda: ThreadPoolExecutor(1))
    drawn, ready = [], threading.Event()

    def draw(data, day):
        drawn.append(day)
        time.sleep(0.2)
        return f"png{day}".encode()

    maps = MapMaker(draw=draw)
    maps.DUTY = 1.0
    assert maps.request(("m", 0), None, 0, ready.set) is None       # nothing drawn yet
    while not drawn:
        time.sleep(0.01)
    for day in (1, 2, 3):                                            # asked for while it draws
        maps.request(("m", day), None, day, lambda: None)
    deadline = time.time() + 5
    while maps.request(("m", 3), None, 3, lambda: None) != (3, b"png3") and time.time() < deadline:
        time.sleep(0.05)
    assert maps.request(("m", 3), None, 3, lambda: None) == (3, b"png3")
    assert drawn == [0, 3] and ready.is_set()
    assert maps.request(("other model", 0), None, 0, lambda: None) is None   # after a Reset
    while len(drawn) < 3:
        time.sleep(0.05)
    maps.close()


def test_a_failed_map_does_not_stop_the_next(monkeypatch):
    monkeypatch.setattr(live, "worker_pool", lambda: ThreadPoolExecutor(1))

    def draw(data, day):
        if day == 0:
            raise ValueError("no map today")
        return b"png"

    maps = MapMaker(draw=draw)
    maps.DUTY = 1.0
    maps.request(("m", 0), None, 0, lambda: None)
    deadline = time.time() + 5
    while maps.request(("m", 1), None, 1, lambda: None) is None and time.time() < deadline:
        time.sleep(0.05)
    assert maps.request(("m", 1), None, 1, lambda: None) == (1, b"png")
    maps.close()


def _ends_its_worker(data, day):
    import os
    os._exit(1)      # the worker process ends mid-map, as when the server stops it


def _draws(data, day):
    return b"png"


def test_a_map_whose_worker_ended_is_a_warning_and_a_new_worker_draws_the_next(caplog):
    maps = MapMaker(draw=_ends_its_worker)
    maps.DUTY = 1.0
    with caplog.at_level("WARNING", logger=live.__name__):
        maps.request(("m", 0), None, 0, lambda: None)
        deadline = time.time() + 60
        while not [r for r in caplog.records if r.name == live.__name__] and time.time() < deadline:
            time.sleep(0.05)
    (record,) = [r for r in caplog.records if r.name == live.__name__]
    assert record.levelname == "WARNING" and "worker process ended" in record.getMessage()
    assert record.exc_info is None                         # no traceback in the server's log
    maps._draw = _draws                                    # the next map: a fresh worker
    deadline = time.time() + 60
    while maps.request(("m", 1), None, 1, lambda: None) is None and time.time() < deadline:
        time.sleep(0.05)
    assert maps.request(("m", 1), None, 1, lambda: None) == (1, b"png")
    maps.close()


def test_no_map_starts_a_worker_once_the_server_is_stopping(monkeypatch):
    # After stop_new_workers, a map asked for is not drawn and no worker process starts (one
    # starting as the server's process exits would print a traceback into its log).
    import multiprocessing
    import threading

    from sim.report.explore import live
    monkeypatch.setattr(live, "_STOPPING", threading.Event())     # this test's own flag
    live.stop_new_workers()
    with pytest.raises(live.WorkersStoppedError):
        live.worker_pool()
    maker = live.MapMaker(draw=lambda data, day: b"png")
    before = set(multiprocessing.active_children())
    assert maker.request(("model", 1), None, 0, on_ready=lambda: None) is None
    for _ in range(50):                    # the drawing thread gives up at once
        if not maker._busy:
            break
        threading.Event().wait(0.02)
    assert not maker._busy and maker._pool is None
    assert set(multiprocessing.active_children()) <= before
