"""sim.engine.households: every transition moves the right people between statuses and keeps the
conservation ledger; writes behind the owner's back are caught; nothing else writes household
state. Also the Location agents (views of the model's per-place arrays) and the schema fields
that replaced the engine's hard-coded behaviour constants."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario
from test_spawning import spawning_scenario

from sim.config.loading import parse_scenario
from sim.engine.households import LISTED, Households, LedgerError, Status
from sim.engine.model import DisplacementModel
from sim.errors import InputError

SIM = Path(__file__).resolve().parent.parent / "sim"
STATE = ("status", "location", "next_node", "progress_km", "destination", "displaced_day",
         "times_displaced", "arrival_day", "flee_ready_day", "by_vehicle", "journey_start_day")


def households(status, size=None, displaced_day=None) -> Households:
    """Hand-made households at location 0 with the given statuses (and sizes 1, 2, 3, ...)."""
    status = np.asarray(status, dtype=np.int8)
    n = len(status)
    size = np.arange(1, n + 1, dtype=np.int16) if size is None else np.asarray(size, np.int16)
    zeros = np.zeros(n, dtype=np.int16)
    return Households(
        size=size, children=size.copy(), adult_women=zeros.copy(), adult_men=zeros.copy(),
        elderly=zeros.copy(), home=zeros.copy(), already_displaced=np.zeros(n, bool),
        has_vehicle=np.zeros(n, bool), risk_tolerance=np.full(n, 0.5, np.float32),
        information=np.full(n, 0.5, np.float32), status=status, location=zeros.copy(),
        next_node=np.full(n, -1, np.int16), progress_km=np.zeros(n, np.float32),
        destination=np.where(status == Status.TRANSIT, 3, -1).astype(np.int16),
        displaced_day=(np.full(n, -1, np.int16) if displaced_day is None
                       else np.asarray(displaced_day, np.int16)),
        times_displaced=zeros.copy(), arrival_day=np.full(n, -1, np.int16))


def people(hh: Households, status: Status) -> int:
    return int(hh.size[hh.status == status].sum())


# --------------------------------------------------------------------- transitions
def test_set_off_moves_people_to_transit_and_counts_flights_once():
    hh = households([Status.HOME, Status.HOME, Status.CAMP, Status.OPEN], size=[2, 3, 4, 5],
                    displaced_day=[-1, -1, 7, 7])
    first = hh.set_off(np.array([0, 2, 3]), np.array([5, 6, 7]), day=9, flights=np.array([0, 2]))
    assert first.tolist() == [0]                      # household 2 was displaced before
    assert hh.status.tolist() == [Status.TRANSIT, Status.HOME, Status.TRANSIT, Status.TRANSIT]
    assert hh.destination[[0, 2, 3]].tolist() == [5, 6, 7]
    assert hh.displaced_day.tolist() == [9, -1, 7, 7]   # a repeat flight keeps its first day
    assert hh.times_displaced.tolist() == [1, 0, 1, 0]  # moving on from the open is no flight
    assert hh.ledger.tolist() == [3, 11, 0, 0, 0, 0, 0]
    hh.check_ledger(day=9)


@pytest.mark.parametrize("method, to", [("admit_to_camp", Status.CAMP),
                                        ("admit_to_host", Status.HOST),
                                        ("settle_in_open", Status.OPEN),
                                        ("queue_at_border", Status.BORDER)])
def test_settling_moves_arrivals_out_of_transit(method, to):
    hh = households([Status.TRANSIT, Status.TRANSIT, Status.HOME], size=[4, 6, 10])
    hh.arrive(np.array([0, 1]), day=3)
    assert hh.location[[0, 1]].tolist() == [3, 3]       # at the destination they chose
    assert hh.destination[[0, 1]].tolist() == [-1, -1]
    assert hh.arrival_day.tolist() == [3, 3, -1]
    assert hh.status[0] == Status.TRANSIT               # arrived, not yet settled
    getattr(hh, method)(np.array([1]))
    assert people(hh, to) == 6 and people(hh, Status.TRANSIT) == 4
    assert hh.ledger[to] == 6 and hh.ledger[Status.TRANSIT] == 4
    hh.check_ledger(day=3)


def test_crossing_the_border_is_only_from_the_queue():
    hh = households([Status.BORDER, Status.BORDER, Status.TRANSIT], size=[2, 5, 1])
    hh.cross_border(np.array([1]))
    assert people(hh, Status.CROSSED) == 5 and hh.ledger[Status.CROSSED] == 5
    with pytest.raises(LedgerError, match="TRANSIT cannot become CROSSED"):
        hh.cross_border(np.array([2]))
    hh.check_ledger(day=0)


def test_moves_on_the_road_change_no_status():
    hh = households([Status.TRANSIT, Status.TRANSIT])
    hh.redirect(np.array([0]), np.array([8]))
    hh.wait_without_route(np.array([1]))
    hh.advance(np.array([0, 1]), np.array([2, 4]), np.array([5, -1]), np.array([12.5, 0.0]))
    assert hh.destination.tolist() == [8, -1]
    assert hh.location.tolist() == [2, 4] and hh.next_node.tolist() == [5, -1]
    assert hh.progress_km.tolist() == [12.5, 0.0]
    assert hh.ledger[Status.TRANSIT] == 3
    hh.check_ledger(day=0)


@pytest.mark.parametrize("call", [
    lambda hh: hh.set_off(np.array([0]), np.array([1]), 0, np.array([0])),   # already moving
    lambda hh: hh.set_off(np.array([2]), np.array([1]), 0, np.array([2])),   # crossed: final
    lambda hh: hh.set_off(np.array([1]), np.array([1]), 0, np.array([0])),   # flight not leaving
    lambda hh: hh.redirect(np.array([1]), np.array([2])),
    lambda hh: hh.advance(np.array([1]), np.array([2]), np.array([-1]), np.array([0.0])),
    lambda hh: hh.arrive(np.array([2]), 0),
    lambda hh: hh.admit_to_camp(np.array([1])),
])
def test_transitions_outside_the_model_description_are_refused(call):
    hh = households([Status.TRANSIT, Status.HOME, Status.CROSSED])
    before = hh.status.copy()
    with pytest.raises(LedgerError):
        call(hh)
    assert np.array_equal(hh.status, before)


@pytest.mark.parametrize("call", [
    lambda hh: hh.admit_to_camp(np.array([0, 1, 3])),                    # 3 is at home
    lambda hh: hh.arrive(np.array([1, 0, 3]), 4),
    lambda hh: hh.advance(np.array([0, 3]), np.array([2, 2]), np.array([5, 5]), np.array([1.0, 1.0])),
])
def test_a_refused_batch_changes_nobody_in_it(call):
    hh = households([Status.TRANSIT, Status.TRANSIT, Status.CAMP, Status.HOME], size=[2, 3, 4, 5])
    tally = hh.tally(6).copy()
    before = {name: getattr(hh, name).copy() for name in STATE}
    with pytest.raises(LedgerError, match="HOME"):
        call(hh)
    for name, was in before.items():
        np.testing.assert_array_equal(getattr(hh, name), was, err_msg=name)
    np.testing.assert_array_equal(hh.tally(6), tally)
    hh.check_ledger(day=0, by_status=hh.head_count(6))


def test_values_for_the_wrong_number_of_households_are_refused():
    hh = households([Status.TRANSIT, Status.TRANSIT, Status.TRANSIT])
    with pytest.raises(ValueError, match="2 values of destination for 3 households"):
        hh.redirect(np.array([0, 1, 2]), np.array([4, 5]))
    hh.redirect(np.array([0, 1, 2]), 4)                                    # one for all
    assert hh.destination.tolist() == [4, 4, 4]


# --------------------------------------------------------------------- the ledger
def test_ledger_catches_a_status_changed_behind_the_owners_back():
    hh = households([Status.HOME, Status.TRANSIT, Status.CAMP])
    hh.check_ledger(day=0)
    hh.status[0] = Status.CAMP                            # not through a transition
    with pytest.raises(LedgerError, match="HOME 0 .ledger 1.*CAMP 4 .ledger 3"):
        hh.check_ledger(day=5)


def test_ledger_catches_people_created_and_double_counting():
    hh = households([Status.HOME, Status.TRANSIT])
    hh.size[1] += 1
    with pytest.raises(LedgerError, match="created or lost"):
        hh.check_ledger(day=1)
    hh = households([Status.TRANSIT, Status.TRANSIT])
    hh.admit_to_camp(np.array([0, 0]))                    # the same household twice
    with pytest.raises(LedgerError, match="double-counted"):
        hh.check_ledger(day=1)


def test_the_model_checks_the_ledger_every_day(tiny_geo):
    model = DisplacementModel(make_scenario(days=20), tiny_geo)
    for _ in range(8):
        model.step()
    assert model.households.ledger.sum() == model.initial_people
    assert model.households.ledger[Status.TRANSIT:].sum() > 0      # people did move
    home = np.flatnonzero(model.households.status == Status.HOME)[0]
    model.households.status[home] = Status.OPEN           # a planted write
    with pytest.raises(LedgerError, match="day 8"):
        model.step()


def state_writes(source: str) -> list[int]:
    """Lines that assign into a household state array (``x.status[...] = ...`` or ``+=``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign) else []
        for t in targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute) \
                    and t.value.attr in STATE:
                lines.append(node.lineno)
    return lines


