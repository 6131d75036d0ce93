"""sim.io.sweep_folder.CombinedBlocks: a combined file's series come back block by block (every
run's stored chunk of days), with the values xarray decodes, whether read straight from
netCDF4 (values stored as they are) or through xarray (scaled, or with an integer fill)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.io.sweep_folder import _stored_as_is, opened_in_blocks


def combined_file(tmp_path):
    rng = np.random.default_rng(0)
    runs, days = 5, 17
    people = rng.integers(0, 100, (runs, days, 3)).astype(float)
    people[1, 2, 0] = np.nan
    counts = rng.integers(0, 9, (runs, days)).astype(np.int16)
    counts[0, 3] = -1                                  # the fill value: NaN once decoded
    ds = xr.Dataset({"people": (("run", "time", "place"), people),
                     "counts": (("run", "time"), counts),
                     "share": (("run", "time"), rng.random((runs, days))),
                     "total": (("run",), rng.random(runs))})
    path = tmp_path / "combined.nc"
    ds.to_netcdf(path, encoding={"people": {"chunksizes": (1, 4, 3), "_FillValue": np.nan},
                                 "counts": {"_FillValue": -1, "chunksizes": (1, 6)},
                                 "share": {"scale_factor": 0.001, "dtype": "int32",
                                           "_FillValue": -9, "chunksizes": (1, 17)}})
    return path


def test_blocks_follow_the_stored_chunks_and_give_the_decoded_values(tmp_path):
    path = combined_file(tmp_path)
    with xr.open_dataset(path) as want, opened_in_blocks(path) as combined:
        assert _stored_as_is(combined.dataset["people"]) and _stored_as_is(combined.dataset["total"])
        assert not _stored_as_is(combined.dataset["counts"]) and not _stored_as_is(combined.dataset["share"])
        for name, step in (("people", 4), ("counts", 6), ("share", 17)):
            blocks = list(combined.blocks(name))
            assert [d.start for d, _ in blocks] == list(range(0, 17, step))
            got = np.concatenate([values for _, values in blocks], axis=1)
            assert got.dtype == want[name].dtype
            np.testing.assert_array_equal(got, want[name].values, err_msg=name)
        assert np.isnan(want["counts"].values[0, 3])     # the fill decoded, as xarray does
        [(days, total)] = list(combined.blocks("total"))
        np.testing.assert_array_equal(total, want["total"].values)


def test_reading_ahead_gives_every_block_in_order(tmp_path):
    path = combined_file(tmp_path)
    names = ["people", "total", "counts"]
    with opened_in_blocks(path) as combined:
        one_by_one = [(n, d, v) for n in names for d, v in combined.blocks(n)]
        ahead = list(combined.read_ahead(names))
    assert [(n, d) for n, d, _ in ahead] == [(n, d) for n, d, _ in one_by_one]
    for (_, _, a), (_, _, b) in zip(ahead, one_by_one):
        np.testing.assert_array_equal(a, b)
