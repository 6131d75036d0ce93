"""Printed run summary (rich tables): the planning figures a user sees after ``idlib-sim run``."""

from __future__ import annotations

import xarray as xr
from rich.console import Console
from rich.table import Table

from sim.analysis.summary import summarise


def _n(x: float) -> str:
    return f"{x:,.0f}"


def print_summary(ds: xr.Dataset, console: Console | None = None) -> None:
    console = console or Console()
    s = summarise(ds)
    path = ds.attrs.get("output_path")
    console.print(f"[bold]{s.scenario}[/bold]  seed {s.seed}, {s.days} days, "
                  f"{s.total_people:,} people (single run, no uncertainty band)")
    if path:
        console.print(f"written: {path}")
    t = Table(title="Planning figures", show_header=True)
    t.add_column("measure")
    t.add_column("people", justify="right")
    t.add_row("total displaced (each person once)", _n(s.total_displaced))
    for d, v in s.displaced_by_day.items():
        t.add_row(f"  displaced by day {d}", _n(v))
    t.add_row(f"peak daily new displacement ({s.peak_date})", _n(s.peak_daily_new_displaced))
    t.add_row("displaced at the end: in camps", _n(s.in_camps))
    t.add_row("  with host families / rented", _n(s.in_host))
    t.add_row("  in the open (no capacity left)", _n(s.in_open))
    t.add_row("  waiting at the border", _n(s.waiting_at_border))
    t.add_row("peak waiting at the border", _n(s.peak_waiting_at_border))
    t.add_row("crossed into Turkey", _n(s.crossed_border))
    t.add_row("women and children among the displaced", f"{s.women_and_children_share:.0%}")
    console.print(t)
    a = Table(title="Arrivals by destination (whole run)")
    a.add_column("destination")
    a.add_column("arrivals", justify="right")
    for name, v in s.arrivals_by_destination:
        a.add_row(name, _n(v))
    console.print(a)
    c = Table(title="Camps against capacity")
    for col in ("camp cluster", "capacity", "peak occupancy", "full since", "in the open now"):
        c.add_column(col, justify="left" if col == "camp cluster" else "right")
    for camp in s.camps:
        c.add_row(camp.name, _n(camp.capacity_people), _n(camp.peak_occupancy_people),
                  camp.full_since or "-", _n(camp.overflow_people))
    console.print(c)
