"""The planning indicators (sim/analysis/indicators.py, sim/analysis/destinations.py): each
on a hand-made dataset whose answer is known, one run and several; and the console summary,
the memo's CSV files and the figure tables showing the same numbers for the same runs."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import TINY, make_scenario
from rich.console import Console
from test_baselines import SCENARIOS, SEED, reduced

import sim
from sim.analysis import indicators as ind
from sim.analysis import journeys
from sim.analysis.destinations import (
    arrivals_by_destination,
    camps_against_capacity,
    capacity_by_destination,
    capacity_note,
    destination_groups,
    od_matrix,
)
from sim.analysis.needs import needs_table
from sim.analysis.summary import summarise
from sim.config.scenario import CapacityConfig
from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.io.results import Runs
from sim.report.console import print_summary
from sim.report.memo import write_memo
from sim.world.geography import load_geography

# --------------------------------------------------------------------------- a hand-made run

PLACES = ["Town", "Camp", "Host", "Gate", "Outside"]
KIND = ["town", "camp", "town", "crossing", "external"]
SUBDISTRICT = ["South", "North", "North", "North", "Outside"]
ORIGINS = ["South", "North"]
GROUPS = ["children", "adult_women", "adult_men", "elderly"]
DIMS = {"camp_capacity": ("location",), "host_capacity": ("location",),
        "road_flow": ("time", "road"), "cumulative_displaced": ("time",),
        "crossed_border": ("time",), "displaced_by_group": ("time", "group"),
        "displaced_by_origin": ("time", "origin", "location")}
PER_PLACE = ("residents_present", "displaced_present", "in_camp", "in_host", "in_open",
             "waiting_at_border", "in_transit", "arrivals", "departures", "camp_occupancy",
             "camp_overflow", "danger", "government_control")


def at(**series) -> np.ndarray:
    """[time, location]: zero except the named places' daily series."""
    days = len(next(iter(series.values())))
    out = np.zeros((days, len(PLACES)))
    for name, values in series.items():
        out[:, PLACES.index(name)] = values
    return out


def one_run(seed: int = 1, **values) -> xr.Dataset:
    """A 5-day results dataset (2020-01-01 to 2020-01-05): zeros except ``values``.

    Default: 18 people displaced (5, 10 and 3 on days 2-4), 10 of them in the camp of 10
    places (full on day index 3), 3 with hosts, 2 waiting at the gate at the end; 9 of 15
    in the area are women or children."""
    days = 5
    base = {
        "cumulative_displaced": [0, 5, 15, 18, 18],
        "arrivals": at(Camp=[0, 2, 4, 4, 0], Host=[0, 0, 3, 0, 0], Gate=[0, 0, 0, 1, 1]),
        "in_camp": at(Camp=[0, 2, 6, 10, 10]),
        "camp_occupancy": at(Camp=[0, 2, 6, 10, 10]),
        "in_host": at(Host=[0, 0, 3, 3, 3]),
        "in_open": at(Camp=[0, 0, 0, 0, 1], Town=[0, 0, 0, 1, 1]),
        "camp_overflow": at(Camp=[0, 0, 0, 0, 1]),
        "waiting_at_border": at(Gate=[0, 0, 0, 1, 2]),
        "in_transit": at(Town=[0, 3, 6, 4, 1]),
        "crossed_border": [0, 0, 0, 0, 1],
        "camp_capacity": [0, 10, 0, 0, 0],
        "host_capacity": [0, 0, 3, 0, 0],
        "displaced_by_group": np.tile([6, 3, 4, 2], (days, 1)),
    }
    base.update(values)
    origin = np.zeros((days, len(ORIGINS), len(PLACES)))
    origin[-1, 0, PLACES.index("Camp")] = 8
    origin[-1, 0, PLACES.index("Host")] = 2
    origin[-1, 1, PLACES.index("Camp")] = 1
    origin[-1, 1, PLACES.index("Outside")] = 4
    base.setdefault("displaced_by_origin", origin)
    sizes = {"time": days, "location": len(PLACES), "road": 1, "origin": len(ORIGINS),
             "group": len(GROUPS)}
    data = {}
    for name in (*PER_PLACE, *DIMS):
        dims = DIMS.get(name, ("time", "location"))
        shape = tuple(sizes[d] for d in dims)
        data[name] = (dims, np.broadcast_to(np.asarray(base.get(name, 0.0), float), shape).copy())
    coords = {"time": pd.date_range("2020-01-01", periods=days), "location": PLACES,
              "lat": ("location", np.linspace(35, 36.5, 5)), "lon": ("location", np.ones(5) * 36.6),
              "kind": ("location", KIND), "location_subdistrict_name": ("location", SUBDISTRICT),
              "road_from": ("road", ["Town"]), "road_to": ("road", ["Camp"]),
              "origin": ORIGINS, "group": GROUPS}
    attrs = {"scenario_name": "hand-made", "scenario_sha256": "0" * 64, "product_version": "test",
             "scenario_json": json.dumps({"name": "hand-made"}), "seed": seed,
             "initial_people": 40, "households": 8}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def ensemble(*members: xr.Dataset) -> xr.Dataset:
    seeds = [int(m.attrs["seed"]) for m in members]
    return xr.concat(members, dim="run").assign_coords(seed=("run", seeds))