def test_only_households_writes_household_state():
    planted = "def f(hh, i):\n    hh.status[i] = 2\n    hh.times_displaced[i] += 1\n    x = hh.status[i]\n"
    assert state_writes(planted) == [2, 3]                # the checker sees writes, not reads
    writers = {str(p.relative_to(SIM)): lines for p in SIM.rglob("*.py")
               if p.name != "households.py" and (lines := state_writes(p.read_text()))}
    assert not writers, f"household state written outside sim/engine/households.py: {writers}"


# --------------------------------------------------------------------- Location agents
def test_location_agents_view_the_models_arrays(tiny_geo):
    model = DisplacementModel(make_scenario(days=30), tiny_geo)
    assert {a for cell in model.space.all_cells for a in cell.agents} == set(model.locations)
    south = model.locations[tiny_geo.index("Southtown")]
    assert (south.name, south.kind) == ("Southtown", "town")
    assert (south.lat, south.lon) == (tiny_geo.lat[south.index], tiny_geo.lon[south.index])
    dangers = []
    for _ in range(12):
        model.step()
        dangers.append(south.danger)
    t, c, hh = model.day, model.conflict, model.households
    assert dangers == [float(d) for d in c.danger[:12, south.index]]   # followed day by day
    assert len(set(dangers)) > 2
    for loc in model.locations:
        i = loc.index
        assert loc.danger == c.danger[t, i] and loc.government == c.government[t, i]
        # captured: the first day it is government-held and was not the day before (2019 control)
        before = np.concatenate([[tiny_geo.control_2019[i] == "government"], c.government[:t, i]])
        fell = np.flatnonzero(c.government[: t + 1, i] & ~before)
        assert loc.captured_day == (int(fell[0]) if len(fell) else None)
        here = (hh.location == i)
        count = lambda *s: int(hh.size[here & np.isin(hh.status, s)].sum())
        assert loc.people_present == int(hh.size[here & (hh.status != Status.CROSSED)].sum())
        assert loc.displaced_present == count(Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER)
        assert loc.in_open == count(Status.OPEN)
        assert loc.waiting_at_border == count(Status.BORDER)
        assert loc.camp_occupancy == model.recorder.camp_occupancy[t, i]
        assert loc.camp_capacity_people == model.camp_capacity[i]
        assert loc.host_capacity_people == model.host_capacity[i]
    assert south.captured_day is not None                 # the front took Southtown ...
    assert south.people_present < south.model.initial_residents[south.index]   # ... and people left
    assert sum(loc.displaced_present for loc in model.locations) > 0


