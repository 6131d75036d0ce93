"""Front lines over time: capture order, danger gradient, ceasefire, road cuts, explicit changes."""

from __future__ import annotations

import numpy as np
from conftest import REPO, make_scenario

from sim.world.conflict import build_timeline


def capture_day(tl, geo, name):
    col = tl.government[:, geo.index(name)]
    return int(np.argmax(col)) if col.any() else None


def test_axis_captures_places_in_order_along_its_path(tiny_geo):
    tl = build_timeline(make_scenario(days=60), tiny_geo)
    south, mid = capture_day(tl, tiny_geo, "Southtown"), capture_day(tl, tiny_geo, "Midtown")
    assert south is not None and mid is not None
    assert 2 <= south < mid            # the axis starts on day 2, Southtown first
    # ~44 km from the start to Midtown at 2 km/day: about 20 days after day 2, minus the width
    assert 15 <= mid <= 25
    assert capture_day(tl, tiny_geo, "Northcamp") is None  # beyond the last waypoint
    # once taken, held
    assert tl.government[mid:, tiny_geo.index("Midtown")].all()


def test_danger_falls_with_distance_from_the_front(tiny_geo):
    tl = build_timeline(make_scenario(days=10), tiny_geo)
    d = tl.danger[9]
    order = [tiny_geo.index(n) for n in ("Southtown", "Midtown", "Northcamp", "Gate")]
    assert np.all(np.diff(d[order]) < 0)
    assert np.all((tl.danger >= 0) & (tl.danger <= 1))


def test_ceasefire_stops_the_front_and_the_danger(tiny_geo):
    tl = build_timeline(make_scenario(days=40, conflict={"ceasefire_day": 8}), tiny_geo)
    assert capture_day(tl, tiny_geo, "Midtown") is None
    assert tl.danger[8:].max() == 0.0
    assert tl.danger[:8].max() > 0.0


def test_intensity_scales_danger(tiny_geo):
    full = build_timeline(make_scenario(days=10), tiny_geo)
    half = build_timeline(make_scenario(days=10, conflict={"intensity": [{"day": 0, "level": 0.5}]}),
                          tiny_geo)
    assert np.allclose(half.danger, 0.5 * full.danger)


def test_front_cuts_roads_it_crosses_and_closures_apply(tiny_geo):
    tl = build_timeline(make_scenario(days=40), tiny_geo)
    r1 = tiny_geo.edge_index("Southtown", "Midtown")
    r3 = tiny_geo.edge_index("Northcamp", "Gate")
    assert tl.road_cut[:, r1].any()       # the axis runs along R1
    assert not tl.road_cut[:, r3].any()   # far from the front
    tl2 = build_timeline(make_scenario(days=40, conflict={"road_closures": [
        {"from": "Northcamp", "to": "Gate", "start_day": 5, "end_day": 9}]}), tiny_geo)
    assert tl2.road_cut[5:10, r3].all() and not tl2.road_cut[10:, r3].any()


def test_explicit_control_changes_and_strikes(tiny_geo):
    sc = make_scenario(days=20, conflict={
        "axes": [],
        "control_changes": [{"place": "Midtown", "day": 5},
                            {"place": "Midtown", "day": 12, "to_side": "opposition"}],
        "strikes": [{"place": "Northcamp", "start_day": 3, "end_day": 4, "level": 0.7}]})
    tl = build_timeline(sc, tiny_geo)
    mid = tiny_geo.index("Midtown")
    assert not tl.government[:5, mid].any() and tl.government[5:12, mid].all()
    assert not tl.government[12:, mid].any()
    camp = tiny_geo.index("Northcamp")
    assert tl.danger[3, camp] >= 0.7 and tl.danger[4, camp] >= 0.7
    # a recently changed place is front line: danger at full intensity there
    assert tl.danger[6, mid] == 1.0


def test_an_axis_is_no_danger_before_it_starts(tiny_geo):
    sc = make_scenario(days=30, conflict={"axes": [
        {"name": "late", "start": "Midtown", "via": ["Southtown"], "start_day": 20,
         "speed_km_per_day": 1.0}]})
    tl = build_timeline(sc, tiny_geo)
    assert tl.danger[:20].max() == 0.0
    assert tl.danger[20, tiny_geo.index("Midtown")] > 0.9