@pytest.fixture(scope="module")
def run():
    return Runs(one_run())


@pytest.fixture(scope="module")
def three():
    """Three runs: displaced and arrivals x1, x2, x3; the camp fills on day index 3 in the
    first, never in the second (twice the places), on day index 1 in the third."""
    a = one_run(1)
    b = one_run(2, cumulative_displaced=[0, 10, 30, 36, 36], camp_capacity=[0, 20, 0, 0, 0],
                arrivals=2 * a["arrivals"].values)
    c = one_run(3, cumulative_displaced=[0, 15, 45, 54, 54], camp_occupancy=at(Camp=[0, 10, 10, 10, 10]),
                arrivals=3 * a["arrivals"].values)
    return Runs(ensemble(a, b, c))


# --------------------------------------------------------------------------- bands, checkpoints


def test_a_band_of_one_run_is_its_value_three_times():
    b = ind.Band.of(np.array([7.0]))
    assert (b.p50, b.p10, b.p90) == (7.0, 7.0, 7.0)


def test_a_band_of_runs_is_the_median_and_interpolated_p10_p90():
    values = np.array([10.0, 30.0, 20.0, 40.0, 0.0])
    b = ind.Band.of(values)
    assert b.p50 == 20.0
    assert b.p10 == pytest.approx(4.0) and b.p90 == pytest.approx(36.0)
    assert np.array_equal(b.per_run, values)


def test_a_day_band_is_a_day_some_run_had_and_keeps_never():
    b = ind.Band.of_days(np.array([3.0, np.inf, 1.0]))
    assert (b.p10, b.p50, b.p90) == (1.0, 3.0, np.inf)
    assert ind.Band.of_days(np.array([2.0, 5.0])).p50 in (2.0, 5.0)


def test_checkpoints_within_the_run_and_its_end(run):
    points = ind.checkpoints(run)
    assert [(c.label, c.day, c.index, c.date) for c in points] == [
        ("72 hours", 3, 2, "2020-01-03"), (ind.END_OF_RUN, 5, 4, "2020-01-05")]
    assert [c.is_end for c in points] == [False, True]
    custom = ind.checkpoints(run, ((1, "first day"), (9, "too late")))
    assert [c.label for c in custom] == ["first day", ind.END_OF_RUN]
    long = Runs(xr.Dataset(coords={"time": pd.date_range("2020-01-01", periods=100)}))
    assert [(c.day, c.date) for c in ind.checkpoints(long)] == [
        (3, "2020-01-03"), (14, "2020-01-14"), (30, "2020-01-30"), (90, "2020-03-30"),
        (100, "2020-04-09")]


# --------------------------------------------------------------------------- displacement


def test_displaced_by_a_day_is_the_end_of_that_day(run):
    assert ind.displaced_by(run, 1).p50 == 0
    assert ind.displaced_by(run, 3).p50 == 15
    assert ind.displaced_by(run, 5).p50 == 18


