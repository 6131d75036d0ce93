"""sim/engine/mesa_core.py: the model loads Mesa's core only; Mesa stays whole for others."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "xarray", "dask", "matplotlib", "SALib", "mesa.batchrunner",
         "mesa.experimental", "mesa.datacollection", "networkx", "scipy.sparse")


def run_python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def heavy_after(imports: str) -> list[str]:
    return eval(run_python(f"import sys, {imports}; "
                           f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"))


def test_the_run_path_imports_no_heavy_library_before_the_model_starts():
    # Mesa's own core may import some of them (Mesa 3.5's spaces import mesa.experimental and
    # pandas; 3.3's none): the run path adds nothing to what the core needs.
    core = heavy_after("sim.engine.mesa_core")
    run_path = heavy_after("sim.cli.main, sim.cli.run, sim.io.runs, sim.engine.model, "
                           "sim.world.scenarios")
    assert set(run_path) <= set(core), sorted(set(run_path) - set(core))
    assert not {"xarray", "dask", "matplotlib", "SALib", "mesa.batchrunner"} & set(run_path)


def test_mesa_is_whole_for_anyone_who_asks():
    out = run_python("import sim.engine.model as m, mesa; from mesa import batch_run; "
                     "print(mesa.Model is m.Model, mesa.__version__ > '3', callable(batch_run), "
                     "mesa.DataCollector.__name__)")
    assert out == "True True True DataCollector"


LOGGERS = ("import sys, inspect, mesa.mesa_logging as ml, mesa.model as mm; "
           "cell = [c.cell_contents for c in mm.Model.__init__.__closure__ "
           "if isinstance(c.cell_contents, str)]; "
           "print(mm._mesa_logger.name, sorted(ml._module_loggers), cell, ml.inspect is inspect)")


def test_mesas_loggers_are_named_as_mesa_names_them():
    # Mesa names its loggers by walking the import stack (inspect.stack); the core is imported
    # with the caller read from the frames instead, and inspect given back to Mesa afterwards.
    plain = run_python(LOGGERS)
    ours = run_python("import sim.engine.mesa_core; " + LOGGERS)
    assert ours == plain
    assert plain.startswith("MESA.mesa.model") and plain.endswith("['Model'] True")


def test_the_core_import_walks_no_stack_and_loads_no_lazy_module():
    # inspect.getmodule() on every frame asks every loaded module for its file, which makes
    # lazily loaded modules load (asyncio, ssl, ...): 0.3 s of start-up before the model ran.
    out = run_python("import inspect, sys\n"
                     "calls = []\n"
                     "real = inspect.getmodule\n"
                     "inspect.getmodule = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
                     "import sim.engine.mesa_core\n"
                     "print(len(calls), 'ssl' in sys.modules)")
    assert out == "0 False"


def test_a_model_is_freed_once_nothing_holds_it():
    """Mesa 3.3's Agent._ids held every model built (mesa#3179): a worker running ensemble
    members kept each of them (~120 MB a full-scale run). Agents still number from 1 in each
    model, in the order they are made."""
    import gc
    import weakref

    from sim.engine.mesa_core import FixedAgent, Model

    def numbers(model, n):
        return [FixedAgent(model).unique_id for _ in range(n)]

    first, second = Model(rng=1), Model(rng=2)
    assert numbers(first, 3) == [1, 2, 3] and numbers(second, 2) == [1, 2]
    assert numbers(first, 1) == [4]                   # each model keeps its own count
    gone = weakref.ref(first)
    del first
    gc.collect()
    assert gone() is None
    assert numbers(second, 1) == [3]


def test_a_built_model_is_freed(tiny_geo):
    import gc
    import weakref

    from conftest import make_scenario

    from sim.engine.model import DisplacementModel

    model = DisplacementModel(make_scenario(days=5), tiny_geo)
    model.step()
    assert [loc.unique_id for loc in model.locations] == list(range(1, tiny_geo.n_locations + 1))
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None


def test_mesa_version_is_mesas_own_without_loading_the_whole_package():
    out = run_python("import sys, sim.engine.mesa_core as core; v = core.mesa_version(); "
                     "whole = 'mesa.batchrunner' in sys.modules; import mesa; "
                     "print(v == mesa.__version__ == core.mesa_version(), whole)")
    assert out == "True False"


def test_a_written_run_does_not_load_the_whole_of_mesa(tmp_path):
    out = run_python("import sys, sim; "
                     f"ds = sim.run('scenarios/idlib_full_assault.yaml', out_dir={str(tmp_path)!r}, "
                     "overrides={'days': 2, 'population.total_people': 10000}); "
                     "whole = 'mesa.batchrunner' in sys.modules; import mesa; "
                     "print(ds.attrs['mesa_version'] == mesa.__version__, whole)")
    assert out == "True False"
