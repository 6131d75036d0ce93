"""The module the Solara server serves (``SOLARA_APP``): one what-if page per browser tab.

:func:`sim.report.explore.server.serve` names the scenario and the output folder in the
environment of the server process it starts; each new page reads them here.
"""

from __future__ import annotations

import os

import solara

from sim.report.explore.page import WhatIfPage
from sim.report.explore.server import OUT_ENV, SCENARIO_ENV

DEFAULT_SCENARIO = "scenarios/idlib_full_assault.yaml"


@solara.component
def Page():
    WhatIfPage(os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO), os.environ.get(OUT_ENV, "results"))
