"""Safest-shortest paths: avoid government-held places, prefer safer roads, report no route."""

from __future__ import annotations

import numpy as np

from sim.engine.routing import plan_routes


def names(geo, idx):
    return geo.names[idx] if idx >= 0 else None


def plan(geo, gov=(), cut=(), danger=None, penalty=5.0):
    government = np.zeros(geo.n_locations, dtype=bool)
    for n in gov:
        government[geo.index(n)] = True
    road_cut = np.zeros(geo.n_edges, dtype=bool)
    for a, b in cut:
        road_cut[geo.edge_index(a, b)] = True
    d = np.zeros(geo.n_locations) if danger is None else danger
    return plan_routes(geo, government, road_cut, d, penalty)


def test_shortest_route_when_all_is_quiet(tiny_geo):
    r = plan(tiny_geo)
    i, j = tiny_geo.index("Midtown"), tiny_geo.index("Hostland")
    assert names(tiny_geo, r.next_hop[i, j]) == "Hostland"      # direct R5 (50 km) beats 65 km
    assert np.isclose(r.cost_km[i, j], 50.0)
    assert r.next_hop[i, i] == i


def test_route_avoids_a_government_held_place(tiny_geo):
    r = plan(tiny_geo, gov=["Northcamp"])
    i, gate = tiny_geo.index("Midtown"), tiny_geo.index("Gate")
    assert r.next_hop[i, gate] == -1                            # Gate only reachable via Northcamp
    assert not np.isfinite(r.cost_km[i, gate])
    # leaving a government-held place is allowed (people caught behind the line can still flee)
    camp = tiny_geo.index("Northcamp")
    assert names(tiny_geo, r.next_hop[camp, gate]) == "Gate"


def diamond(tmp_path):
    """A -> B -> D is 20 km, A -> C -> D is 30 km."""
    (tmp_path / "locations.csv").write_text(
        "name,kind,subdistrict,district,governorate,lat,lon,control_2019,population_people,"
        "idp_people,camp_capacity_people,host_capacity_people\n"
        "A,town,S,D,G,35.0,36.0,opposition,1000,0,0,100\n"
        "B,town,S,D,G,35.1,36.0,opposition,1000,0,0,100\n"
        "C,town,S,D,G,35.1,36.2,opposition,1000,0,0,100\n"
        "D,camp,S,D,G,35.2,36.1,opposition,0,0,1000,0\n")
    (tmp_path / "roads.csv").write_text(
        "from,to,road,road_class,distance_km,capacity_people_per_day\n"
        "A,B,r,local,10,1000\nB,D,r,local,10,1000\nA,C,r,local,15,1000\nC,D,r,local,15,1000\n")
    from sim.world.geography import load_geography
    return load_geography(tmp_path)


def test_danger_makes_a_longer_safer_road_preferable(tmp_path):
    geo = diamond(tmp_path)
    a, d = geo.index("A"), geo.index("D")
    assert names(geo, plan(geo).next_hop[a, d]) == "B"
    danger = np.zeros(geo.n_locations)
    danger[geo.index("B")] = 0.3            # 20 km x (1 + 5 x 0.3) = 50 > 30 km via C
    r = plan(geo, danger=danger)
    assert names(geo, r.next_hop[a, d]) == "C"
    assert np.isclose(r.cost_km[a, d], 30.0)
    # with no danger penalty the short road wins again
    assert names(geo, plan(geo, danger=danger, penalty=0.0).next_hop[a, d]) == "B"


def test_cut_road_reroutes(tiny_geo):
    i, j = tiny_geo.index("Midtown"), tiny_geo.index("Hostland")
    r = plan(tiny_geo, cut=[("Midtown", "Hostland")])
    assert names(tiny_geo, r.next_hop[i, j]) == "Northcamp"
    assert np.isclose(r.cost_km[i, j], 65.0)


# --------------------------------------------------------------------------- towards destinations only


def test_routes_towards_targets_match_all_pairs(idlib_geo):
    """Planning only towards destination nodes gives the same hops and costs for them, and
    nothing for the other ~570 villages (tables are [node x target], not all pairs)."""
    geo = idlib_geo
    rng = np.random.default_rng(3)
    danger = rng.random(geo.n_locations) * 0.3
    gov = np.zeros(geo.n_locations, dtype=bool)
    gov[geo.index("Saraqib")] = True
    cut = np.zeros(geo.n_edges, dtype=bool)
    full = plan_routes(geo, gov, cut, danger, 5.0)
    targets = np.flatnonzero(np.isin(geo.kind, ["camp", "crossing", "external"]))
    some = plan_routes(geo, gov, cut, danger, 5.0, targets=targets)
    assert some.next_hop.shape == (geo.n_locations, len(targets))
    frm = np.repeat(np.arange(geo.n_locations), len(targets))
    to = np.tile(targets, geo.n_locations)
    assert np.array_equal(some.cost(frm, to), full.cost_km[frm, to])
    reach = np.isfinite(full.cost_km[frm, to])
    # ties between equal-cost routes may pick another hop: the hop must keep the route optimal
    f, t = frm[reach & (frm != to)], to[reach & (frm != to)]
    hop = some.hop(f, t)
    e = geo.edge_matrix[f, hop]
    assert np.all(e >= 0)                                     # a hop is along a road
    step = geo.edge_length_km[e] * (1 + 5.0 * np.maximum(danger[f], danger[hop]))
    assert np.allclose(step + some.cost(hop, t), some.cost(f, t))   # and stays on a best route
    village = np.flatnonzero(geo.kind == "village")[:5]
    assert np.all(some.hop(village, village[::-1]) == -1)
    assert np.all(np.isinf(some.cost(village, village[::-1])))
