"""Safest-shortest paths on the road graph, recomputed each day as the front moves.

A road u -> v can be used unless it is cut (front across it, or closed by the scenario) or v is
under government control (civilians do not flee into the advancing side). Its cost is its
length inflated by the danger at its ends, so households prefer a longer road away from
shelling: ``length_km * (1 + danger_route_penalty * max(danger_u, danger_v))``.
Next-hop tables for every (node, destination) pair come from one Dijkstra per destination on
the reversed graph (SciPy csgraph) - trivial for a graph of ~100 nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from sim.world.geography import Geography


@dataclass(frozen=True, eq=False)
class Routes:
    next_hop: np.ndarray   # [from, to] next node on the safest route, -1 if unreachable
    cost_km: np.ndarray    # [from, to] danger-weighted route cost (km-equivalent), inf if none
    usable: np.ndarray     # [edge, 2] bool: direction from->to, to->from open today


def plan_routes(
    geo: Geography,
    government: np.ndarray,
    road_cut: np.ndarray,
    danger: np.ndarray,
    danger_route_penalty: float,
) -> Routes:
    n = geo.n_locations
    a, b = geo.edge_from, geo.edge_to
    cost = geo.edge_length_km * (1.0 + danger_route_penalty * np.maximum(danger[a], danger[b]))
    fwd = ~road_cut & ~government[b]
    back = ~road_cut & ~government[a]
    rows = np.concatenate([a[fwd], b[back]])
    cols = np.concatenate([b[fwd], a[back]])
    vals = np.concatenate([cost[fwd], cost[back]])
    graph = csr_matrix((vals, (rows, cols)), shape=(n, n))
    # dist_t[d, v]: cost from v to d on the original graph; pred_t[d, v]: next hop from v to d.
    dist_t, pred_t = dijkstra(graph.T.tocsr(), directed=True, return_predecessors=True)
    next_hop = pred_t.T.astype(np.int32)
    next_hop[next_hop < 0] = -1
    np.fill_diagonal(next_hop, np.arange(n))
    return Routes(next_hop=next_hop, cost_km=dist_t.T, usable=np.column_stack([fwd, back]))