def test_peak_of_new_displacement(run):
    assert list(ind.new_displaced_per_day(run)[0]) == [0, 5, 10, 3, 0]
    assert ind.peak_displacement_day(run).p50 == 2
    assert ind.peak_daily_new_displaced(run).p50 == 10


def test_peak_day_is_the_first_on_a_tie():
    series = np.array([[1.0, 4.0, 4.0, 2.0]])
    assert ind.peak_day(series).p50 == 1
    assert ind.peak(series).p50 == 4


def test_days_at_or_above_an_arrivals_level(run):
    assert list(ind.arrivals_per_day(run)[0]) == [0, 2, 7, 5, 1]
    assert ind.days_at_or_above(ind.arrivals_per_day(run), 5).p50 == 2
    assert ind.days_at_or_above(ind.arrivals_per_day(run), 8).p50 == 0


def test_displacement_over_an_ensemble(three):
    assert ind.displaced_by(three, 3).p50 == 30
    assert ind.displaced_by(three, 3).p10 == pytest.approx(np.percentile([15, 30, 45], 10))
    assert list(ind.peak_daily_new_displaced(three).per_run) == [10, 20, 30]


# --------------------------------------------------------------------------- where people are


def test_people_in_each_place_and_together(run):
    end = run.days - 1
    assert ind.people_in(run, "camp", end).p50 == 10
    assert ind.people_in(run, "host", end).p50 == 3
    assert ind.people_in(run, "open", end).p50 == 2          # at the camp and in town
    assert ind.people_in(run, "border", end).p50 == 2
    assert ind.people_in(run, "transit", end).p50 == 1
    assert ind.people_in(run, ("open", "border"), 3).p50 == 2
    assert ind.displaced_in_area(run, end).p50 == 10 + 3 + 2 + 2 + 1
    assert ind.crossed_into_turkey(run, end).p50 == 1
    assert ind.crossed_into_turkey(run, 2).p50 == 0


def test_whereabouts_account_for_everyone_and_show_the_remainder(run):
    rows = ind.whereabouts(run, run.days - 1)
    assert [k for k, _ in ind.WHEREABOUTS] == list(rows)
    got = {k: v.p50 for k, v in rows.items()}
    assert got == {"returned": 0, "camp": 10, "host": 3, "open": 2, "border": 2, "transit": 1,
                   "crossed": 1, "unaccounted": -1}     # 19 placed, 18 displaced: shown, not hidden
    fixed = Runs(one_run(cumulative_displaced=[0, 5, 15, 18, 19]))
    series = ind.whereabouts_series(fixed)
    assert series["unaccounted"][0, -1] == 0
    assert np.array_equal(sum(series.values()), ind.cumulative_displaced(fixed))   # every day


def test_returned_home_is_read_when_the_results_have_it():
    ds = one_run(cumulative_displaced=[0, 5, 15, 18, 22])
    assert ind.whereabouts(Runs(ds), 4)["unaccounted"].p50 == 3
    per_place = ds.assign(returned_home=(("time", "location"), at(Town=[0, 0, 0, 1, 3])))
    rows = ind.whereabouts(Runs(per_place), 4)
    assert (rows["returned"].p50, rows["unaccounted"].p50) == (3, 0)
    total = ds.assign(returned_home=("time", [0, 0, 0, 1, 3]))
    assert ind.whereabouts(Runs(total), 4)["returned"].p50 == 3


def test_whereabouts_add_up_in_every_run_of_an_ensemble(three):
    series = ind.whereabouts_series(three)
    assert np.array_equal(sum(series.values()), ind.cumulative_displaced(three))
    assert list(series["unaccounted"][:, -1]) == [-1, 17, 35]   # 19 placed in each run


def test_initial_people_of_a_run_an_ensemble_file_and_an_old_file(three):
    assert ind.initial_people(Runs(one_run())).p50 == 40
    combined = three.ds.copy()
    combined.attrs = {k: v for k, v in combined.attrs.items() if k != "initial_people"}
    combined = combined.assign_coords(initial_people=("run", [40, 40, 46]))
    people = ind.initial_people(Runs(combined))
    assert (people.p50, people.p10 < people.p90) == (40, True)
    old = one_run().assign(people_total=("time", [33.0] * 5))
    del old.attrs["initial_people"]
    assert ind.initial_people(Runs(old)).p50 == 33