def test_contact_line_makes_a_static_front_dangerous(tiny_geo):
    quiet = make_scenario(days=10, conflict={"axes": [], "control_changes": [
        {"place": "Southtown", "day": 0}]})
    tl = build_timeline(quiet, tiny_geo)
    assert tl.danger.max() == 0.0           # a change on day 0 is not a front by itself
    held = make_scenario(days=10, conflict={"axes": [], "contact_line": True,
                                            "control_changes": [{"place": "Southtown", "day": 0}]})
    tl = build_timeline(held, tiny_geo)
    mid, camp = tiny_geo.index("Midtown"), tiny_geo.index("Northcamp")
    assert np.all(tl.danger[:, mid] > tl.danger[:, camp]) and tl.danger[:, mid].min() > 0
    points = make_scenario(days=10, conflict={"axes": [], "contact_line": True,
                                              "government_points": ["Southfront"]})
    assert build_timeline(points, tiny_geo).danger[0, tiny_geo.index("Southtown")] > 0.3


def test_control_change_with_radius_takes_the_places_around_it(tiny_geo):
    """radius_km: the villages around a dated town change with it; without it only the town."""
    geo = tiny_geo
    change = {"place": "Midtown", "day": 5, "to_side": "government"}
    # Southtown is 33 km from Midtown, Northcamp 33 km, Hostland further: a 34 km radius
    # takes the first two, 20 km takes neither.
    wide = make_scenario(days=10, conflict={"axes": [], "control_changes": [{**change, "radius_km": 34}]})
    narrow = make_scenario(days=10, conflict={"axes": [], "control_changes": [{**change, "radius_km": 20}]})
    tw, tn = build_timeline(wide, geo), build_timeline(narrow, geo)
    held_w = {n for n, h in zip(geo.names, tw.government[5]) if h}
    held_n = {n for n, h in zip(geo.names, tn.government[5]) if h}
    assert held_n == {"Midtown"}
    assert held_w == {"Midtown", "Southtown", "Northcamp"}
    assert not tw.government[4].any()                       # nothing before the dated day


def test_the_nearest_front_point_is_the_same_tried_one_by_one_or_by_k_d_tree(idlib_geo, monkeypatch):
    # Small fronts are measured by trying every point, large ones by a k-d tree: the same
    # distances to the last bit, so a front's size never changes a run's numbers.
    from scipy.spatial import cKDTree

    import sim.world.conflict as conflict
    rng = np.random.default_rng(3)
    probes = np.concatenate([idlib_geo.xy_km, rng.uniform(-80, 80, (3000, 2))])
    for n_front in (1, 7, 60, 400):
        front = rng.uniform(-60, 60, (n_front, 2))
        tried = conflict._min_distance(probes, front)
        monkeypatch.setattr(conflict, "BRUTE_FORCE_PAIRS", 0)
        by_tree = conflict._min_distance(probes, front)
        monkeypatch.undo()
        np.testing.assert_array_equal(tried, by_tree)
        np.testing.assert_array_equal(by_tree, cKDTree(front).query(probes)[0])
    # and a whole offensive's timeline is the same either way
    from sim.world.scenarios import load_scenario
    sc = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml").with_overrides({"days": 60})
    tried = build_timeline(sc, idlib_geo)
    monkeypatch.setattr(conflict, "BRUTE_FORCE_PAIRS", 0)
    by_tree = build_timeline(sc, idlib_geo)
    for name in ("front_distance_km", "danger", "road_cut", "government"):
        np.testing.assert_array_equal(getattr(tried, name), getattr(by_tree, name), err_msg=name)
    assert np.isfinite(tried.front_distance_km).any()


def test_capture_reach_is_the_first_path_sample_within_the_axis_width():
    # _first_reach_km tries the samples in path order; a k-d tree's ball query (what it
    # replaced) finds the same first sample.
    from scipy.spatial import cKDTree

    from sim.world.conflict import _first_reach_km
    rng = np.random.default_rng(8)
    places = rng.uniform(-30, 30, (800, 2))
    path = np.cumsum(rng.normal(0, 0.5, (300, 2)), axis=0)
    s = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(path, axis=0).T))])
    for width in (0.5, 3.0, 12.0):
        want = np.full(len(places), np.inf)
        for i, near in enumerate(cKDTree(path).query_ball_point(places, r=width)):
            if near:
                want[i] = s[min(near)]
        got = _first_reach_km(places, path, s, width)
        np.testing.assert_array_equal(got, want)
        assert np.isfinite(got).sum() >= 5 and np.isinf(got).sum() > 10
