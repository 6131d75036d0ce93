"""Places, roads and named groups of places: the world the households move in.

A region is a folder of CSV files (``sim/data/<region>/`` or any folder path):
``locations.csv`` (nodes), ``roads.csv`` (undirected links), ``groups.csv`` (named sets of
places), ``front_points.csv`` (reference points for offensive axes outside the area) and
``camp_land.csv`` (land for new camp sites, read by the humanitarian response),
``outlines.geojson`` (map outlines, plots only), and optionally ``subdistricts.csv`` and
``subdistricts.geojson`` (OCHA sub-districts with P-codes: :mod:`sim.world.subdistricts`).
Every row carries its source; see ``sim/data/idlib/sources.md``. Loading checks the files once
and fails with one line.

Kinds of place: ``town`` (named towns), ``village`` (the other communities of the fine
region: origins, not destinations unless the data give them capacity), ``camp`` (camp
clusters), ``crossing`` (border crossings) and ``external`` (areas outside the simulated
population: hosts and destinations only).

Nothing here is particular to Idlib: a region's sides and named areas are its data. Control
at day 0 is the ``control`` column (``control_2019`` in the shipped Idlib data; ``none`` when
a region has no front), and the places the destination choice treats as the Turkish-backed
northern Aleppo areas are the ``external`` members of the region's ``northern_aleppo`` group
(``groups.csv``), if it has one.
"""

from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.data import DATA_ROOT  # noqa: E402  (re-exported)
from sim.errors import InputError
from sim.world.subdistricts import (
    Subdistricts,
    check_inside,
    check_pcodes,
    read_polygons,
    read_subdistricts,
)

if TYPE_CHECKING:
    import networkx as nx

KINDS = ("town", "village", "camp", "crossing", "external")
CONTROL = ("opposition", "turkish_backed", "government", "none")
"""Control of a place at day 0; only ``government`` (the advancing side) changes behaviour."""
CONTROL_COLUMNS = ("control", "control_2019")
"""The column holding control at day 0, either name (the Idlib data uses the second)."""

LOCATION_COLUMNS = ("name", "kind", "subdistrict", "district", "governorate", "lat", "lon",
                    "population_people", "idp_people", "camp_capacity_people",
                    "host_capacity_people")