def test_border_and_open_series(run):
    s = ind.border_open_series(run)
    assert list(s["waiting_at_border"][0]) == [0, 0, 0, 1, 2]
    assert list(s["in_open"][0]) == [0, 0, 0, 1, 2]
    assert list(s["in_open_at_camps"][0]) == [0, 0, 0, 0, 1]
    assert list(s["crossed_border"][0]) == [0, 0, 0, 0, 1]
    assert ind.peak_waiting_at_border(run).p50 == 2


def test_women_and_children_share(run):
    assert ind.women_and_children_share(run).p50 == pytest.approx(9 / 15)
    nobody = Runs(one_run(displaced_by_group=np.zeros((5, 4))))
    assert np.isnan(ind.women_and_children_share(nobody).p50)


# --------------------------------------------------------------------------- camps and places


def test_first_full_day_at_the_full_share():
    occ = np.array([[[0.0, 5.0], [9.9, 5.0], [10.0, 5.0]]])          # [run, time, place]
    assert list(ind.first_full_day(occ, np.array([10.0, 0.0]))[0]) == [1, np.inf]
    assert list(ind.first_full_day(occ, np.array([10.2, 5.0]))[0]) == [np.inf, 0]
    per_run = ind.first_full_day(np.concatenate([occ, occ]), np.array([[10.0, 5.0], [11.0, 6.0]]))
    assert per_run.tolist() == [[1, 0], [np.inf, np.inf]]              # each run its own capacity


def test_camps_against_capacity_one_run(run):
    t = camps_against_capacity(run).set_index("camp")
    assert list(t.index) == ["Camp"]
    row = t.loc["Camp"]
    assert (row.capacity, row.peak_occupancy_p50, row.full_day_p50) == (10, 10, 3)
    assert row.full_date_p50 == "2020-01-04" and row.share_of_runs_full == 1
    assert row.in_open_at_end_p50 == 1
    short = Runs(one_run(camp_capacity=[0, 10.2, 0, 0, 0]))       # 10 < 99 % of 10.2
    row = camps_against_capacity(short).iloc[0]
    assert row.full_day_p50 == np.inf and row.full_date_p50 == "" and row.share_of_runs_full == 0


def test_camps_against_capacity_over_runs(three):
    row = camps_against_capacity(three).set_index("camp").loc["Camp"]
    assert (row.full_day_p10, row.full_day_p50, row.full_day_p90) == (1, 3, np.inf)
    assert row.share_of_runs_full == pytest.approx(2 / 3)


def test_arrivals_by_destination_largest_first_and_stable_on_ties():
    tie = one_run(arrivals=at(Camp=[0, 0, 3, 0, 0], Host=[0, 0, 3, 0, 0], Gate=[0, 5, 0, 0, 0]))
    t = arrivals_by_destination(Runs(tie))
    assert list(t["location"]) == ["Gate", "Camp", "Host"]          # Camp before Host: place order
    assert list(t["arrivals_p50"]) == [5, 3, 3]


def test_arrivals_by_destination_over_runs(three):
    t = arrivals_by_destination(three).set_index("location")
    assert t.loc["Camp", "arrivals_p50"] == 20                     # 10, 20, 30
    assert t.loc["Gate", "arrivals_p90"] == pytest.approx(np.percentile([2, 4, 6], 90))


def test_capacity_by_destination_counts_camp_and_host_places(run):
    t = capacity_by_destination(run).set_index("destination")
    assert list(t.index) == ["Camp", "Host", "Gate"]              # Town and Outside: nothing
    assert t.loc["Host", "capacity"] == 3 and t.loc["Host", "capacity_exceeded_day_p50"] == 2
    assert t.loc["Host", "capacity_exceeded_date_p50"] == "2020-01-03"
    assert t.loc["Gate", "capacity"] == 0 and t.loc["Gate", "capacity_exceeded_date_p50"] == ""
    assert t.loc["Camp", "in_open_at_end_p50"] == 1


