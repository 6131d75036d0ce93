"""Every figure function on a small Idlib run and a 3-run ensemble: the files are real images
of the expected size, not blank, and the numbers they annotate equal the dataset's."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import REPO
from PIL import Image

from sim.analysis.destinations import destination_groups
from sim.analysis.summary import summarise
from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.io.results import Runs
from sim.report.plots import (
    draw_arrivals,
    draw_border_open,
    draw_camps,
    draw_displacement,
    draw_flow_map,
    draw_flow_map_panels,
    draw_od_matrix,
    plot_arrivals,
    plot_border_open,
    plot_camps,
    plot_displacement,
    plot_flow_map,
    plot_flow_map_panels,
    plot_od_matrix,
    style,
)
from sim.world.scenarios import load_scenario

DPI = 30
SEEDS = (1, 2, 3)


def small_scenario(idlib_geo, days=100, people=50_000):
    sc = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml", idlib_geo)
    return sc.model_copy(update={"days": days, "population":
                                 sc.population.model_copy(update={"total_people": people})})


@pytest.fixture(scope="module")
def run_ds(idlib_geo):
    return to_dataset(run_model(small_scenario(idlib_geo), seed=1, geography=idlib_geo))


@pytest.fixture(scope="module")
def ens_ds(idlib_geo):
    sc = small_scenario(idlib_geo)
    runs = [to_dataset(run_model(sc, seed=s, geography=idlib_geo)) for s in SEEDS]
    return xr.concat(runs, dim="run").assign_coords(seed=("run", list(SEEDS)))


def assert_image(path, size_in, dpi=DPI):
    """A real PNG of exactly size_in * dpi pixels with many colours (not blank)."""
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.size == (round(size_in[0] * dpi), round(size_in[1] * dpi))
        pixels = np.asarray(im.convert("RGB"), dtype=float)
    assert pixels.std() > 5
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 30


def assert_pdf(path):
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000


# --------------------------------------------------------------------------- displacement


def test_displacement_figure_and_its_numbers(run_ds, tmp_path):
    res = plot_displacement(run_ds, tmp_path / "displacement", dpi=DPI)
    png, pdf = res.paths
    assert_image(png, style.WIDE)
    assert_pdf(pdf)
    cum = run_ds["cumulative_displaced"].values
    cp = res.numbers["checkpoints"].set_index("day")
    for day in (3, 14, 30, 90):
        assert cp.loc[day, "displaced_p50"] == cum[day - 1]
        assert cp.loc[day, "displaced_p10"] == cp.loc[day, "displaced_p90"] == cum[day - 1]
    daily = np.diff(cum, prepend=0.0)
    peak = res.numbers["peak"].set_index("measure")
    assert peak.loc["peak daily new displacement (people/day)", "p50"] == daily.max()
    assert peak.loc["peak day (day index)", "p50"] == np.argmax(daily)
    s = summarise(run_ds)
    assert peak.loc["peak day (day index)", "date_p50"] == s.peak_date
    arrivals = run_ds["arrivals"].sum("location").values
    assert peak.loc["days with >= 1,000 arrivals/day", "p50"] == (arrivals >= 1000).sum()


def test_displacement_ensemble_shows_median_and_band(ens_ds, tmp_path):
    res = plot_displacement(ens_ds, tmp_path / "d", dpi=DPI, formats=("png",))
    assert_image(res.paths[0], style.WIDE)
    fig = draw_displacement(ens_ds, dpi=DPI)[0]
    bands = [c for ax in fig.axes for c in ax.collections]     # fill_between: P10-P90
    assert len(bands) >= 3
    single = draw_displacement(ens_ds.isel(run=[0]), dpi=DPI)[0]
    assert not [c for ax in single.axes for c in ax.collections if c.get_label() ==
                "P10-P90 of runs"]
    cum = ens_ds["cumulative_displaced"].transpose("run", "time").values
    cp = res.numbers["checkpoints"].set_index("day")
    assert cp.loc[14, "displaced_p50"] == np.median(cum[:, 13])
    assert cp.loc[14, "displaced_p10"] == pytest.approx(np.percentile(cum[:, 13], 10))
    assert cp.loc[14, "displaced_p90"] == pytest.approx(np.percentile(cum[:, 13], 90))
    assert len(set(cum[:, -1])) > 1            # the runs really differ
    series = res.numbers["series"]
    assert np.allclose(series["cumulative_p50"], np.median(cum, axis=0))


def test_titles_say_single_run_or_ensemble_size(run_ds, ens_ds):
    assert "single run, no uncertainty band" in style.subtitle(Runs(run_ds))
    assert "seed 1" in style.subtitle(Runs(run_ds))
    assert "ensemble of 3 runs" in style.subtitle(Runs(ens_ds))
    line = style.provenance_line(Runs(ens_ds))
    assert "seeds 1, 2, 3" in line and run_ds.attrs["scenario_sha256"][:12] in line
    assert run_ds.attrs["product_version"] in line


# --------------------------------------------------------------------------- maps


def test_flow_map_window_numbers_and_coarse_camps(run_ds, tmp_path):
    window = (10, 40)
    res = plot_flow_map(run_ds, tmp_path / "flow_map", window, dpi=DPI)
    assert_image(res.paths[0], style.MAP)
    assert_pdf(res.paths[1])
    roads = res.numbers["roads"]
    moved = run_ds["road_flow"].isel(time=slice(10, 41)).sum("time").values
    assert np.allclose(roads["people_moved_p50"], moved)
    net = (run_ds["road_flow_forward"] - run_ds["road_flow_backward"]).isel(
        time=slice(10, 41)).sum("time").values
    busy = roads["people_moved_p50"] > 0
    assert busy.sum() > 3
    for r, n in zip(roads[busy].to_dict("records"), net[busy.values]):
        a, b = r["from"], r["to"]
        assert r["net_direction"] == (f"{a} -> {b}" if n >= 0 else f"{b} -> {a}")
    places = res.numbers["places"].set_index("location")
    last = run_ds.isel(time=40)
    present = (last["residents_present"] + last["displaced_present"] + last["in_transit"]).values
    assert np.allclose(places["people_present_p50"], present)
    camps = places[places["kind"] == "camp"]
    assert np.allclose(camps["lat_drawn"] * 20, np.round(camps["lat_drawn"] * 20))
    assert np.allclose(camps["lon_drawn"] * 20, np.round(camps["lon_drawn"] * 20))
    exact = run_ds["lat"].sel(location=camps.index).values
    assert not np.allclose(camps["lat_drawn"], exact)      # never at the exact position
    towns = places[places["kind"] == "town"]
    assert np.allclose(towns["lat_drawn"], run_ds["lat"].sel(location=towns.index).values)


def test_flow_map_panels_show_the_wave_between_dates(run_ds, tmp_path):
    res = plot_flow_map_panels(run_ds, tmp_path / "panels", dpi=DPI, formats=("png", "svg"))
    assert res.paths[1].read_text().lstrip().startswith(("<?xml", "<svg"))
    assert_image(res.paths[0], style.PANELS)
    roads = res.numbers["roads"]
    assert sorted(roads["panel_day"].unique()) == [7, 30, 90]
    between = roads[roads["panel_day"] == 30]["people_moved_p50"].to_numpy()
    assert np.allclose(between, run_ds["road_flow"].isel(time=slice(7, 30)).sum("time").values)
    gov = res.numbers["places"].query("panel_day == 90")["government_held"].to_numpy()
    assert np.array_equal(gov, run_ds["government_control"].isel(time=89).values == 1)
    assert gov.sum() > res.numbers["places"].query("panel_day == 7")["government_held"].sum()


def test_flow_maps_work_on_an_ensemble(ens_ds):
    _, numbers = draw_flow_map(ens_ds, dpi=DPI)
    flows = ens_ds["road_flow"].sum("time").transpose("run", "road").values
    assert np.allclose(numbers["roads"]["people_moved_p50"], np.median(flows, axis=0))
    _, numbers = draw_flow_map_panels(ens_ds, (5, 20), dpi=DPI)
    present = (ens_ds["residents_present"] + ens_ds["displaced_present"]
               + ens_ds["in_transit"]).isel(time=19).transpose("run", "location").values
    got = numbers["places"].query("panel_day == 20")["people_present_p50"].to_numpy()
    assert np.allclose(got, np.median(present, axis=0))


# --------------------------------------------------------------------------- destinations


def test_arrivals_figure_totals(run_ds, tmp_path):
    res = plot_arrivals(run_ds, tmp_path / "arrivals", dpi=DPI, formats=("png",))
    assert_image(res.paths[0], style.WIDE)
    table = res.numbers["arrivals_by_destination"]
    totals = run_ds["arrivals"].sum("time").to_series()
    assert list(table["location"][:8]) == list(totals.sort_values(ascending=False).index[:8])
    for r in table.head(8).itertuples():
        assert r.arrivals_p50 == totals[r.location]


def test_camps_figure_fill_dates_match_the_run_summary(run_ds, tmp_path):
    res = plot_camps(run_ds, tmp_path / "camps", dpi=DPI, formats=("png",))
    table = res.numbers["camps"].set_index("camp")
    rows = -(-len(table) // 5)
    assert_image(res.paths[0], (style.TALL[0], 2.6 + 2.3 * rows))
    summary = {c.name: c for c in summarise(run_ds).camps}
    assert set(table.index) == set(summary)
    for name, c in summary.items():
        assert table.loc[name, "capacity"] == c.capacity_people
        assert table.loc[name, "peak_occupancy_p50"] == c.peak_occupancy_people
        assert table.loc[name, "full_date_p50"] == (c.full_since or "")
        assert table.loc[name, "in_open_at_end_p50"] == c.overflow_people
    assert (table["full_date_p50"] != "").any()


def test_camps_ensemble_fill_day_is_an_actual_run_day(ens_ds):
    table = draw_camps(ens_ds, dpi=DPI)[1]["camps"].set_index("camp")
    occ = ens_ds["camp_occupancy"].sel(location="Qah camps").transpose("run", "time").values
    cap = ens_ds["camp_capacity"].sel(location="Qah camps").transpose("run", "time").values
    firsts = [int(np.argmax(o >= 0.99 * c)) if (o >= 0.99 * c).any() else np.inf
              for o, c in zip(occ, cap)]
    assert table.loc["Qah camps", "full_day_p50"] in firsts
    assert table.loc["Qah camps", "full_day_p50"] == np.percentile(firsts, 50, method="inverted_cdf")


# --------------------------------------------------------------------------- OD, border


def test_arrivals_and_od_accept_an_ensemble(ens_ds):
    table = draw_arrivals(ens_ds, dpi=DPI)[1]["arrivals_by_destination"].set_index("location")
    totals = ens_ds["arrivals"].sum("time").sel(location="Atmeh camps").values
    assert table.loc["Atmeh camps", "arrivals_p50"] == np.median(totals)
    m = draw_od_matrix(ens_ds, 50, dpi=DPI)[1]["od_matrix"]
    cell = ens_ds["displaced_by_origin"].isel(time=50).sel(origin="Idleb", location="Afrin")
    assert m.loc["Idleb", "Afrin"] == np.median(cell.values)


def test_od_matrix_groups_destinations_by_subdistrict(run_ds, tmp_path):
    res = plot_od_matrix(run_ds, tmp_path / "od", dpi=DPI, formats=("png",))
    assert_image(res.paths[0], style.TALL)
    m = res.numbers["od_matrix"].drop(columns="date")
    cube = run_ds["displaced_by_origin"].isel(time=-1)
    assert m.to_numpy().sum() == pytest.approx(float(cube.sum()))
    loc = run_ds["location"].values
    dana = [l for l, k, s in zip(loc, run_ds["kind"].values, run_ds["location_subdistrict_name"].values)
            if s == "Dana" and k != "external"]
    assert len(dana) > 3
    assert np.allclose(m["Dana"], cube.sel(location=dana).sum("location").values)
    assert np.allclose(m["Afrin"], cube.sel(location="Afrin").values)   # external: own name
    groups = destination_groups(Runs(run_ds))
    assert "Jebel Saman" not in groups and "Aleppo city" in groups


def test_border_and_open_figure_matches_the_summary(run_ds, ens_ds, tmp_path):
    res = plot_border_open(run_ds, tmp_path / "border", dpi=DPI, formats=("png",))
    assert_image(res.paths[0], style.WIDE)
    t = res.numbers["border_and_open"].set_index("measure")
    s = summarise(run_ds)
    assert t.loc["waiting_at_border", "peak_p50"] == s.peak_waiting_at_border
    assert t.loc["waiting_at_border", "end_p50"] == s.waiting_at_border
    assert t.loc["in_open", "end_p50"] == s.in_open
    assert s.peak_waiting_at_border > 0
    t = draw_border_open(ens_ds, dpi=DPI)[1]["border_and_open"].set_index("measure")
    open_end = ens_ds["in_open"].isel(time=-1).sum("location").values
    assert t.loc["in_open", "end_p50"] == np.median(open_end)
