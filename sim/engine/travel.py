"""Travel along the road graph with speeds by mode and daily road capacity.

Each day a household in transit has a travel budget (km/day: vehicle or on foot). It hops
node to node along today's next-hop table; entering a road uses that road's daily capacity
(people/day in each direction), granted in a random order each day. A household
that cannot get onto a full road waits at the node overnight; one whose budget runs out
part-way spends the night on the road and continues tomorrow. If the road ahead is cut or the
place ahead falls to the government side, it turns back to the node it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.allocation import grouped_fits
from sim.engine.households import Households, Status
from sim.engine.routing import Routes
from sim.world.geography import Geography

MAX_HOPS_PER_DAY = 64
"""Technical bound on node-to-node hops per household per day (no behaviour): the longest
useful path in a ~100-node road graph is far shorter, so the loop ends well before it."""


@dataclass
class TravelResult:
    arrived: np.ndarray        # household indices that reached their destination today
    stuck: np.ndarray          # household indices with no route to their destination
    flow_people: np.ndarray    # [edge, 2] people who entered each road today: from->to, to->from


def travel(hh: Households, routes: Routes, geo: Geography, capacity_people_per_day: np.ndarray,
           vehicle_speed_km_per_day: float, foot_speed_km_per_day: float,
           rng: np.random.Generator) -> TravelResult:
    # A fresh random order each day decides who gets onto a full road first.
    idx = rng.permutation(np.flatnonzero(hh.status == Status.TRANSIT))
    flow = np.zeros(2 * geo.n_edges)     # index 2 e + direction
    if len(idx) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return TravelResult(empty, empty, flow.reshape(-1, 2))
    # Capacity is per direction (sim/data/idlib/sources.md, E11).
    cap_left = np.repeat(capacity_people_per_day.astype(np.float64), 2)
    loc = hh.location[idx].astype(np.int64)
    nxt = hh.next_node[idx].astype(np.int64)
    prog = hh.progress_km[idx].astype(np.float64)
    dest = hh.destination[idx].astype(np.int64)
    size = hh.people_weight[idx]
    budget = np.where(hh.by_vehicle[idx], vehicle_speed_km_per_day, foot_speed_km_per_day)
    arrived = np.zeros(len(idx), dtype=bool)
    stuck = np.zeros(len(idx), dtype=bool)
    edge_of = geo.edge_matrix
    length = geo.edge_length_km
    n_lanes = len(cap_left)
    # Households still moving today; no destination (stuck yesterday) waits to choose again.
    live = np.flatnonzero(dest >= 0)

    for _ in range(MAX_HOPS_PER_DAY):
        if len(live) == 0:
            break
        # Households on a road: turn back if it closed, else advance.
        on_road = live[nxt[live] >= 0]
        if len(on_road):
            e = edge_of[loc[on_road], nxt[on_road]]
            forward = geo.edge_from[e] == loc[on_road]
            open_now = np.where(forward, routes.usable[e, 0], routes.usable[e, 1])
            back = on_road[~open_now]
            nxt[back] = -1
            prog[back] = 0.0
            go = on_road[open_now]
            remaining = length[e[open_now]] - prog[go]
            done = budget[go] >= remaining
            fin = go[done]
            budget[fin] -= remaining[done]
            loc[fin] = nxt[fin]
            nxt[fin] = -1
            prog[fin] = 0.0
            part = go[~done]            # the night on the road
            prog[part] += budget[part]
            budget[part] = 0.0
        # Households at a node: arrived, stuck, or ask for the next road.
        at_node = live[nxt[live] < 0]
        here = loc[at_node] == dest[at_node]
        arrived[at_node[here]] = True
        need = at_node[~here]
        hop = routes.hop(loc[need], dest[need])
        stuck[need[hop < 0]] = True
        ask = need[hop >= 0]
        hop = hop[hop >= 0]
        if len(ask) == 0:
            break
        e = edge_of[loc[ask], hop]
        lane = 2 * e + (geo.edge_from[e] != loc[ask])
        fits = grouped_fits(lane, size[ask], cap_left)
        granted = ask[fits]
        moved = np.bincount(lane[fits], weights=size[granted], minlength=n_lanes)
        cap_left -= moved
        flow += moved
        nxt[granted] = hop[fits]
        prog[granted] = 0.0
        live = granted                  # the rest waits at the node overnight

    hh.advance(idx, loc, nxt, prog)
    return TravelResult(arrived=idx[arrived], stuck=idx[stuck], flow_people=flow.reshape(-1, 2))
