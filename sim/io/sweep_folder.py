"""A sweep's folder on disk: its plan, its finished runs, the manifest and the combined file.

Layout of ``results/<sweep>/``::

    sweep.json        the plan: points, parameters, seeds, design (written once)
    runs/<id>.nc      one NetCDF per finished run (written under a temporary name, renamed)
    manifest.jsonl    one line per finished or failed run: parameters, seed, metrics, timing
    combined.nc       all finished runs along a ``run`` dimension, with parameter coordinates
    stats.nc          P10/P50/P90 of every series over the members (single-point sweeps)

A run's file exists under its final name only when it is complete, so a sweep killed at any
moment loses no finished run and duplicates none.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

from sim.config.sweep import SweepPlan
from sim.errors import InputError
from sim.io.atomic import atomic_path, write_bytes
from sim.io.conventions import DATE_ATTRS, PEOPLE, apply_conventions, int_storage, netcdf_encoding
from sim.io.numpy_only import local_write_lock


def claim_folder(folder: Path, plan: SweepPlan) -> None:
    """A results folder holds one sweep; refuse to mix two different ones."""
    marker = folder / "sweep.json"
    if marker.exists():
        old = json.loads(marker.read_text())
        if old.get("fingerprint") != plan.fingerprint():
            raise InputError(f"{folder} holds results of a different sweep (its file or base "
                             "scenario changed); remove the folder or use --out elsewhere",
                             field="--out")
        if len(old.get("seeds", [])) >= len(plan.seeds):
            return
    write_bytes(marker, plan.to_json().encode())


class Manifest:
    """Append-only JSON lines; the last record of a run wins when read back."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, record: dict) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def records(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if not self.path.exists():
            return out
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue                     # a line cut short by a kill
            out[rec["run_id"]] = rec
        return out


def combine(folder: Path, plan: SweepPlan) -> Path | None:
    """All finished runs as one dataset along ``run`` (:class:`Combiner`, every run's outcome
    read from the folder: a run finished if its file is there)."""
    combiner = Combiner(folder, plan)
    with combiner:
        for run_id in combiner.order:
            combiner.settle(run_id, (folder / "runs" / f"{run_id}.nc").exists())
    return combiner.path


