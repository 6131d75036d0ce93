"""A sequential calibration (ABC-SMC, :mod:`sim.analysis.abc_smc`) run as one sweep per round.

Each round's proposals are a sweep of explicit points (per scenario, when several
``(scenario, observed CSV)`` targets are fitted together: the same parameter sets run on each,
and the distance is the RMS over all their observed rows). Folders::

    <out>/calibrate_<name>/round-<t>/<scenario>/   one sweep per round and target (resumable)
    <out>/calibrate_<name>/round-<t>/population.csv  the proposals, distances, accepted, weights
    <out>/calibrate_<name>/calibration/            posterior (shipped format), summary, fit...

Everything is deterministic given the seed and the finished runs: round t's proposals are
drawn from round t-1's population with a generator seeded by (seed, t). Re-running the same
command skips every finished run, so a calibration killed at any moment resumes where it
stopped; asking for more rounds reuses the rounds already done. A round with failed runs stops
the calibration (re-run to finish them) rather than going on with a smaller population.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.abc_smc import (
    Population,
    Prior,
    correlations,
    posterior_summary,
    predictive_fit,
    propose,
    select,
)
from sim.analysis.calibrate import log_distance, simulated_rows
from sim.analysis.validate import Coverage
from sim.config.sweep import SweepPlan
from sim.ensemble.calibration import calibration_plan, parse_param
from sim.ensemble.sweep import run_sweep
from sim.errors import InputError
from sim.io.atomic import atomic_path
from sim.io.observed import ObservedRow, load_observed
from sim.io.posterior import write_posterior


@dataclass(frozen=True)
class Target:
    """One scenario and the observed figures it is fitted to."""

    scenario: Path
    observed: Path
    name: str
    region: str
    rows: tuple[ObservedRow, ...]
    geography: object = field(repr=False, compare=False)


def load_targets(pairs: list[tuple[str | Path, str | Path]]) -> list[Target]:
    from sim.world.geography import load_geography
    from sim.world.scenarios import load_scenario

    out = []
    for scenario, observed in pairs:
        sc = load_scenario(scenario)
        geo = load_geography(sc.region)
        out.append(Target(Path(scenario), Path(observed), sc.name, str(sc.region),
                          tuple(load_observed(observed, geo)), geo))
    names = [t.name for t in out]
    if len(set(names)) < len(names):
        raise InputError(f"two targets are the same scenario ({', '.join(names)}); give each "
                         "scenario once, with all its observed rows in one CSV", field="--add")
    return out


@dataclass
class SmcResult:
    folder: Path
    prior: Prior
    targets: list[Target]
    populations: list[Population] = field(default_factory=list)
    points: pd.DataFrame | None = None      # every proposal of every round
    fit: pd.DataFrame | None = None
    failed: int = 0
    stopped_at: int | None = None           # the round with failed runs, if any
    outside: list[tuple[str, int]] = field(default_factory=list)   # rows no run covers

    @property
    def posterior(self) -> Population:
        return self.populations[-1]

    def coverage(self) -> Coverage:
        return Coverage(len(self.fit), int(self.fit["within_p10_p90"].sum()),
                        int(self.fit["within_p5_p95"].sum()))


def round_plan(target: Target, theta: np.ndarray, prior: Prior, t: int, *, members: int,
               scale: float, seed: int) -> SweepPlan:
    """Round ``t``'s sweep on one target: the proposals ``theta`` as explicit points (checked
    against the scenario like any sweep's), ``members`` seeds each, the same seeds every round."""
    params = [f"{n}={float(lo)!r}:{float(hi)!r}" for n, lo, hi in zip(prior.names, prior.low, prior.high)]
    plan = calibration_plan(target.scenario, params, samples=len(theta), members=members,
                            scale=scale, seed=seed)
    points = tuple({n: float(v) for n, v in zip(prior.names, row)} for row in theta)
    unit = (theta - prior.low) / (prior.high - prior.low)
    spec = plan.spec.model_copy(update={"name": f"{plan.spec.name}_r{t}"})
    return dataclasses.replace(plan, spec=spec, points=points, design=unit)


