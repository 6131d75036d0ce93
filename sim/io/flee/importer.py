"""One call from a FLEE folder to a region folder and a scenario that runs it.

``import_case(input_dir, out)`` writes ``out/`` (``locations.csv``, ``roads.csv``,
``groups.csv``, ``sources.md``) and ``out/<case>.yaml`` whose ``region`` is ``../<out name>``,
so the pair can be moved together. With a validation folder the scenario runs in spawning
mode (FLEE's validation setup) and the observed counts are written next to it as
``observed_camps.csv`` (``date,camp,people``, registration corrections applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import InputError
from sim.io.flee.case import FleeCase, read_input_folder
from sim.io.flee.convert import Region, write_region
from sim.io.flee.scenario import build_scenario, write_scenario
from sim.io.flee.validation import (
    CampCounts,
    camp_counts,
    corrected,
    read_validation_folder,
    write_tidy,
)

OBSERVED_FILE = "observed_camps.csv"


@dataclass
class ImportedCase:
    case: FleeCase
    region: Region
    scenario_path: Path
    scenario: dict
    counts: CampCounts | None = None
    observed_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def import_case(input_dir: str | Path, out: str | Path, *, validation: str | Path | None = None,
                spawning: bool = True, seed: int = 0, days: int | None = None,
                from_total_file: bool = False) -> ImportedCase:
    """Read a FLEE case (and its validation folder), write the region folder and scenario."""
    case = read_input_folder(input_dir)
    counts = None
    if validation is not None:   # read before writing anything: a bad folder writes nothing
        v = corrected(read_validation_folder(validation), case.corrections)
        counts = camp_counts(v, case.period.start_date, days or case.period.days)
        if from_total_file and counts.total_people is None:
            raise InputError("the validation folder has no 'total' row in data_layout.csv; "
                             "drop --total-from-file or add total,<file>", where=str(validation))
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder; give a folder for the region",
                         field="--out")
    region = write_region(case, out)
    scenario, notes = build_scenario(case, region, f"../{out.resolve().name}", counts=counts,
                                     spawning=spawning, seed=seed, days=days,
                                     from_total_file=from_total_file)
    notes = region.notes + notes
    path = write_scenario(scenario, out / f"{case.name}.yaml", notes)
    observed = write_tidy(counts, out / OBSERVED_FILE) if counts is not None else None
    return ImportedCase(case, region, path, scenario, counts, observed, notes)