# --------------------------------------------------------------------- the new schema fields
NEW_FIELDS = [("behaviour", "uninformed_danger_exponent"), ("behaviour", "vehicle_distance_factor"),
              ("behaviour", "safety_risk_offset"), ("behaviour", "front_distance_cap_km"),
              ("behaviour", "crowding_cap"), ("population", "trait_concentration"),
              ("population", "max_household_size")]


@pytest.mark.parametrize("section, field", NEW_FIELDS)
def test_new_behaviour_fields_refuse_a_negative_value(section, field):
    with pytest.raises(InputError) as info:
        parse_scenario({"name": "x", "start_date": "2020-01-01", section: {field: -1}})
    message = str(info.value)
    assert "\n" not in message and f"{section}.{field}" in message and "fix" in message


@pytest.mark.parametrize("section, field", NEW_FIELDS)
def test_new_behaviour_fields_are_documented_schema_fields(section, field):
    sc = parse_scenario({"name": "x", "start_date": "2020-01-01"})
    schema = type(getattr(sc, section))
    assert field in schema.model_fields
    doc = (SIM / "config" / "scenario.py").read_text()
    assert f'    {field}:' in doc and doc.split(f'    {field}:', 1)[1].split("\n", 2)[1].strip() \
        .startswith('"""'), f"{field} has no docstring"
    assert f"`{field}`" in (SIM.parent / "docs" / "model.md").read_text()