class Combiner:
    """``combined.nc``: the finished runs along ``run``, in run-id order, appended one at a
    time as their outcomes become known (:meth:`settle`), so a sweep combines while its last
    runs are still running.

    The first finished run, given a ``run`` dimension (unlimited) and the per-run coordinates,
    becomes the file; every later one is appended in place with netCDF4, so memory holds one
    run at a time whatever the size of the sweep. The file is written under a temporary name
    and takes its name when the block ends without an error (then :attr:`path`); the global
    attributes that count the runs are set then.
    """

    def __init__(self, folder: Path, plan: SweepPlan):
        self.folder, self.plan = folder, plan
        where = {plan.run_id(p, m): (p, m) for p in range(len(plan.points))
                 for m in range(len(plan.seeds))}
        self.order = sorted(where)
        # Per-run coordinates, their types decided over every planned run (not over those
        # that happened to finish).
        self._coords = _run_coordinates(plan, [where[r] for r in self.order])
        self._settled: dict[str, bool] = {}
        self._next = 0
        self._runs = 0
        self._atomic = self._tmp = self._nc = self._first_attrs = None
        self._run_vars: list[str] = []
        self.path: Path | None = None
        """``combined.nc`` once the block has ended without an error and a run had finished."""

    def __enter__(self) -> Combiner:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self._abandon(kind, value, traceback)
            return
        try:
            for run_id in self.order[self._next:]:          # never heard of: not finished
                self._settled.setdefault(run_id, False)
            self._advance()
            if self._nc is not None:
                self._close_with_attrs()
        except BaseException as exc:
            self._abandon(type(exc), exc, exc.__traceback__)
            raise
        if self._atomic is not None:                       # else no run finished: no file
            self._atomic.__exit__(None, None, None)
            self.path = self.folder / "combined.nc"

    def _abandon(self, kind, value, traceback) -> None:
        """Interrupted or failed: the temporary file is removed."""
        if self._atomic is not None:
            if self._nc is not None and self._nc.isopen():
                self._nc.close()
            self._atomic.__exit__(kind, value, traceback)

    def settle(self, run_id: str, finished: bool) -> None:
        """The outcome of ``run_id`` is known: append it (and any runs after it whose outcomes
        are known) if it is next in run order."""
        self._settled[run_id] = finished
        self._advance()

    def _advance(self) -> None:
        while self._next < len(self.order) and self.order[self._next] in self._settled:
            run_id = self.order[self._next]
            if self._settled[run_id]:
                self._append(self._next, self.folder / "runs" / f"{run_id}.nc")
            self._next += 1

    def _per_run(self, k: int, one: xr.Dataset) -> dict[str, tuple[np.ndarray, dict]]:
        out = {name: (values[k:k + 1], attrs) for name, (values, attrs) in self._coords.items()}
        out["households"] = (np.array([int(one.attrs.get("households", 0))], dtype=np.int64),
                             {"units": "1", "long_name": "number of household agents in the run",
                              **RUN_INFO})
        out["initial_people"] = (np.array([int(one.attrs.get("initial_people", 0))], dtype=np.int64),
                                 {"units": PEOPLE, "long_name": "people in the run on day 0",
                                  **RUN_INFO})
        return out

    def _append(self, k: int, path: Path) -> None:
        import netCDF4

        one = xr.load_dataset(path)
        per_run = self._per_run(k, one)
        i, self._runs = self._runs, self._runs + 1
        if i == 0:                  # the file is made under a temporary name by the first run
            self._atomic = atomic_path(self.folder / "combined.nc")
            self._tmp = self._atomic.__enter__()
            self._create(one, per_run)
            self._nc = netCDF4.Dataset(self._tmp, "a")
            self._nc.set_auto_mask(False)
            self._run_vars = [v for v in self._nc.variables if "run" in self._nc.variables[v].dimensions
                              and v != "run"]
            for v in self._run_vars:   # each chunk is written once: no cache of 64 MB a variable
                self._nc.variables[v].set_var_chunk_cache(size=2 * CHUNK_BYTES)
            return
        nc = self._nc
        nc.variables["run"][i] = i
        for v in self._run_vars:
            if v in per_run:
                nc.variables[v][i] = per_run[v][0][0]
            else:
                nc.variables[v][i, ...] = _encoded(one[v].values, nc.variables[v])

    def _create(self, first: xr.Dataset, per_run: dict) -> None:
        self._first_attrs = dict(first.attrs)
        template = first.expand_dims(run=[0]).assign_coords(
            {name: ("run", values, attrs) for name, (values, attrs) in per_run.items()})
        template.attrs = _common_attrs(first.attrs, self.plan, 1)
        template["run"].attrs.update(long_name="run number in the combined file",
                                     units="1", **RUN_INFO)
        apply_conventions(template)
        encoding = netcdf_encoding(template)
        for name, (values, _) in per_run.items():     # stored as every run's values need
            if values.dtype.kind in "iu":
                encoding[name] = {"dtype": int_storage(self._coords[name][0]
                                                       if name in self._coords else values)}
        encoding["seed"] = {"dtype": "float64"}        # uint32 seeds: exact in a double, any run
        for name in template.data_vars:                # one run and a few days a chunk
            shape = template[name].shape
            if template[name].dims[:1] == ("run",) and len(shape) >= 3 and min(shape) > 0:
                encoding.setdefault(name, {})["chunksizes"] = run_chunks(shape)
        with local_write_lock():
            template.to_netcdf(self._tmp, engine="netcdf4", unlimited_dims=["run"], encoding=encoding)

    def _close_with_attrs(self) -> None:
        """The global attributes that count the runs, now that their number is known."""
        final = _common_attrs(self._first_attrs, self.plan, self._runs)
        for key, value in final.items():
            if key in ("id", "title", "history", "sweep_runs_finished"):
                self._nc.setncattr(key, value)
        self._nc.close()


