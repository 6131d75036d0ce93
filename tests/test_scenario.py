"""sim.config.scenario: bad YAML gives one InputError line naming the field and the fix; good YAML
gives a frozen, place-checked Scenario."""

from __future__ import annotations

import hashlib
import re

import pydantic
import pytest
import yaml

from sim.config.loading import deep_merge, parse_scenario
from sim.config.scenario import Scenario
from sim.errors import InputError
from sim.world.scenarios import load_scenario
from tests.conftest import REPO, TINY_BASE

SHIPPED = sorted(p.name for p in (REPO / "scenarios").glob("*.yaml"))


# --------------------------------------------------------------------------- helpers


def write_yaml(path, data) -> "Path":  # noqa: F821
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_tiny(tmp_path, name="scenario.yaml", **overrides):
    """The tiny scenario with overrides (nested dicts merge), written to tmp_path."""
    return write_yaml(tmp_path / name, deep_merge(TINY_BASE, overrides))


def load_error(path, geo) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(path, geo)
    return info.value


def assert_one_line(err: InputError, *needles: str) -> str:
    text = str(err)
    assert "\n" not in text and "\r" not in text, text
    assert "Traceback" not in text
    for needle in needles:
        assert needle in text, f"{needle!r} not in {text!r}"
    return text


# --------------------------------------------------------------------------- bad files


def test_malformed_yaml_reports_line_number(tmp_path, tiny_geo):
    path = tmp_path / "bad.yaml"
    path.write_text("name: tiny\nstart_date: 2020-01-01\ndays: 10\n  seed: 3\n")
    err = load_error(path, tiny_geo)
    text = assert_one_line(err, "bad.yaml", "malformed YAML", "fix the syntax")
    assert re.search(r"\bline 4\b", text), text


def test_top_level_list_is_rejected(tmp_path, tiny_geo):
    path = tmp_path / "list.yaml"
    path.write_text("- name: tiny\n- days: 10\n")
    assert_one_line(load_error(path, tiny_geo), "list.yaml", "mapping")


def test_empty_file_is_rejected(tmp_path, tiny_geo):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing here\n")
    assert_one_line(load_error(path, tiny_geo), "empty.yaml", "mapping")


@pytest.mark.parametrize("data", [[1, 2], "just a string", 42, None])
def test_parse_scenario_needs_a_mapping(data):
    with pytest.raises(InputError) as info:
        parse_scenario(data)
    assert_one_line(info.value, "mapping")


def test_unknown_field_suggests_close_name(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, behaviour={"flee_propensty": 2.0})
    err = load_error(path, tiny_geo)
    assert err.field == "behaviour.flee_propensty"
    assert_one_line(err, "behaviour.flee_propensty", "unknown field", "did you mean 'flee_propensity'")


def test_unknown_top_level_field_lists_known_fields(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, zzz_unrelated=1)
    err = load_error(path, tiny_geo)
    assert_one_line(err, "zzz_unrelated", "unknown field", "known fields", "behaviour", "days")


def test_unknown_field_inside_list_item_suggests_close_name(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, conflict={"axes": [{"name": "a", "start": "Southfront",
                                                    "via": ["Midtown"], "sped_km_per_day": 3}]})
    err = load_error(path, tiny_geo)
    assert_one_line(err, "conflict.axes.0.sped_km_per_day", "did you mean 'speed_km_per_day'")


def test_unknown_field_inside_crossing_phase_suggests_close_name(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, border={"crossings": {"Gate": [
        {"day": 0, "status": "quota", "quota_people_pr_day": 100}]}})
    err = load_error(path, tiny_geo)
    assert_one_line(err, "border.crossings.Gate.0.quota_people_pr_day", "quota_people_per_day")


def test_wrong_type_names_field_and_value(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, days="many")
    err = load_error(path, tiny_geo)
    assert err.field == "days"
    assert_one_line(err, "days", "integer", "'many'", "fix")


def test_boolean_for_days_is_rejected(tmp_path, tiny_geo):
    path = tmp_path / "bool.yaml"
    path.write_text(yaml.safe_dump(TINY_BASE).replace("days: 40", "days: yes"))
    assert "days: yes" in path.read_text()
    err = load_error(path, tiny_geo)
    assert_one_line(err, "days")


