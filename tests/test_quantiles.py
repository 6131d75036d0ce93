"""sim.ensemble.quantiles: the members' quantiles from one sort equal np.quantile to the last
bit, with NaN, infinities, ties and integers (a zero may come back with the other sign where a
series holds both 0.0 and -0.0: a sort and NumPy's partition order equal values their own
way); the statistics of a combined file are those quantiles for every series."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sim.ensemble.quantiles import ensemble_quantiles, quantiles_over_members
from sim.io.sweep_folder import opened_in_blocks

QS = [np.array([0.1, 0.5, 0.9]), np.array([0.0, 1.0]), np.array([0.25]),
      np.array([0.05, 0.333, 0.95])]


def awkward(rng, n: int, dtype, negative_zero: bool) -> np.ndarray:
    """[n, 30, 3] values with ties, zeros, NaN and infinities (floats)."""
    x = rng.normal(size=(n, 30, 3)) * 1000
    x[:, :4] = x[:1, :4]                               # every member the same
    x[:, 4:8] = np.rint(x[:, 4:8] / 500) + 0.0         # many ties (rint leaves -0.0)
    if np.issubdtype(dtype, np.integer):
        return np.rint(x).astype(dtype)
    x = x.astype(dtype)
    for value, share in ((0.0, 0.05), (-0.0 if negative_zero else 0.0, 0.05), (np.nan, 0.02),
                         (np.inf, 0.02), (-np.inf, 0.02)):
        x.ravel()[rng.random(x.size) < share] = value
    return x


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 16, 17, 64, 65])
def test_one_sort_gives_numpys_quantiles_bit_for_bit(n, dtype):
    rng = np.random.default_rng(n * 7 + len(np.dtype(dtype).name))
    for q, negative_zero in zip(QS * 2, [False] * len(QS) + [True] * len(QS)):
        x = awkward(rng, n, dtype, negative_zero)
        with np.errstate(invalid="ignore"):
            want = np.quantile(x, q, axis=0)
            got = quantiles_over_members(x.copy(), q)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
        if not negative_zero:                           # the very bits, NaN's included
            bits = f"u{got.dtype.itemsize}" if got.dtype.kind == "f" else got.dtype
            np.testing.assert_array_equal(got.view(bits), want.view(bits))


def test_the_statistics_of_a_combined_file_are_the_quantiles_of_every_series(tmp_path):
    rng = np.random.default_rng(3)
    runs, days, places = 7, 23, 4
    ds = xr.Dataset({"people": (("run", "time", "location"), rng.integers(0, 50, (runs, days, places)).astype(float)),
                     "flag": (("run", "time"), (rng.random((runs, days)) < 0.5).astype(np.int8),
                              {"flag_values": [0, 1], "flag_meanings": "no yes", "long_name": "a flag"}),
                     "total": (("run",), rng.random(runs))},
                    coords={"run": np.arange(runs), "seed": ("run", rng.integers(0, 99, runs)),
                            "time": np.arange(days), "location": ["a", "b", "c", "d"]},
                    attrs={"title": "t", "id": "x"})
    path = tmp_path / "combined.nc"
    ds.to_netcdf(path, encoding={"people": {"chunksizes": (1, 5, places), "zlib": True}})
    with opened_in_blocks(path) as combined:
        st = ensemble_quantiles(combined)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with opened_in_blocks(path) as combined:          # the series in files, not in memory
        on_disk = ensemble_quantiles(combined, scratch=scratch)
        assert isinstance(on_disk["people"].data, np.memmap) and len(list(scratch.iterdir())) == 2
        xr.testing.assert_identical(on_disk.load(), st)
    q = st["quantile"].values
    assert q.tolist() == [0.1, 0.5, 0.9] and "seed" not in st.coords and "run" not in st.dims
    for v in ("people", "flag", "total"):
        np.testing.assert_array_equal(st[v].values, np.quantile(ds[v].values, q, axis=0), err_msg=v)
    assert "flag_values" not in st["flag"].attrs and "quantile over the members" in st["flag"].attrs["long_name"]
    assert st.attrs["id"] == "x_quantiles" and st.attrs["title"] == "t: P10, P50, P90"
