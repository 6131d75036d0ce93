"""Calibration posteriors as shipped tables: parameter sets with weights, and their provenance.

A posterior is two files side by side (``sim/data/posterior/<name>.csv`` and ``.yaml``):

* the CSV has one row per accepted parameter set (particle): one column per scenario
  parameter, named by its dotted path (``behaviour.flee_propensity``), a ``weight`` column
  (importance weights; normalised here) and optional columns without a dot (``distance``...)
  that are kept for the record and not drawn;
* the YAML says where it came from: ``method``, ``data`` (observed CSVs), ``scenarios``,
  ``date``, ``command``, ``regions`` (the regions it was fitted for: a scenario of another
  region gets no posterior unless one is named), ``priors`` (``path: [low, high]``) and notes.

Every parameter column is checked against the scenario schema when the table is read, and
every row is validated as scenario values, so a posterior that names a parameter the model no
longer has is refused with one line naming the column. Ensemble members draw from it with
:meth:`PosteriorTable.draw` (:mod:`sim.ensemble.posterior`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.data import DATA_ROOT
from sim.errors import InputError

POSTERIOR_ROOT = DATA_ROOT / "posterior"
DEFAULT_POSTERIOR = "abc_smc_2018_2019"
"""The posterior ensembles draw from by default (for the regions its YAML lists)."""
POSTERIOR_STREAM = 0x506F7374
"""Spawn key of the member's parameter draw: a stream of its seed apart from the model's."""
REQUIRED_PROVENANCE = ("method", "data", "scenarios", "date", "command", "regions")


@dataclass(frozen=True)
class PosteriorTable:
    name: str
    parameters: tuple[str, ...]
    values: np.ndarray            # [particle, parameter]
    weights: np.ndarray           # [particle], sum 1
    provenance: dict = field(default_factory=dict)
    sha256: str = ""
    path: str = ""

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(str(r) for r in self.provenance.get("regions", ()))

    def draw(self, seed: int, parameters: list[str] | None = None) -> dict[str, float]:
        """One particle for the member of seed ``seed`` (weighted; the same seed, the same
        particle), restricted to ``parameters`` (default: all)."""
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(POSTERIOR_STREAM,)))
        i = int(rng.choice(len(self.weights), p=self.weights))
        wanted = self.parameters if parameters is None else parameters
        return {p: float(self.values[i, self.parameters.index(p)]) for p in wanted}

    def summary(self) -> pd.DataFrame:
        """Per parameter: weighted mean, sd, P10, P50, P90 and the prior range."""
        priors = self.provenance.get("priors", {}) or {}
        recs = []
        for j, p in enumerate(self.parameters):
            v = self.values[:, j]
            low, high = (priors.get(p) or (np.nan, np.nan))[:2]
            recs.append({"parameter": p, "prior_low": low, "prior_high": high,
                         **weighted_stats(v, self.weights)})
        return pd.DataFrame.from_records(recs)


def weighted_quantile(v: np.ndarray, w: np.ndarray, q: float) -> float:
    """Quantile of a weighted sample, interpolated linearly: with equal weights it is
    ``np.percentile``'s default (the sorted values sit at positions i / (n - 1))."""
    v, w = np.asarray(v, float), np.asarray(w, float)
    v, w = v[w > 0], w[w > 0]                         # a particle of weight 0 is not there
    order = np.argsort(v)
    v, w = v[order], w[order]
    if len(v) == 1:
        return float(v[0])
    before = np.cumsum(w) - w
    return float(np.interp(q, before / (w.sum() - w[-1]), v))


def weighted_stats(v: np.ndarray, w: np.ndarray) -> dict[str, float]:
    w = np.asarray(w, float) / np.sum(w)
    mean = float(np.sum(w * v))
    ess = 1.0 / np.sum(w ** 2)                        # effective sample size
    var = float(np.sum(w * (v - mean) ** 2)) * (ess / (ess - 1) if ess > 1 else 1.0)
    return {"mean": mean, "sd": var ** 0.5, "p10": weighted_quantile(v, w, 0.1),
            "p50": weighted_quantile(v, w, 0.5), "p90": weighted_quantile(v, w, 0.9)}


