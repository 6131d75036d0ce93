"""A scenario's results folder (``results/<scenario name>/``) and the runs already in it.

Runs are filed by the scenario's ``name:``, so a copied scenario that keeps the name, or an
edited one, writes beside runs of another scenario file; :func:`other_scenario_runs` finds
them from the files' ``scenario_file`` and ``scenario_sha256`` attributes, so the CLI can warn
before the run (a folder that mixes scenarios is refused later by ``plot`` and ``memo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.config.scenario import Scenario


@dataclass(frozen=True)
class ForeignRun:
    path: Path
    scenario_file: str
    scenario_sha256: str
    same_file_name: bool        # True: an earlier (or later) version of this very file


def other_scenario_runs(folder: str | Path, scenario: Scenario) -> list[ForeignRun]:
    """Run files directly in ``folder`` whose scenario file or content is not ``scenario``'s."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    out = []
    name = Path(scenario.source_path).name
    for path in sorted(folder.glob("*.nc")):
        attrs = _attributes(path)
        if attrs is None:
            continue
        file, sha = str(attrs.get("scenario_file", "")), str(attrs.get("scenario_sha256", ""))
        same_name = Path(file).name == name
        if sha != scenario.source_sha256 or not same_name:
            out.append(ForeignRun(path, file, sha, same_name))
    return out


def _attributes(path: Path) -> dict | None:
    """The global attributes only (no data is read); None for a file that is not NetCDF."""
    import netCDF4

    try:
        with netCDF4.Dataset(path, "r") as nc:
            return {k: nc.getncattr(k) for k in nc.ncattrs()}
    except OSError:
        return None
