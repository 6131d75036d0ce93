"""The what-if page (``idlib-sim explore``): the model live in the browser, with Mesa's SolaraViz.

- :mod:`~sim.report.explore.controls`: the settings a planner changes and the scenario
  they make (validated through the schema like any YAML file);
- :mod:`~sim.report.explore.session`: the scenarios on offer, the settings, the page's model;
- :mod:`~sim.report.explore.views`: headline numbers, chart options and the flow map;
- :mod:`~sim.report.explore.downloads`: this run as NetCDF, the memo for these settings;
- :mod:`~sim.report.explore.page`: the Solara components around Mesa's ``SolaraViz``;
- :mod:`~sim.report.explore.app`, :mod:`~sim.report.explore.server`: what the server serves
  and how it is started (loopback by default, front-end assets from ``solara-assets``).

Only ``controls``, ``session``, ``views``, ``downloads`` and ``server`` import without the
``explore`` extra (Solara); this ``__init__`` imports nothing.
"""
