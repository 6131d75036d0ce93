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
