"""Readers of FLEE input and validation folders (sim/io/flee) on hand-made folders.

``alpha`` is a FLEE 3 folder (commented headers, custom attribute columns, every closure
type, conflicts.csv, sim_period.csv, a registration correction, a camp made of two files);
``beta`` an older one (uncommented and quoted headers, other column names, capitalised
types, conflict dates instead of conflicts.csv, conflict_period.csv, no optional files).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.flee.case import case_name, read_input_folder
from sim.io.flee.validation import (
    camp_counts,
    corrected,
    daily_people,
    load_camp_counts,
    read_validation_folder,
    write_tidy,
)

DATA = Path(__file__).parent / "data" / "flee"
ALPHA, BETA = DATA / "alpha", DATA / "beta"


@pytest.fixture
def alpha(tmp_path) -> Path:
    """A writable copy of the alpha case (tests break one file at a time)."""
    shutil.copytree(ALPHA, tmp_path / "alpha")
    return tmp_path / "alpha"


def error_of(fn, *args) -> str:
    with pytest.raises(InputError) as info:
        fn(*args)
    text = str(info.value)
    assert "\n" not in text
    return text


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


# --------------------------------------------------------------------------- input folders


def test_flee3_folder_reads_every_file():
    case = read_input_folder(ALPHA / "input_csv")
    assert case.name == "alpha"                          # input_csv/ takes its parent's name
    assert [loc.location_type for loc in case.locations] == [
        "conflict_zone", "conflict_zone", "town", "forwarding_hub", "marker", "idpcamp", "camp", "camp"]
    brook = case.location("Brook")
    assert (brook.region, brook.country, brook.lat, brook.lon) == ("South Aland", "Aland", 12.10, -2.60)
    assert brook.conflict_day == 5 and brook.population == 60000
    assert case.location("CampOne").population == 20000 and case.location("CampTwo").population == 0
    assert case.camps == ["Inner", "CampOne", "CampTwo"]
    hub = [r for r in case.routes if r.name2 == "CampOne"][0]
    assert (hub.name1, hub.distance_km, hub.forced_redirection) == ("Hub", 50.0, 2)
    assert {r.forced_redirection for r in case.routes} == {0, 2}        # empty cell reads as 0
    assert case.period.start_date == date(2015, 5, 1) and case.period.days == 90
    assert case.period.path.name == "sim_period.csv"
    assert case.corrections[0].camp == "CampOne" and case.corrections[0].on == date(2015, 6, 1)
    # conflicts.csv: the template's 'name' column of zeros is not a zone
    assert set(case.conflicts) == {"Arbor", "Brook"}
    assert case.conflicts["Brook"][[0, 5, 19, 20]].tolist() == [0.0, 0.5, 0.5, 1.0]


def test_every_closure_type_and_reopening_day():
    closures = {c.closure_type: c for c in read_input_folder(ALPHA).closures}   # the case folder works too
    assert set(closures) == {"link", "country", "location", "camp", "idpcamp",
                             "remove_forced_redirection"}
    assert (closures["link"].name1, closures["link"].name2) == ("Tarn", "Hub")
    assert (closures["country"].name1, closures["country"].name2) == ("Aland", "Beland")
    assert (closures["country"].start_day, closures["country"].end_day) == (50, 60)
    assert closures["idpcamp"].end_day is None                           # -1: never reopened


def test_older_folder_variants():
    case = read_input_folder(BETA / "input_csv")
    kinds = {loc.name: loc.location_type for loc in case.locations}
    assert kinds == {"Kora": "conflict_zone", "Lumo": "conflict_zone", "Pass": "town",
                     "Gate Camp": "camp", "Hill Camp": "camp", "Lonely": "town"}
    assert case.location("Gate Camp").population == 12000                # "12,000"
    assert case.location("Hill Camp").population == 0                    # -1: no capacity
    assert case.location("Lumo").conflict_day == 12
    assert case.period.path.name == "conflict_period.csv"
    assert case.conflicts is None and case.closures == () and case.corrections == ()
    # without conflicts.csv the conflict dates give intensity 1 from that day on
    level = case.intensity(40)
    assert level["Lumo"][:12].sum() == 0 and (level["Lumo"][12:] == 1).all()
    assert (level["Kora"] == 1).all() and "Pass" not in level


def test_header_read_by_name_when_columns_are_reordered(alpha):
    path = alpha / "input_csv" / "locations.csv"
    lines = path.read_text().splitlines()
    cells = [line.split(",") for line in lines]
    order = [0, 2, 1, 4, 3, 7, 5, 6]                      # country before region, lon before lat ...
    path.write_text("\n".join(",".join(c[i] for i in order) for c in cells) + "\n")
    case = read_input_folder(alpha)
    brook = case.location("Brook")
    assert (brook.region, brook.country, brook.lat, brook.lon) == ("South Aland", "Aland", 12.10, -2.60)
    assert brook.location_type == "conflict_zone" and brook.population == 60000


def test_unknown_header_falls_back_to_flee_positions(alpha):
    replace(alpha / "input_csv" / "locations.csv", "#name,region,country", "#place,area,state")
    assert read_input_folder(alpha).location("Arbor").population == 120000


@pytest.mark.parametrize("file, old, new, expect", [
    ("locations.csv", "Tarn,South Aland,Aland,12.90", "Tarn,South Aland,Aland,north",
     ["locations.csv line 4", "latitude", "'north'"]),
    ("locations.csv", "forwarding_hub", "harbour", ["line 5", "location_type", "'harbour'"]),
    ("locations.csv", "Mark,East", "Tarn,East", ["line 6", "duplicate location 'Tarn'"]),
    ("locations.csv", "conflict_zone,5,", "conflict_zone,soon,", ["line 3", "conflict_date"]),
    ("routes.csv", "Mark,CampTwo", "Mark,CampTow", ["routes.csv line 7", "'CampTow'", "'CampTwo'"]),
    ("routes.csv", "Brook,Tarn,80.0", "Brook,Tarn,far", ["line 3", "distance", "'far'"]),
    ("routes.csv", "Tarn,Hub,60.0,0,", "Tarn.Hub", ["line 4", "needs name1, name2 and distance"]),
    ("routes.csv", "Hub,CampOne,50.0,2", "Hub,CampOne,50.0,3", ["line 5", "forced_redirection"]),
    ("closures.csv", "country,Aland", "border,Aland", ["closures.csv line 3", "'border'"]),
    ("closures.csv", "country,Aland,Beland", "country,Aland,Bland", ["line 3", "country 'Bland'",
                                                                     "'Beland'"]),
    ("closures.csv", "link,Tarn,Hub,10,20", "link,Tarn,Hub,10,5", ["line 2", "closure_end"]),
    ("closures.csv", "camp,CampTwo", "camp,Tarn", ["line 5", "not a camp"]),
    ("conflicts.csv", "3,1,0,0", "7,1,0,0", ["conflicts.csv line 5", "day 7"]),
    ("conflicts.csv", "#Day,Arbor,Brook,name", "#Day,Arbor,Brooke,name",
     ["conflicts.csv", "'Brooke'", "'Brook'"]),
    ("conflicts.csv", "8,1,0.5,0", "8,1,high,0", ["line 10", "'high'"]),
    ("sim_period.csv", "2015-05-01", "01/05/2015", ["sim_period.csv line 1", "YYYY-MM-DD"]),
    ("sim_period.csv", "Length,90", "Length,ninety", ["line 2", "Length"]),
    ("registration_corrections.csv", "2015-06-01", "June", ["registration_corrections.csv line 1"]),
])
def test_malformed_input_rows_name_file_line_and_field(alpha, file, old, new, expect):
    replace(alpha / "input_csv" / file, old, new)
    text = error_of(read_input_folder, alpha)
    for part in expect:
        assert part in text, (part, text)


def test_missing_required_files(alpha):
    assert "no locations.csv" in error_of(read_input_folder, alpha / "source_data")
    (alpha / "input_csv" / "sim_period.csv").unlink()
    assert "sim_period.csv or conflict_period.csv" in error_of(read_input_folder, alpha)
    (alpha / "input_csv" / "routes.csv").unlink()
    assert "routes.csv" in error_of(read_input_folder, alpha) and "not found" in error_of(
        read_input_folder, alpha)
    assert "not a folder" in error_of(read_input_folder, alpha / "nothing")


def test_case_names_are_scenario_names(tmp_path):
    assert case_name(tmp_path / "South Sudan 2014" / "input_csv") == "South_Sudan_2014"
    assert case_name(tmp_path / "mali2012") == "mali2012"


# --------------------------------------------------------------------------- validation folders


def test_interpolation_as_flee_does_it():
    v = read_validation_folder(ALPHA / "source_data")
    inner = daily_people(v.camps["Inner"], date(2015, 4, 25), 100)
    # before the first count: the first; then linear, truncated to whole people
    assert inner[0] == inner[6] == 500
    assert inner[6 + 12] == 500 + int(1000 * 12 / 24)               # 2015-05-13, halfway
    assert inner[30] == 1500                                         # 2015-05-25
    # the empty 2015-06-05 row is skipped: linear from 05-25 (1500) to 07-29 (3000)
    assert inner[30 + 11] == int(1500 + 1500 * 11 / 65)
    assert inner[-1] == 3000                                         # held after the last


def test_two_files_add_up_and_the_layout_names_the_total():
    v = read_validation_folder(ALPHA / "source_data")
    assert list(v.camps) == ["CampOne", "CampTwo", "Inner"] and len(v.total) == 1
    start = date(2015, 5, 1)
    two = daily_people(v.camps["CampTwo"], start, 90)
    a = np.interp(np.arange(90), [0, 45, 89], [500, 4000, 7000])
    b = np.interp(np.arange(90), [9, 40, 70], [0, 1000, 1500])
    assert np.array_equal(two, np.floor(a + b + 1e-9).astype(int))
    counts = camp_counts(v, start, 90)
    assert counts.total_people[0] == 3000 and counts.total_people[-1] == 26000


def test_registration_correction_scales_counts_before_the_date():
    case = read_input_folder(ALPHA)
    raw = read_validation_folder(ALPHA / "source_data")
    fixed = corrected(raw, case.corrections)
    before, after = raw.camps["CampOne"][0].people, fixed.camps["CampOne"][0].people
    # 2015-06-01 (6000) follows 2015-05-31 (9000): earlier counts x 6000/9000, later ones kept
    assert np.allclose(after[:3], before[:3] * 6000 / 9000)
    assert np.array_equal(after[3:], before[3:])
    assert raw.camps["CampTwo"] is fixed.camps["CampTwo"]


def test_validation_errors(alpha):
    src = alpha / "source_data"
    replace(src / "campone.csv", "2015-05-20,5000", "20/05/2015,5000")
    assert "campone.csv line 3" in error_of(read_validation_folder, src)
    replace(src / "campone.csv", "20/05/2015,5000", "2015-05-20,many")
    assert "'many'" in error_of(read_validation_folder, src)
    replace(src / "campone.csv", "2015-05-20,many", "2015-05-20,5000")
    replace(src / "data_layout.csv", "inner.csv", "outer.csv")
    assert "'outer.csv' not found" in error_of(read_validation_folder, src)
    assert "data_layout.csv" in error_of(read_validation_folder, alpha / "input_csv")
    case = read_input_folder(alpha)
    replace(alpha / "input_csv" / "registration_corrections.csv", "2015-06-01", "2015-06-02")
    case = read_input_folder(alpha)
    fresh = read_validation_folder(ALPHA / "source_data")
    assert "no count dated 2015-06-02" in error_of(corrected, fresh, case.corrections)


def test_tidy_csv_round_trip(tmp_path):
    v = read_validation_folder(BETA / "source_data")
    counts = camp_counts(v, date(2013, 12, 1), 40)
    path = write_tidy(counts, tmp_path / "obs.csv")
    back = load_camp_counts(path)
    assert back.start == counts.start and back.camps == counts.camps
    assert np.array_equal(back.people, counts.people)
    folder = load_camp_counts(BETA / "source_data")       # a folder spans its own dates
    assert folder.start == date(2013, 11, 20) and folder.people[-1].tolist() == [6000, 3000]
    path.write_text("date,camp,people\n2013-12-01,Gate Camp,5\n2013-12-03,Gate Camp,6\n")
    assert "no count on some days" in error_of(load_camp_counts, path)
