"""Safest-shortest paths on the road graph, recomputed each day as the front moves.

A road u -> v can be used unless it is cut (front across it, or closed by the scenario) or v is
under government control (civilians do not flee into the advancing side). Its cost is its
length inflated by the danger at its ends, so households prefer a longer road away from
shelling: ``length_km * (1 + danger_route_penalty * max(danger_u, danger_v))``.

Routes are computed only towards the places a household can choose as a destination (camps,
towns with host capacity, external areas, crossings: ``targets``), one Dijkstra per target on
the reversed graph. The tables are ``[node, target]``: with ~600 communities as nodes, the work
grows with nodes x targets, never with all node pairs.

The searches are one numba kernel (a binary heap; parallel roads: the cheaper is used): the same
costs as SciPy's csgraph to the last bit (a test compares them on random days), 3.0 against
3.4 ms for the 52 searches of day 60 of the full assault, without importing SciPy's sparse
graphs when a run starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

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
    searched: np.ndarray | None = None,
) -> Routes:
    """Today's routes towards ``targets`` (node indices; default every node); with
    ``searched`` (bool per target), towards those only: the others' columns are unreachable
    (cost inf, no next hop)."""
    n = geo.n_locations
    targets = np.arange(n) if targets is None else np.asarray(targets, dtype=np.int64)
    searched = np.ones(len(targets), dtype=bool) if searched is None else np.asarray(searched, bool)
    a, b = geo.edge_from, geo.edge_to
    cost = geo.edge_length_km * (1.0 + danger_route_penalty * np.maximum(danger[a], danger[b]))
    fwd = ~road_cut & ~government[b]
    back = ~road_cut & ~government[a]
    cost_t, hop_t = _searches_from_targets(a, b, cost, fwd, back, targets, n, searched)
    slot = np.full(n, -1, dtype=np.int64)
    slot[targets] = np.arange(len(targets))
    return Routes(targets=targets, slot=slot, next_hop=np.ascontiguousarray(hop_t.T),
                  cost_km=np.ascontiguousarray(cost_t.T), usable=np.column_stack([fwd, back]))


class RoutePlanner:
    """:func:`plan_routes` towards fixed ``targets`` that remembers the day before: the same
    government-held places, cut roads, danger and searched targets give the same routes, so
    such a day reuses them (a calm spell, a pause in a hindcast: 120 of the 160 days of the
    2019 one) instead of searching again."""

    def __init__(self, geo: Geography, danger_route_penalty: float, targets: np.ndarray):
        self.geo, self.penalty, self.targets = geo, danger_route_penalty, targets
        self._inputs: tuple[np.ndarray, ...] | None = None
        self._routes: Routes | None = None

    def today(self, government: np.ndarray, road_cut: np.ndarray, danger: np.ndarray,
              searched: np.ndarray) -> Routes:
        inputs = (government, road_cut, danger, searched)
        if self._inputs is None or not all(np.array_equal(now, then)
                                           for now, then in zip(inputs, self._inputs)):
            self._routes = plan_routes(self.geo, government, road_cut, danger, self.penalty,
                                       targets=self.targets, searched=searched)
            self._inputs = tuple(np.array(a, copy=True) for a in inputs)
        return self._routes


@njit(cache=True)
def _searches_from_targets(a, b, cost, fwd, back, targets, n, searched):
    """Dijkstra from each target with ``searched`` over the reversed usable roads:
    ``cost_t[k, v]`` is the cost from ``v`` to ``targets[k]``, ``hop_t[k, v]`` the next node
    on that route (-1: none; inf and -1 throughout for a target not searched)."""
    # the reversed graph as CSR: road u -> v usable becomes v -> u
    m = a.shape[0]
    degree = np.zeros(n + 1, np.int64)
    for e in range(m):
        if fwd[e]:
            degree[b[e] + 1] += 1
        if back[e]:
            degree[a[e] + 1] += 1
    indptr = np.cumsum(degree)
    fill = indptr[:-1].copy()
    towards = np.empty(indptr[n], np.int64)
    weight = np.empty(indptr[n])
    for e in range(m):
        if fwd[e]:
            towards[fill[b[e]]] = a[e]
            weight[fill[b[e]]] = cost[e]
            fill[b[e]] += 1
        if back[e]:
            towards[fill[a[e]]] = b[e]
            weight[fill[a[e]]] = cost[e]
            fill[a[e]] += 1
    k = targets.shape[0]
    cost_t = np.full((k, n), np.inf)
    hop_t = np.full((k, n), -1, np.int32)
    heap_cost = np.empty(indptr[n] + 1)
    heap_node = np.empty(indptr[n] + 1, np.int64)
    settled = np.zeros(n, np.bool_)
    for j in range(k):
        if not searched[j]:
            continue
        dist, hop = cost_t[j], hop_t[j]
        settled[:] = False
        t = targets[j]
        dist[t] = 0.0
        hop[t] = t
        heap_cost[0], heap_node[0], size = 0.0, t, 1
        while size:
            d, v = heap_cost[0], heap_node[0]
            size -= 1
            _sift_down(heap_cost, heap_node, size)
            if settled[v]:
                continue
            settled[v] = True
            for i in range(indptr[v], indptr[v + 1]):
                u = towards[i]
                du = d + weight[i]
                if not settled[u] and du < dist[u]:
                    dist[u] = du
                    hop[u] = v
                    heap_cost[size], heap_node[size] = du, u
                    _sift_up(heap_cost, heap_node, size)
                    size += 1
    return cost_t, hop_t


@njit(cache=True, inline="always")
def _sift_up(keys, items, i):
    key, item = keys[i], items[i]
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i], items[i] = keys[parent], items[parent]
        i = parent
    keys[i], items[i] = key, item


@njit(cache=True, inline="always")
def _sift_down(keys, items, size):
    """Move the last item (at ``size``) to the root and down into place."""
    if size == 0:
        return
    key, item = keys[size], items[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i], items[i] = keys[child], items[child]
        i = child
    keys[i], items[i] = key, item
