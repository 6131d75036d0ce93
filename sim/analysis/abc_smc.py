"""ABC-SMC: the arithmetic of a sequential Monte Carlo calibration (no runs here).

Why this method: the model is a stochastic simulator with no likelihood, its runs go through
the sweep machinery in batches (parallel, Dask-capable, resumable), and the parameters are
few (4-8). Population Monte Carlo ABC (Beaumont, Cornuet, Marin and Robert 2009, Biometrika
96:983; Toni et al. 2009, J. R. Soc. Interface 6:187) fits that: each round is one batch of
proposals, i.e. one sweep. pyabc implements it but owns the simulation loop (its samplers,
its database), so a round could not be a resumable sweep of ours; the method is small enough
to write out here.

One round ``t``:

1. proposals: round 1 a Latin hypercube over the uniform prior box (so ``rounds = 1`` is the
   ABC rejection of :mod:`sim.analysis.calibrate`); later rounds draw a parent from the last
   population by weight and move it with a Gaussian kernel truncated to the prior box, one
   scale per parameter, sigma^2 = 2 x the weighted variance of the population (Beaumont
   et al. 2009);
2. the proposals are run (a sweep) and get their distance to the observations;
3. the best ``accept`` share is the new population; the tolerance is its largest distance, so
   it shrinks as long as the proposals improve; weights are prior / proposal density,
   w_i ~ 1 / sum_j w_j K(theta_i | theta_j) (the prior is flat inside the box).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from sim.io.posterior import weighted_quantile, weighted_stats

MIN_SCALE = 1e-3
"""Smallest kernel scale, as a share of the prior width (a collapsed population still moves)."""


@dataclass(frozen=True)
class Prior:
    """Independent uniform priors: ``names`` with their (low, high)."""

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def from_ranges(cls, ranges: dict[str, tuple[float, float]]) -> "Prior":
        names = tuple(ranges)
        return cls(names, np.array([ranges[n][0] for n in names], float),
                   np.array([ranges[n][1] for n in names], float))

    @property
    def sd(self) -> np.ndarray:
        return (self.high - self.low) / np.sqrt(12.0)

    def latin(self, n: int, seed: int) -> np.ndarray:
        """``n`` points of a Latin hypercube (as the sweep's ``latin`` sampler: same seed, same
        points), rounded as sweep values are."""
        unit = qmc.LatinHypercube(d=len(self.names), seed=seed).random(n)
        return np.round(self.low + unit * (self.high - self.low), 12)


@dataclass(frozen=True)
class Population:
    """The particles accepted in one round, their weights (sum 1) and distances."""

    round: int
    theta: np.ndarray        # [particle, parameter]
    weights: np.ndarray
    distances: np.ndarray
    tolerance: float

    @property
    def ess(self) -> float:
        """Effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights ** 2))


def kernel_scale(pop: Population, prior: Prior) -> np.ndarray:
    mean = pop.weights @ pop.theta
    var = pop.weights @ (pop.theta - mean) ** 2
    return np.maximum(np.sqrt(2.0 * var), MIN_SCALE * (prior.high - prior.low))


def propose(pop: Population, n: int, prior: Prior, rng: np.random.Generator) -> np.ndarray:
    """``n`` proposals: parents drawn by weight, moved by the truncated Gaussian kernel."""
    sigma = kernel_scale(pop, prior)
    parents = pop.theta[rng.choice(len(pop.weights), size=n, p=pop.weights)]
    a, b = (prior.low - parents) / sigma, (prior.high - parents) / sigma
    moved = stats.truncnorm.rvs(a, b, loc=parents, scale=sigma, random_state=rng)
    return np.round(np.clip(moved, prior.low, prior.high), 12)