def test_probability_above_one(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, behaviour={"max_destination_danger": 1.5})
    err = load_error(path, tiny_geo)
    assert err.field == "behaviour.max_destination_danger"
    assert_one_line(err, "behaviour.max_destination_danger", "1.5", "less than or equal to 1")


def test_probability_below_zero(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, population={"vehicle_share": -0.1})
    assert_one_line(load_error(path, tiny_geo), "population.vehicle_share", "greater than or equal to 0")


def test_negative_population(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, population={"total_people": -5})
    err = load_error(path, tiny_geo)
    assert err.field == "population.total_people"
    assert_one_line(err, "population.total_people", "-5", "greater than or equal to 1")


def test_shares_must_not_exceed_one(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, population={"children_share": 0.6, "adult_women_share": 0.3,
                                            "elderly_share": 0.2})
    err = load_error(path, tiny_geo)
    assert_one_line(err, "population", "children_share", "adult_women_share", "elderly_share",
                    "must not exceed 1")


def test_shares_summing_to_exactly_one_are_fine(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, population={"children_share": 0.5, "adult_women_share": 0.25,
                                            "elderly_share": 0.25})
    sc = load_scenario(path, tiny_geo)
    assert sc.population.elderly_share == 0.25


def test_unknown_place_in_axis_via_suggests_match(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, conflict={"axes": [
        {"name": "south", "start": "Southfront", "via": ["Southtown", "Midtwn"]}]})
    err = load_error(path, tiny_geo)
    assert err.field == "conflict.axes.0.via.1"
    assert_one_line(err, "conflict.axes.0.via.1", "'Midtwn'", "did you mean 'Midtown'")


def test_unknown_place_in_control_change(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, conflict={"control_changes": [{"place": "Southtwn", "day": 5}]})
    err = load_error(path, tiny_geo)
    assert err.field == "conflict.control_changes.0.place"
    assert_one_line(err, "conflict.control_changes.0.place", "'Southtwn'", "did you mean 'Southtown'")


def test_unknown_place_without_close_match_says_where_names_come_from(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, conflict={"control_changes": [{"place": "Qwxyzv", "day": 5}]})
    assert_one_line(load_error(path, tiny_geo), "conflict.control_changes.0.place", "locations.csv")


def test_road_closure_without_road_is_a_route_to_nowhere(tmp_path, tiny_geo):
    # both places exist, but no road joins Southtown and Gate directly
    path = write_tiny(tmp_path, conflict={"road_closures": [{"from": "Southtown", "to": "Gate"}]})
    err = load_error(path, tiny_geo)
    assert err.field == "conflict.road_closures.0"
    assert_one_line(err, "conflict.road_closures.0", "no road between", "'Southtown'", "'Gate'",
                    "roads.csv")


def test_road_closure_on_a_real_road_loads(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, conflict={"road_closures": [
        {"from": "Midtown", "to": "Southtown", "start_day": 3, "end_day": 9}]})
    sc = load_scenario(path, tiny_geo)
    assert sc.conflict.road_closures[0].from_place == "Midtown"
    assert sc.conflict.road_closures[0].end_day == 9


def test_quota_phase_needs_a_number(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, border={"crossings": {"Gate": [
        {"day": 0, "status": "closed"}, {"day": 5, "status": "quota"}]}})
    err = load_error(path, tiny_geo)
    assert_one_line(err, "border.crossings.Gate.1", "quota_people_per_day")


def test_border_crossing_entry_must_be_a_crossing(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, border={"crossings": {"Midtown": [{"day": 0, "status": "open"}]}})
    err = load_error(path, tiny_geo)
    assert err.field == "border.crossings.Midtown"
    assert_one_line(err, "border.crossings.Midtown", "not a border crossing", "Gate")


@pytest.mark.parametrize("border", [
    {"crossings": {"Gate": [{"day": 3, "status": "open"}]}},
    {"default": [{"day": 1, "status": "closed"}]},
])
def test_border_phases_must_start_at_day_zero(tmp_path, tiny_geo, border):
    path = write_tiny(tmp_path, border=border)
    err = load_error(path, tiny_geo)
    field = "border.default" if "default" in border else "border.crossings.Gate"
    assert err.field == field
    assert_one_line(err, field, "day 0")


