"""Sweep files: which scenario fields to vary, how to sample them, and how many seeds per point.

A sweep YAML names a base scenario, ``parameters`` addressed by dotted paths into the
scenario (``behaviour.flee_propensity``, ``conflict.axes.0.speed_km_per_day``,
``border.default``...), each given as a ``range``, a list of ``values`` or a
``distribution``; a ``sampler`` (grid, random, latin, morris, sobol) and ``members`` (seeds
per point). It is validated once, here, into a frozen :class:`SweepPlan` whose points are
checked against the scenario schema, so a sweep never starts with a misspelt path.
Morris and Sobol designs come from SALib; Latin hypercubes from SciPy's ``qmc``.
"""

from __future__ import annotations

import difflib
import itertools
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from scipy.stats import qmc

from sim.config.loading import check_yaml_path, friendly_error, read_yaml
from sim.config.scenario import Scenario
from sim.config.sweep import FIXED_AXES, ParameterSpec, SweepPlan, SweepSpec, set_path  # noqa: F401 (re-exported)
from sim.ensemble.pace import pace_draws
from sim.ensemble.posterior import DEFAULT, member_draws, resolve_posterior
from sim.errors import InputError
from sim.world.scenarios import check_places, load_scenario

# --------------------------------------------------------------------------- loading


def load_sweep(path: str | Path, geography=None, posterior=DEFAULT) -> SweepPlan:
    """A sweep file as a plan. An ensemble (a sweep without ``parameters``) is posterior
    predictive by default (:mod:`sim.ensemble.posterior`); a parameter sweep draws from a
    posterior only if one is named."""
    path = Path(path)
    where = str(path)
    check_yaml_path(path, "sweep")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError("the file must be a YAML mapping of sweep fields", where=where)
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as exc:
        err = friendly_error(exc, where)
        if "unknown field" in err.message and err.field and "." not in err.field:
            hint = difflib.get_close_matches(err.field, list(SweepSpec.model_fields), n=1)
            err = InputError("unknown field" + (f"; did you mean '{hint[0]}'?" if hint else ""),
                             where=where, field=err.field)
        raise err from None
    if posterior == DEFAULT and spec.parameters:
        posterior = None
    return plan_from_spec(spec, path.parent, where, geography, posterior=posterior)


def plan_from_spec(spec: SweepSpec, base_dir: Path, where: str, geography=None, *,
                   posterior=None) -> SweepPlan:
    """Check a sweep spec against its base scenario and sample its points; with a
    ``posterior`` (:func:`sim.ensemble.posterior.resolve_posterior`), draw each member's
    parameters from it, and its axis speeds if the scenario declares their uncertainty
    (:mod:`sim.ensemble.pace`). ``posterior=None`` draws nothing: fixed parameters."""
    for name in spec.parameters:
        if name in FIXED_AXES:
            raise InputError("cannot be varied: runs of one sweep share a time axis; make "
                             "another sweep for another period", where=where,
                             field=f"parameters.{name}")
    base = load_scenario(base_dir / spec.base, geography)
    if geography is None:
        from sim.world.geography import load_geography

        geography = load_geography(base.region)
    as_read = base
    base = _overridden(base, spec.set, geography, where, "set", "set")
    base_data = base.model_dump(mode="json", by_alias=True)
    points, design, problem = _sample(spec)
    for name, pspec in spec.parameters.items():   # every value a parameter can take must be valid
        extremes = list(pspec.values) if pspec.values is not None else pspec.from_unit(np.array([0.0, 1.0]))
        for value in extremes:
            _overridden(base, {name: value}, geography, where, "parameters", f"parameters.{name}")
    seeds = member_seeds(spec.seed, spec.members)
    fixed = {*spec.set, *spec.parameters}
    table = resolve_posterior(posterior, as_read.region)
    drawn, record = (), {}
    if table is not None:
        drawn, record = member_draws(table, as_read, seeds, fixed)
    paced, pace = pace_draws(base, seeds, fixed) if posterior is not None else ((), {})
    member_params = tuple({**a, **b} for a, b in itertools.zip_longest(drawn, paced, fillvalue={}))
    for draw in member_params:      # every drawn set must give a valid scenario
        _overridden(base, draw, geography, f"{where} with its drawn parameters", "drawn", "drawn")
    return SweepPlan(spec=spec, source_path=where, base_data=base_data,
                     base_sha256=base.source_sha256, points=tuple(points), design=design,
                     problem=problem, seeds=seeds, member_params=member_params, posterior=record,
                     pace=pace)


def member_seeds(root_seed: int, members: int) -> tuple[int, ...]:
    """Seed of member m: child m of SeedSequence(root_seed), the same whatever ``members``."""
    return tuple(int(s.generate_state(1, dtype=np.uint32)[0])
                 for s in np.random.SeedSequence(root_seed).spawn(members))


def _overridden(base: Scenario, overrides: dict, geography, where: str, prefix: str,
                field: str) -> Scenario:
    """``base`` with the overrides, validated and place-checked; errors name the sweep's field.

    A bad path, or a bad value at an overridden path, is reported at ``<prefix>.<path>``
    (``set.days``, ``parameters.behaviour.flee_propensity``); what else it breaks is reported
    at ``field`` with the scenario field in brackets.
    """
    try:
        scenario = base.with_overrides(overrides, where=where)
        check_places(scenario, geography, where)
    except InputError as exc:
        if exc.field in overrides:
            raise InputError(exc.message, where=where, field=f"{prefix}.{exc.field}") from None
        inner = f" ({exc.field})" if exc.field else ""
        raise InputError(f"gives an invalid scenario{inner}: {exc.message}", where=where,
                         field=field) from None
    return scenario


def _sample(spec: SweepSpec) -> tuple[list[dict], np.ndarray, dict]:
    names = list(spec.parameters)
    params = [spec.parameters[n] for n in names]
    s = spec.sampler
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if not names:
        return [{}], np.zeros((1, 0)), problem
    if s.kind == "grid":
        axes = [p.grid(s.levels) for p in params]
        points = [dict(zip(names, combo)) for combo in itertools.product(*axes)]
        design = np.array([[_numeric(p, v) for p, v in zip(params, combo)]
                           for combo in itertools.product(*axes)], dtype=float)
        return points, design, problem
    if s.kind == "random":
        unit = np.random.default_rng(spec.seed).random((s.samples, len(names)))
    elif s.kind == "latin":
        unit = qmc.LatinHypercube(d=len(names), seed=spec.seed).random(s.samples)
    elif s.kind == "morris":
        from SALib.sample import morris

        unit = morris.sample(problem, N=s.samples, num_levels=s.levels, seed=spec.seed)
    else:
        from SALib.sample import sobol

        unit = sobol.sample(problem, N=s.samples, calc_second_order=False, seed=spec.seed)
    columns = [p.from_unit(unit[:, j]) for j, p in enumerate(params)]
    points = [dict(zip(names, row)) for row in zip(*columns)]
    return points, np.asarray(unit, dtype=float), problem


def _numeric(p: ParameterSpec, v) -> float:
    if p.values is not None:
        return float(list(p.values).index(v))
    return float(v)