def kernel_density(theta: np.ndarray, pop: Population, prior: Prior) -> np.ndarray:
    """Proposal density of each row of ``theta``: sum_j w_j K(theta | theta_j), K the
    truncated product kernel (normalised inside the box)."""
    sigma = kernel_scale(pop, prior)
    z = (theta[:, None, :] - pop.theta[None, :, :]) / sigma               # [new, old, d]
    mass = (stats.norm.cdf((prior.high - pop.theta) / sigma)
            - stats.norm.cdf((prior.low - pop.theta) / sigma))            # [old, d]
    dens = np.exp(-0.5 * z ** 2) / (np.sqrt(2 * np.pi) * sigma) / mass[None, :, :]
    return np.prod(dens, axis=2) @ pop.weights


def select(t: int, theta: np.ndarray, distances: np.ndarray, accept: float,
           previous: Population | None, prior: Prior) -> tuple[Population, np.ndarray]:
    """The round's population (best ``accept`` share of the finite distances, at least 3) and
    the indices of the accepted proposals, in the population's order (best first)."""
    ok = np.flatnonzero(np.isfinite(distances))
    k = min(len(ok), max(3, int(np.ceil(accept * len(ok)))))
    best = ok[np.argsort(distances[ok], kind="stable")[:k]]
    chosen = theta[best]
    if previous is None:
        w = np.ones(len(best))
    else:
        w = 1.0 / kernel_density(chosen, previous, prior)
    return Population(t, chosen, w / w.sum(), distances[best], float(distances[best].max())), best


# --------------------------------------------------------------------------- reports


def posterior_summary(pop: Population, prior: Prior) -> pd.DataFrame:
    """Per parameter: prior, weighted mean, sd, P10-P90 and identifiability (posterior sd over
    prior sd: near 1, the data say little about it; well below 1, it is pinned down)."""
    recs = []
    for j, n in enumerate(prior.names):
        s = weighted_stats(pop.theta[:, j], pop.weights)
        recs.append({"parameter": n, "prior_low": prior.low[j], "prior_high": prior.high[j],
                     "posterior_mean": s["mean"], "posterior_sd": s["sd"], "p10": s["p10"],
                     "p50": s["p50"], "p90": s["p90"], "sd_over_prior_sd": s["sd"] / prior.sd[j],
                     "best": float(pop.theta[np.argmin(pop.distances), j]),
                     "particles": len(pop.weights), "ess": pop.ess, "tolerance": pop.tolerance})
    return pd.DataFrame.from_records(recs)


def correlations(pop: Population, prior: Prior) -> pd.DataFrame:
    """Weighted correlation of every pair of parameters in the posterior (a ridge of two
    parameters trading off against each other shows as a strong correlation)."""
    x = pop.theta - pop.weights @ pop.theta
    cov = (x * pop.weights[:, None]).T @ x
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    return pd.DataFrame(corr, index=list(prior.names), columns=list(prior.names))


def predictive_fit(sims: np.ndarray, weights: np.ndarray, observed: np.ndarray,
                   labels: list[dict]) -> pd.DataFrame:
    """Observed against the posterior predictive per row: ``sims`` [particle, member, row] are
    the accepted particles' runs, each run weighing its particle's weight / members."""
    members = sims.shape[1]
    w = np.repeat(weights / members, members)
    recs = []
    for j, lab in enumerate(labels):
        v = sims[:, :, j].reshape(-1)
        keep = np.isfinite(v)
        rec = {**lab, "observed": observed[j]}
        if keep.any():
            q = {p: weighted_quantile(v[keep], w[keep], p / 100) for p in (5, 10, 50, 90, 95)}
            rec.update(sim_p10=q[10], sim_p50=q[50], sim_p90=q[90],
                       relative_error=(q[50] - observed[j]) / observed[j] if observed[j] else np.nan,
                       within_p10_p90=bool(q[10] <= observed[j] <= q[90]),
                       within_p5_p95=bool(q[5] <= observed[j] <= q[95]))
        recs.append(rec)
    return pd.DataFrame.from_records(recs)
