"""Official sub-districts (OCHA admin-3, P-codes): the table, the polygons and the checks.

Planners count and report by sub-district (OCHA and the CCCM cluster publish new IDPs per
P-code), so every place of a region may carry the P-code of the sub-district it lies in.
A region folder may ship ``subdistricts.csv`` (one row per P-code: English and Arabic names,
district, governorate) and ``subdistricts.geojson`` (the OCHA COD-AB polygons, CC BY 3.0 IGO;
see ``sim/data/idlib/sources.md``). When it does, loading checks once that every P-code a
place names is in the table and that every place lies inside its own sub-district's polygon;
a bad file fails with one line naming the place, the file and the fix.
"""

from __future__ import annotations

import csv
import difflib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError

BORDER_TOLERANCE_KM = 2.0
"""A border crossing sits on the boundary line: it may lie this far outside its polygon
(sim/data/idlib/sources.md, E22). Every other place must lie inside."""

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True, eq=False)
class Subdistricts:
    """The sub-district table of a region, in file order; index ``k`` is ``pcode[k]``."""

    pcode: tuple[str, ...]
    name: tuple[str, ...]
    name_ar: tuple[str, ...]
    district: tuple[str, ...]
    governorate: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.pcode)

    def row(self, pcode: str) -> int:
        return self.pcode.index(pcode)


def read_subdistricts(path: Path) -> Subdistricts | None:
    """The P-code table, or None when the region's ``subdistricts.csv`` has no P-codes."""
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if "pcode" not in (reader.fieldnames or []) or "name_ar" not in (reader.fieldnames or []):
            return None          # a table without P-codes and names (the coarse region)
        rows = list(reader)
    seen: set[str] = set()
    for i, r in enumerate(rows, start=2):
        pc = (r.get("pcode") or "").strip()
        if not pc or pc in seen:
            raise InputError(f"{'duplicate' if pc else 'empty'} P-code {pc!r}; every row needs "
                             "its own OCHA P-code", where=f"{path} line {i}", field="pcode")
        seen.add(pc)
    return Subdistricts(
        pcode=tuple(r["pcode"].strip() for r in rows),
        name=tuple((r.get("subdistrict") or "").strip() for r in rows),
        name_ar=tuple((r.get("name_ar") or "").strip() for r in rows),
        district=tuple((r.get("district") or "").strip() for r in rows),
        governorate=tuple((r.get("governorate") or "").strip() for r in rows),
    )


def read_polygons(path: Path) -> dict[str, list[np.ndarray]]:
    """P-code -> outer rings and holes as ``[n, 2]`` lon/lat arrays (empty if no file)."""
    if not path.is_file():
        return {}
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        out: dict[str, list[np.ndarray]] = {}
        for f in features:
            geom = f["geometry"]
            polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
            out[str(f["properties"]["pcode"])] = [np.asarray(r, float)[:, :2] for p in polys for r in p]
        return out
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"not a sub-district GeoJSON ({type(exc).__name__}); each feature needs "
                         "a Polygon or MultiPolygon and a 'pcode' property", where=str(path)) from None


def inside(lon: np.ndarray, lat: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd rule over all rings (holes included), vectorised over points."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    odd = np.zeros(lon.shape, dtype=bool)
    for ring in rings:
        x1, y1 = ring[:, 0][None, :], ring[:, 1][None, :]
        x2, y2 = np.roll(ring[:, 0], -1)[None, :], np.roll(ring[:, 1], -1)[None, :]
        crosses = (y1 > lat[:, None]) != (y2 > lat[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (x2 - x1) * (lat[:, None] - y1) / (y2 - y1) + x1
        odd ^= (crosses & (lon[:, None] < x_at)).sum(axis=1) % 2 == 1
    return odd


def distance_km(lon: float, lat: float, rings: list[np.ndarray]) -> float:
    """Distance from a point to the nearest ring edge (local equirectangular, km)."""
    kx, ky = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat)), KM_PER_DEG_LAT
    best = math.inf
    for ring in rings:
        a = (ring - [lon, lat]) * [kx, ky]
        b = np.roll(a, -1, axis=0)
        d = b - a
        length2 = np.maximum((d ** 2).sum(axis=1), 1e-18)
        t = np.clip(-(a * d).sum(axis=1) / length2, 0.0, 1.0)
        best = min(best, float(np.hypot(*(a + t[:, None] * d).T).min()))
    return best


def check_pcodes(names: list[str], pcodes: np.ndarray, table: Subdistricts, where: str) -> None:
    """Every place names a P-code of the table (a missing or mistyped one fails)."""
    known = set(table.pcode)
    for i, (name, pc) in enumerate(zip(names, pcodes), start=2):
        if pc in known:
            continue
        if not pc:
            raise InputError(f"place {name!r} has no sub-district P-code; give the pcode of the "
                             "sub-district it lies in (subdistricts.csv)", where=f"{where} line {i}",
                             field="pcode")
        hint = difflib.get_close_matches(str(pc), sorted(known), n=2, cutoff=0.6)
        raise InputError(f"unknown P-code {pc!r} for {name!r}; use a pcode listed in "
                         "subdistricts.csv" + (f" (did you mean {', '.join(hint)}?)" if hint else ""),
                         where=f"{where} line {i}", field="pcode")


def check_inside(names: list[str], kinds: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                 pcodes: np.ndarray, polygons: dict[str, list[np.ndarray]], table: Subdistricts,
                 where: str) -> None:
    """Every place lies inside its own sub-district's polygon (crossings: within tolerance)."""
    for pc in dict.fromkeys(pcodes.tolist()):
        if pc not in polygons:
            continue
        idx = np.flatnonzero(pcodes == pc)
        ok = inside(lon[idx], lat[idx], polygons[pc])
        for i in idx[~ok]:
            if kinds[i] == "crossing" and distance_km(lon[i], lat[i], polygons[pc]) <= BORDER_TOLERANCE_KM:
                continue
            other = [p for p, rings in polygons.items() if inside(lon[i:i + 1], lat[i:i + 1], rings)[0]]
            label = f"{pc} ({table.name[table.row(pc)]})" if pc in table.pcode else pc
            found = (f"lies in {other[0]} ({table.name[table.row(other[0])]})" if other and
                     other[0] in table.pcode else "lies outside every sub-district polygon")
            raise InputError(f"place {names[i]!r} at {lat[i]:.5f} N, {lon[i]:.5f} E {found}, not "
                             f"in its sub-district {label}; fix its lat/lon or its pcode",
                             where=f"{where} line {i + 2}", field="pcode")
