"""Household agents held as NumPy arrays: the state they carry, and the one owner of its changes.

Each row is one household agent with its own attributes and random draws. At 2.5 M people
(~455,000 households) one Python object per household costs ~0.44 s per step; arrays make a
step a few milliseconds, so every rule in the package is a vectorised function over rows.

As Covasim's ``People`` owns its transitions, :class:`Households` is the only code that changes
where a household is (``status``, ``location``, ``next_node``, ``progress_km``) and what its
displacement history says (``destination``, ``displaced_day``, ``times_displaced``,
``arrival_day``). The other engine modules decide *who* and *where*; a named method here applies
the change, in the words of the model description (docs/model.md, 2.1), and keeps a
conservation ledger: people per status, moved from one status to another by every transition.
:meth:`Households.check_ledger` compares the ledger with a fresh count once a day, so a write
behind the owner's back, or a household counted twice, stops the run instead of skewing it.
It also keeps the counts by place the rules read (:mod:`sim.engine.place_counts`): one method,
``_change``, writes status, place, destination and road ahead and moves the people in them,
and the same nightly check compares them, place by place, with the recorder's own count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from sim.engine.index_sets import joined, union_of, without
from sim.engine.place_counts import PlaceCounts, change_rows, read_only
from sim.engine.statuses import (
    DISPLACED_STAYING,
    LISTED,
    N_STATUS,
    ON_THE_ROAD,
    STAYING,
    Status,
    StatusLists,
    allowed_flags,
    status_in,
)

GROUPS = ("children", "adult_women", "adult_men", "elderly")
"""Age/sex groups whose head-counts every household carries."""


class LedgerError(RuntimeError):
    """Household state changed outside :class:`Households`, or a transition broke the rules."""


@dataclass(eq=False)
class Households:
    """State arrays, one row per household agent, and the transitions between statuses."""

    size: np.ndarray              # people
    children: np.ndarray          # people under 18
    adult_women: np.ndarray       # women 18-59
    adult_men: np.ndarray         # men 18-59
    elderly: np.ndarray           # people 60+
    home: np.ndarray              # location index at day 0
    already_displaced: np.ndarray  # bool: an IDP before the run starts
    has_vehicle: np.ndarray       # bool: car, truck, tractor or motorbike for the family
    risk_tolerance: np.ndarray    # 0 = very risk-averse, 1 = stays under fire
    information: np.ndarray       # 0 = poorly informed, 1 = well informed
    status: np.ndarray            # Status code
    location: np.ndarray          # current node (last node passed while in transit)
    next_node: np.ndarray         # node being travelled to on a road, -1 at a node
    progress_km: np.ndarray       # km covered along the current road
    destination: np.ndarray       # chosen destination node, -1 none
    displaced_day: np.ndarray     # day first displaced in this run, -1 never
    times_displaced: np.ndarray   # flights in this run (re-displacement counts again)
    arrival_day: np.ndarray       # day it reached its current place, -1 none
    # Traits and state of the processes of docs/model.md 7.11-7.15; hand-made households may
    # leave them out (no money for transport, no plan to flee, no journey yet).
    can_pay_transport: np.ndarray = field(default=None)   # bool: can hire transport
    flee_ready_day: np.ndarray = field(default=None)      # decided to flee: ready from this day, -1 none
    by_vehicle: np.ndarray = field(default=None)          # bool: current (or last) journey by vehicle
    journey_start_day: np.ndarray = field(default=None)   # day the current (or last) journey began, -1

    def __post_init__(self) -> None:
        n = len(self.size)
        defaults = {"can_pay_transport": np.zeros(n, dtype=bool),
                    "flee_ready_day": np.full(n, -1, dtype=np.int16),
                    "by_vehicle": np.asarray(self.has_vehicle, dtype=bool).copy(),
                    "journey_start_day": np.full(n, -1, dtype=np.int16)}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        self._weigh()
        self.initial_people = self.people
        self._ledger = self.people_by_status()
        self._counts: PlaceCounts | None = None   # kept by the transitions, once asked for
        self._lists: StatusLists | None = None   # likewise
        self._plans: np.ndarray | None = None    # likewise: flee_ready_day >= 0
        self._home_rows: tuple[int, np.ndarray] | None = None

    def _weigh(self) -> None:
        # ``size`` as float64, the weights of every head-count: np.bincount converts integer
        # weights element by element, six times slower than the counting itself.
        self.people_weight = self.size.astype(np.float64)

    def __len__(self) -> int:
        return len(self.size)

    @property
    def people(self) -> int:
        return int(self.size.sum())

    def subset(self, index: np.ndarray) -> "Households":
        return Households(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def extend(self, new: "Households") -> None:
        """Append households that enter the system (spawning mode), once per day; rows keep
        their index, so index arrays taken earlier stay valid. Their people enter the ledger
        (and the people the conservation check expects) in the status they arrive with."""
        for f in fields(self):
            old = getattr(self, f.name)
            setattr(self, f.name, np.concatenate([old, getattr(new, f.name).astype(old.dtype)]))
        self._weigh()
        self.initial_people += new.people
        self._ledger += new.people_by_status()
        if self._counts is not None:
            self._counts.add(new._place_counts(self._counts.heading.shape[0]))
        if self._lists is not None:
            self._lists.extend(len(self) - len(new), new.status)
        if self._plans is not None:
            self._plans = np.concatenate([self._plans, len(self) - len(new)
                                          + np.flatnonzero(new.flee_ready_day >= 0)])

    # ----------------------------------------------------------------- counts
    def people_by_status(self) -> np.ndarray:
        """People per status right now (a fresh count, int64)."""
        # From ``size`` itself, not its float copy: a size changed behind the owner's back shows.
        counts = np.bincount(self.status, weights=self.size, minlength=N_STATUS)
        return np.rint(counts).astype(np.int64)

    def head_count(self, n_locations: int) -> np.ndarray:
        """People by [status, location] right now (float64, whole numbers): a fresh count."""
        from sim.engine.tallies import count_by_status_and_place  # it reads Status from here
        return count_by_status_and_place(self.status, self.location, self.people_weight,
                                         np.zeros((N_STATUS, n_locations)))

    def tally(self, n_locations: int) -> np.ndarray:
        """People by [status, location] right now, as the transitions have moved them: counted
        once on the first call, then kept by every change of status or place (no pass over
        the households; :mod:`sim.engine.place_counts`). It equals :meth:`head_count` to the
        last bit; :meth:`check_ledger` compares the two once a day. Read-only."""
        return read_only(self._place_counts(n_locations).people)

    def queued(self, n_locations: int) -> np.ndarray:
        """People in transit waiting at each node (not on a road), kept like :meth:`tally`."""
        return read_only(self._place_counts(n_locations).queued)

    def heading(self, n_locations: int) -> np.ndarray:
        """People in transit towards each place (households with a destination), kept like
        :meth:`tally` (float64, whole numbers). Read-only."""
        return read_only(self._place_counts(n_locations).heading)

    def open_by_arrival(self, n_locations: int) -> np.ndarray:
        """People in the open by [place, day of arrival + 1], kept like :meth:`tally`
        (float64, whole numbers; at least as many columns as days of arrival so far).
        Read-only."""
        return read_only(self._place_counts(n_locations).open_by_arrival)

    def vehicles_staying(self, n_locations: int) -> np.ndarray:
        """Vehicles of the households staying somewhere (not on the road, not crossed), per
        place, kept like :meth:`tally` (float64, whole numbers)."""
        v = self._place_counts(n_locations).vehicles
        return v[Status.HOME] + v[Status.CAMP] + v[Status.HOST] + v[Status.OPEN] + v[Status.BORDER]

    def members(self, status: Status) -> np.ndarray:
        """The households in ``status`` (one of :data:`LISTED`), in index order, as
        ``np.flatnonzero(self.status == status)`` would give them, kept by every change of
        status (no pass over the households); checked by :meth:`check_ledger`. Read-only."""
        if self._lists is None:
            self._lists = StatusLists(self.status, LISTED)
        return read_only(self._lists.rows[int(status)])

    def planning(self) -> np.ndarray:
        """Households with a plan to flee (``flee_ready_day >= 0``), in index order; read-only."""
        if self._plans is None:
            self._plans = np.flatnonzero(self.flee_ready_day >= 0)
        return read_only(self._plans)

    def _place_counts(self, n_locations: int) -> PlaceCounts:
        if self._counts is None:
            self._counts = PlaceCounts.count(self.status, self.location, self.destination,
                                             self.next_node, self.arrival_day, self.people_weight,
                                             self.has_vehicle, N_STATUS, n_locations,
                                             int(Status.TRANSIT), int(Status.OPEN))
        return self._counts

    def home_rows(self, n_locations: int) -> np.ndarray:
        """The first row of each home place and, last, the number of rows, if the households
        are in the order of their homes (as synthesised); else empty. Homes do not change, so
        it is found once (again after households enter)."""
        if self._home_rows is None or self._home_rows[0] != len(self):
            home = self.home.astype(np.int64)
            ordered = len(home) == 0 or (bool((home[1:] >= home[:-1]).all()) and home[-1] < n_locations)
            rows = np.searchsorted(home, np.arange(n_locations + 1)) if ordered else np.zeros(0, np.int64)
            self._home_rows = (len(self), rows)
        return self._home_rows[1]

    @property
    def ledger(self) -> np.ndarray:
        """People per status as the transitions have moved them (a copy)."""
        return self._ledger.copy()

    def check_ledger(self, day: int, by_status: np.ndarray | None = None) -> None:
        """Raise :class:`LedgerError` unless a fresh count agrees with the ledger.

        ``by_status`` is a fresh count of people per status, or a fresh head-count by
        [status, place] (then it must also equal the :meth:`tally`, place by place); without
        it the arrays are counted here.
        """
        counted = None if by_status is None else np.asarray(by_status)
        if counted is not None and counted.ndim == 2:
            self._check_tally(day, counted)
            self._check_lists(day, counted)
            counted = counted.sum(axis=1)
        fresh = self.people_by_status() if counted is None else np.rint(counted).astype(np.int64)
        total = int(fresh.sum())
        if total != self.initial_people:
            raise LedgerError(f"people not conserved on day {day}: {total:,} counted, "
                              f"{self.initial_people:,} at the start (people created or lost)")
        if not np.array_equal(fresh, self._ledger):
            wrong = ", ".join(f"{Status(s).name} {int(fresh[s]):,} (ledger {int(self._ledger[s]):,})"
                              for s in np.flatnonzero(fresh != self._ledger))
            raise LedgerError(f"people per status disagree with the transitions on day {day}: "
                              f"{wrong} (state changed outside Households, or double-counted)")

    def _check_tally(self, day: int, head_count: np.ndarray) -> None:
        kept = None if self._counts is None else self._counts.people
        if kept is None or np.array_equal(head_count, kept):
            return
        s, where = (int(v[0]) for v in np.nonzero(head_count != kept))
        raise LedgerError(f"people by status and place disagree with the transitions on day "
                          f"{day}: {Status(s).name} at place {where} {head_count[s, where]:,.0f} "
                          f"counted, {kept[s, where]:,.0f} kept (state changed outside "
                          f"Households, or double-counted)")

    def _check_lists(self, day: int, head_count: np.ndarray) -> None:
        wrong = -1 if self._lists is None else self._lists.wrong(self.status, self.people_weight, head_count)
        name, plans = (Status(wrong).name if wrong >= 0 else ""), self._plans
        if plans is not None and (len(plans) != np.count_nonzero(self.flee_ready_day >= 0)
                                  or (self.flee_ready_day[plans] < 0).any()):
            name = "planning to flee"
        if name:
            raise LedgerError(f"the households listed as {name} on day {day} are not those who "
                              f"are (state changed outside Households)")

    # ----------------------------------------------------------------- transitions
    def _move(self, idx: np.ndarray, to: Status, allowed: tuple[Status, ...], **place) -> None:
        """Change the status of households ``idx`` (distinct) and move their people in the
        ledger; ``place``: the other fields that change with it (see :meth:`_change`)."""
        self._change(idx, allowed, "a household in {} cannot become " + to.name, status=to,
                     **place)

    def _change(self, idx: np.ndarray, allowed: tuple[Status, ...], refusal: str, status=None,
                location=None, destination=None, next_node=None, arrival_day=None) -> None:
        """Households ``idx`` (distinct), each in one of the ``allowed`` statuses, now have this
        ``status``, ``location``, ``destination``, road ahead (``next_node``, -1: at a node)
        and ``arrival_day``; each a value or one per household, None: as it was. The one
        writer of these fields: one kernel writes them and moves the households' people in
        the ledger and in the counts by place (:mod:`sim.engine.place_counts`). If a household
        is in another status, nothing changes and :class:`LedgerError` says ``refusal``
        (``{}``: that status)."""
        new = []
        for name, value in (("status", status), ("location", location),
                             ("destination", destination), ("next_node", next_node),
                             ("arrival_day", arrival_day)):
            dtype = getattr(self, name).dtype
            if value is None:
                new.append(np.zeros(0, dtype))
                continue
            value = np.asarray(value, dtype=dtype).reshape(-1)
            if len(value) not in (1, len(idx)):
                raise ValueError(f"{len(value)} values of {name} for {len(idx)} households")
            new.append(value)
        before = self.status[idx] if status is not None and self._lists is not None else None
        bad = change_rows(self.status, self.location, self.destination, self.next_node,
                          self.arrival_day, self.people_weight, self.size, self.has_vehicle,
                          idx, *new, allowed_flags(allowed), self._counts, self._ledger)
        if bad >= 0:
            raise LedgerError(refusal.format(Status(int(bad)).name))
        if before is not None:
            self._lists.move(np.asarray(idx), before, new[0])

    def _on_the_road(self, idx: np.ndarray, action: str, **fields) -> None:
        """:meth:`_change` of households in transit only (their status stays)."""
        self._change(idx, ON_THE_ROAD, f"only households in TRANSIT can {action} (one is in {{}})",
                     **fields)

    def _require(self, idx: np.ndarray, status: Status, action: str) -> None:
        if len(idx) and (self.status[idx] != status).any():
            raise LedgerError(f"only households in {status.name} can {action}")

    def set_off(self, idx: np.ndarray, destination: np.ndarray, day: int,
                flights: np.ndarray, by_vehicle: np.ndarray | None = None) -> np.ndarray:
        """Households ``idx`` leave for ``destination`` today and become TRANSIT.

        ``flights`` (a subset of ``idx``) flee danger: each flight adds to ``times_displaced``,
        and a first flight sets ``displaced_day``; the others move on or give up at a crossing.
        ``by_vehicle`` is the journey's mode (default: the household's own vehicle). A journey
        begins today and any plan to flee is carried out. Returns the households displaced for
        the first time in this run.
        """
        if not np.isin(flights, idx, kind="table").all():   # a table, not a sort
            raise LedgerError("a flight must be one of the households setting off")
        first = flights[self.displaced_day[flights] < 0]
        self._move(idx, Status.TRANSIT, STAYING, destination=destination, next_node=-1)
        self.progress_km[idx] = 0.0
        self.displaced_day[first] = day
        self.times_displaced[flights] += 1
        self.by_vehicle[idx] = self.has_vehicle[idx] if by_vehicle is None else by_vehicle
        self.journey_start_day[idx] = day
        self._plan(idx, -1)
        return first

    def plan_to_flee(self, idx: np.ndarray, ready_day: np.ndarray) -> None:
        """Households ``idx`` decide to flee and will be ready to leave on ``ready_day``."""
        if len(idx) and not status_in(self.status[idx], STAYING).all():
            raise LedgerError("only a household that is staying somewhere can plan to flee")
        self._plan(idx, ready_day)

    def give_up_plan(self, idx: np.ndarray) -> None:
        """Households ``idx`` no longer mean to flee (the danger they perceive has eased)."""
        self._plan(idx, -1)

    def _plan(self, idx: np.ndarray, ready_day) -> None:
        """The one writer of ``flee_ready_day`` (-1: no plan), which keeps :meth:`planning`."""
        had = None if self._plans is None else self.flee_ready_day[idx] >= 0
        self.flee_ready_day[idx] = ready_day
        if had is not None and len(had):
            has = self.flee_ready_day[idx] >= 0
            leaving, joining = idx[had & ~has], idx[has & ~had]
            if len(leaving) or len(joining):         # (re-planning changes no list)
                self._plans = joined(without(self._plans, union_of(leaving)), union_of(joining))

    def redirect(self, idx: np.ndarray, destination: np.ndarray) -> None:
        """Households already on the move head for a new destination."""
        self._on_the_road(idx, "change destination on the way", destination=destination)

    def wait_without_route(self, idx: np.ndarray) -> None:
        """No route to the destination today: drop it, wait where they are, choose tomorrow."""
        self._on_the_road(idx, "lose their route", destination=-1)

    def advance(self, idx: np.ndarray, location: np.ndarray, next_node: np.ndarray,
                progress_km: np.ndarray) -> None:
        """Where today's travel left households in transit: last node passed, road, km along it."""
        self._on_the_road(idx, "travel", location=location, next_node=next_node)
        self.progress_km[idx] = progress_km

    def progress_along(self, idx: np.ndarray, progress_km: np.ndarray) -> None:
        """Households in transit that stayed on their road (or at their node) today."""
        self._require(idx, Status.TRANSIT, "travel")
        self.progress_km[idx] = progress_km

    def arrive(self, idx: np.ndarray, day: int) -> None:
        """Households reach their destination today; admission settles them the same day."""
        self._on_the_road(idx, "arrive", location=self.destination[idx], destination=-1,
                          arrival_day=day)

    def admit_to_camp(self, idx: np.ndarray) -> None:
        self._move(idx, Status.CAMP, (Status.TRANSIT,))

    def admit_to_host(self, idx: np.ndarray) -> None:
        self._move(idx, Status.HOST, (Status.TRANSIT,))

    def settle_in_open(self, idx: np.ndarray) -> None:
        """No camp or host place left where they arrived: they stay in the open."""
        self._move(idx, Status.OPEN, (Status.TRANSIT,))

    def queue_at_border(self, idx: np.ndarray) -> None:
        """Arrivals at a crossing join its queue."""
        self._move(idx, Status.BORDER, (Status.TRANSIT,))

    def cross_border(self, idx: np.ndarray) -> None:
        """Households let through a crossing leave the modelled area (final)."""
        self._move(idx, Status.CROSSED, (Status.BORDER,))

    def settle_on_the_way(self, idx: np.ndarray, day: int) -> None:
        """A journey that has lasted too long ends: TRANSIT -> OPEN at the last node passed
        (where the household was counted in transit), its destination dropped."""
        self._move(idx, Status.OPEN, (Status.TRANSIT,), destination=-1, next_node=-1,
                   arrival_day=day)
        self.progress_km[idx] = 0.0

    def settle_at_border(self, idx: np.ndarray) -> None:
        """Waiting too long at a closed crossing: BORDER -> OPEN there (a border-side camp)."""
        self._move(idx, Status.OPEN, (Status.BORDER,))

    def shelter_from_open(self, idx: np.ndarray, camp: bool) -> None:
        """People in the open take camp (or host) places that freed up or opened where they are."""
        self._move(idx, Status.CAMP if camp else Status.HOST, (Status.OPEN,))

    def return_home(self, idx: np.ndarray, day: int) -> None:
        """Displaced households go home: CAMP/HOST/OPEN/BORDER -> HOME at their day-0 place."""
        if len(idx) and (self.displaced_day[idx] < 0).any():
            raise LedgerError("only a household displaced in this run can return home")
        self._move(idx, Status.HOME, DISPLACED_STAYING, location=self.home[idx], destination=-1,
                   arrival_day=day)
        self._plan(idx, -1)
