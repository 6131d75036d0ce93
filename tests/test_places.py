"""sim/engine/places.py: the road network space is Mesa's Network, joined without networkx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from sim.engine.mesa_core import Network
from sim.engine.places import _PLACES_CELLS, RoadNetwork


def joined(space) -> list[list[int]]:
    return [[c.coordinate for c in space[i].connections.values()] for i in range(len(space._cells))]


def test_the_road_network_is_joined_as_mesas_network_from_the_graph(idlib_geo, tiny_geo):
    for geo in (tiny_geo, idlib_geo):
        ours = RoadNetwork(geo, random=np.random.default_rng(0))
        mesa = Network(geo.graph(), random=np.random.default_rng(0))
        assert isinstance(ours, Network)
        assert [c.coordinate for c in ours.all_cells] == [c.coordinate for c in mesa.all_cells]
        assert joined(ours) == joined(mesa)                       # same neighbours, same order
        assert sum(map(len, joined(ours))) == 2 * geo.n_edges


def test_the_networkx_graph_is_built_when_asked_for(tiny_geo):
    space = RoadNetwork(tiny_geo, random=np.random.default_rng(0))
    assert (space._graph is None) != _PLACES_CELLS     # Mesa 3.5's Network builds it itself
    g = space.G
    assert space.G is g and g.number_of_nodes() == tiny_geo.n_locations
    assert g.number_of_edges() == tiny_geo.n_edges


def test_building_and_stepping_a_model_imports_neither_networkx_nor_scipy_sparse():
    # Mesa 3.5's own spaces import both (its Network places cells with a k-d tree); Mesa 3.3's
    # import neither: the model adds nothing to what Mesa's core needs.
    code = ("import sys\n"
            "watched = ('networkx', 'scipy.sparse')\n"
            "import sim.engine.mesa_core\n"
            "print(sorted(n for n in watched if n in sys.modules))\n"
            "from sim.engine.model import DisplacementModel\n"
            "from sim.world.scenarios import load_scenario\n"
            "m = DisplacementModel(load_scenario('scenarios/idlib_full_assault.yaml'))\n"
            "for _ in range(3):\n"
            "    m.step()\n"
            "print(sorted(n for n in watched if n in sys.modules))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True, timeout=300).stdout.splitlines()
    core, after = eval(out[0]), eval(out[1])
    assert set(after) <= set(core), f"the model imported {sorted(set(after) - set(core))}"
    if not _PLACES_CELLS:
        assert after == []
