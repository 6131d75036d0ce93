"""Starting numba without importing the whole of SciPy's linear algebra.

The first numba kernel a process compiles or loads from its cache sets up numba's compiler,
which checks that a BLAS is available with ``import scipy.linalg.cython_blas``. Importing that
runs ``scipy/linalg/__init__.py`` first: all of ``scipy.linalg``, and through SciPy's array-API
layer ``numpy.testing`` and ``numpy.f2py`` (0.25-0.3 s, a twentieth of a full-scale run's
process; no kernel of the model uses BLAS).

:func:`load_cython_blas` loads that one extension module from SciPy's own file, under its own
name, as the import would; numba's check then finds it in ``sys.modules`` (and still finds a
BLAS, and still checks its integer width). ``scipy.linalg`` itself is untouched: imported later,
it runs as always and uses the same module (tests/test_numba_start.py). (Mesa 3.5, which pip
installs on Python 3.12, imports SciPy's spatial module, and with it ``scipy.linalg``, with its
``Network``: there this saves nothing.)
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

NAME = "scipy.linalg.cython_blas"
_LOCK = threading.Lock()


def load_cython_blas() -> bool:
    """Load :data:`NAME` by itself if neither it nor ``scipy.linalg`` is loaded yet; True if
    this call loaded it. Nothing is loaded if SciPy or the file cannot be found: numba then
    imports what it needs itself, as it would without this."""
    with _LOCK:
        if NAME in sys.modules or "scipy.linalg" in sys.modules:
            return False
        try:
            scipy = importlib.util.find_spec("scipy")
            folder = Path(scipy.origin).parent / "linalg" if scipy and scipy.origin else None
            files = sorted(folder.glob("cython_blas.*")) if folder else []
            binary = [f for f in files if f.suffix in (".so", ".pyd")]
            if not binary:
                return False
            spec = importlib.util.spec_from_file_location(NAME, binary[0])
            module = importlib.util.module_from_spec(spec)
            sys.modules[NAME] = module
            spec.loader.exec_module(module)
        except (ImportError, OSError):
            sys.modules.pop(NAME, None)
            return False
        return True
