"""sim.engine.numba_start: numba starts (and finds a BLAS) without importing scipy.linalg, and
scipy.linalg imported afterwards works as always. Each check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_kernel_starts_numba_without_scipy_linalg_and_scipy_linalg_still_works():
    out = run_fresh("""
        import sys
        import numpy as np
        from numba import njit
        from sim.engine.numba_start import NAME, load_cython_blas
        assert load_cython_blas() and not load_cython_blas()     # once
        blas = sys.modules[NAME]

        @njit
        def dot(a):
            return np.dot(a, a)                                  # BLAS, through numba

        assert dot(np.eye(2) * 2.0)[0, 0] == 4.0
        import numba.np.arraymath
        print("scipy.linalg" in sys.modules, numba.np.arraymath._HAVE_BLAS)
        import scipy.linalg
        from scipy.linalg import cython_blas
        product = scipy.linalg.blas.dgemm(1.0, np.eye(2), np.full((2, 2), 3.0))
        print(cython_blas is blas, product.tolist())
    """)
    assert out.splitlines() == ["False True", "True [[3.0, 3.0], [3.0, 3.0]]"]


def test_building_and_stepping_a_model_imports_no_scipy_linalg_of_its_own():
    # Mesa >= 3.5 (what pip installs on Python 3.12) imports SciPy's spatial module, and with
    # it scipy.linalg, with its Network; the model itself must add no such import.
    out = run_fresh("""
        import sys
        sys.path.insert(0, "tests")
        from conftest import TINY, make_scenario
        from sim.engine.model import DisplacementModel
        from sim.world.geography import load_geography
        before = "scipy.linalg" in sys.modules
        model = DisplacementModel(make_scenario(days=5), load_geography(TINY))
        while model.running:
            model.step()
        print(before, "scipy.linalg" in sys.modules, "scipy.linalg.cython_blas" in sys.modules)
    """)
    before, after, blas = out.split()
    assert after == before and blas == "True"


def test_nothing_is_loaded_once_scipy_linalg_is_imported():
    assert run_fresh("""
        import scipy.linalg
        from sim.engine.numba_start import load_cython_blas
        print(load_cython_blas())
    """) == "False"
