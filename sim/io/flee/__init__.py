"""FLEE 3.x case folders in and out: readers, conversion to a region folder, the scenario.

    case = read_input_folder("mali2012/input_csv")          # FleeCase, validated
    obs = read_validation_folder("mali2012/source_data")     # FleeValidation
    imported = import_case("mali2012/input_csv", "regions/mali2012", validation=...)

Modules: :mod:`~sim.io.flee.rows` (FLEE's CSV conventions), :mod:`~sim.io.flee.geography`
(locations, routes), :mod:`~sim.io.flee.schedule` (period, closures, conflicts, corrections),
:mod:`~sim.io.flee.case` (the input folder), :mod:`~sim.io.flee.validation` (observed camp
counts), :mod:`~sim.io.flee.convert` (region folder), :mod:`~sim.io.flee.scenario` (scenario
YAML and the FLEE parameter set), :mod:`~sim.io.flee.importer` (all of it in one call); the
other way, :mod:`~sim.io.flee.export` (a region of ours written as a FLEE case, for
``idlib-sim bench --vs-flee``).
"""

from sim.io.flee.case import FleeCase, read_input_folder
from sim.io.flee.importer import ImportedCase, import_case
from sim.io.flee.validation import CampCounts, load_camp_counts, read_validation_folder

__all__ = ["FleeCase", "read_input_folder", "read_validation_folder", "CampCounts",
           "load_camp_counts", "import_case", "ImportedCase"]