ROAD_COLUMNS = ("from", "to", "road", "road_class", "distance_km", "capacity_people_per_day")

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True, eq=False)
class Geography:
    """Immutable arrays describing the road graph; index ``i`` is location ``names[i]``."""

    region: str
    data_dir: Path
    names: list[str]
    kind: np.ndarray
    subdistrict: np.ndarray
    district: np.ndarray
    governorate: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    control_2019: np.ndarray        # control at day 0 (column control or control_2019)
    population_people: np.ndarray
    idp_people: np.ndarray
    camp_capacity_people: np.ndarray
    host_capacity_people: np.ndarray
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_length_km: np.ndarray
    edge_capacity_people_per_day: np.ndarray
    edge_road: list[str]
    edge_class: list[str]
    groups: dict[str, tuple[int, ...]] = field(default_factory=dict)
    front_point_names: list[str] = field(default_factory=list)
    front_point_lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    front_point_lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    subdistrict_pcode: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    """OCHA P-code of each place's sub-district ("" where the region gives none)."""
    subdistricts: Subdistricts | None = None
    """The region's P-code table (names in English and Arabic), if it ships one."""
    camp_land_m2: np.ndarray | None = None
    """Land for new camp sites at each place (m2, ``camp_land.csv``; 0 where none is listed)."""

    def __post_init__(self) -> None:
        if self.camp_land_m2 is None:
            object.__setattr__(self, "camp_land_m2", np.zeros(len(self.names)))

    # ------------------------------------------------------------------ lookups
    @property
    def n_locations(self) -> int:
        return len(self.names)

    @property
    def n_edges(self) -> int:
        return len(self.edge_from)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    def index(self, name: str) -> int:
        try:
            return self._index[name]
        except KeyError:
            hint = difflib.get_close_matches(name, self.names, n=3, cutoff=0.5)
            fix = f"did you mean {', '.join(map(repr, hint))}?" if hint else "check the name"
            raise InputError(f"unknown place {name!r}; {fix}") from None

    def kind_of(self, name: str) -> str:
        return str(self.kind[self.index(name)])

    @property
    def crossing_names(self) -> list[str]:
        return [n for n, k in zip(self.names, self.kind) if k == "crossing"]

    @cached_property
    def _edge_lookup(self) -> dict[tuple[int, int], int]:
        out = {}
        for e, (a, b) in enumerate(zip(self.edge_from, self.edge_to)):
            out[(int(a), int(b))] = e
            out[(int(b), int(a))] = e
        return out

    def edge_index(self, a: str, b: str) -> int | None:
        return self._edge_lookup.get((self.index(a), self.index(b)))

    @cached_property
    def edge_matrix(self) -> np.ndarray:
        """``edge_matrix[u, v]`` = undirected edge id joining u and v, or -1."""
        m = np.full((self.n_locations, self.n_locations), -1, dtype=np.int32)
        m[self.edge_from, self.edge_to] = np.arange(self.n_edges)
        m[self.edge_to, self.edge_from] = np.arange(self.n_edges)
        return m

    # ------------------------------------------------------------------ geometry
    @cached_property
    def origin_lat_lon(self) -> tuple[float, float]:
        return float(np.mean(self.lat)), float(np.mean(self.lon))

    def project_km(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Local equirectangular projection (km) - accurate to <1 % over ~200 km."""
        lat0, lon0 = self.origin_lat_lon
        x = (np.asarray(lon, float) - lon0) * KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
        y = (np.asarray(lat, float) - lat0) * KM_PER_DEG_LAT
        return x, y

    @cached_property
    def xy_km(self) -> np.ndarray:
        x, y = self.project_km(self.lat, self.lon)
        return np.column_stack([x, y])

    def point_lat_lon(self, name: str) -> tuple[float, float]:
        """Coordinates of a place or of a front reference point."""
        if name in self._index:
            i = self._index[name]
            return float(self.lat[i]), float(self.lon[i])
        j = self.front_point_names.index(name)
        return float(self.front_point_lat[j]), float(self.front_point_lon[j])

    def graph(self) -> nx.Graph:
        """The road network as networkx (node = location index, with lon/lat ``pos``); networkx
        is imported here, not when a run starts."""
        import networkx as nx

        g = nx.Graph()
        for i, n in enumerate(self.names):
            g.add_node(i, name=n, kind=str(self.kind[i]), pos=(float(self.lon[i]), float(self.lat[i])))
        for e in range(self.n_edges):
            g.add_edge(int(self.edge_from[e]), int(self.edge_to[e]), edge=e,
                       length_km=float(self.edge_length_km[e]))
        return g

    @cached_property
    def subdistrict_key(self) -> np.ndarray:
        """The sub-district each place reports under: its P-code, else its sub-district name."""
        pc = self.subdistrict_pcode if len(self.subdistrict_pcode) else np.full(self.n_locations, "")
        return np.array([p or str(s) for p, s in zip(pc, self.subdistrict)], dtype=object)

    @cached_property
    def subdistrict_names(self) -> list[str]:
        """Origins for reporting: sub-districts of places that hold residents at day 0."""
        seen: dict[str, None] = {}
        for s, pop in zip(self.subdistrict, self.population_people):
            if pop > 0 and s:
                seen.setdefault(str(s), None)
        return list(seen)


# ---------------------------------------------------------------------- loading


def load_geography(region: str | Path = "idlib") -> Geography:
    """Load a region by name (shipped in ``sim/data``) or by folder path."""
    path = Path(region)
    data_dir = path if path.is_dir() else DATA_ROOT / str(region)
    if not data_dir.is_dir():
        shipped = sorted(p.name for p in DATA_ROOT.iterdir() if p.is_dir() and not p.name.startswith("_"))
        raise InputError(f"unknown region {str(region)!r}; use one of {shipped} or a folder path",
                         field="region")
    loc_rows = _read_csv(data_dir / "locations.csv", LOCATION_COLUMNS)
    road_rows = _read_csv(data_dir / "roads.csv", ROAD_COLUMNS)
    where_l = str(data_dir / "locations.csv")
    where_r = str(data_dir / "roads.csv")

    control_col = _control_column(loc_rows, where_l)
    names: list[str] = []
    for i, r in enumerate(loc_rows, start=2):
        if r["name"] in names:
            raise InputError(f"duplicate place name {r['name']!r}; names must be unique",
                             where=f"{where_l} line {i}", field="name")
        if r["kind"] not in KINDS:
            raise InputError(f"kind {r['kind']!r} is not one of {KINDS}", where=f"{where_l} line {i}",
                             field="kind")
        if r[control_col] not in CONTROL:
            raise InputError(f"{control_col} {r[control_col]!r} is not one of {CONTROL}",
                             where=f"{where_l} line {i}", field=control_col)
        names.append(r["name"])

    lat = _numbers(loc_rows, "lat", where_l, minimum=-90, maximum=90)
    lon = _numbers(loc_rows, "lon", where_l, minimum=-180, maximum=180)
    index = {n: i for i, n in enumerate(names)}
    e_from, e_to = [], []
    for i, r in enumerate(road_rows, start=2):
        for col in ("from", "to"):
            if r[col] not in index:
                hint = difflib.get_close_matches(r[col], names, n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "add the place to locations.csv"
                raise InputError(f"road to unknown place {r[col]!r}; {fix}",
                                 where=f"{where_r} line {i}", field=col)
        if r["from"] == r["to"]:
            raise InputError("a road must join two different places", where=f"{where_r} line {i}")
        e_from.append(index[r["from"]])
        e_to.append(index[r["to"]])
    length = _numbers(road_rows, "distance_km", where_r)
    if np.any(length <= 0):
        bad = int(np.argmax(length <= 0)) + 2
        raise InputError("distance_km must be > 0 (use 0.5 for places a few km apart)",
                         where=f"{where_r} line {bad}", field="distance_km")

    geo = Geography(
        region=str(region), data_dir=data_dir, names=names,
        kind=np.array([r["kind"] for r in loc_rows]),
        subdistrict=np.array([r["subdistrict"] for r in loc_rows]),
        district=np.array([r["district"] for r in loc_rows]),
        governorate=np.array([r["governorate"] for r in loc_rows]),
        lat=lat, lon=lon,
        control_2019=np.array([r[control_col] for r in loc_rows]),
        population_people=_numbers(loc_rows, "population_people", where_l),
        idp_people=_numbers(loc_rows, "idp_people", where_l, default=0.0),
        camp_capacity_people=_numbers(loc_rows, "camp_capacity_people", where_l, default=0.0),
        host_capacity_people=_numbers(loc_rows, "host_capacity_people", where_l, default=0.0),
        edge_from=np.array(e_from, dtype=np.int32), edge_to=np.array(e_to, dtype=np.int32),
        edge_length_km=length,
        edge_capacity_people_per_day=_numbers(road_rows, "capacity_people_per_day", where_r),
        edge_road=[r["road"] for r in road_rows], edge_class=[r["road_class"] for r in road_rows],
        groups=_read_groups(data_dir / "groups.csv", index),
        **_read_front_points(data_dir / "front_points.csv"),
        **_read_pcodes(data_dir, loc_rows, names, where_l),
        camp_land_m2=_read_camp_land(data_dir / "camp_land.csv", index),
    )
    _check_connected(geo, where_r)
    return geo


def _control_column(rows: list[dict[str, str]], where: str) -> str:
    present = [c for c in CONTROL_COLUMNS if rows and c in rows[0]]
    if not present:
        raise InputError(f"missing column control (or control_2019); add it with one of {CONTROL}",
                         where=where)
    return present[0]


def _read_pcodes(data_dir: Path, loc_rows, names: list[str], where: str) -> dict:
    """P-codes of the places, checked against the region's table and polygons if it has them."""
    pcodes = np.array([(r.get("pcode") or "").strip() for r in loc_rows], dtype=object)
    table = read_subdistricts(data_dir / "subdistricts.csv")
    if table is None:
        return {"subdistrict_pcode": pcodes}
    check_pcodes(names, pcodes, table, where)
    polygons = read_polygons(data_dir / "subdistricts.geojson")
    if polygons:
        check_inside(names, np.array([r["kind"] for r in loc_rows]),
                     _numbers(loc_rows, "lat", where, minimum=-90, maximum=90),
                     _numbers(loc_rows, "lon", where, minimum=-180, maximum=180),
                     pcodes, polygons, table, where)
    return {"subdistrict_pcode": pcodes, "subdistricts": table}


def _numbers(rows, col, where, minimum=0.0, maximum=None, default=None) -> np.ndarray:
    """One numeric column, checked: a bad cell names the file, line and column."""
    out = []
    for i, r in enumerate(rows, start=2):
        text = (r.get(col) or "").strip()
        if text == "" and default is not None:
            out.append(default)
            continue
        try:
            v = float(text)
        except ValueError:
            raise InputError(f"{text!r} is not a number", where=f"{where} line {i}",
                             field=col) from None
        if not math.isfinite(v) or (minimum is not None and v < minimum) or \
                (maximum is not None and v > maximum):
            bounds = f">= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
            raise InputError(f"{v} must be a finite number {bounds}", where=f"{where} line {i}",
                             field=col)
        out.append(v)
    return np.array(out, dtype=float)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError("file not found; a region folder needs locations.csv and roads.csv",
                         where=str(path))
    with path.open(newline="", encoding="utf-8-sig") as f:  # -sig: Excel's "CSV UTF-8"
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}; add them to the header",
                             where=str(path))
        return [dict(r) for r in reader]


