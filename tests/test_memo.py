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
from sim.io.dataset import to_dataset, write_atomic
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
    where = memo.where.set_index(["checkpoint", "key"])
    assert where.loc[("end of run", "open"), "p50"] == s.in_open
    assert where.loc[("end of run", "camp"), "p50"] == s.in_camps
    assert where.loc[("end of run", "host"), "p50"] == s.in_host
    assert where.loc[("end of run", "transit"), "p50"] == s.in_transit
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
    where = memo.where.set_index(["checkpoint", "key"])
    in_camp = ens_ds["in_camp"].isel(time=29).sum("location").values
    assert where.loc[("1 month", "camp"), "p50"] == np.median(in_camp)
    needs = memo.needs.set_index(["checkpoint", "need"])
    people = sum(ens_ds[v].isel(time=89).sum("location").values
                 for v in ("in_camp", "in_host", "in_open", "waiting_at_border", "in_transit"))
    assert needs.loc[("3 months", "water"), "p50"] == pytest.approx(np.median(people * 15 / 1000))
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
    assert {"water", "water-truck loads", "water points (taps)", "food", "food rations",
            "covered shelter", "family tents", "camp land", "latrines", "NFI kits"} <= set(needs["need"])
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


# --------------------------------------------------------------------------- provenance, --out


def as_combined_file(ens: xr.Dataset) -> xr.Dataset:
    """An ensemble as sim.io.sweep_folder.combine writes it: the people and households of
    each run as coordinates, not attributes."""
    people = [int(x) for x in np.atleast_1d(ens.attrs["initial_people"]) for _ in ens["run"]]
    out = ens.assign_coords(initial_people=("run", people),
                            households=("run", [ens.attrs["households"]] * ens.sizes["run"]))
    out.attrs = {k: v for k, v in ens.attrs.items() if k not in ("initial_people", "households",
                                                                 "seed")}
    return out


def test_provenance_names_the_region_and_the_people_of_a_run_and_an_ensemble(run_ds, ens_ds):
    one = " ".join(Memo(run_ds).provenance)
    assert f"Region '{run_ds.attrs['region']}': {run_ds.attrs['initial_people']:,} people in " \
           f"{run_ds.attrs['households']:,} households" in one
    combined = as_combined_file(ens_ds)
    assert "initial_people" not in combined.attrs
    text = " ".join(Memo(combined).provenance)
    assert f"Region '{ens_ds.attrs['region']}': {ens_ds.attrs['initial_people']:,} people in " \
           "every run" in text
    assert " 0 people" not in text
    assert summarise(combined).total_people == ens_ds.attrs["initial_people"]


def test_cli_memo_of_a_results_file_writes_into_out(tiny_ens, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sim.report.memo, "draw_all", one_cheap_figure)
    run = tmp_path / "runs" / "seed1.nc"
    run.parent.mkdir()
    one = tiny_ens.isel(run=0, drop=True)
    one.attrs["seed"] = 1
    write_atomic(one, run)
    out = tmp_path / "for the coordinator"
    assert main(["memo", str(run), "--out", str(out), "--dpi", "20"]) == 0
    assert (out / "memo" / "memo.pdf").is_file() and (out / "memo" / "memo.md").is_file()
    assert not (tmp_path / "runs" / "seed1").exists()          # nothing next to the run
    assert str(out / "memo" / "memo.pdf") in capsys.readouterr().out
    assert main(["memo", str(run), "--dpi", "20"]) == 0          # default: next to the run
    assert (tmp_path / "runs" / "seed1" / "memo" / "memo.pdf").is_file()
    capsys.readouterr()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    assert main(["memo", str(run), "--out", str(a_file)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0] and "not a folder" in err[0]
    assert a_file.read_text() == "not a folder"


# --------------------------------------------------------------------------- pages and words


@pytest.mark.parametrize("which", ["run", "ensemble"])
def test_no_text_page_is_less_than_half_full_but_the_last(which, run_ds, ens_ds):
    doc = Memo(run_ds if which == "run" else ens_ds).document()
    fill = doc.fill()
    assert len(doc.pages) >= 3
    assert min(fill[:-1]) >= 0.5, [round(f, 2) for f in fill]
    assert fill[-1] > 0


def test_a_table_continues_on_the_next_page_with_its_header(run_ds):
    from sim.report.plots.pages import Document

    doc = Document(Runs(run_ds), "test")
    doc.paragraph("text " * 400)                                # about a third of a page
    rows = [[f"row {k}", f"{k:,}"] for k in range(120)]         # longer than a page
    doc.table(["place", "people"], rows)
    fill = doc.fill()
    assert min(fill[:-1]) >= 0.9                               # no hole before the table
    headers = [sum(t.get_text() == "place" for t in page.texts) for page in doc.pages]
    assert headers[0] == 1 and all(h == 1 for h in headers[1:])


def memo_labels(memo: Memo) -> list[str]:
    """Every label in the memo's tables: measures, where, needs, column headers."""
    labels = list(memo.key["measure"]) + list(memo.where["where"]) + list(memo.needs["need"])
    labels += list(memo.needs["people_counted"])
    labels += [h.replace("\n", " ") for h in memo.dest_header() if h not in ("destination", "kind")]
    return labels


def test_the_glossary_defines_every_term_the_memo_uses(run_ds, ens_ds):
    from sim.report import glossary

    memo = Memo(run_ds)
    missing = [label for label in memo_labels(memo) if glossary.entry_for(label) is None]
    assert not missing, f"labels without a glossary entry: {missing}"
    for term in ("displaced", "on the roads (in transit)", "arrivals", "in the open",
                 "new displacement (new IDPs)"):
        assert term in glossary.GLOSSARY
    printed = memo.markdown([]).split("## Glossary", 1)[1].split("## Figures", 1)[0]
    for label in memo_labels(memo):
        assert f"**{glossary.entry_for(label)}**" in printed, label
    assert "**P50 (median)**" not in printed                    # a single run has no P50
    assert "**P50 (median)**" in Memo(ens_ds).markdown([])
    pages = " ".join(t.get_text() for page in memo.document().pages for t in page.texts)
    assert "Glossary" in pages and "on the roads (in transit): displaced people on the move" in pages


def test_memo_states_the_capacity_scale_where_capacities_appear(run_ds):
    memo = Memo(run_ds)
    note = memo.capacity_note
    assert "camp capacities are the estimated places of the existing camps (x1)" in note
    md = memo.markdown([])
    dest = md.split("## Arrivals and capacity by destination", 1)[1].split("##", 1)[0]
    assert note in dest
    assert note in " ".join(memo.words["Behaviour and capacity"])


def test_memo_of_an_ensemble_folder_reads_its_combined_file_as_it_goes(tiny_ens, tmp_path):
    # The CLI opens an ensemble folder's combined.nc lazily (open_results) instead of loading
    # every member; the memo's tables and text must be those of the loaded data.
    from sim.io.results import load_results, open_results
    folder = tmp_path / "ensemble"
    folder.mkdir()
    write_atomic(as_combined_file(tiny_ens), folder / "combined.nc")
    lazy = open_results(folder)
    assert not any(v._in_memory for v in lazy.data_vars.values())   # nothing read up front
    a = write_memo(lazy, tmp_path / "lazy", dpi=20)
    b = write_memo(load_results(folder).load(), tmp_path / "loaded", dpi=20)
    names = sorted(p.name for p in a.iterdir() if p.suffix in (".csv", ".md"))
    assert "memo.md" in names and len(names) > 5
    for name in names:
        assert (a / name).read_text() == (b / name).read_text(), name
