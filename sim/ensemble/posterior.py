"""Posterior-predictive ensembles: each member draws its parameters from the calibration
posterior as well as its household decisions from its seed.

Why: with 455,000 households the seed-to-seed spread of an ensemble is tiny, while what is
really uncertain is the behaviour and response parameters (docs/validation.md). Member m draws
one particle of the posterior (:class:`sim.io.posterior.PosteriorTable`, weighted) with a
generator seeded from its own member seed, so the same root seed gives the same parameters and
the same results on any worker count, and a grown ensemble keeps its first members.

Which posterior: by default the shipped one (:data:`sim.io.posterior.DEFAULT_POSTERIOR`) for
the regions its provenance lists; a scenario of another region (a test geography, a FLEE case)
runs with fixed parameters unless a posterior is named. ``--fixed-parameters`` (``posterior=
None``) keeps decision-noise-only runs. What a member never draws: a parameter the scenario's
YAML sets explicitly (a planner's what-if wins), one the sweep sets (``set:``) or varies
(``parameters:``).
"""

from __future__ import annotations

from sim.config.scenario import Scenario
from sim.errors import InputError
from sim.io.posterior import DEFAULT_POSTERIOR, PosteriorTable, load_posterior

DEFAULT = "default"
"""The posterior choice "the shipped posterior, if it was fitted for the scenario's region"."""


def resolve_posterior(choice: str | PosteriorTable | None, region: str) -> PosteriorTable | None:
    """The posterior a plan draws from: ``None`` (fixed parameters), :data:`DEFAULT`, a
    shipped name, a CSV path or a table."""
    if choice is None or isinstance(choice, PosteriorTable):
        return choice
    if choice == DEFAULT:
        table = load_posterior(DEFAULT_POSTERIOR)
        return table if str(region) in table.regions else None
    return load_posterior(choice)


def explicitly_set(scenario: Scenario, path: str) -> bool:
    """Whether the scenario's YAML (or a file it extends) gives the field at ``path``."""
    node: object = scenario
    parts = path.split(".")
    for depth, part in enumerate(parts):
        if isinstance(node, tuple):
            if not part.isdigit() or int(part) >= len(node):
                return False
            node = node[int(part)]
            continue
        fields_set = getattr(node, "model_fields_set", None)
        if fields_set is None or part not in fields_set:
            return False
        if depth == len(parts) - 1:
            return True
        node = getattr(node, part)
    return False


def member_draws(table: PosteriorTable, scenario: Scenario, seeds: tuple[int, ...],
                 fixed: set[str]) -> tuple[tuple[dict, ...], dict]:
    """Each member's drawn parameters and the record of the posterior (for the plan).

    ``scenario`` is the base scenario as read from its file (so its explicit fields are
    known); ``fixed`` the paths the sweep sets or varies.
    """
    kept = [p for p in table.parameters if p in fixed or explicitly_set(scenario, p)]
    drawn = [p for p in table.parameters if p not in kept]
    if not drawn:
        raise InputError(f"the scenario sets every parameter of posterior '{table.name}' "
                         f"({', '.join(kept)}); use --fixed-parameters", field="--posterior")
    record = {"name": table.name, "sha256": table.sha256,
              "drawn": drawn, "kept": kept, "particles": int(len(table.weights))}
    return tuple(table.draw(seed, drawn) for seed in seeds), record