def scenario_with(**capacity) -> xr.Dataset:
    ds = one_run()
    ds.attrs["scenario_json"] = json.dumps({"name": "hand-made", "capacity": capacity})
    return ds


def test_capacity_note_states_the_scale_behind_the_capacities():
    default = scenario_with(camp_capacity_scale=CapacityConfig().camp_capacity_scale)
    note = capacity_note(Runs(default))
    assert "existing camps (x1), and the humanitarian response opens new places" in note
    off = scenario_with(camp_capacity_scale=1.0)
    off.attrs["scenario_json"] = json.dumps({"name": "no response", "capacity": {},
                                             "response": {"share_of_unsheltered_per_day": 0}})
    assert "no new sites (the response is switched off)" in capacity_note(Runs(off))
    assert "host capacities as estimated (x1)" in note
    own = capacity_note(Runs(scenario_with(camp_capacity_scale=2.0, host_capacity_scale=0.5,
                                           camp_capacity_people={"Camp": 5})))
    assert "x2 for sites opened in the emergency (the scenario's setting)" in own
    assert "host capacities x0.5" in own and "set directly by the scenario: Camp" in own
    sweep = ensemble(one_run(1), one_run(2)).assign_coords(
        param_capacity__camp_capacity_scale=("run", [0.5, 2.0]))
    assert "x0.5 to x2 the estimated places, varying by run" in capacity_note(Runs(sweep))


def test_od_matrix_groups_places_by_subdistrict(run):
    assert destination_groups(run) == ["South", "North", "North", "North", "Outside"]
    m = od_matrix(run)
    assert list(m.columns) == ["South", "North", "Outside"]
    assert m.loc["South"].tolist() == [0, 10, 0]                   # camp 8 + host 2
    assert m.loc["North"].tolist() == [0, 1, 4]
    assert od_matrix(run, 0).to_numpy().sum() == 0


def test_od_matrix_of_an_ensemble_is_the_median_per_cell():
    cells = []
    for k in (1, 5, 2):
        cube = np.zeros((5, 2, 5))
        cube[-1, 0, 1] = k
        cube[-1, 1, 4] = 10 - k
        cells.append(one_run(k, displaced_by_origin=cube))
    m = od_matrix(Runs(ensemble(*cells)))
    assert m.loc["South", "North"] == 2 and m.loc["North", "Outside"] == 8


# --------------------------------------------------------------------------- sweep metrics


def test_run_metrics_of_a_known_run():
    assert ind.run_metrics(one_run()) == {
        "displaced_day30": 18.0, "displaced_day90": 18.0,      # the 5-day run's last day
        "peak_daily_displaced": 10.0, "peak_waiting_at_border": 2.0,
        "days_until_largest_camp_full": 4.0}                   # day index 3 = the 4th day
    assert set(ind.run_metrics(one_run())) == set(ind.METRICS)


def test_the_largest_camp_is_a_camp_and_never_full_is_censored():
    town_camps = one_run(camp_capacity=[50, 10.2, 0, 0, 0],
                         camp_occupancy=at(Town=[50] * 5, Camp=[0, 2, 6, 10, 10]))
    assert ind.run_metrics(town_camps)["days_until_largest_camp_full"] == 6.0   # 5 days + 1


def test_metrics_per_run_and_run_metrics_agree(three):
    per_run = ind.metrics_per_run(three)
    for k in range(3):
        one = ind.run_metrics(three.ds.isel(run=k))
        assert {name: float(v[k]) for name, v in per_run.items()} == one
    assert list(per_run["days_until_largest_camp_full"]) == [4, 6, 2]
    with pytest.raises(ValueError, match="one run"):
        ind.run_metrics(three)


# --------------------------------------------------------------------------- one number, one value everywhere


@pytest.fixture(scope="module")
def tiny_runs():
    geo = load_geography(TINY)
    runs = [to_dataset(run_model(make_scenario(days=40), seed=s, geography=geo)) for s in (1, 2, 3)]
    return runs


def console_text(data) -> str:
    buf = io.StringIO()
    print_summary(data, Console(file=buf, width=160, color_system=None))
    return buf.getvalue()


