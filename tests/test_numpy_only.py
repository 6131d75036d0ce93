"""sim/io/numpy_only.py: a run is built, summarised and written without importing dask's arrays
or its distributed scheduler; dask works as before once the block is over."""

import subprocess
import sys

import numpy as np
import pytest

from sim.io.numpy_only import HIDDEN, numpy_arrays_only


def _in_fresh_process(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip().splitlines()[-1]


def test_a_written_run_imports_no_dask(tmp_path):
    code = ("import sys, sim\n"
            f"ds = sim.run('scenarios/idlib_full_assault.yaml', out_dir={str(tmp_path)!r}, "
            "overrides={'days': 3, 'population.total_people': 20000})\n"
            "import sim.report.console as c, io, contextlib\n"
            "from sim.io.numpy_only import numpy_arrays_only\n"
            "with numpy_arrays_only(), contextlib.redirect_stdout(io.StringIO()):\n"
            "    c.print_summary(ds)\n"
            "print(sorted(m for m in ('dask', 'dask.array', 'distributed') if m in sys.modules))")
    assert _in_fresh_process(code) == "[]"
    assert list(tmp_path.rglob("*.nc"))


def test_dask_arrays_work_after_the_block():
    xr = pytest.importorskip("xarray")
    code = ("import sys, numpy as np, xarray as xr\n"
            "from sim.io.numpy_only import numpy_arrays_only\n"
            "with numpy_arrays_only():\n"
            "    a = xr.DataArray(np.arange(6.0), dims='x')\n"
            "    assert float(a.sum()) == 15.0\n"
            "    assert sys.modules.get('dask.array') is None and sys.modules.get('dask') is None\n"
            "chunked = a.chunk({'x': 2})\n"
            "print(type(chunked.data).__module__.split('.')[0], float(chunked.sum().compute()))")
    assert _in_fresh_process(code) == "dask 15.0"
    assert xr is not None


def test_the_block_leaves_sys_modules_as_it_found_it():
    before = {name: sys.modules.get(name) for name in HIDDEN}
    with numpy_arrays_only():
        if before["dask.array"] is None and before["distributed"] is None:
            assert all(sys.modules[name] is None or name == "dask" and before["dask"] is not None
                       for name in HIDDEN)
    assert {name: sys.modules.get(name) for name in HIDDEN} == before


def test_the_block_hides_nothing_once_dask_arrays_are_imported():
    pytest.importorskip("dask.array")
    with numpy_arrays_only():
        import dask.array as da  # would raise ImportError if hidden
        assert np.asarray(da.ones(3)).sum() == 3.0


def test_a_run_written_beside_a_dask_client_takes_no_lock_from_the_cluster(tmp_path):
    """In a Dask worker (or a Dask sweep's parent) xarray would guard each write of a run's
    own file with a distributed.Lock, a request to the scheduler each (hundreds a run)."""
    pytest.importorskip("distributed")
    code = ("import numpy as np, xarray as xr\n"
            "from distributed import Client, Lock\n"
            "from sim.io.dataset import write_atomic\n"
            "taken = []\n"
            "acquire, release = Lock.acquire, Lock.release\n"
            "Lock.acquire = lambda self, *a, **k: taken.append(1) or acquire(self, *a, **k)\n"
            "ds = xr.Dataset({'people': (('time', 'location'), np.ones((4, 3)))})\n"
            "with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None):\n"
            f"    ds.to_netcdf({str(tmp_path / 'plain.nc')!r}, engine='netcdf4')\n"
            "    plain = len(taken)\n"
            f"    write_atomic(ds, {str(tmp_path / 'ours.nc')!r})\n"
            "print(plain > 0, len(taken) - plain)")
    assert _in_fresh_process(code) == "True 0"
    assert xr_equal(tmp_path / "plain.nc", tmp_path / "ours.nc")


def xr_equal(a, b) -> bool:
    import xarray as xr

    with xr.open_dataset(a) as x, xr.open_dataset(b) as y:
        return bool(x.identical(y))
