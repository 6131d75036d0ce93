"""Sweep files as a schema: which scenario fields to vary, how to sample them, how many seeds.

A sweep YAML names a base scenario, ``parameters`` addressed by dotted paths into the
scenario (``behaviour.flee_propensity``, ``conflict.axes.0.speed_km_per_day``...), each given
as a ``range``, a list of ``values`` or a ``distribution``; a ``sampler`` (grid, random,
latin, morris, sobol) and ``members`` (seeds per point). :mod:`sim.ensemble.plan` checks the
paths against the base scenario and samples the points.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.config.scenario import Whole


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterSpec(_Strict):
    """One varied parameter: exactly one of ``range``, ``values`` or ``distribution``."""

    range: tuple[float, float] | None = None
    values: tuple[Any, ...] | None = None
    distribution: Literal["uniform", "normal", "lognormal", "triangular"] | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> "ParameterSpec":
        given = [k for k in ("range", "values", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of range: [low, high], values: [...] or distribution")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"empty range {list(self.range)}: low must be below high")
        if self.values is not None and len(self.values) == 0:
            raise ValueError("empty values list: give at least one value")
        if self.distribution in ("uniform", "triangular"):
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError(f"{self.distribution} needs low < high")
            if self.distribution == "triangular" and not (self.mode is not None and self.low <= self.mode <= self.high):
                raise ValueError("triangular needs low <= mode <= high")
        if self.distribution in ("normal", "lognormal") and (self.mean is None or self.sd is None):
            raise ValueError(f"{self.distribution} needs mean and sd")
        return self

    def from_unit(self, u: np.ndarray) -> list:
        """Map points of [0, 1) to parameter values (inverse CDF / index into values)."""
        u = np.clip(np.asarray(u, float), 0.0, 1.0)
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        if self.range is not None:
            x = self.range[0] + u * (self.range[1] - self.range[0])
        else:
            x = self._ppf(np.clip(u, 1e-9, 1 - 1e-9))
        return [int(round(v)) if self.integer else float(round(v, 12)) for v in x]

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import stats  # 2 s to import; Scenario.with_overrides uses this module too

        if self.distribution == "uniform":
            return stats.uniform(self.low, self.high - self.low).ppf(u)
        if self.distribution == "triangular":
            c = (self.mode - self.low) / (self.high - self.low)
            return stats.triang(c, loc=self.low, scale=self.high - self.low).ppf(u)
        if self.distribution == "normal":
            return stats.norm(self.mean, self.sd).ppf(u)
        return stats.lognorm(s=self.sd, scale=np.exp(self.mean)).ppf(u)

    def grid(self, levels: int) -> list:
        if self.values is not None:
            return list(self.values)
        return self.from_unit((np.arange(levels) + 0.5) / levels if self.distribution
                              else np.linspace(0, 1, levels))


class SamplerSpec(_Strict):
    kind: Literal["grid", "random", "latin", "morris", "sobol"] = "grid"
    samples: Annotated[Whole, Field(ge=1)] = 8
    """random/latin: points; morris: trajectories; sobol: base samples N (2^k best)."""
    levels: Annotated[Whole, Field(ge=2)] = 4
    """grid: points per range; morris: number of levels."""


class SweepSpec(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$")]
    description: str = ""
    base: str
    members: Annotated[Whole, Field(ge=1)] = 1
    seed: Annotated[Whole, Field(ge=0)] = 0
    sampler: SamplerSpec = SamplerSpec()
    set: dict[str, Any] = Field(default_factory=dict)
    """Fixed overrides applied to every run (dotted paths), e.g. a smaller population."""
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sampler_needs_parameters(self) -> "SweepSpec":
        if self.sampler.kind in ("morris", "sobol", "latin", "random") and not self.parameters:
            raise ValueError(f"sampler {self.sampler.kind} needs at least one parameter")
        if self.sampler.kind == "sobol" and len(self.parameters) < 2:
            raise ValueError("sobol needs at least two parameters")
        return self


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the base scenario as data, the points to run and the seeds."""

    spec: SweepSpec
    source_path: str
    base_data: dict            # base scenario (with ``set`` applied) as a JSON-able dict
    base_sha256: str
    points: tuple[dict, ...]   # one {path: value} per point
    design: np.ndarray         # [point, parameter] numeric design (SALib problem space)
    problem: dict              # SALib problem (names, bounds)
    seeds: tuple[int, ...]     # one per member, the same for every point (common random numbers)
    member_params: tuple[dict, ...] = ()   # per member: parameters drawn (posterior, pace)
    posterior: dict = field(default_factory=dict)
    """The posterior members draw from (name, sha256, drawn and kept parameters); empty for
    fixed parameters (decision noise only). :mod:`sim.ensemble.posterior`."""
    pace: dict = field(default_factory=dict)
    """How members draw the axes' speeds (P90 factors, drawn paths); empty if they keep the
    written ones. :mod:`sim.ensemble.pace`."""

    @property
    def n_runs(self) -> int:
        return len(self.points) * len(self.seeds)

    @property
    def parameter_names(self) -> list[str]:
        return list(self.spec.parameters)

    def scenario_data(self, point: int, member: int | None = None) -> dict:
        """The scenario of a point (and, with ``member``, its drawn parameters) as data."""
        data = copy.deepcopy(self.base_data)
        for path, value in self.run_parameters(point, member).items():
            set_path(data, path, value)
        return data

    def run_parameters(self, point: int, member: int | None = None) -> dict:
        """What a run varies: the point's parameters and the member's drawn ones."""
        drawn = self.member_params[member] if member is not None and self.member_params else {}
        return {**self.points[point], **drawn}

    @property
    def drawn_parameters(self) -> list[str]:
        return [*self.posterior.get("drawn", []), *self.pace.get("drawn", [])]

    @property
    def uncertainty(self) -> str:
        """What the members draw, as the combined file's ``parameter_uncertainty``:
        ``posterior_predictive``, ``offensive_pace``, both (space-separated) or ``none``."""
        kinds = [kind for kind, record in (("posterior_predictive", self.posterior),
                                           ("offensive_pace", self.pace)) if record]
        return " ".join(kinds) or "none"

    @property
    def band(self) -> str:
        """Which uncertainty an ensemble's P10-P90 band shows."""
        if not self.member_params:
            return "household randomness only: every member has the same parameters (fixed)"
        drawn = []
        if self.posterior:
            drawn.append(f"its parameters from posterior '{self.posterior.get('name')}'")
        if self.pace:
            drawn.append(f"its axis speeds around the written ones (P90 factor "
                         f"{self.pace['shared_p90_factor']:g} shared, "
                         f"{self.pace['axis_p90_factor']:g} per axis)")
        kind = "posterior predictive" if self.posterior else "offensive pace"
        return f"{kind}: each member draws {', '.join(drawn)} and its household decisions from its seed"

    @staticmethod
    def run_id(point: int, member: int) -> str:
        """File stem of one run: ``p<point>-m<member>``."""
        return f"p{point:04d}-m{member:03d}"

    def run_ids(self) -> list[str]:
        """Every run of the plan, point by point, member by member."""
        return [self.run_id(p, m) for p in range(len(self.points)) for m in range(len(self.seeds))]

    def fingerprint(self) -> str:
        """Identifies the sweep's content: same spec and base scenario -> same fingerprint.

        ``members`` is left out: member m has the same seed whatever the number of members,
        so a sweep can grow (20 -> 32 members) and reuse the runs it has.
        """
        spec = self.spec.model_dump(mode="json", exclude={"members"})
        content = {"spec": spec, "base": self.base_sha256, "points": self.points}
        if self.posterior:   # member m's draw depends on its seed only: members can still grow
            content["posterior"] = self.posterior
        if self.pace:
            content["pace"] = self.pace
        blob = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_json(self) -> str:
        """The plan as JSON (written as sweep.json next to the runs)."""
        return json.dumps({
            "name": self.spec.name, "fingerprint": self.fingerprint(), "source": self.source_path,
            "sampler": self.spec.sampler.model_dump(), "members": self.spec.members,
            "root_seed": self.spec.seed, "seeds": list(self.seeds), "problem": self.problem,
            "parameters": self.parameter_names, "points": list(self.points),
            "design": self.design.tolist(), "base_sha256": self.base_sha256,
            "posterior": self.posterior, "pace": self.pace,
            "member_params": list(self.member_params),
            "band": self.band,
        }, indent=1, default=str)


# --------------------------------------------------------------------------- dotted paths

MAPPING_FIELDS = {"crossings", "people_by_place", "camp_capacity_people"}
FIXED_AXES = {"days", "start_date"}


def set_path(data: dict, path: str, value) -> None:
    """Set ``value`` at a dotted path; raise KeyError naming the bad part if it does not exist."""
    parts = path.split(".")
    node = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"index {part!r} not in a list of {len(node)}")
            key: Any = int(part)
        elif isinstance(node, dict):
            parent = parts[depth - 1] if depth else ""
            if part not in node and parent not in MAPPING_FIELDS:
                hint = difflib.get_close_matches(part, [str(k) for k in node], n=1)
                raise KeyError(f"no field {part!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""))
            key = part
        else:
            raise KeyError(f"{'.'.join(parts[:depth])} is a value, not a section")
        if last:
            node[key] = value
        else:
            if isinstance(node, dict) and key not in node:
                node[key] = {}
            node = node[key]
