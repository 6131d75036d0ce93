"""The what-if page: Mesa's ``SolaraViz`` around the displacement model, with its controls.

Mesa's ``SolaraViz`` gives the page its frame: play / step / reset (``ModelController``),
the play and render intervals, the seed (a Mesa user input) and the grid of live views,
each a function of the model that Mesa redraws as the model steps. The settings that
depend on the chosen scenario (its crossings and axes of advance) are the
:func:`ControlsPanel` in the same sidebar: Mesa's model parameters are fixed when the page
opens, but a scenario's axes are not. Mesa's *Reset* builds a new
:class:`~sim.report.explore.session.WhatIfModel` from whatever the panel says then.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import solara
import solara.lab
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update

from sim.errors import InputError
from sim.report.explore import downloads, views
from sim.report.explore.controls import STATUSES, Controls
from sim.report.explore.live import MapMaker, Snapshot, worker_pool
from sim.report.explore.session import PageSettings, WhatIfModel

MAX_PEOPLE = 5_000_000
"""Largest population the page accepts: about 0.5 GB of model state at 2.5 M people."""
PLAY_INTERVAL_MS = 20
"""Mesa's pause between two plays of ``RENDER_INTERVAL_DAYS`` days: room for the server to
send the page its updates (with none the page falls behind the run)."""
RENDER_INTERVAL_DAYS = 2
"""Days between redraws while playing (Mesa's "Render Interval", which Step also advances):
redrawing the views costs about as much as a simulated day, so every day would hold a
2.5 M-person run below 5 days per second on two cores."""


# --------------------------------------------------------------------------- controls


def _short(crossing: str) -> str:
    return crossing.removesuffix(" crossing")


@solara.component
def ControlsPanel(settings: PageSettings):
    """The settings of the next run, per scenario; refused values show the schema's message."""
    choice, set_choice = solara.use_state(settings.choice)
    controls, set_controls = solara.use_state(settings.controls)
    error, set_error = solara.use_state(None)
    days = settings.base.days

    def change(edit):
        try:
            new = edit(settings.controls)
            if new.total_people > MAX_PEOPLE:
                raise InputError(f"at most {MAX_PEOPLE:,} people on the page; give fewer",
                                 where="explore page", field="population.total_people")
            settings.apply(new)
        except InputError as exc:
            set_error(str(exc))
            return
        set_error(None)
        set_controls(settings.controls)

    def pick(name):
        settings.choose(name)
        set_choice(name)
        set_controls(settings.controls)
        set_error(None)

    with solara.Card("What-if settings"):
        solara.Select("Scenario", values=settings.names, value=choice, on_value=pick)
        solara.Text("Settings apply to the next run: press Reset to start it.")
        if error:
            solara.Error(error)
        with solara.Row():
            solara.Button("Scenario's own values", text=True,
                          on_click=lambda: change(lambda _: settings.defaults))
    with solara.Card("Border crossings"):
        for p in controls.crossings:
            _crossing_controls(p, days, change)
    with solara.Card("Offensive"):
        for a in controls.axes:
            _slider(f"{a.axis}: speed x{a.speed_multiplier:g}", a.speed_multiplier, 0.1, 3.0, 0.05,
                    lambda v, n=a.axis: change(lambda c: c.with_axis(n, speed_multiplier=round(v, 2))))
            _slider(f"{a.axis}: starts on day {a.start_day}", a.start_day, 0, days - 1, 1,
                    lambda v, n=a.axis: change(lambda c: c.with_axis(n, start_day=int(v))))
        if not controls.axes:
            solara.Text("This scenario has no axes of advance.")
        solara.Checkbox(label="Ceasefire", value=controls.ceasefire_day is not None,
                        on_value=lambda on: change(lambda c: replace(
                            c, ceasefire_day=(min(120, days - 1) if on else None))))
        if controls.ceasefire_day is not None:
            _slider(f"Ceasefire on day {controls.ceasefire_day}", controls.ceasefire_day, 0,
                    days - 1, 1, lambda v: change(lambda c: replace(c, ceasefire_day=int(v))))
    with solara.Card("Capacity and behaviour"):
        _slider(f"Camp capacity: x{controls.camp_capacity_scale:g} the shipped 2019 places",
                controls.camp_capacity_scale, 0.0, 8.0, 0.04,
                lambda v: change(lambda c: replace(c, camp_capacity_scale=round(v, 2))))
        _slider(f"Camp response: places open each day for {controls.response_share_per_day:.0%} "
                "of the people in the open near a site", controls.response_share_per_day,
                0.0, 1.0, 0.01,
                lambda v: change(lambda c: replace(c, response_share_per_day=round(v, 2))))
        _slider(f"Flee propensity: {controls.flee_propensity:g} per day per unit of danger",
                controls.flee_propensity, 0.0, 20.0, 0.1,
                lambda v: change(lambda c: replace(c, flee_propensity=round(v, 2))))
        _slider(f"Danger tolerance: {controls.danger_tolerance:g}", controls.danger_tolerance,
                0.0, 1.0, 0.01, lambda v: change(lambda c: replace(c, danger_tolerance=round(v, 2))))
        solara.InputInt("Total population (people)", value=controls.total_people,
                        continuous_update=False, on_value=lambda v: change(
                            lambda c: replace(c, total_people=int(v))))


def _slider(caption: str, value, low, high, step, on_value) -> None:
    """A slider under its caption (the caption carries the value and its unit)."""
    whole = all(isinstance(x, int) for x in (value, low, high, step))
    with solara.Column(gap="0px"):
        solara.Text(caption, style={"font-size": "0.85em"})
        (solara.SliderInt if whole else solara.SliderFloat)(
            "", value=value, min=low, max=high, step=step, on_value=on_value)


def _crossing_controls(p, days: int, change) -> None:
    name = _short(p.crossing)
    solara.Select(f"{name}: policy", values=list(STATUSES), value=p.status,
                  on_value=lambda v: change(lambda c: c.with_crossing(p.crossing, status=v)))
    if p.status == "quota":
        solara.InputInt(f"{name}: quota (people/day)", value=p.quota_people_per_day,
                        continuous_update=False, on_value=lambda v: change(
                            lambda c: c.with_crossing(p.crossing, quota_people_per_day=int(v))))
    if p.status != "closed" or p.from_day > 0:
        _slider(f"{name}: {p.status} from day {p.from_day}", p.from_day, 0, days - 1, 1,
                lambda v: change(lambda c: c.with_crossing(p.crossing, from_day=int(v))))


# --------------------------------------------------------------------------- live views


def make_views(snapshot: Snapshot, maps: MapMaker, out_dir: Path) -> list:
    """The live views, as Mesa components (functions of the model, redrawn as it steps)."""

    def headline_view(model):
        runs = snapshot.of(model)
        with solara.Column(gap="4px", style={"font-size": "0.9em"}):
            solara.Text(model.config.title, style={"font-weight": "bold", "font-size": "1.1em"})
            if runs is None:
                solara.Text(f"{model.config.start_date}: day 0 of {model.config.days}",
                            classes=["whatif-date"])
                solara.Text("Press the play button to run, or Step.")
            else:
                now = views.headline(runs, model.config.days)
                solara.Text(now.when, classes=["whatif-date"])
                solara.HTML(tag="table", unsafe_innerHTML=_table(now.lines()),
                            style={"width": "100%"}, classes=["whatif-headline"])
            solara.Text(model.config.description, style={"font-size": "0.85em"})
            RunButtons(model, out_dir, day=model.day)

    def map_view(model):
        runs = snapshot.of(model)
        if runs is None:
            solara.Text("The flow map appears after the first day.")
            return
        day_index = views.map_day(runs.days - 1, model.config.days)
        shown = maps.request((id(model), day_index), runs.ds, day_index, on_ready=force_update)
        if shown is None:
            solara.Text("Drawing the flow map...")
            return
        solara.Text(f"Flow map, day {shown[0] + 1} (redrawn every {views.MAP_EVERY_DAYS} days)",
                    style={"font-size": "0.85em"})
        solara.Image(shown[1], width="100%")

    def chart(option_of, height: int):
        def view(model):
            runs = snapshot.of(model)
            if runs is None:
                solara.Text("Charts appear after the first day.")
                return
            solara.FigureEcharts(option=option_of(runs, model.config.days),
                                 attributes={"style": f"height: {height}px; width: 100%"},
                                 responsive=True)
        return view

    return [(headline_view, 0), (map_view, 0),
            (chart(views.displacement_option, 330), 0),
            (chart(lambda runs, days: views.camps_option(runs), 330), 0),
            (chart(views.border_open_option, 330), 0)]


def _table(rows: list[tuple[str, str]]) -> str:
    """Label/value pairs as an HTML table, two pairs a row (Solara's Markdown would fetch
    KaTeX from the internet)."""
    cells = [f"<td>{html.escape(k)}</td><td style='text-align:right;padding-right:12px'>"
             f"<b>{html.escape(v)}</b></td>" for k, v in rows]
    return "".join(f"<tr>{''.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))


@solara.component
def RunButtons(model, out_dir: Path, day: int):
    """Download this run (NetCDF) and write the planning memo for these settings."""
    memo = solara.lab.use_task(lambda: _write_memo(model, out_dir), dependencies=None,
                               raise_error=False)
    with solara.Row():
        if day >= 0:
            solara.FileDownload(lambda: downloads.netcdf_bytes(model),
                                filename=downloads.netcdf_name(model),
                                label="Download this run (NetCDF)")
        solara.Button("Write the planning memo", on_click=memo, disabled=memo.pending)
    if memo.pending:
        solara.Text("Writing the memo: running these settings to the end and drawing the figures...")
    elif memo.finished and memo.value is not None:
        folder = memo.value
        solara.Text(f"Memo written: {folder / 'memo.pdf'}")
        solara.FileDownload(lambda: (folder / "memo.pdf").read_bytes(), filename="memo.pdf",
                            label="Download the memo (PDF)", mime_type="application/pdf")
    elif memo.error:
        solara.Error(f"The memo could not be written: {memo.exception}")


def _write_memo(model, out_dir: Path) -> Path:
    """In a worker process of its own: a full run and some 30 figures would otherwise take
    the interpreter from the run playing on the page for a minute."""
    with worker_pool() as pool:
        return pool.submit(downloads.write_memo, model.config, model.seed, out_dir).result()


# --------------------------------------------------------------------------- the page


@solara.component
def WhatIfPage(scenario: str | Path, out_dir: str | Path = "results"):
    from sim.report.explore.session import scenarios_beside

    settings = solara.use_memo(lambda: PageSettings(scenarios_beside(scenario)), [])
    model = solara.use_memo(lambda: WhatIfModel(settings), [])
    snapshot = solara.use_memo(Snapshot, [])
    maps = solara.use_memo(MapMaker, [])
    solara.use_effect(lambda: maps.close, [])        # the map's worker process ends with the page
    components = solara.use_memo(lambda: make_views(snapshot, maps, Path(out_dir)), [])
    SolaraViz(
        model, components=components, name="idlib-sim: what-if page",
        model_params={"settings": settings,
                      "seed": {"type": "SliderInt", "label": "Seed", "value": settings.controls.seed,
                               "min": 0, "max": 99, "step": 1}},
        play_interval=PLAY_INTERVAL_MS, render_interval=RENDER_INTERVAL_DAYS,
    )
    SettingsSidebar(settings)       # after Mesa's controls (play / step / reset)


@solara.component
def SettingsSidebar(settings: PageSettings):
    _SettingsSidebar(settings)


@solara.component
def _SettingsSidebar(settings: PageSettings):
    # Solara orders the sidebar by nesting depth: one level deeper than Mesa's own cards
    # puts the settings below play / step / reset.
    with solara.Sidebar():
        ControlsPanel(settings)


__all__ = ["ControlsPanel", "Controls", "WhatIfPage", "make_views"]