# --------------------------------------------------------------------- the tally by place
def test_the_tally_follows_every_transition_and_move_to_the_last_person():
    hh = households([Status.HOME] * 6 + [Status.TRANSIT] * 4, displaced_day=[-1] * 6 + [2] * 4)
    hh.has_vehicle[[1, 6, 7]] = True
    n = 9
    assert np.array_equal(hh.tally(n), hh.head_count(n))         # counted on the first call
    hh.set_off(np.array([0, 1]), np.array([4, 5]), day=3, flights=np.array([0, 1]))
    hh.advance(np.array([0, 6]), np.array([2, 3]), np.array([4, -1]), np.array([1.0, 0.0]))
    hh.arrive(np.array([1, 7]), day=3)                          # at 5 and 3 now
    hh.admit_to_camp(np.array([1]))
    hh.settle_in_open(np.array([7]))
    hh.return_home(np.array([7]), day=4)                       # back at home place 0
    hh.settle_on_the_way(np.array([0]), day=4)
    moved = hh.tally(n)
    assert hh.location[7] == 0 and hh.location[1] == 5 and hh.location[0] == 2
    np.testing.assert_array_equal(moved, hh.head_count(n))
    vehicles = np.bincount(hh.location[hh.has_vehicle & (hh.status != Status.TRANSIT)], minlength=n)
    np.testing.assert_array_equal(hh.vehicles_staying(n), vehicles)
    assert hh.vehicles_staying(n)[[0, 5]].tolist() == [1, 1]   # 7 back home, 1 in a camp at 5
    with pytest.raises(ValueError):
        moved[0, 0] = 1.0                                     # read-only: only transitions move it
    new = households([Status.HOME, Status.HOME])
    hh.extend(new)                                              # spawning: newcomers enter it
    np.testing.assert_array_equal(hh.tally(n), hh.head_count(n))