def posterior_path(name_or_path: str | Path) -> Path:
    """A shipped posterior's name (``abc_2019_coarse``) or the path of a posterior CSV."""
    text = str(name_or_path)
    if text.endswith(".csv") or "/" in text:
        return Path(text)
    return POSTERIOR_ROOT / f"{text}.csv"


def shipped_posteriors() -> list[str]:
    return sorted(p.stem for p in POSTERIOR_ROOT.glob("*.csv"))


def load_posterior(name_or_path: str | Path) -> PosteriorTable:
    """Read and check a posterior table and its provenance (one-line errors)."""
    import yaml

    path = posterior_path(name_or_path)
    where = str(path)
    if not path.is_file():
        known = ", ".join(shipped_posteriors()) or "none"
        raise InputError(f"posterior not found; give a posterior CSV or a shipped name ({known})",
                         where=where, field="--posterior")
    meta_path = path.with_suffix(".yaml")
    if not meta_path.is_file():
        raise InputError(f"no provenance file {meta_path.name} next to it; a posterior needs "
                         f"its YAML ({', '.join(REQUIRED_PROVENANCE)})", where=where)
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    missing = [k for k in REQUIRED_PROVENANCE if k not in meta]
    if not isinstance(meta, dict) or missing:
        raise InputError(f"provenance is missing {', '.join(missing) or 'everything'}",
                         where=str(meta_path))
    blob = path.read_bytes()
    df = pd.read_csv(path)
    params = [c for c in df.columns if "." in c]
    if "weight" not in df.columns or not params or df.empty:
        raise InputError("a posterior CSV needs a 'weight' column, at least one parameter column "
                         "(dotted path, e.g. behaviour.flee_propensity) and one row", where=where)
    check_parameters(params, where)
    values = df[params].to_numpy(dtype=float)
    weights = df["weight"].to_numpy(dtype=float)
    if not (np.isfinite(values).all() and np.isfinite(weights).all() and (weights >= 0).all()
            and weights.sum() > 0):
        raise InputError("parameter values and weights must be finite numbers, weights >= 0 "
                         "with a positive sum", where=where)
    check_values(params, values, where)
    return PosteriorTable(name=path.stem, parameters=tuple(params), values=values,
                          weights=weights / weights.sum(), provenance=meta,
                          sha256=hashlib.sha256(blob + meta_path.read_bytes()).hexdigest(),
                          path=where)


def _probe():
    from sim.config.scenario import Scenario

    return Scenario(name="posterior_check", start_date=date(2000, 1, 1))


def check_parameters(params: list[str], where: str) -> None:
    """Every column must be a path of the scenario schema: one line naming the first that is not."""
    from sim.config.sweep import set_path

    data = _probe().model_dump(mode="json", by_alias=True)
    for p in params:
        try:
            set_path(data, p, 0)
        except KeyError as exc:
            raise InputError(f"column {p!r} is not a parameter of the scenario schema "
                             f"({exc.args[0]}); drop the column or recalibrate", where=where,
                             field=p) from None


def check_values(params: list[str], values: np.ndarray, where: str) -> None:
    """Every particle must be valid scenario values (e.g. a probability within [0, 1])."""
    probe = _probe()
    for i, row in enumerate(values):
        try:
            probe.with_overrides(dict(zip(params, (float(x) for x in row))), where=where)
        except InputError as exc:
            raise InputError(f"row {i + 2}: {exc.message}", where=where, field=exc.field) from None


def write_posterior(folder: Path, name: str, parameters: list[str], values: np.ndarray,
                    weights: np.ndarray, provenance: dict, extra: dict | None = None) -> Path:
    """Write ``<folder>/<name>.csv`` and ``.yaml`` in the shipped format; return the CSV path."""
    import yaml

    from sim.io.atomic import atomic_path, write_text

    df = pd.DataFrame(np.asarray(values, float), columns=list(parameters))
    weights = np.asarray(weights, float)
    df["weight"] = weights / weights.sum() if weights.sum() > 0 else weights
    for k, v in (extra or {}).items():
        df[k] = v
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"{name}.csv"
    with atomic_path(csv) as tmp:
        df.to_csv(tmp, index=False)
    write_text(folder / f"{name}.yaml", yaml.safe_dump(provenance, sort_keys=False,
                                                       allow_unicode=True, width=100))
    return csv
