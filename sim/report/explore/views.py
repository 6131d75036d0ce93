"""The page's live views as data: headline numbers, chart options and the flow map image.

Everything is read from the run's own Dataset (:func:`sim.io.dataset.to_dataset` of the
playing model, a few milliseconds), through the functions the figures use
(``displacement_series``, ``border_open_series``, ``first_full_day``), so the page, the NetCDF
download and the memo show one number.

The time series are ECharts options drawn by the browser (Solara ships ECharts in
``solara-assets``): rendering a matplotlib chart costs about 0.3 s here, which would hold a
2.5 M-person run below 5 simulated days per second. The flow map is the project's own
drawing (:func:`sim.report.plots.flow_map.draw_flow_map`, about 1.5 s), redrawn only every
:data:`MAP_EVERY_DAYS` days.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.indicators import first_full_day
from sim.io.results import Runs
from sim.report.plots import style
from sim.report.plots.border import border_open_series
from sim.report.plots.displacement import IMPACT_LEVELS_PER_DAY, displacement_series
from sim.report.plots.flow_map import draw_flow_map

MAP_EVERY_DAYS = 10
"""The flow map is redrawn on day 1 and then every this many days (and on the last day)."""
MAP_ROADS_DAYS = 7
"""The map's roads show the people who moved over the last this many days."""
MAP_DPI = 72

C = style.OKABE_ITO


@dataclass(frozen=True)
class Headline:
    """Today's numbers, as the page shows them (people unless said otherwise)."""

    day: int                      # days simulated (1 = the first day)
    days: int                     # days in the scenario
    date: str
    displaced_so_far: float       # each person once
    new_today: float
    arrivals_today: float
    in_camps: float
    in_host: float
    in_open: float
    waiting_at_border: float
    crossed_border: float
    peak_daily: float
    peak_date: str
    camps_full: int
    camps: int

    @property
    def when(self) -> str:
        return f"{self.date}: day {self.day} of {self.days}"

    def lines(self) -> list[tuple[str, str]]:
        n = style.people
        return [
            ("Displaced so far", n(self.displaced_so_far)),
            ("Newly displaced today", n(self.new_today)),
            ("Arrivals today", n(self.arrivals_today)),
            ("In camps", n(self.in_camps)),
            ("With host families", n(self.in_host)),
            ("In the open", n(self.in_open)),
            ("Waiting at the border", n(self.waiting_at_border)),
            ("Crossed into Turkey", n(self.crossed_border)),
            ("Peak so far", f"{n(self.peak_daily)}/day on {self.peak_date}"),
            ("Camp clusters full", f"{self.camps_full} of {self.camps}"),
        ]


def headline(runs: Runs, days: int) -> Headline:
    """Today's numbers from the run's Dataset: the same variables and rules as the printed
    summary (:func:`sim.analysis.summary.summarise`), read without its per-camp loops."""
    series = displacement_series(runs)
    today = {v: float(runs.values(v, "time", "location")[0, -1].sum())
             for v in ("in_camp", "in_host", "in_open", "waiting_at_border")}
    daily = series["daily_new"][0]
    peak = int(np.argmax(daily))
    capacity = runs.camp_capacity()
    cap = capacity[0, -1]
    first_full = first_full_day(runs.values("camp_occupancy", "time", "location"), capacity)[0]
    return Headline(
        day=runs.days, days=days, date=runs.date(runs.days - 1),
        displaced_so_far=float(series["cumulative"][0, -1]), new_today=float(daily[-1]),
        arrivals_today=float(series["daily_arrivals"][0, -1]),
        in_camps=today["in_camp"], in_host=today["in_host"], in_open=today["in_open"],
        waiting_at_border=today["waiting_at_border"],
        crossed_border=float(runs.values("crossed_border", "time")[0, -1]),
        peak_daily=float(daily[peak]), peak_date=runs.date(peak),
        camps_full=int(np.isfinite(first_full[cap > 0]).sum()), camps=int((cap > 0).sum()))


def all_dates(runs: Runs, days: int) -> list[str]:
    """Every date of the scenario, so a chart's x axis spans the run while it plays."""
    return [str(d.date()) for d in pd.date_range(runs.dates[0], periods=days, freq="D")]


def _line(name: str, values, colour: str, **extra) -> dict:
    return {"name": name, "type": "line", "showSymbol": False, "color": colour,
            "data": [None if v is None else round(float(v)) for v in values], **extra}


