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
from numba import njit

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
    # A fresh random order each day decides who gets onto a full road first
    # (``permutation(idx)`` is ``idx[permutation(len(idx))]``). The households' state is
    # gathered in that order once, so the kernel reads it front to back (it hopped through
    # memory household by household before: 0.34 against 0.21 s a run, 1.35 against 0.50 s
    # at 5 M people, whose queues are longer), and is put back in index order after.
    idx = hh.members(Status.TRANSIT)
    order = rng.permutation(len(idx))
    flow = np.zeros(2 * geo.n_edges)     # index 2 e + direction
    if len(idx) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return TravelResult(empty, empty, flow.reshape(-1, 2))
    # Capacity is per direction (sim/data/idlib/sources.md, E11).
    cap_left = np.repeat(capacity_people_per_day.astype(np.float64), 2)
    in_order = idx[order]                # the day's random order, as the rules after it see it

    def gathered(values: np.ndarray, dtype) -> np.ndarray:
        # Read in index order (the rows are sorted), then put in the day's order: the same
        # values as ``values[in_order]``, without a jump through memory for each household.
        return values[idx].astype(dtype, copy=False)[order]

    loc, nxt = gathered(hh.location, np.int64), gathered(hh.next_node, np.int64)
    prog = gathered(hh.progress_km, np.float64)
    budget = np.where(gathered(hh.by_vehicle, bool), vehicle_speed_km_per_day, foot_speed_km_per_day)
    loc_before, nxt_before, prog_before = loc.copy(), nxt.copy(), prog.copy()
    arrived, stuck = hop_along(loc, nxt, prog, budget, gathered(hh.destination, np.int64),
                               gathered(hh.people_weight, np.float64), routes.usable,
                               routes.next_hop, routes.slot,
                               geo.edge_matrix, geo.edge_from, geo.edge_length_km.astype(np.float64),
                               cap_left, flow)
    # Only those who passed a node or took a road change place (most wait at a node, or stay
    # on theirs); of the others, only those who went further along their road have progress
    # to write (not the many queued at a node for a full road).
    moved = (loc != loc_before) | (nxt != nxt_before)
    further = ~moved & (prog != prog_before)
    back = np.empty(len(order), dtype=np.int64)       # from the day's order back to index order
    back[order] = np.arange(len(order))
    loc, nxt, prog, moved, further = loc[back], nxt[back], prog[back], moved[back], further[back]
    hh.advance(idx[moved], loc[moved], nxt[moved], prog[moved])
    hh.progress_along(idx[further], prog[further])
    return TravelResult(arrived=in_order[arrived], stuck=in_order[stuck],
                        flow_people=flow.reshape(-1, 2))


@njit(cache=True)
def hop_along(loc, nxt, prog, budget, dest, size, usable, next_hop, slot, edge_of,
              edge_from, length_km, cap_left, flow):
    """One day's travel of the households in transit, taken in the order of the arrays (the
    day's random order; updates ``loc``, ``nxt``, ``prog``, ``budget``, ``cap_left`` and
    ``flow`` in place; returns the masks arrived and stuck, by position).

    Households move in rounds: everyone on a road advances (or turns back if it closed), then
    everyone at a node asks for the next road on its route, and each road lets them on in
    order while its capacity lasts - a strict queue: after the first who does not fit, nobody
    behind gets on that road today. Those who got on go on to the next round; the rest wait at
    the node overnight. People are whole numbers, so every sum is exact whatever the order.
    """
    n = len(loc)
    arrived = np.zeros(n, dtype=np.bool_)
    stuck = np.zeros(n, dtype=np.bool_)
    live = np.empty(n, dtype=np.int64)
    n_live = 0
    for i in range(n):                  # no destination (stuck yesterday): waits to choose again
        if dest[i] >= 0:
            live[n_live] = i
            n_live += 1
    ask = np.empty(n, dtype=np.int64)
    ask_lane = np.empty(n, dtype=np.int64)
    ask_hop = np.empty(n, dtype=np.int64)
    queued = np.zeros(len(cap_left))    # people asking for each lane so far this round
    moved = np.zeros(len(cap_left))     # people let onto each lane this round
    for _ in range(MAX_HOPS_PER_DAY):
        if n_live == 0:
            break
        n_ask = 0
        for j in range(n_live):
            i = live[j]
            if nxt[i] >= 0:             # on a road: turn back if it closed, else advance
                e = edge_of[loc[i], nxt[i]]
                if not usable[e, 0 if edge_from[e] == loc[i] else 1]:
                    nxt[i] = -1
                    prog[i] = 0.0
                else:
                    remaining = length_km[e] - prog[i]
                    if budget[i] >= remaining:
                        budget[i] -= remaining
                        loc[i] = nxt[i]
                        nxt[i] = -1
                        prog[i] = 0.0
                    else:               # the night on the road
                        prog[i] += budget[i]
                        budget[i] = 0.0
            if nxt[i] < 0:              # at a node: arrived, stuck, or ask for the next road
                if loc[i] == dest[i]:
                    arrived[i] = True
                    continue
                k = slot[dest[i]]
                hop = next_hop[loc[i], k] if k >= 0 else -1
                if hop < 0:
                    stuck[i] = True
                    continue
                e = edge_of[loc[i], hop]
                ask[n_ask] = i
                ask_hop[n_ask] = hop
                ask_lane[n_ask] = 2 * e + (1 if edge_from[e] != loc[i] else 0)
                n_ask += 1
        if n_ask == 0:
            break
        n_live = 0
        for a in range(n_ask):
            i, lane = ask[a], ask_lane[a]
            queued[lane] += size[i]
            if queued[lane] <= cap_left[lane] + 1e-9:
                moved[lane] += size[i]
                nxt[i] = ask_hop[a]
                prog[i] = 0.0
                live[n_live] = i
                n_live += 1
        for a in range(n_ask):
            lane = ask_lane[a]
            if queued[lane] > 0.0:
                cap_left[lane] -= moved[lane]
                flow[lane] += moved[lane]
                queued[lane] = 0.0
                moved[lane] = 0.0
    return arrived, stuck
