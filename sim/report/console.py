"""Printed run summary (rich tables): the planning figures a user sees after ``idlib-sim run``.

The numbers are :func:`sim.analysis.summary.summarise`'s (one indicator call each); this module
only lays them out. An ensemble prints its medians over runs and says so.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from sim.analysis.summary import summarise
from sim.io.results import as_runs


def _n(x: float) -> str:
    return f"{x:,.0f}"


def print_summary(data, console: Console | None = None) -> None:
    """Print the planning figures of a run dataset (or an ensemble's medians)."""
    console = console or Console()
    runs = as_runs(data)
    s = summarise(runs)
    path = runs.ds.attrs.get("output_path")
    who = f"seed {s.seed}" if s.runs == 1 else f"{runs.seeds_phrase()}, {s.runs} runs"
    how = "single run, no uncertainty band" if s.runs == 1 else "medians over runs"
    console.print(f"[bold]{s.scenario}[/bold]  {who}, {s.days} days, "
                  f"{s.total_people:,} people ({how})")
    if path:
        console.print(f"written: {path}")
    t = Table(title="Planning figures", show_header=True)
    t.add_column("measure")
    t.add_column("people", justify="right")
    t.add_row("total displaced (each person once)", _n(s.total_displaced))
    for d, v in s.displaced_by_day.items():
        t.add_row(f"  displaced by day {d}", _n(v))
    t.add_row(f"peak daily new displacement ({s.peak_date})", _n(s.peak_daily_new_displaced))
    t.add_row("women and children among the displaced", f"{s.women_and_children_share:.0%}")
    t.add_row("peak waiting at the border", _n(s.peak_waiting_at_border))
    transit = _n(s.in_transit) if s.in_transit_on_road != s.in_transit_on_road else \
        f"{_n(s.in_transit)} ({_n(s.in_transit_on_road)} on a road, {_n(s.in_transit_queued)} queued)"
    t.add_row("in transit at the end", transit)
    t.add_row("went back home", _n(s.returned_home))
    t.add_row("camp places opened by the response", _n(s.camp_places_opened))
    t.add_row("movements / arrivals per displaced person",
              f"{s.movements_per_displaced:.2f} / {s.arrivals_per_displaced:.2f}")
    t.add_row("days on the move (median / P90 of journeys)",
              f"{s.journey_days_median:.0f} / {s.journey_days_p90:.0f}")
    console.print(t)
    w = Table(title=f"Where the {_n(s.total_displaced)} displaced are at the end ({s.days} days)")
    w.add_column("where")
    w.add_column("people", justify="right")
    w.add_column("share", justify="right")
    for label, people in s.whereabouts.items():
        share = people / s.total_displaced if s.total_displaced else 0.0
        w.add_row(label, _n(people), f"{share:.0%}")
    w.add_row("[bold]total displaced[/bold]", f"[bold]{_n(s.total_displaced)}[/bold]", "100%")
    console.print(w)
    if s.runs > 1:
        console.print("Each row is its own median over runs: in every run the rows add up to "
                      "its total, the medians need not.")
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
    console.print(s.capacity_note)