def test_the_households_in_transit_and_at_the_border_are_listed_through_every_transition():
    hh = households([Status.HOME] * 6 + [Status.TRANSIT] * 4 + [Status.CAMP] * 2)
    listed = lambda s: hh.members(s).tolist()
    assert listed(Status.TRANSIT) == [6, 7, 8, 9] and listed(Status.BORDER) == []
    hh.set_off(np.array([3, 0, 10]), np.array([4, 5, 4]), day=3, flights=np.array([3, 0]))
    assert listed(Status.TRANSIT) == [0, 3, 6, 7, 8, 9, 10]      # in index order, however given
    transit_before = hh.members(Status.TRANSIT)
    hh.arrive(np.array([9, 7]), day=3)                          # no change of status
    hh.queue_at_border(np.array([9, 7]))
    hh.settle_in_open(np.array([0]))
    assert listed(Status.TRANSIT) == [3, 6, 8, 10] and listed(Status.BORDER) == [7, 9]
    assert transit_before.tolist() == [0, 3, 6, 7, 8, 9, 10]    # a list handed out stays as it was
    hh.cross_border(np.array([9]))
    hh.settle_at_border(np.array([7]))
    hh.settle_on_the_way(np.array([6, 10]), day=4)
    assert listed(Status.TRANSIT) == [3, 8] and listed(Status.BORDER) == []
    hh.extend(households([Status.TRANSIT, Status.HOME, Status.BORDER]))   # spawning
    assert listed(Status.TRANSIT) == [3, 8, 12] and listed(Status.BORDER) == [14]
    with pytest.raises(ValueError):
        hh.members(Status.TRANSIT)[0] = 1                       # read-only
    for s in LISTED:
        np.testing.assert_array_equal(hh.members(s), np.flatnonzero(hh.status == s))
    hh.check_ledger(4, hh.head_count(9))
    hh._lists.rows[int(Status.TRANSIT)] = hh._lists.rows[int(Status.TRANSIT)][1:]   # one lost
    with pytest.raises(LedgerError, match="listed as TRANSIT on day 4"):
        hh.check_ledger(4, hh.head_count(9))


def test_the_households_planning_to_flee_are_listed_through_every_change_of_plan():
    hh = households([Status.HOME] * 5 + [Status.CAMP] * 3 + [Status.TRANSIT])
    afresh = lambda: np.flatnonzero(hh.flee_ready_day >= 0).tolist()
    assert hh.planning().tolist() == [] == afresh()
    hh.plan_to_flee(np.array([6, 2, 4]), np.array([5, 3, 3]))
    hh.plan_to_flee(np.array([2, 0]), 7)                       # 2 plans again: listed once
    assert hh.planning().tolist() == [0, 2, 4, 6] == afresh()
    held = hh.planning()
    hh.give_up_plan(np.array([4, 4, 5]))                        # twice, and one with no plan
    assert hh.planning().tolist() == [0, 2, 6] == afresh() and held.tolist() == [0, 2, 4, 6]
    hh.set_off(np.array([2, 7]), np.array([3, 3]), day=4, flights=np.array([2]))
    hh.plan_to_flee(np.array([1]), 6)
    assert hh.planning().tolist() == [0, 1, 6] == afresh()
    new = households([Status.HOME, Status.HOME])
    new.flee_ready_day[1] = 9
    hh.extend(new)
    assert hh.planning().tolist() == [0, 1, 6, 10] == afresh()
    hh.check_ledger(4, hh.head_count(6))
    hh.flee_ready_day[3] = 5                                    # a plan written behind its back
    with pytest.raises(LedgerError, match="listed as planning to flee on day 4"):
        hh.check_ledger(4, hh.head_count(6))


def heading_afresh(hh: Households, n: int) -> np.ndarray:
    on_road = (hh.status == Status.TRANSIT) & (hh.destination >= 0)
    return np.bincount(hh.destination[on_road], weights=hh.size[on_road], minlength=n)


def test_the_people_heading_for_each_place_follow_every_change_of_destination():
    hh = households([Status.HOME] * 4 + [Status.TRANSIT] * 3)   # 4, 5, 6 head for place 3
    n = 6
    assert hh.heading(n).tolist() == [0, 0, 0, 5 + 6 + 7, 0, 0]
    hh.set_off(np.array([0, 1]), np.array([4, 5]), day=1, flights=np.array([0, 1]))
    hh.redirect(np.array([4]), np.array([5]))
    hh.wait_without_route(np.array([5]))                        # no route: no destination
    hh.arrive(np.array([6]), day=1)
    hh.admit_to_camp(np.array([6]))
    np.testing.assert_array_equal(hh.heading(n), heading_afresh(hh, n))
    assert hh.heading(n).tolist() == [0, 0, 0, 0, 1, 2 + 5, 0][:n]
    hh.settle_on_the_way(np.array([0]), day=2)
    np.testing.assert_array_equal(hh.heading(n), heading_afresh(hh, n))


