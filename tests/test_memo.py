"""The planning memo: its key numbers equal the dataset's (P50 = numpy median over runs for an
ensemble), the folder holds the PDF, Markdown, PNGs and CSVs, and it is replaced whole."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from conftest import REPO, TINY, TINY_BASE, make_scenario

import sim.report.memo
from sim.analysis.summary import summarise
from sim.cli.main import main
from sim.config.loading import deep_merge
from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.io.results import Runs
from sim.report.memo import Memo, scenario_in_words, write_memo
from sim.report.plots import FIGURES
from sim.world.geography import load_geography
from sim.world.scenarios import load_scenario

SEEDS = (1, 2, 3)
CHECKPOINTS = {3: "72 hours", 14: "2 weeks", 30: "1 month", 90: "3 months"}


def small(idlib_geo):
    sc = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml", idlib_geo)
    return sc.model_copy(update={"days": 100, "population":
                                 sc.population.model_copy(update={"total_people": 50_000})})


@pytest.fixture(scope="module")
def run_ds(idlib_geo):
    return to_dataset(run_model(small(idlib_geo), seed=1, geography=idlib_geo))


@pytest.fixture(scope="module")
def ens_ds(idlib_geo):
    runs = [to_dataset(run_model(small(idlib_geo), seed=s, geography=idlib_geo)) for s in SEEDS]
    return xr.concat(runs, dim="run").assign_coords(seed=("run", list(SEEDS)))


@pytest.fixture(scope="module")
def tiny_ens():
    geo = load_geography(TINY)
    runs = [to_dataset(run_model(make_scenario(days=30), seed=s, geography=geo)) for s in SEEDS]
    return xr.concat(runs, dim="run").assign_coords(seed=("run", list(SEEDS)))


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


# --------------------------------------------------------------------------- numbers


def test_key_numbers_of_one_run_equal_the_dataset(run_ds):
    memo = Memo(run_ds)
    key = memo.key.set_index("measure")
    cum = run_ds["cumulative_displaced"].values
    for day, label in CHECKPOINTS.items():
        assert key.loc[f"displaced by {label}", "p50"] == cum[day - 1]
    s = summarise(run_ds)
    assert key.loc["peak daily rate of new displacement", "p50"] == s.peak_daily_new_displaced
    assert key.loc["peak day (day of the run)", "date"] == s.peak_date
    assert key.loc["women and children among the displaced (end)", "p50"] == \
        pytest.approx(s.women_and_children_share)
    assert key.loc["peak waiting at the border", "p50"] == s.peak_waiting_at_border
    where = memo.where.set_index(["checkpoint", "where"])
    assert where.loc[("end of run", "open air"), "p50"] == s.in_open
    assert where.loc[("end of run", "camps"), "p50"] == s.in_camps
    assert where.loc[("end of run", "host communities"), "p50"] == s.in_host
    dest = memo.dest.set_index("destination")
    for name, arrivals in s.arrivals_by_destination:
        assert dest.loc[name, "arrivals_p50"] == arrivals
    for camp in s.camps:
        if dest.loc[camp.name, "kind"] == "camp":      # camp clusters: no host places
            assert dest.loc[camp.name, "capacity_exceeded_date_p50"] == (camp.full_since or "")
    assert "single run, no uncertainty band" in memo.markdown([])


def test_ensemble_p50_is_the_numpy_median_over_runs(ens_ds):
    memo = Memo(ens_ds)
    key = memo.key.set_index("measure")
    cum = ens_ds["cumulative_displaced"].transpose("run", "time").values
    assert len(set(cum[:, -1])) == len(SEEDS)             # the runs differ
    for day, label in CHECKPOINTS.items():
        row = key.loc[f"displaced by {label}"]
        assert row["p50"] == np.median(cum[:, day - 1])
        assert row["p10"] == pytest.approx(np.percentile(cum[:, day - 1], 10))
        assert row["p90"] == pytest.approx(np.percentile(cum[:, day - 1], 90))
    daily = np.diff(cum, axis=1, prepend=0.0)
    assert key.loc["peak daily rate of new displacement", "p50"] == np.median(daily.max(axis=1))
    groups = ens_ds["displaced_by_group"].isel(time=-1).transpose("run", "group")
    share = (groups.sel(group="children") + groups.sel(group="adult_women")) / groups.sum("group")
    assert key.loc["women and children among the displaced (end)", "p50"] == \
        pytest.approx(np.median(share.values))
    where = memo.where.set_index(["checkpoint", "where"])
    in_camp = ens_ds["in_camp"].isel(time=29).sum("location").values
    assert where.loc[("1 month", "camps"), "p50"] == np.median(in_camp)
    needs = memo.needs.set_index(["checkpoint", "need"])
    people = sum(ens_ds[v].isel(time=89).sum("location").values
                 for v in ("in_camp", "in_host", "in_open", "waiting_at_border", "in_transit"))
    assert needs.loc[("3 months", "water"), "p50"] == np.median(people * 15)
    dest = memo.dest.set_index("destination")
    arrivals = ens_ds["arrivals"].sel(location="Atmeh camps").sum("time").values
    assert dest.loc["Atmeh camps", "arrivals_p50"] == np.median(arrivals)
    text = memo.markdown([])
    assert "ensemble of 3 runs" in text and "P10-P90" in text


def test_scenario_in_plain_words():
    def words(name):
        sc = load_scenario(REPO / "scenarios" / f"{name}.yaml")
        ds = xr.Dataset(coords={"time": pd.date_range(sc.start_date, periods=sc.days)},
                        attrs={"scenario_json": sc.model_dump_json()})
        return sc, scenario_in_words(Runs(ds))

    sc, full = words("idlib_full_assault")
    start = pd.Timestamp(sc.start_date)
    assert f"Every crossing not listed below: closed from day 0 ({start:%d %b %Y})." in \
        full["Border policy"]
    triggers = full["Offensive (the triggers of flight)"]
    for axis in sc.conflict.axes:
        when = start + pd.Timedelta(days=axis.start_day)
        assert any(f"Axis '{axis.name}': from {axis.start} via {', '.join(axis.via)}, from day "
                   f"{axis.start_day} ({when:%d %b %Y}) at {axis.speed_km_per_day:g} km/day" in s
                   for s in triggers)
    assert "No ceasefire." in triggers
    assert f"{sc.population.total_people:,} people" in " ".join(full["When and who"])
    sc, opened = words("idlib_border_open")
    quota = sc.border.crossings["Bab al-Hawa crossing"][1]
    when = start + pd.Timedelta(days=quota.day)
    text = " ".join(opened["Border policy"])
    assert "Bab al-Hawa crossing: closed from day 0" in text
    assert (f"quota of {quota.quota_people_per_day:,} people/day from day {quota.day} "
            f"({when:%d %b %Y})") in text
    sc, south = words("idlib_southern_offensive")
    cf = sc.conflict.ceasefire_day
    assert f"Ceasefire on day {cf} ({start + pd.Timedelta(days=cf):%d %b %Y})." in \
        south["Offensive (the triggers of flight)"]


# --------------------------------------------------------------------------- files


def test_memo_folder_holds_pdf_markdown_figures_and_csv(tiny_ens, tmp_path):
    one = tiny_ens.isel(run=0, drop=True)
    one.attrs["seed"] = 1
    out = write_memo(one, tmp_path / "memo", dpi=25)
    assert pdf_pages(out / "memo.pdf") >= len(FIGURES) + 2
    assert (out / "memo.pdf").read_bytes().startswith(b"%PDF")
    md = (out / "memo.md").read_text()
    for name in FIGURES:
        assert (out / f"{name}.png").stat().st_size > 500
        assert f"]({name}.png)" in md
    assert "single run, no uncertainty band" in md
    assert one.attrs["product_version"] in md and "Border policy" in md
    key = pd.read_csv(out / "key_figures.csv").set_index("measure")
    assert key.loc["displaced by 2 weeks", "p50"] == one["cumulative_displaced"].values[13]
    needs = pd.read_csv(out / "needs.csv")
    assert {"water", "food", "covered shelter", "camp land", "latrines", "NFI kits"} <= set(needs["need"])
    assert (out / "figure_camps_camps.csv").is_file()
    assert (out / "figure_od_matrix_od_matrix.csv").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_memo_csv_keeps_full_scale_counts_whole(tmp_path):
    """A full-scale run counts millions: the CSV must hold the number the console prints."""
    table = pd.DataFrame({"measure": ["displaced", "share"], "p50": [2_345_678.0, 0.7220457]})
    path = sim.report.memo.write_csv(table, tmp_path / "t.csv")
    text = path.read_text()
    assert "2345678" in text and "e+" not in text
    assert pd.read_csv(path)["p50"].tolist() == [2_345_678.0, 0.7220457]


def one_cheap_figure(data, **kwargs):
    """Stands in for draw_all where a test is about the folder, not the figures."""
    from sim.report.plots import draw_displacement

    yield "displacement", *draw_displacement(data, dpi=20)


def test_memo_folder_is_replaced_whole_and_kept_on_failure(tiny_ens, tmp_path, monkeypatch):
    monkeypatch.setattr(sim.report.memo, "draw_all", one_cheap_figure)
    out = write_memo(tiny_ens, tmp_path / "memo", dpi=20)
    (out / "stale.txt").write_text("from an older memo")
    out = write_memo(tiny_ens, tmp_path / "memo", dpi=20)
    assert not (out / "stale.txt").exists()                   # replaced as a whole
    before = (out / "memo.pdf").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    monkeypatch.setattr(sim.report.memo, "draw_all", broken)
    with pytest.raises(RuntimeError):
        write_memo(tiny_ens, tmp_path / "memo", dpi=20)
    assert (out / "memo.pdf").read_bytes() == before          # the old memo is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo"]   # no temporary folders


def test_cli_memo_runs_the_ensemble_and_writes_the_memo(tiny_ens, tmp_path, monkeypatch, capsys):
    import sim.ensemble.sweep

    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(deep_merge(TINY_BASE, {"days": 30})), encoding="utf-8")
    calls = []

    def fake_run_ensemble(path, members, **kwargs):
        calls.append((str(path), members, kwargs))
        return tiny_ens.isel(run=slice(0, members))

    monkeypatch.setattr(sim.ensemble.sweep, "run_ensemble", fake_run_ensemble)
    monkeypatch.setattr(sim.report.memo, "draw_all", one_cheap_figure)
    out = tmp_path / "results"
    assert main(["memo", str(scenario), "--members", "3", "--out", str(out), "--dpi", "20",
                 "--quiet", "--seed", "7"]) == 0
    (path, members, kwargs), = calls
    assert path == str(scenario) and members == 3
    assert kwargs["out_dir"] == out and kwargs["root_seed"] == 7
    memo = out / "tiny" / "memo"
    assert (memo / "memo.pdf").is_file()
    assert "ensemble of 3 runs" in (memo / "memo.md").read_text()
    assert str(memo / "memo.pdf") in capsys.readouterr().out