def console_value(text: str, label: str) -> str:
    match = re.search(r"[│|]\s*" + re.escape(label) + r"\s*[│|]\s*([-\d,%]+)", text)
    assert match, f"{label!r} not in the console summary:\n{text}"
    return match.group(1)


@pytest.mark.parametrize("members", [1, 3], ids=["one run", "3-member ensemble"])
def test_console_memo_csv_and_figure_tables_show_the_same_numbers(tiny_runs, members, tmp_path):
    data = tiny_runs[0] if members == 1 else ensemble(*tiny_runs[:members])
    s = summarise(data)
    assert s.runs == members
    folder = write_memo(data, tmp_path / "memo", dpi=20)

    def csv(name):
        return pd.read_csv(folder / f"{name}.csv", keep_default_na=False)

    key = csv("key_figures").set_index("measure")["p50"]
    where = csv("where_people_are").query("checkpoint == 'end of run'").set_index("where")["p50"]
    checkpoints = csv("figure_displacement_checkpoints").set_index("day")["displaced_p50"]
    peak = csv("figure_displacement_peak").set_index("measure")
    border = csv("figure_border_open_border_and_open").set_index("measure")
    arrivals = csv("figure_arrivals_arrivals_by_destination").set_index("location")["arrivals_p50"]
    destinations = csv("destinations").set_index("destination")["arrivals_p50"]
    camps = csv("figure_camps_camps").set_index("camp")
    needs = csv("needs").query("checkpoint == 'end of run'").set_index("need")["p50"]
    text = console_text(data)

    assert s.displaced_by_day                                   # the checkpoints are compared
    for day, value in s.displaced_by_day.items():
        label = dict(ind.CHECKPOINTS)[day]
        assert key[f"displaced by {label}"] == checkpoints[day] == value
        assert console_value(text, f"displaced by day {day}") == f"{value:,.0f}"
    assert key[f"displaced by the end (day {s.days})"] == checkpoints[s.days] == s.total_displaced
    assert console_value(text, "total displaced (each person once)") == f"{s.total_displaced:,.0f}"
    rate = s.peak_daily_new_displaced
    assert key["peak daily rate of new displacement"] == rate
    assert peak.loc["peak daily new displacement (people/day)", "p50"] == rate
    assert peak.loc["peak day (day index)", "date_p50"] == s.peak_date
    assert console_value(text, f"peak daily new displacement ({s.peak_date})") == f"{rate:,.0f}"
    for _, label in ind.WHEREABOUTS:
        value = s.whereabouts[label]
        assert where[label] == value
        assert console_value(text, label) == f"{value:,.0f}"
    assert where["in camps"] == s.in_camps and where["in the open air"] == s.in_open
    assert where["waiting at the border"] == s.waiting_at_border
    assert where["crossed into Turkey"] == s.crossed_border
    assert where["on the roads (in transit)"] == s.in_transit
    assert border.loc["waiting_at_border", "end_p50"] == s.waiting_at_border
    assert border.loc["in_open", "end_p50"] == s.in_open
    assert border.loc["crossed_border", "end_p50"] == key["crossed into Turkey (end)"] == \
        s.crossed_border
    assert border.loc["waiting_at_border", "peak_p50"] == key["peak waiting at the border"] == \
        s.peak_waiting_at_border
    assert key["women and children among the displaced (end)"] == \
        pytest.approx(s.women_and_children_share, rel=1e-9)
    assert console_value(text, "women and children among the displaced") == f"{s.women_and_children_share:.0%}"
    assert needs["people counted: all displaced in the area"] == s.displaced_now   # water: everyone
    assert s.capacity_note and s.capacity_note in " ".join(text.split())
    assert s.arrivals_by_destination
    for name, value in s.arrivals_by_destination:
        assert arrivals[name] == destinations[name] == value
        assert re.search(re.escape(name) + r"\s*[│|]\s*" + re.escape(f"{value:,.0f}"), text)
    assert list(arrivals.index[:len(s.arrivals_by_destination)]) == \
        [n for n, _ in s.arrivals_by_destination]
    assert set(camps.index) == {c.name for c in s.camps}
    for c in s.camps:
        assert camps.loc[c.name, "capacity"] == pytest.approx(c.capacity_people, rel=1e-9)
        assert camps.loc[c.name, "peak_occupancy_p50"] == c.peak_occupancy_people
        assert camps.loc[c.name, "full_date_p50"] == (c.full_since or "")
        assert camps.loc[c.name, "in_open_at_end_p50"] == c.overflow_people
    assert ("medians over runs" in text) == (members > 1)
    assert ("single run, no uncertainty band" in text) == (members == 1)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_where_everyone_is_adds_up_for_every_shipped_scenario(path):
    """At reduced scale: on every day, returned + camps + host + open + border + roads + crossed
    is everyone displaced, nobody left over (the memo, CSV and console show these rows)."""
    ds = sim.run(reduced(path), seed=SEED)
    runs = Runs(ds)
    series = ind.whereabouts_series(runs)
    assert np.array_equal(sum(series.values()), ind.cumulative_displaced(runs))
    assert not series["unaccounted"].any()
    s = summarise(ds)
    assert sum(s.whereabouts.values()) == s.total_displaced
    if s.total_displaced:
        assert s.whereabouts["on the roads (in transit)"] == s.in_transit


