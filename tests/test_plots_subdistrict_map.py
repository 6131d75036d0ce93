"""The sub-district choropleth: real images, the OCHA polygons drawn, numbers equal to the
dataset's sub-district series, one colour scale across panels, a note for a region without
polygons."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import REPO
from PIL import Image

from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.report.plots import style
from sim.report.plots.subdistrict_map import (
    CLASSES_PEOPLE,
    _cmap,
    draw_subdistrict_map,
    load_subdistrict_polygons,
    plot_subdistrict_map,
    plot_subdistrict_map_panels,
)
from sim.world.scenarios import load_scenario

DPI = 30


def scenario(geo, region=None):
    sc = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml", geo)
    update = {"days": 40, "population": sc.population.model_copy(update={"total_people": 40_000})}
    if region:
        update["region"] = region
    return sc.model_copy(update=update)


@pytest.fixture(scope="module")
def run_ds(idlib_geo):
    return to_dataset(run_model(scenario(idlib_geo), seed=1, geography=idlib_geo))


def test_choropleth_numbers_are_the_datasets(run_ds, tmp_path):
    res = plot_subdistrict_map(run_ds, tmp_path / "sd", day_index=29, formats=("png", "pdf"), dpi=DPI)
    with Image.open(res.paths[0]) as im:
        assert im.size == (round(style.TALL[0] * DPI), round(style.TALL[1] * DPI))
        assert np.asarray(im.convert("RGB"), float).std() > 5
    assert res.paths[1].read_bytes().startswith(b"%PDF")
    table = res.numbers["subdistricts"].set_index("pcode")
    expected = run_ds["new_idps_present_by_subdistrict"].isel(time=29).to_series()
    assert np.allclose(table.loc[expected.index, "new_idps_present_p50"], expected.values)
    assert table.loc["SY070301", "name_ar"] == "دانا"
    assert (table["new_idps_present_p50"] > 0).sum() >= 3


def test_every_polygon_is_drawn_in_its_class_colour(run_ds):
    fig, numbers = draw_subdistrict_map(run_ds, dpi=DPI)
    ax = fig.axes[0]
    polygons = load_subdistrict_polygons("idlib")
    assert len(ax.patches) >= len(polygons) == 37
    cmap, norm = _cmap()
    value = dict(zip(numbers["subdistricts"]["pcode"], numbers["subdistricts"]["new_idps_present_p50"]))
    faces = [tuple(np.round(p.get_facecolor(), 4)) for p in ax.patches]
    top = max(value, key=value.get)
    assert value[top] >= CLASSES_PEOPLE[0]
    assert tuple(np.round(cmap(norm(value[top])), 4)) in faces       # the busiest one is shaded
    assert any(f[:3] == (1.0, 1.0, 1.0) for f in faces)                # empty ones stay white


def test_small_multiple_over_dates_on_an_ensemble(run_ds, idlib_geo, tmp_path):
    other = to_dataset(run_model(scenario(idlib_geo), seed=2, geography=idlib_geo))
    ens = xr.concat([run_ds, other], dim="run").assign_coords(seed=("run", [1, 2]))
    res = plot_subdistrict_map_panels(ens, tmp_path / "p", days=(5, 20, 40), formats=("png",), dpi=DPI)
    table = res.numbers["subdistricts"]
    assert sorted(set(table["date"])) == [str(ens.time.values[d - 1])[:10] for d in (5, 20, 40)]
    last = table[table["date"] == str(ens.time.values[39])[:10]].set_index("pcode")
    med = ens["new_idps_present_by_subdistrict"].isel(time=39).median("run").to_series()
    assert np.allclose(last.loc[med.index, "new_idps_present_p50"], med.values)
    assert {"new_idps_present_p10", "new_idps_present_p90"} <= set(table.columns)


def test_a_region_without_polygons_gets_a_note(tmp_path):
    sc = scenario(None, region="idlib_coarse")
    ds = to_dataset(run_model(sc, seed=1))
    fig, numbers = draw_subdistrict_map(ds, dpi=DPI)
    assert load_subdistrict_polygons("idlib_coarse") == []
    assert any("no sub-district polygons" in t.get_text() for t in fig.axes[0].texts)
    assert len(numbers["subdistricts"]) == ds.sizes["subdistrict"]