def test_border_phases_out_of_order(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, border={"crossings": {"Gate": [
        {"day": 0, "status": "closed"}, {"day": 20, "status": "open"}, {"day": 10, "status": "closed"}]}})
    assert_one_line(load_error(path, tiny_geo), "border.crossings.Gate", "day order")


@pytest.mark.parametrize("conflict, field, words", [
    ({"axes": [{**TINY_BASE["conflict"]["axes"][0], "start_day": 8, "stop_day": 3}]},
     "conflict.axes.0.stop_day", ["start_day 8", ">= 8"]),
    ({"strikes": [{"place": "Midtown", "start_day": 9, "end_day": 5, "level": 0.5}]},
     "conflict.strikes.0.end_day", ["start_day 9", ">= 9"]),
    ({"intensity": [{"day": 0, "level": 1.0}, {"day": 30, "level": 0.2}, {"day": 10, "level": 0.5}]},
     "conflict.intensity", ["day order", "[0, 30, 10]"]),
])
def test_days_out_of_order_are_schema_errors(conflict, field, words):
    """Checks within the scenario need no geography: the schema refuses them."""
    with pytest.raises(InputError) as info:
        parse_scenario(deep_merge(TINY_BASE, {"conflict": conflict}), "s.yaml")
    assert info.value.field == field
    assert_one_line(info.value, field, *words)


def test_a_stop_day_on_the_start_day_and_a_one_day_strike_are_fine():
    sc = parse_scenario(deep_merge(TINY_BASE, {"conflict": {
        "axes": [{**TINY_BASE["conflict"]["axes"][0], "start_day": 5, "stop_day": 5}],
        "strikes": [{"place": "Midtown", "start_day": 9, "end_day": 9, "level": 0.5}]}}))
    assert sc.conflict.axes[0].stop_day == 5 and sc.conflict.strikes[0].end_day == 9


def test_border_phases_are_checked_by_the_schema():
    with pytest.raises(InputError) as info:
        parse_scenario(deep_merge(TINY_BASE, {"border": {"crossings": {"Gate": [
            {"day": 0, "status": "closed"}, {"day": 20, "status": "open"},
            {"day": 10, "status": "closed"}]}}}), "s.yaml")
    assert info.value.field == "border.crossings.Gate"


def test_missing_file(tmp_path, tiny_geo):
    path = tmp_path / "nope.yaml"
    err = load_error(path, tiny_geo)
    assert_one_line(err, "nope.yaml", "not found")


def test_directory_instead_of_file(tmp_path, tiny_geo):
    assert_one_line(load_error(tmp_path, tiny_geo), "is a folder", "idlib-sim scenarios")


# --------------------------------------------------------------------------- good files


def test_valid_file_loads_frozen(tmp_path, tiny_geo):
    path = write_tiny(tmp_path, days=25, behaviour={"flee_propensity": 2.5})
    sc = load_scenario(path, tiny_geo)
    assert isinstance(sc, Scenario)
    assert sc.name == "tiny" and sc.days == 25 and sc.behaviour.flee_propensity == 2.5
    assert sc.conflict.axes[0].via == ("Southtown", "Midtown")
    assert sc.source_path == str(path)
    with pytest.raises(pydantic.ValidationError):
        sc.days = 3
    with pytest.raises(pydantic.ValidationError):
        sc.behaviour.flee_propensity = 9.0
    assert sc.days == 25 and sc.behaviour.flee_propensity == 2.5


def test_source_sha256_is_file_hash_and_changes_with_file(tmp_path, tiny_geo):
    path = write_tiny(tmp_path)
    first = load_scenario(path, tiny_geo).source_sha256
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_scenario(path, tiny_geo).source_sha256 == first  # stable
    write_tiny(tmp_path, days=41)
    second = load_scenario(path, tiny_geo).source_sha256
    assert re.fullmatch(r"[0-9a-f]{64}", second)
    assert second != first


