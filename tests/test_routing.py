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


# --------------------------------------------------------------------------- against SciPy


def scipy_tables(geo, gov, cut, danger, penalty, targets):
    """The tables from SciPy's csgraph Dijkstra, as the engine computed them before."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    a, b = geo.edge_from, geo.edge_to
    cost = geo.edge_length_km * (1.0 + penalty * np.maximum(danger[a], danger[b]))
    fwd, back = ~cut & ~gov[b], ~cut & ~gov[a]
    graph = csr_matrix((np.concatenate([cost[fwd], cost[back]]),
                        (np.concatenate([a[fwd], b[back]]), np.concatenate([b[fwd], a[back]]))),
                       shape=(geo.n_locations, geo.n_locations))
    dist, pred = dijkstra(graph.T.tocsr(), directed=True, indices=targets,
                          return_predecessors=True)
    hop = pred.T.astype(np.int32)
    hop[hop < 0] = -1
    hop[targets, np.arange(len(targets))] = targets
    return dist.T, hop


def test_the_searches_give_scipys_costs_to_the_last_bit(idlib_geo):
    """Random days (danger, government-held places, cut roads): the same costs as SciPy's
    csgraph bit for bit, and the same next hops except between routes of exactly equal cost,
    where both hops stay on a best route."""
    geo, rng, penalty = idlib_geo, np.random.default_rng(11), 5.0
    targets = np.flatnonzero(np.isin(geo.kind, ["camp", "crossing", "external", "town"]))
    unreachable = 0
    for _ in range(40):
        danger = rng.random(geo.n_locations) * rng.random() * (rng.random(geo.n_locations) < 0.5)
        gov = rng.random(geo.n_locations) < rng.random() * 0.3
        cut = rng.random(geo.n_edges) < rng.random() * 0.1
        ours = plan_routes(geo, gov, cut, danger, penalty, targets=targets)
        cost, hop = scipy_tables(geo, gov, cut, danger, penalty, targets)
        assert np.array_equal(ours.cost_km, cost)
        unreachable += int(np.isinf(cost).sum())
        assert np.array_equal(ours.next_hop < 0, hop < 0)
        v, k = np.nonzero((ours.next_hop != hop) & (hop >= 0))
        frm, other = v, ours.next_hop[v, k]
        e = geo.edge_matrix[frm, other]
        assert np.all(e >= 0)                                       # a road, open that way
        step = geo.edge_length_km[e] * (1 + penalty * np.maximum(danger[frm], danger[other]))
        assert np.array_equal(step + ours.cost_km[other, k], ours.cost_km[v, k])   # a tie
    assert unreachable > 0                                          # cut-off places were tried


def test_parallel_roads_use_the_cheaper(tmp_path):
    (tmp_path / "locations.csv").write_text(
        "name,kind,subdistrict,district,governorate,lat,lon,control_2019,population_people,"
        "idp_people,camp_capacity_people,host_capacity_people\n"
        "A,town,S,D,G,35.0,36.0,opposition,1000,0,0,100\n"
        "B,camp,S,D,G,35.1,36.0,opposition,0,0,1000,0\n")
    (tmp_path / "roads.csv").write_text(
        "from,to,road,road_class,distance_km,capacity_people_per_day\n"
        "A,B,old,local,30,1000\nB,A,new,local,12,1000\n")
    from sim.world.geography import load_geography
    geo = load_geography(tmp_path)
    r = plan(geo)
    assert r.cost_km[geo.index("A"), geo.index("B")] == 12.0
    assert r.next_hop[geo.index("A"), geo.index("B")] == geo.index("B")


def test_only_the_searched_targets_are_searched_the_others_are_unreachable(idlib_geo):
    geo = idlib_geo
    rng = np.random.default_rng(5)
    danger = rng.random(geo.n_locations) * 0.5
    gov = rng.random(geo.n_locations) < 0.1
    cut = rng.random(geo.n_edges) < 0.05
    targets = np.flatnonzero(np.isin(geo.kind, ["camp", "crossing", "external"]))
    searched = rng.random(len(targets)) < 0.3
    full = plan_routes(geo, gov, cut, danger, 4.0, targets=targets)
    some = plan_routes(geo, gov, cut, danger, 4.0, targets=targets, searched=searched)
    assert np.array_equal(some.cost_km[:, searched], full.cost_km[:, searched])
    assert np.array_equal(some.next_hop[:, searched], full.next_hop[:, searched])
    assert np.isinf(some.cost_km[:, ~searched]).all() and (some.next_hop[:, ~searched] == -1).all()
    assert np.isfinite(full.cost_km[:, ~searched]).any()       # they were reachable
    assert np.array_equal(some.usable, full.usable)


def test_the_model_searches_only_routes_nobody_reads_today_away(tiny_geo, monkeypatch):
    # A run whose routes are searched towards every candidate destination, and one searching
    # only those usable today or some household is on its way to, are the same to the bit.
    from conftest import make_scenario

    from sim.engine import model as model_module
    from sim.io.dataset import to_dataset

    def every_target(geo, government, road_cut, danger, penalty, targets=None, searched=None):
        return plan_routes(geo, government, road_cut, danger, penalty, targets=targets)

    scenario = make_scenario(days=40, capacity={"camp_capacity_scale": 0.3},
                             behaviour={"max_destination_danger": 0.2})
    searched = []
    real = model_module.routing.plan_routes

    def counting(*args, **kwargs):
        searched.append(int(kwargs["searched"].sum()))
        return real(*args, **kwargs)

    monkeypatch.setattr(model_module.routing, "plan_routes", counting)
    fewer = to_dataset(model_module.run_model(scenario, seed=3, geography=tiny_geo))
    monkeypatch.setattr(model_module.routing, "plan_routes", every_target)
    every = to_dataset(model_module.run_model(scenario, seed=3, geography=tiny_geo))
    for name in every.data_vars:
        np.testing.assert_array_equal(fewer[name].values, every[name].values, err_msg=name)
    n_candidates = len(model_module.DisplacementModel(scenario, tiny_geo).candidates)
    assert min(searched) < n_candidates                     # some days searched fewer


def test_the_planner_reuses_a_day_whose_inputs_are_yesterdays_and_only_such_a_day(idlib_geo,
                                                                                  monkeypatch):
    import sim.engine.routing as routing

    searches = []
    real = routing.plan_routes
    monkeypatch.setattr(routing, "plan_routes", lambda *a, **k: searches.append(1) or real(*a, **k))
    geo, n = idlib_geo, idlib_geo.n_locations
    targets = np.arange(0, n, 12)
    planner = routing.RoutePlanner(geo, 5.0, targets)
    rng = np.random.default_rng(3)
    government, cut = rng.random(n) < 0.2, rng.random(geo.n_edges) < 0.05
    danger, searched = rng.random(n), rng.random(len(targets)) < 0.8
    first = planner.today(government, cut, danger, searched)
    assert planner.today(government.copy(), cut.copy(), danger.copy(), searched.copy()) is first
    assert len(searches) == 1
    # Any input that differs, even one place or road, even changed in place: a new search,
    # and the routes a fresh search gives.
    for name in ("government", "cut", "danger", "searched"):
        inputs = {"government": government, "cut": cut, "danger": danger, "searched": searched}
        changed = inputs[name]
        changed[5] = not changed[5] if changed.dtype == bool else changed[5] + 0.25   # in place
        routes = planner.today(government, cut, danger, searched)
        fresh = real(geo, government, cut, danger, 5.0, targets=targets, searched=searched)
        np.testing.assert_array_equal(routes.next_hop, fresh.next_hop, err_msg=name)
        np.testing.assert_array_equal(routes.cost_km, fresh.cost_km, err_msg=name)
        np.testing.assert_array_equal(routes.usable, fresh.usable, err_msg=name)
    assert len(searches) == 5
