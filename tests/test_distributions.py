"""The distributions of the key figures, for changes to the random stream (issue 11).

An optimisation that keeps the random stream keeps the baselines (tests/test_baselines.py) to
the last bit. One that changes it - drawing only for the households whose outcome a draw can
decide, say - changes every run, and the baselines say nothing about whether the model is
still the same model. This test does: it runs two shipped scenarios (reduced, as the
baselines) over 20 seeds and compares each key figure's 20 values with a reference sample,
20 runs of the engine before any such change (``tests/distributions/reference.json``, other
seeds), by two two-sample tests: Welch's t-test of the means and the Kolmogorov-Smirnov test
of the whole distribution. Nothing is tuned to pass: the seeds are fixed, so the test is
deterministic, and a figure fails where either test rejects at a family-wise level of 1 %
(Bonferroni over every figure and test).

Refresh the reference sample only when the model's law is meant to change (a new rule, new
parameters), in the commit that changes it, never for an optimisation::

    python tests/test_distributions.py --refresh
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from test_baselines import REPO, reduced

import sim

REFERENCE = Path(__file__).resolve().parent / "distributions" / "reference.json"
SCENARIOS = ("idlib_full_assault", "hindcast_2019_hama_idlib")
SEEDS = tuple(range(1, 21))
REFERENCE_SEEDS = tuple(range(1001, 1021))
FAMILY_ALPHA = 0.01


def key_figures(scenario: str, seed: int) -> dict[str, float]:
    """What a planner reads off a run: displaced by day, flights, the peak, where people are
    at the end, the border, the roads and arrivals."""
    ds = sim.run(reduced(REPO / "scenarios" / f"{scenario}.yaml"), seed=seed)
    cum = ds["cumulative_displaced"].values
    daily = np.diff(cum, prepend=0.0)
    last = ds.isel(time=-1)
    out = {f"displaced_day_{d}": float(cum[d - 1]) for d in (7, 14, 30, 60, 90) if d <= len(cum)}
    out |= {
        "displaced_at_end": float(cum[-1]),
        "flights": float(ds["cumulative_flights"].values[-1]),
        "peak_daily_new_displaced": float(daily.max()),
        "peak_day": float(np.argmax(daily)),
        "crossed_border": float(last["crossed_border"]),
        "road_flow": float(ds["road_flow"].sum()),
        "arrivals": float(ds["arrivals"].sum()),
    }
    out |= {f"{v}_at_end": float(last[v].sum()) for v in (
        "residents_present", "in_camp", "in_host", "in_open", "waiting_at_border", "in_transit")}
    return out


def sample(scenario: str, seeds: tuple[int, ...]) -> dict[str, list[float]]:
    runs = [key_figures(scenario, s) for s in seeds]
    return {k: [r[k] for r in runs] for k in runs[0]}


def differences(reference: dict[str, list[float]], now: dict[str, list[float]],
                alpha: float) -> list[str]:
    """The figures whose two samples differ (Welch's t or Kolmogorov-Smirnov p below
    ``alpha``), each with its means and p-values. Figures constant and equal in both samples
    cannot differ; constant but unequal ones do."""
    out = []
    for name, before in reference.items():
        a, b = np.asarray(before), np.asarray(now[name])
        if a.std() == 0 and b.std() == 0:
            if a[0] != b[0]:
                out.append(f"{name}: always {a[0]:g} before, always {b[0]:g} now")
            continue
        p_t = stats.ttest_ind(a, b, equal_var=False).pvalue
        p_ks = stats.ks_2samp(a, b).pvalue
        if min(p_t, p_ks) < alpha:
            out.append(f"{name}: mean {a.mean():.1f} (sd {a.std(ddof=1):.1f}) before, "
                       f"{b.mean():.1f} (sd {b.std(ddof=1):.1f}) now; p = {p_t:.2g} (t), "
                       f"{p_ks:.2g} (KS)")
    return out


def per_test_alpha(reference: dict) -> float:
    """Bonferroni: the family-wise level over two tests of every figure of every scenario."""
    n = sum(len(figures) for figures in reference["figures"].values())
    return FAMILY_ALPHA / (2 * n)


@pytest.fixture(scope="module")
def reference():
    assert REFERENCE.is_file(), "no reference sample; see this module's docstring"
    stored = json.loads(REFERENCE.read_text())
    assert tuple(stored["seeds"]) == REFERENCE_SEEDS and stored["scenarios"] == list(SCENARIOS)
    return stored


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_key_figures_keep_their_distribution(scenario, reference):
    differ = differences(reference["figures"][scenario], sample(scenario, SEEDS),
                         per_test_alpha(reference))
    assert not differ, (f"{scenario}: key figures no longer follow the reference sample "
                        f"(engine at {reference['commit'][:10]}): " + "; ".join(differ))


def test_differences_find_a_shift_of_a_few_standard_errors():
    """The comparison itself can fail: a shift of the mean by 6 standard errors of the
    difference is found, and so is a constant that moved; the same distribution is not."""
    rng = np.random.default_rng(5)
    a = {"x": list(rng.normal(1000.0, 10.0, 20))}
    same = {"x": list(rng.normal(1000.0, 10.0, 20))}
    shifted = {"x": list(rng.normal(1000.0 + 6 * 10.0 * np.sqrt(2 / 20), 10.0, 20))}
    alpha = 0.01 / 60
    assert differences(a, same, alpha) == []
    assert differences(a, shifted, alpha)
    assert differences({"y": [5.0] * 20}, {"y": [6.0] * 20}, alpha)
    assert differences({"y": [5.0] * 20}, {"y": [5.0] * 20}, alpha) == []


def refresh() -> None:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    out = {"commit": commit, "people": reduced(REPO / "scenarios" / f"{SCENARIOS[0]}.yaml")
           .population.total_people, "seeds": list(REFERENCE_SEEDS), "scenarios": list(SCENARIOS),
           "figures": {s: sample(s, REFERENCE_SEEDS) for s in SCENARIOS}}
    REFERENCE.parent.mkdir(exist_ok=True)
    tmp = REFERENCE.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n")
    tmp.replace(REFERENCE)
    print(f"refreshed {REFERENCE.relative_to(REPO)} at {commit[:10]}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--refresh"]:
        sys.exit("usage: python tests/test_distributions.py --refresh")
    refresh()