def test_extends_merges_base(tmp_path, tiny_geo):
    base = deep_merge(TINY_BASE, {"days": 30,
                                  "behaviour": {"flee_propensity": 2.0, "social_weight": 0.5},
                                  "population": {"vehicle_share": 0.2}})
    write_yaml(tmp_path / "base.yaml", base)
    child = write_yaml(tmp_path / "child.yaml", {
        "extends": "base.yaml", "name": "child", "days": 12,
        "behaviour": {"flee_propensity": 5.0}})
    sc = load_scenario(child, tiny_geo)
    assert sc.name == "child" and sc.days == 12              # child overrides base
    assert sc.behaviour.flee_propensity == 5.0                # nested override
    assert sc.behaviour.social_weight == 0.5                  # nested sibling kept from base
    assert sc.population.vehicle_share == 0.2                 # untouched section kept
    assert sc.population.total_people == 30000
    assert [a.name for a in sc.conflict.axes] == ["south"]    # lists come from the base
    assert sc.seed == 1


def test_extends_hash_follows_base_file(tmp_path, tiny_geo):
    write_yaml(tmp_path / "base.yaml", TINY_BASE)
    child = write_yaml(tmp_path / "child.yaml", {"extends": "base.yaml", "days": 12})
    before = load_scenario(child, tiny_geo).source_sha256
    write_yaml(tmp_path / "base.yaml", deep_merge(TINY_BASE, {"seed": 7}))
    after = load_scenario(child, tiny_geo)
    assert after.seed == 7
    assert after.source_sha256 != before


def test_extends_loop_is_an_error(tmp_path, tiny_geo):
    write_yaml(tmp_path / "a.yaml", deep_merge(TINY_BASE, {"extends": "b.yaml"}))
    write_yaml(tmp_path / "b.yaml", {"extends": "a.yaml", "days": 5})
    err = load_error(tmp_path / "a.yaml", tiny_geo)
    assert err.field == "extends"
    assert_one_line(err, "extends", "loop")


def test_extends_self_is_an_error(tmp_path, tiny_geo):
    path = write_yaml(tmp_path / "self.yaml", deep_merge(TINY_BASE, {"extends": "self.yaml"}))
    assert_one_line(load_error(path, tiny_geo), "extends", "loop")


def test_extends_missing_base(tmp_path, tiny_geo):
    path = write_yaml(tmp_path / "child.yaml", {"extends": "nothere.yaml", "days": 5})
    err = load_error(path, tiny_geo)
    assert err.field == "extends"
    assert_one_line(err, "extends", "nothere.yaml", "not found", "relative")


def test_nested_extends_is_relative_to_each_base(tmp_path, tiny_geo):
    (tmp_path / "sub").mkdir()
    write_yaml(tmp_path / "sub" / "root.yaml", TINY_BASE)
    write_yaml(tmp_path / "sub" / "middle.yaml", {"extends": "root.yaml", "days": 9})
    child = write_yaml(tmp_path / "child.yaml", {"extends": "sub/middle.yaml", "name": "child"})
    sc = load_scenario(child, tiny_geo)
    assert sc.name == "child" and sc.days == 9


# --------------------------------------------------------------------------- shipped scenarios


def test_shipped_scenarios():
    assert SHIPPED == ["baseline_no_offensive.yaml", "hindcast_2018_sept_idlib.yaml",
                       "hindcast_2019_2020_idlib.yaml", "hindcast_2019_hama_idlib.yaml",
                       "idlib_border_open.yaml", "idlib_full_assault.yaml",
                       "idlib_southern_offensive.yaml"]