@contextmanager
def opened_in_blocks(path: Path) -> Iterator[CombinedBlocks]:
    """The combined file opened to be read a block at a time (:class:`CombinedBlocks`), each
    variable's chunk cache small: netCDF's default of 64 MB a variable, over some fifty
    variables read block by block, would hold most of the file."""
    import netCDF4

    before = netCDF4.get_chunk_cache()
    netCDF4.set_chunk_cache(2 * CHUNK_BYTES, before[1], before[2])   # for the variables opened now
    try:
        ds = xr.open_dataset(path)
        try:
            nc = netCDF4.Dataset(path)
        except BaseException:
            ds.close()
            raise
    finally:
        netCDF4.set_chunk_cache(*before)
    nc.set_auto_mask(False)
    with ds, nc:
        yield CombinedBlocks(ds, nc)


class CombinedBlocks:
    """A combined file's variables along ``run`` read block by block: every run's stored chunk
    of a few days at once (memory: members x chunk, whatever the length of the runs).

    ``dataset`` is the file opened lazily by xarray, for names, dimensions, coordinates and
    attributes. A block whose stored values are the values (no scale or offset, and no fill
    value other than NaN: every variable the Combiner writes) is read straight from netCDF4,
    without xarray's decoding passes, which would only copy it; any other is read through
    xarray and decoded as xarray would."""

    def __init__(self, dataset: xr.Dataset, nc) -> None:
        self.dataset, self._nc = dataset, nc

    def blocks(self, name: str) -> Iterator[tuple[slice, np.ndarray]]:
        """(days, values [run, days, ...]) of variable ``name``, block by block along its
        second dimension (the whole variable at once if it has one dimension)."""
        da = self.dataset[name].transpose("run", ...)
        raw = self._nc.variables[name]
        plain = da.dims == raw.dimensions and _stored_as_is(da)
        if da.ndim == 1:
            yield slice(None), raw[:] if plain else da.values
            return
        chunks = raw.chunking()
        step = chunks[1] if isinstance(chunks, list) else da.shape[1]
        for start in range(0, da.shape[1], step):
            days = slice(start, min(start + step, da.shape[1]))
            yield days, raw[:, days] if plain else da[:, days].values

    def read_ahead(self, names: list[str]) -> Iterator[tuple[str, slice, np.ndarray]]:
        """(name, days, values) of every block of ``names`` in turn, the next block read by a
        thread while the caller works on this one (netCDF4 and NumPy's sorts let go of the
        GIL; one thread at a time reads the file)."""
        from concurrent.futures import ThreadPoolExecutor

        stream = ((name, days, values) for name in names for days, values in self.blocks(name))
        done = object()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as reader:
            ahead = reader.submit(next, stream, done)
            while (item := ahead.result()) is not done:
                ahead = reader.submit(next, stream, done)
                yield item


def _stored_as_is(da: xr.DataArray) -> bool:
    """Whether xarray's decoding of ``da`` leaves its stored values as they are."""
    enc = da.encoding
    if enc.get("scale_factor") is not None or enc.get("add_offset") is not None:
        return False
    if np.dtype(enc.get("dtype", da.dtype)) != da.dtype:
        return False
    fill = enc.get("_FillValue", enc.get("missing_value"))
    return fill is None or (da.dtype.kind == "f" and bool(np.isnan(fill)))


CHUNK_BYTES = 1 << 20
"""Stored chunks of the combined file hold one run and at most about this many bytes (raw):
the ensemble's quantiles read a block of every run at a time (:mod:`sim.ensemble.quantiles`),
so their memory is members x chunk, not members x run."""