def _read_groups(path: Path, index: dict[str, int]) -> dict[str, tuple[int, ...]]:
    if not path.is_file():
        return {}
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(_read_csv(path, ("group", "place")), start=2):
        if r["place"] not in index:
            raise InputError(f"unknown place {r['place']!r}", where=f"{path} line {i}", field="place")
        groups.setdefault(r["group"], []).append(index[r["place"]])
    return {g: tuple(v) for g, v in groups.items()}


def _read_camp_land(path: Path, index: dict[str, int]) -> np.ndarray:
    """Land for new camp sites per place (m2); a region without the file has none."""
    land = np.zeros(len(index))
    if not path.is_file():
        return land
    rows = _read_csv(path, ("place", "land_m2"))
    values = _numbers(rows, "land_m2", str(path))
    for i, (r, v) in enumerate(zip(rows, values), start=2):
        if r["place"] not in index:
            hint = difflib.get_close_matches(r["place"], list(index), n=1)
            fix = f"did you mean {hint[0]!r}?" if hint else "use a place of locations.csv"
            raise InputError(f"unknown place {r['place']!r}; {fix}", where=f"{path} line {i}",
                             field="place")
        if land[index[r["place"]]] > 0:
            raise InputError(f"{r['place']!r} is listed twice; give each place one row",
                             where=f"{path} line {i}", field="place")
        land[index[r["place"]]] = v
    return land


def _read_front_points(path: Path) -> dict:
    if not path.is_file():
        return {}
    rows = _read_csv(path, ("name", "lat", "lon"))
    return {
        "front_point_names": [r["name"] for r in rows],
        "front_point_lat": _numbers(rows, "lat", str(path), minimum=-90, maximum=90),
        "front_point_lon": _numbers(rows, "lon", str(path), minimum=-180, maximum=180),
    }


def _check_connected(geo: Geography, where: str) -> None:
    root = list(range(geo.n_locations))          # union-find over the roads (no networkx)

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = i = root[root[i]]
        return i

    for i, j in zip(geo.edge_from.tolist(), geo.edge_to.tolist()):
        ri, rj = find(i), find(j)
        root[max(ri, rj)] = min(ri, rj)
    part = np.array([find(i) for i in range(geo.n_locations)])
    main = np.bincount(part).argmax()            # the largest part (lowest first place on ties)
    if np.any(part != main):
        cut_off = [geo.names[i] for i in np.flatnonzero(part != main)]
        raise InputError(
            f"disconnected road graph: {', '.join(cut_off[:5])} cannot be reached from "
            f"{geo.names[main]!r}; add a road linking them", where=where)