def run_abc_smc(pairs: list[tuple[str | Path, str | Path]], params: list[str], *,
                rounds: int = 3, samples: int = 64, accept: float = 0.25, members: int = 2,
                scale: float = 1.0, seed: int = 0, out: str | Path = "results",
                workers: int | None = None, scheduler: str | None = None,
                dask_local: bool = False,
                on_round: Callable[[int, str], None] | None = None) -> SmcResult:
    """Fit ``params`` (``path=low:high``, uniform priors) to the targets' observed rows."""
    if rounds < 1 or samples < 3:
        raise InputError("give at least 1 round of at least 3 samples", field="--samples")
    if not 0 < accept <= 1:
        raise InputError(f"accept must be in (0, 1] (got {accept})", field="--accept")
    if not params:
        raise InputError("give at least one parameter to fit", field="--params")
    prior = Prior.from_ranges({n: spec.range for n, spec in map(parse_param, params)})
    targets = load_targets(pairs)
    folder = Path(out) / f"calibrate_{targets[0].name}"
    result = SmcResult(folder=folder, prior=prior, targets=targets)
    observed = np.array([r.value for t in targets for r in t.rows])
    frames, previous, sims, best = [], None, None, None
    for t in range(1, rounds + 1):
        if t == 1:
            theta = prior.latin(samples, seed)
        else:
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(t,)))
            theta = propose(previous, samples, prior, rng)
        parts = []
        for target in targets:
            plan = round_plan(target, theta, prior, t, members=members, scale=scale, seed=seed)
            where = folder / f"round-{t}" / target.name
            if on_round:
                on_round(t, f"round {t}/{rounds}: {len(theta)} proposals x {members} members on "
                            f"{target.name}")
            res = run_sweep(plan, workers=workers, scheduler=scheduler, dask_local=dask_local,
                            folder=where, combine_runs=False)
            result.failed += len(res.failed)
            parts.append(simulated_rows(len(theta), members, where, list(target.rows),
                                        target.geography, scale))
        if result.failed:
            result.stopped_at = t
            break
        sims = np.concatenate(parts, axis=2)
        dist, _, _ = log_distance(sims, observed)
        pop, best = select(t, theta, dist, accept, previous, prior)
        frames.append(_round_table(t, theta, dist, best, pop, prior))
        with atomic_path(folder / f"round-{t}" / "population.csv") as tmp:
            frames[-1].to_csv(tmp, index=False)
        result.populations.append(pop)
        previous = pop
        if on_round:
            on_round(t, f"round {t}: tolerance {pop.tolerance:.3f}, {len(pop.weights)} particles, "
                        f"effective sample size {pop.ess:.1f}")
    if frames:
        result.points = pd.concat(frames, ignore_index=True)
    if sims is not None and result.stopped_at is None:
        labels = [{"scenario": tg.name, "observed_file": str(tg.observed), "line": r.line,
                   "window": f"{r.date_start}..{r.date_end}", "measure": r.measure,
                   "area": r.area, "source": r.source_id}
                  for tg in targets for r in tg.rows]
        fit = predictive_fit(sims[best], result.posterior.weights, observed, labels)
        covered = fit["sim_p50"].notna() if "sim_p50" in fit else pd.Series(False, index=fit.index)
        # a row outside one target's run is left out there; one outside every run is listed
        seen = {(f, n) for f, n in zip(fit["observed_file"][covered], fit["line"][covered])}
        result.outside = sorted({(f, n) for f, n in zip(fit["observed_file"], fit["line"])} - seen)
        result.fit = fit[covered].reset_index(drop=True)
    return result


def _round_table(t: int, theta: np.ndarray, dist: np.ndarray, best: np.ndarray,
                 pop: Population, prior: Prior) -> pd.DataFrame:
    df = pd.DataFrame(theta, columns=list(prior.names))
    df.insert(0, "round", t)
    df["distance"] = dist
    df["accepted"] = False
    df.loc[best, "accepted"] = True
    df["weight"] = 0.0
    df.loc[best, "weight"] = pop.weights
    return df


def write_outputs(result: SmcResult, command: str, settings: dict) -> list[Path]:
    """The posterior in the shipped format (sim/data/posterior), its summary with
    identifiability, the pairwise correlations, the fit per observed row and every proposal."""
    out = result.folder / "calibration"
    pop, prior = result.posterior, result.prior
    summary = posterior_summary(pop, prior)
    tables = {"summary.csv": summary, "fit.csv": result.fit, "points.csv": result.points,
              "correlations.csv": correlations(pop, prior).reset_index(names="parameter")}
    paths = []
    for name, df in tables.items():
        with atomic_path(out / name) as tmp:
            df.to_csv(tmp, index=False)
        paths.append(out / name)
    cov = result.coverage()
    provenance = {
        "name": f"abc_smc_{result.targets[0].name}",
        "method": (f"ABC-SMC (population Monte Carlo ABC, Beaumont et al. 2009): {len(result.populations)} "
                   f"rounds of {settings['samples']} proposals x {settings['members']} members at "
                   f"scale {settings['scale']:g}, best {settings['accept']:g} accepted each round; "
                   "distance = RMS difference of log(1 + people) over the observed rows "
                   "(sim/analysis/abc_smc.py)"),
        "data": [f"{t.observed} (sha256 {_sha(t.observed)[:16]}, {len(t.rows)} rows)"
                 for t in result.targets],
        "scenarios": [f"{t.scenario} (sha256 {_sha(t.scenario)[:16]})" for t in result.targets],
        "date": date.today().isoformat(),
        "command": command,
        "regions": sorted({t.region for t in result.targets}),
        "priors": {n: [float(lo), float(hi)] for n, lo, hi in zip(prior.names, prior.low, prior.high)},
        "tolerances": [round(p.tolerance, 6) for p in result.populations],
        "effective_sample_size": round(pop.ess, 2),
        "in_sample_coverage": {"rows": cov.rows, "within_p10_p90": cov.within_p10_p90,
                               "within_p5_p95": cov.within_p5_p95},
        "seed": settings["seed"],
    }
    paths.append(write_posterior(out, "posterior", list(prior.names), pop.theta, pop.weights,
                                 provenance, extra={"distance": pop.distances}))
    paths.append(out / "posterior.yaml")
    return paths


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