def run_chunks(shape: tuple[int, ...], itemsize: int = 8) -> tuple[int, ...]:
    """Chunk shape of a [run, time, ...] variable: one run, the whole of the inner dimensions,
    as many days as fit in :data:`CHUNK_BYTES` (at least one)."""
    per_day = itemsize * int(np.prod(shape[2:]))
    days = max(1, min(shape[1], CHUNK_BYTES // max(per_day, 1)))
    return (1, days, *shape[2:])


def _encoded(values: np.ndarray, var) -> np.ndarray:
    """Values as stored: NaN becomes the variable's fill value for non-float types."""
    if values.dtype.kind == "f" and var.dtype.kind != "f":
        fill = getattr(var, "_FillValue", 0)
        return np.where(np.isnan(values), fill, values).astype(var.dtype)
    return values


def _run_coordinates(plan: SweepPlan, runs: list[tuple[int, int]]) -> dict[str, tuple[np.ndarray, dict]]:
    """Per-run coordinates of the combined file: run id, seed, point, member, parameters."""
    coords: dict[str, tuple[np.ndarray, dict]] = {
        "run_id": (np.array([plan.run_id(p, m) for p, m in runs], dtype=object),
                   {"long_name": "run id (file name in runs/)", **RUN_INFO}),
        "seed": (np.array([plan.seeds[m] for _, m in runs], dtype=np.int64),
                 {"long_name": "random seed", "units": "1", **RUN_INFO}),
        "point": (np.array([p for p, _ in runs], dtype=np.int64),
                  {"long_name": "parameter point of the sweep", "units": "1", **RUN_INFO}),
        "member": (np.array([m for _, m in runs], dtype=np.int64),
                   {"long_name": "member (seed number) at the point", "units": "1", **RUN_INFO}),
    }
    for name in [*plan.parameter_names, *plan.drawn_parameters]:   # swept, then drawn
        values = [plan.run_parameters(p, m).get(name) for p, m in runs]
        arr = np.array(values, dtype=float) if all(isinstance(v, (int, float)) for v in values) \
            else np.array([json.dumps(v, default=str) if not isinstance(v, str) else v
                           for v in values], dtype=object)
        coords[f"param_{name.replace('.', '__')}"] = (arr, {"sweep_parameter": name, **RUN_INFO,
                                                            "long_name": f"sweep parameter {name}"})
    return coords


RUN_INFO = {"coverage_content_type": "auxiliaryInformation"}


def _common_attrs(attrs: dict, plan: SweepPlan, n_runs: int) -> dict:
    """The runs' global attributes that hold for all of them, and the sweep's own (an ACDD id
    and title of the collection)."""
    varying = {"seed", "households", "initial_people", "run_id", "sweep_point", "sweep_member",
               "sweep_params", "history", "scenario_json", "scenario_sha256"}
    out = {k: v for k, v in attrs.items() if k not in varying}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    kind = "ensemble" if len(plan.points) == 1 else "sweep"
    out.update(id=f"{plan.spec.name}_{kind}_{plan.fingerprint()[:12]}_runs{n_runs}",
               title=f"{attrs.get('title', plan.spec.name)} ({kind} of {n_runs} runs)",
               **dict.fromkeys(DATE_ATTRS, now),
               history=f"{now} {n_runs} runs combined along 'run' by idlib-sim "
                       f"{attrs.get('product_version', '')}")
    out.update(sweep_name=plan.spec.name, sweep_fingerprint=plan.fingerprint(),
               sweep_members=len(plan.seeds), sweep_points=len(plan.points),
               sweep_runs_finished=n_runs, sweep_runs_planned=plan.n_runs,
               ensemble_band=plan.band,
               parameter_uncertainty=plan.uncertainty)
    if plan.posterior:
        out.update(posterior_name=plan.posterior["name"], posterior_sha256=plan.posterior["sha256"],
                   posterior_drawn=", ".join(plan.posterior["drawn"]),
                   posterior_kept=", ".join(plan.posterior.get("kept", [])))
    if plan.pace:
        out.update(pace_shared_p90_factor=plan.pace["shared_p90_factor"],
                   pace_axis_p90_factor=plan.pace["axis_p90_factor"],
                   pace_drawn=", ".join(plan.pace["drawn"]))
    if len(plan.points) == 1:   # an ensemble: one scenario for every run
        out["scenario_json"] = attrs.get("scenario_json", "")
        out["scenario_sha256"] = attrs.get("scenario_sha256", "")
        if plan.member_params:  # the scenario as written, not member 0's draw
            from sim.config.scenario import Scenario

            out["scenario_json"] = Scenario.model_validate(plan.base_data).model_dump_json()
    return out