@pytest.mark.parametrize("scenario", [
    lambda: make_scenario(days=30),
    lambda: make_scenario(days=30, departure={"mode": "immediate"}),
    lambda: spawning_scenario(days=25),                 # households enter day by day
    lambda: make_scenario(days=30, movement={"settle_after_days": 2},   # journeys end on the way
                          returns={"return_per_day": 0.2, "return_after_safe_days": 2},
                          conflict={"axes": [], "strikes": [{"place": "Southtown", "start_day": 0,
                                                             "end_day": 4, "level": 1.0}]}),
], ids=["offensive", "immediate", "spawning", "settling-and-returns"])
def test_the_tallies_follow_a_whole_run(tiny_geo, scenario):
    model = DisplacementModel(scenario(), tiny_geo, rng=6)
    hh, n = model.households, tiny_geo.n_locations
    moved = in_open = 0.0
    while model.running:
        model.step()
        np.testing.assert_array_equal(hh.tally(n), hh.head_count(n))
        table = hh.open_by_arrival(n)
        here = hh.status == Status.OPEN
        assert table.shape[1] >= int(hh.arrival_day.max()) + 2
        afresh = np.zeros(table.shape)
        np.add.at(afresh, (hh.location[here], hh.arrival_day[here] + 1), hh.size[here])
        np.testing.assert_array_equal(table, afresh)
        in_open += table.sum()
        np.testing.assert_array_equal(hh.heading(n), heading_afresh(hh, n))
        at_node = (hh.status == Status.TRANSIT) & (hh.next_node < 0)
        np.testing.assert_array_equal(
            hh.queued(n), np.bincount(hh.location[at_node], weights=hh.size[at_node], minlength=n))
        vehicles = np.bincount(hh.location[hh.has_vehicle & ~np.isin(hh.status, [1, 6])],
                               minlength=n)
        np.testing.assert_array_equal(hh.vehicles_staying(n), vehicles)
        for listed in LISTED:
            np.testing.assert_array_equal(hh.members(listed), np.flatnonzero(hh.status == listed))
        np.testing.assert_array_equal(hh.planning(), np.flatnonzero(hh.flee_ready_day >= 0))
        moved += hh.heading(n).sum()
    assert moved > 0 and in_open > 0


def test_the_daily_check_compares_the_tally_place_by_place(tiny_geo):
    # A household moved by hand to another place keeps its status: the ledger per status
    # cannot see it, the tally by place does.
    model = DisplacementModel(make_scenario(days=5), tiny_geo, rng=2)
    model.step()
    hh = model.households
    i = int(np.flatnonzero(hh.status == Status.HOME)[0])
    hh.location[i] = (hh.location[i] + 1) % tiny_geo.n_locations
    with pytest.raises(LedgerError, match=r"by status and place.*HOME at place \d+"):
        model.step()


def test_households_at_home_are_at_their_home_place(tiny_geo):
    # decide_to_flee reads the people at home per home place from the tally by place.
    # Southtown is shelled for five days, then calm: its people flee, and some go home again.
    returning = {"returns": {"return_per_day": 0.2, "return_after_safe_days": 2},
                 "conflict": {"axes": [], "strikes": [{"place": "Southtown", "start_day": 0,
                                                       "end_day": 4, "level": 1.0}]}}
    model = DisplacementModel(make_scenario(days=30, **returning), tiny_geo, rng=4)
    returned = 0
    while model.running:
        model.step()
        hh = model.households
        home = hh.status == Status.HOME
        assert np.array_equal(hh.location[home], hh.home[home])
        returned += int((home & (hh.displaced_day >= 0)).sum())
    assert returned > 0
