"""Safest-shortest paths on the road graph, recomputed each day as the front moves.

A road u -> v can be used unless it is cut (front across it, or closed by the scenario) or v is
under government control (civilians do not flee into the advancing side). Its cost is its
length inflated by the danger at its ends, so households prefer a longer road away from
shelling: ``length_km * (1 + danger_route_penalty * max(danger_u, danger_v))``.

Routes are computed only towards the places a household can choose as a destination (camps,
towns with host capacity, external areas, crossings: ``targets``), one Dijkstra per target on
the reversed graph (SciPy csgraph). The tables are ``[node, target]``: with ~600 communities
as nodes, the work grows with nodes x targets, never with all node pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from sim.world.geography import Geography


@dataclass(frozen=True, eq=False)
class Routes:
    targets: np.ndarray    # [k] destination node of each table column
    slot: np.ndarray       # [node] column of the node in the tables, -1 if not a target
    next_hop: np.ndarray   # [from, k] next node on the safest route to targets[k], -1 if unreachable
    cost_km: np.ndarray    # [from, k] danger-weighted route cost (km-equivalent), inf if none
    usable: np.ndarray     # [edge, 2] bool: direction from->to, to->from open today

    def hop(self, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Next node from ``frm`` towards node ``to`` (-1 if unreachable or not a target)."""
        k = self.slot[to]
        out = self.next_hop[frm, np.maximum(k, 0)]
        return np.where(k >= 0, out, -1)

    def cost(self, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Route cost from ``frm`` to node ``to`` (inf if unreachable or not a target)."""
        k = self.slot[to]
        out = self.cost_km[frm, np.maximum(k, 0)]
        return np.where(k >= 0, out, np.inf)


def plan_routes(
    geo: Geography,
    government: np.ndarray,
    road_cut: np.ndarray,
    danger: np.ndarray,
    danger_route_penalty: float,
    targets: np.ndarray | None = None,
) -> Routes:
    """Today's routes towards ``targets`` (node indices; default every node)."""
    n = geo.n_locations
    targets = np.arange(n) if targets is None else np.asarray(targets, dtype=np.int64)
    a, b = geo.edge_from, geo.edge_to
    cost = geo.edge_length_km * (1.0 + danger_route_penalty * np.maximum(danger[a], danger[b]))
    fwd = ~road_cut & ~government[b]
    back = ~road_cut & ~government[a]
    rows = np.concatenate([a[fwd], b[back]])
    cols = np.concatenate([b[fwd], a[back]])
    vals = np.concatenate([cost[fwd], cost[back]])
    graph = csr_matrix((vals, (rows, cols)), shape=(n, n))
    # dist_t[k, v]: cost from v to targets[k] on the original graph; pred_t[k, v]: next hop.
    dist_t, pred_t = dijkstra(graph.T.tocsr(), directed=True, indices=targets,
                              return_predecessors=True)
    next_hop = np.ascontiguousarray(pred_t.T).astype(np.int32)
    next_hop[next_hop < 0] = -1
    next_hop[targets, np.arange(len(targets))] = targets
    slot = np.full(n, -1, dtype=np.int64)
    slot[targets] = np.arange(len(targets))
    return Routes(targets=targets, slot=slot, next_hop=next_hop,
                  cost_km=np.ascontiguousarray(dist_t.T), usable=np.column_stack([fwd, back]))