def _on_log_axis(values) -> list:
    """Days with no one are gaps on a log axis, not zeros it cannot draw."""
    return [v if v >= 1 else None for v in values]


def _axis_people(log: bool = False, **extra) -> dict:
    return {"type": "log" if log else "value", "name": "people" + ("/day" if log else ""),
            **({"min": 10} if log else {"min": 0}), **extra}


def displacement_option(runs: Runs, days: int) -> dict:
    """People displaced so far (left) and per day, with the 500 and 1,000 arrivals/day
    impact levels of UNHCR contingency planning (right, log scale)."""
    s = displacement_series(runs)
    x = all_dates(runs, days)
    impact = {"symbol": "none", "silent": True, "lineStyle": {"type": "dashed", "color": "#555"},
              "label": {"formatter": "{c} arrivals/day", "position": "insideEndTop"},
              "data": [{"yAxis": level} for level in IMPACT_LEVELS_PER_DAY]}
    return {
        "title": [{"text": "People displaced so far", "left": "2%", "textStyle": {"fontSize": 13}},
                  {"text": "New displacement and arrivals per day", "left": "52%",
                   "textStyle": {"fontSize": 13}}],
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": [{"left": 75, "right": "54%", "top": 40, "bottom": 60},
                 {"left": "58%", "right": 20, "top": 40, "bottom": 60}],
        "xAxis": [{"type": "category", "data": x, "gridIndex": 0},
                  {"type": "category", "data": x, "gridIndex": 1}],
        "yAxis": [_axis_people(gridIndex=0), _axis_people(log=True, gridIndex=1)],
        "series": [
            _line("displaced so far (each person once)", s["cumulative"][0], C["blue"]),
            _line("newly displaced per day", _on_log_axis(s["daily_new"][0]),
                  C["vermillion"], xAxisIndex=1, yAxisIndex=1, markLine=impact),
            _line("arrivals per day", _on_log_axis(s["daily_arrivals"][0]),
                  C["bluish_green"], xAxisIndex=1, yAxisIndex=1),
        ],
        "animation": False,
    }


def camps_option(runs: Runs) -> dict:
    """Each camp cluster today: people in camp places against its capacity."""
    cap = runs.camp_capacity()[0, -1]                  # today's: the response opens places
    occ = runs.values("camp_occupancy", "time", "location")[0, -1]
    idx = [j for j in np.argsort(-cap) if cap[j] > 0][::-1]
    names = [runs.locations[j] for j in idx]
    return {
        "title": {"text": f"Camp occupancy against capacity, {runs.date(runs.days - 1)}",
                  "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 150, "right": 30, "top": 40, "bottom": 50},
        "xAxis": {"type": "value", "name": "people"},
        "yAxis": {"type": "category", "data": names},
        "series": [
            {"name": "capacity", "type": "bar", "barGap": "-100%", "color": "#d9d9d9",
             "data": [round(float(cap[j])) for j in idx]},
            {"name": "occupancy", "type": "bar", "color": C["blue"],
             "data": [round(float(occ[j])) for j in idx]},
        ],
        "animation": False,
    }


def border_open_option(runs: Runs, days: int) -> dict:
    """People with no shelter: waiting at a crossing, in the open; and who crossed."""
    s = border_open_series(runs)
    return {
        "title": {"text": "People at the border and in the open", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 30, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": all_dates(runs, days)},
        "yAxis": _axis_people(),
        "series": [
            _line("waiting at a crossing", s["waiting_at_border"][0], C["vermillion"]),
            _line("in the open", s["in_open"][0], C["orange"]),
            _line("crossed into Turkey (so far)", s["crossed_border"][0], C["blue"],
                  lineStyle={"type": "dashed"}),
        ],
        "animation": False,
    }


def map_day(day_index: int, days: int) -> int:
    """The day the flow map shows while day ``day_index`` plays: day 1, then every
    :data:`MAP_EVERY_DAYS` days, and the last day."""
    if day_index >= days - 1:
        return days - 1
    if day_index + 1 < MAP_EVERY_DAYS:
        return 0
    return (day_index + 1) // MAP_EVERY_DAYS * MAP_EVERY_DAYS - 1


def flow_map_png(data, day_index: int, dpi: int = MAP_DPI) -> bytes:
    """The project's flow map at ``day_index`` of a run (Dataset or Runs): roads over the
    last week, places and front at that day."""
    window = (max(0, day_index - MAP_ROADS_DAYS + 1), day_index)
    fig, _ = draw_flow_map(data, window, dpi=dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
