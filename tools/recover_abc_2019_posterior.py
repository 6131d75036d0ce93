"""Recover the accepted points of the 2019 ABC calibration (round 2) from its summary.

The round-2 calibration (docs/validation.md, "Method" step 4) kept only the per-parameter
summary (docs/validation/posterior.csv: mean, sd, P10, P50, P90 and the best point) and not its
accepted points. The points are recoverable: the Latin hypercube is deterministic (SciPy's
``qmc.LatinHypercube(d=6, seed=1)``, 72 samples, the six prior ranges of the command, values
rounded to 12 decimals as ``ParameterSpec.from_unit`` does), and the 8 accepted points are the
only 8 of the 72 whose means equal the recorded means (an integer programme; a second solution
is infeasible). The script checks that their sd, P10, P50, P90 and best point equal the
recorded ones, then writes sim/data/posterior/abc_2019_coarse.csv (equal weights: ABC
rejection). Run: python tools/recover_abc_2019_posterior.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import qmc

ROOT = Path(__file__).resolve().parent.parent
PRIORS = {  # the round-2 command's --params, in its order
    "behaviour.flee_propensity": (4, 14), "behaviour.danger_tolerance": (0.25, 0.5),
    "behaviour.open_air_move_on_per_day": (0.05, 0.3), "capacity.camp_capacity_scale": (2, 5),
    "conflict.danger_decay_km": (11, 20), "behaviour.camp_preference": (-0.5, 2),
}
SAMPLES, ACCEPTED, SEED = 72, 8, 1


def main() -> None:
    names = list(PRIORS)
    lo, hi = (np.array([PRIORS[n][k] for n in names], float) for k in (0, 1))
    unit = qmc.LatinHypercube(d=len(names), seed=SEED).random(SAMPLES)
    x = np.round(lo + unit * (hi - lo), 12)
    summary = pd.read_csv(ROOT / "docs" / "validation" / "posterior.csv").set_index("parameter").loc[names]
    means = summary["posterior_mean"].to_numpy()
    A = np.vstack([np.ones(SAMPLES), x.T / (hi - lo)[:, None]])
    b = np.concatenate([[ACCEPTED], ACCEPTED * means / (hi - lo)])
    sums = LinearConstraint(A, b - 1e-7, b + 1e-7)
    res = milp(np.zeros(SAMPLES), constraints=sums, integrality=np.ones(SAMPLES), bounds=Bounds(0, 1))
    chosen = np.flatnonzero(res.x > 0.5)
    other = np.zeros(SAMPLES)
    other[chosen] = 1
    again = milp(np.zeros(SAMPLES), constraints=[sums, LinearConstraint(other[None, :], -np.inf, ACCEPTED - 1)],
                 integrality=np.ones(SAMPLES), bounds=Bounds(0, 1))
    assert again.status == 2, "a second set of points has the same means"
    acc = x[chosen]
    for j, n in enumerate(names):
        v, s = acc[:, j], summary.loc[n]
        assert np.isclose(v.std(ddof=1), s["posterior_sd"], rtol=1e-9, atol=1e-12), n
        for q in (10, 50, 90):
            assert np.isclose(np.percentile(v, q), s[f"p{q}"], rtol=1e-9, atol=1e-12), (n, q)
        assert np.isclose(v, s["best"]).any(), n
    df = pd.DataFrame(acc, columns=names)
    df["weight"] = 1.0 / ACCEPTED
    df["lhs_point"] = chosen
    out = ROOT / "sim" / "data" / "posterior" / "abc_2019_coarse.csv"
    df.to_csv(out, index=False)
    print(f"points {chosen.tolist()} of {SAMPLES}: summary matched; written {out}")


if __name__ == "__main__":
    main()