def test_sept_2018_hindcast_covers_its_observed_rows_and_follows_the_timeline(idlib_geo):
    """1-12 Sep 2018 inside the run; no control change; the escalation peaks on 7-10 Sep,
    eases from 12 Sep and falls with the Sochi memorandum (17 Sep); struck places on the days
    the sources give."""
    from datetime import date, timedelta

    from sim.io.observed import load_observed
    from sim.world.conflict import build_timeline

    sc = load_scenario(REPO / "scenarios" / "hindcast_2018_sept_idlib.yaml", idlib_geo)
    end = sc.start_date + timedelta(days=sc.days - 1)
    rows = [r for r in load_observed(REPO / "scenarios" / "observed" / "observed_2019_offensive.csv",
                                     idlib_geo) if r.source_id in ("S47", "S48")]
    assert len(rows) == 2 and all(sc.start_date <= r.date_start and r.date_end <= end for r in rows)
    assert sc.start_date == date(2018, 9, 1) and not sc.conflict.control_changes
    timeline = build_timeline(sc, idlib_geo)
    level = timeline.intensity
    assert level[6:10].min() == level.max() > level[0]          # peak 7-10 Sep
    assert level[11] < level.max() and level[16:].max() < level[11]
    assert not timeline.government[:, idlib_geo.kind != "external"].any()   # nothing changes hands
    for place, days in (("Kafr Zita", (8, 9)), ("Jisr al-Shughur", (3,)), ("Khan Shaykhun", (6, 7))):
        i = idlib_geo.index(place)
        assert all(timeline.danger[d, i] >= 0.5 for d in days), place


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads_against_idlib(name, idlib_geo):
    sc = load_scenario(REPO / "scenarios" / name, idlib_geo)
    assert sc.name == name.removesuffix(".yaml")
    assert sc.region == "idlib"
    assert len(sc.source_sha256) == 64


def test_shipped_scenario_loads_with_default_geography():
    sc = load_scenario(REPO / "scenarios" / "idlib_southern_offensive.yaml")
    assert sc.conflict.ceasefire_day == 120


def test_border_open_has_quota_phases_on_bab_al_hawa(idlib_geo):
    sc = load_scenario(REPO / "scenarios" / "idlib_border_open.yaml", idlib_geo)
    phases = sc.border.crossings["Bab al-Hawa crossing"]
    assert phases[0].day == 0 and phases[0].status == "closed"
    quotas = [p for p in phases if p.status == "quota"]
    assert quotas and all(p.quota_people_per_day and p.quota_people_per_day > 0 for p in quotas)
    assert all(idlib_geo.kind_of(n) == "crossing" for n in sc.border.crossings)
    # the axes are inherited from the full assault through 'extends'
    base = load_scenario(REPO / "scenarios" / "idlib_full_assault.yaml", idlib_geo)
    assert sc.conflict.axes == base.conflict.axes and len(sc.conflict.axes) > 0
    assert base.border.crossings == {}


# --------------------------------------------------------------------------- issue 10 fields
PROCESS_FIELDS = [
    ("departure", "departure.py", f) for f in (
        "preparation_days_mean", "spare_seats_per_vehicle", "shared_trips_per_day",
        "hired_transport_per_day", "walk_per_day", "walk_dependants_factor", "dependant_children")
] + [("response", "response.py", f) for f in (
    "lag_days", "share_of_unsheltered_per_day", "max_people_per_day_per_site", "catchment_km",
    "camp_land_m2_per_person")
] + [("returns", "returns.py", f) for f in (
    "return_per_day", "return_after_safe_days", "safe_danger", "return_to_government_factor")
] + [("behaviour", "scenario.py", f) for f in (
    "fear_memory_days", "onward_move_cost", "shelter_review_per_day", "crossing_news_days",
    "crossing_reach_km", "crossing_queue_days")
] + [("movement", "scenario.py", "settle_after_days"),
     ("population", "scenario.py", "transport_money_share")]


@pytest.mark.parametrize("section, module, field", PROCESS_FIELDS)
def test_process_constants_are_documented_bounded_schema_fields(section, module, field):
    """Every behaviour constant of the new processes is a schema field with a docstring, a
    row in docs/model.md, and bounds that refuse a negative value on one line."""
    from pathlib import Path

    from sim.errors import InputError
    root = Path(__file__).resolve().parent.parent
    source = (root / "sim" / "config" / module).read_text()
    assert f"    {field}:" in source
    after = source.split(f"    {field}:", 1)[1].split("\n", 2)[1].strip()
    assert after.startswith('"""'), f"{field} has no docstring"
    assert f"`{section}.{field}`" in (root / "docs" / "model.md").read_text(), field
    sc = parse_scenario({"name": "x", "start_date": "2020-01-01"})
    assert field in type(getattr(sc, section)).model_fields
    with pytest.raises(InputError) as info:
        parse_scenario({"name": "x", "start_date": "2020-01-01", section: {field: -1}})
    message = str(info.value)
    assert "\n" not in message and f"{section}.{field}" in message
