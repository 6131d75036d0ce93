"""The scenarios and sweeps in a folder (``scenarios/`` as shipped), each read and validated,
for ``idlib-sim scenarios`` and ``idlib-sim new``: what there is to run, under which name.

A file that fails validation is listed with its one-line problem instead of hiding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sim.config.loading import friendly_error, read_scenario, read_yaml
from sim.errors import InputError

SHIPPED = Path("scenarios")
"""The repository's folder of scenarios (``sweeps/`` inside it), relative to the working folder."""


@dataclass(frozen=True)
class Entry:
    path: Path
    kind: str                 # "scenario" or "sweep"
    name: str
    title: str                # a scenario's title, a sweep's description
    detail: str               # "180 days from 2018-09-10, 2,500,000 people" / "32 members of ..."
    problem: str = ""         # the validation error, for a file that does not validate


def catalogue(folder: str | Path = SHIPPED) -> list[Entry]:
    """Every ``*.yaml`` scenario of ``folder`` and sweep of ``folder/sweeps``, by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder; run from the repository root (it has scenarios/) or "
                         "give the folder of your scenarios", where=str(folder))
    entries = [_scenario(p) for p in _yaml_files(folder)]
    entries += [_sweep(p) for p in _yaml_files(folder / "sweeps")]
    return entries


def find_scenario(name_or_path: str, folder: str | Path = SHIPPED) -> Path:
    """A scenario file given by path, or by the name of a scenario in ``folder``."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in name_or_path:
        return path
    for candidate in (Path(folder) / f"{name_or_path}.yaml", Path(folder) / f"{name_or_path}.yml"):
        if candidate.is_file():
            return candidate
    for entry in (catalogue(folder) if Path(folder).is_dir() else []):
        if entry.kind == "scenario" and entry.name == name_or_path:
            return entry.path
    return path                 # read_scenario then says it is not found


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _scenario(path: Path) -> Entry:
    try:
        sc = read_scenario(path)
    except InputError as exc:
        return Entry(path, "scenario", path.stem, "", "", problem=_problem(exc))
    detail = (f"{sc.days} days from {sc.start_date}, {sc.population.total_people:,} people"
              + ("" if sc.region == "idlib" else f", region {Path(sc.region).name}"))
    return Entry(path, "scenario", sc.name, sc.title or sc.description.strip(), detail)


def _sweep(path: Path) -> Entry:
    from sim.config.sweep import SweepSpec

    raw = None
    try:
        raw = read_yaml(path)
        spec = SweepSpec.model_validate(raw)
    except InputError as exc:
        return Entry(path, "sweep", path.stem, "", "", problem=_problem(exc))
    except ValidationError as exc:
        name = raw.get("name", path.stem) if isinstance(raw, dict) else path.stem
        return Entry(path, "sweep", str(name), "", "",
                     problem=_problem(friendly_error(exc, str(path), SweepSpec)))
    varied = f", {len(spec.parameters)} parameters ({spec.sampler.kind})" if spec.parameters else ""
    detail = f"{spec.members} member{'s' if spec.members > 1 else ''} of {Path(spec.base).name}{varied}"
    return Entry(path, "sweep", spec.name, spec.description.strip(), detail)


def _problem(exc: InputError) -> str:
    """The error without the file name (the listing shows it): ``days: must be >= 1 ...``."""
    return f"{exc.field}: {exc.message}" if exc.field else exc.message
