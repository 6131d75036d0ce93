"""sim/engine/mesa_core.py: the model loads Mesa's core only; Mesa stays whole for others."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "xarray", "dask", "matplotlib", "SALib", "mesa.batchrunner",
         "mesa.experimental", "mesa.datacollection")


def run_python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_the_run_path_imports_no_heavy_library_before_the_model_starts():
    out = run_python("import sys, sim.cli.main, sim.cli.run, sim.io.runs, sim.engine.model, "
                     f"sim.world.scenarios; print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    assert out == "[]"


def test_mesa_is_whole_for_anyone_who_asks():
    out = run_python("import sim.engine.model as m, mesa; from mesa import batch_run; "
                     "print(mesa.Model is m.Model, mesa.__version__ > '3', callable(batch_run), "
                     "mesa.DataCollector.__name__)")
    assert out == "True True True DataCollector"