def test_where_everyone_is_adds_up_in_each_run_of_an_ensemble(tiny_runs):
    runs = Runs(ensemble(*tiny_runs))
    series = ind.whereabouts_series(runs)
    assert np.array_equal(sum(series.values()), ind.cumulative_displaced(runs))
    assert not series["unaccounted"].any()
    assert len(set(ind.cumulative_displaced(runs)[:, -1])) > 1          # the runs differ


def test_the_needs_count_the_people_where_the_memo_says_they_are(three):
    table = needs_table(three).query("checkpoint == 'end of run'").set_index("need")
    assert table.loc["people counted: all displaced in the area", "p50"] == \
        ind.displaced_in_area(three, -1).p50
    roofless = ind.people_in(three, ("camp", "open", "border", "transit"), three.days - 1)
    assert table.loc["people counted: displaced without a home to share", "p50"] == roofless.p50
    assert table.loc["people counted: displaced without a home to share", "p50"] > \
        ind.people_in(three, ("camp", "open", "border"), three.days - 1).p50   # the roads count


# --------------------------------------------------------------------------- journeys and moves
def test_movements_arrivals_transit_journeys_and_returns_per_run(run):
    # 18 displaced; 15 arrivals; departures: the 18 first flights and 9 onward moves
    ds = one_run(departures=at(Town=[0, 5, 10, 3, 0], Host=[0, 0, 0, 9, 0]))
    r = Runs(ds)
    assert journeys.movements_per_displaced(r).p50 == pytest.approx(27 / 18)
    assert journeys.arrivals_per_displaced(r).p50 == pytest.approx(15 / 18)
    assert journeys.largest_one_day_share(r).p50 == pytest.approx(10 / 18)
    assert journeys.in_transit_share(r, 2).p50 == pytest.approx(6 / 15)
    # files written before the split, the journeys and the returns: NaN / 0, not an error
    assert np.isnan(journeys.journey_days(r)[0].p50) and np.isnan(journeys.in_transit_split(r)[0].p50)
    assert journeys.returned_home(r).p50 == 0 and journeys.camp_places_opened(r).p50 == 0
    ds["journey_days_median"] = ((), 2.0)
    ds["journey_days_p90"] = ((), 6.0)
    ds["in_transit_on_road"] = (("time", "location"), at(Town=[0, 1, 2, 3, 1]))
    ds["in_transit_queued"] = (("time", "location"), at(Town=[0, 2, 4, 1, 0]))
    ds["returns"] = (("time", "location"), at(Town=[0, 0, 0, 2, 3]))
    r = Runs(ds)
    assert [b.p50 for b in journeys.journey_days(r)] == [2.0, 6.0]
    assert [b.p50 for b in journeys.in_transit_split(r, 2)] == [2.0, 4.0]
    assert journeys.returned_home(r).p50 == 5
    s = summarise(ds)
    assert (s.returned_home, s.journey_days_p90, s.in_transit_queued) == (5, 6.0, 0.0)
