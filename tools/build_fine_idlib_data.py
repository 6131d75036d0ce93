#!/usr/bin/env python3
"""Build the fine Idlib region (``sim/data/idlib/``): ~600 communities on OCHA sub-districts.

Run by hand, never at install time, run time or in tests (the package never reads the
research folders)::

    python tools/build_fine_idlib_data.py [--nw-syria DIR] [--coarse DIR] [--out DIR]

Inputs:
    ``--coarse`` (default ``sim/data/idlib_coarse``): the coarse region as built by
    ``tools/build_idlib_data.py`` (53 places; its sources.md documents E1-E17). Its named
    places, roads, groups, front points and 2018-19 sub-district totals are kept.
    ``--nw-syria`` (default ``../shared/data/nw_syria`` next to the repository): OCHA COD-AB
    sub-district polygons (``ocha_admin3_shapes/syr_admin3.*``, read with pyshp),
    sub-district table and administrative centres, and the OCHA populated places
    (``pplp_adm4_points_region.csv``: positions only, no names, no populations).

Outputs (``--out``, default ``sim/data/idlib``): ``locations.csv``, ``roads.csv``,
``subdistricts.csv``, ``subdistricts.geojson``, ``groups.csv``, ``front_points.csv`` (copy),
``outlines.geojson`` (Idleb outline dissolved from the OCHA polygons + the coarse file's other
features). ``sources.md`` is written by hand; its section "Fine geography (E18-E24)" documents
every constant below, and quotes the totals this script prints.

Requires ``pyshp`` (``pip install pyshp``); tools only, never a run-time dependency.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------
# Estimates of the fine geography (sources.md, "Fine geography (E18-E24)")
# ---------------------------------------------------------------------------
MERGE_KM = 1.5
"""E18: an OCHA community point within this distance of a named town is that town (its
built-up area), not a separate village."""
CENTRE_HALF_KM = 5.0
"""E19: village weight = 1 / (1 + d / CENTRE_HALF_KM), d = distance to the sub-district's OCHA
administrative centre: a village at the centre weighs 1, one 5 km out 1/2, 15 km out 1/4."""
GROWTH_2004 = 1_464_000 / 1_258_427
"""E2 (coarse): 2004 census town figures are grown to 2019 by the 2010/2004 governorate ratio
(S26); figures of 2008 or later, or of unknown year, are taken as they are."""
TOWN_SHARE_MAX = 0.9
"""E20: named towns hold at most this share of their sub-district's host population when the
sub-district has villages (cap applied only where sourced town figures would exceed it)."""
DETOUR = 1.35
"""E21: village link length = great-circle x 1.35 (the coarse E13/E17 factor for local
links; not a measured road length)."""
NEIGHBOURS = 3
"""E21: each community is linked to its 3 nearest communities within NEIGHBOUR_MAX_KM ..."""
NEIGHBOUR_MAX_KM = 8.0
ROAD_NODES = 1
"""E21: ... and to its nearest named place (town or camp cluster) on the coarse road graph."""
LOCAL_CAPACITY = 8_000
"""E11 (coarse): capacity of a local road, people per day and direction."""
SIMPLIFY_DEG = 0.002
"""E23: polygons of sub-districts outside Idleb governorate are simplified (Douglas-Peucker,
0.002 degrees ~ 200 m) for maps; Idleb's 26 are kept at full OCHA precision."""
BORDER_SNAP_KM = 2.0
"""E22: a named place on the border line inside no polygon takes the nearest polygon within this."""
M4_M5_KM = 6.0
"""m4_m5_corridor group: villages within 6 km of a motorway link (F73 corridor width)."""
S30_TOWN_IDPS = {"Idlib city": 58_150, "Maarrat Misrin (Maaret Tamsrin town)": 36_000}
"""REACH HSOS Jan 2018 community IDP estimates (S30): these host IDPs stay at their town."""
EXTRA_TOWN_FIGURES = {"al-Habeet": (10_144, "2004", "H06"), "Armanaz": (10_296, "2004", "S96")}
"""Town figures of the coarse build that are not in the research folder's locations.csv:
al-Habeet (coarse E16, H06) and Armanaz town (coarse build comment, S96)."""
ROUND_PEOPLE = 10
"""Village and town populations are whole multiples of 10 people (largest remainders)."""


# ---------------------------------------------------------------------------
# geometry helpers (pure Python)
# ---------------------------------------------------------------------------
def gc_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def in_ring(lon, lat, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def in_polygon(lon, lat, rings) -> bool:
    """Even-odd rule over all rings (outer rings and holes alike)."""
    return sum(in_ring(lon, lat, r) for r in rings) % 2 == 1


def ring_distance_km(lon, lat, rings) -> float:
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    best = float("inf")
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            ax, ay, bx, by = (x1 - lon) * kx, (y1 - lat) * ky, (x2 - lon) * kx, (y2 - lat) * ky
            dx, dy = bx - ax, by - ay
            L = dx * dx + dy * dy
            t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def simplify(ring, tol):
    """Douglas-Peucker on a closed ring (keeps at least 4 points)."""
    def dp(pts):
        if len(pts) < 3:
            return pts
        (x1, y1), (x2, y2) = pts[0], pts[-1]
        dx, dy = x2 - x1, y2 - y1
        L = math.hypot(dx, dy) or 1e-12
        dmax, k = -1.0, 0
        for i in range(1, len(pts) - 1):
            d = abs(dy * pts[i][0] - dx * pts[i][1] + x2 * y1 - y2 * x1) / L
            if d > dmax:
                dmax, k = d, i
        if dmax <= tol:
            return [pts[0], pts[-1]]
        return dp(pts[: k + 1])[:-1] + dp(pts[k:])
    half = len(ring) // 2
    out = dp(ring[: half + 1])[:-1] + dp(ring[half:])
    return out if len(out) >= 4 else ring


def dissolve(polygons: list[list[list[tuple]]]) -> list[list[tuple]]:
    """Outer boundary of touching polygons: edges used once, chained into rings."""
    count: dict[tuple, int] = defaultdict(int)
    for rings in polygons:
        for ring in rings:
            for a, b in zip(ring, ring[1:] + ring[:1]):
                if a != b:
                    count[(min(a, b), max(a, b))] += 1
    nxt: dict[tuple, list] = defaultdict(list)
    for (a, b), n in count.items():
        if n == 1:
            nxt[a].append(b)
            nxt[b].append(a)
    rings, used = [], set()
    for start in list(nxt):
        if start in used or not nxt[start]:
            continue
        ring, prev, cur = [start], None, start
        used.add(start)
        while True:
            options = [p for p in nxt[cur] if p != prev and (p not in used or p == start)]
            if not options:
                break
            prev, cur = cur, options[0]
            if cur == start:
                break
            ring.append(cur)
            used.add(cur)
        if len(ring) >= 4:
            rings.append(ring)
    return sorted(rings, key=len, reverse=True)


def largest_remainder(total: int, weights: list[float], step: int = ROUND_PEOPLE) -> list[int]:
    """Integers (multiples of ``step``) in proportion to ``weights`` that add up to ``total``."""
    if not weights:
        return []
    wsum = sum(weights)
    units, rest = divmod(int(total), step)
    share = [units * w / wsum for w in weights] if wsum > 0 else [units / len(weights)] * len(weights)
    base = [int(math.floor(s)) for s in share]
    order = sorted(range(len(weights)), key=lambda i: -(share[i] - base[i]))
    for i in order[: units - sum(base)]:
        base[i] += 1
    out = [b * step for b in base]
    out[max(range(len(weights)), key=lambda i: weights[i])] += rest
    return out


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in header})


# ---------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nw-syria", type=Path, default=next(
        (p / "shared" / "data" / "nw_syria" for p in REPO.parents
         if (p / "shared" / "data" / "nw_syria").is_dir()), Path("../shared/data/nw_syria")))
    ap.add_argument("--idlib-shared", type=Path, default=None,
                    help="research folder ../shared/data/idlib (town populations); default "
                         "next to --nw-syria")
    ap.add_argument("--coarse", type=Path, default=REPO / "sim" / "data" / "idlib_coarse")
    ap.add_argument("--out", type=Path, default=REPO / "sim" / "data" / "idlib")
    args = ap.parse_args()
    nw, coarse, out = args.nw_syria, args.coarse, args.out
    idlib_shared = args.idlib_shared or nw.parent / "idlib"
    import shapefile  # pyshp: tools only

    # ---- OCHA sub-districts: table, centres, polygons ------------------------------------
    sd_table = {r["adm3_pcode"]: r for r in read_csv(nw / "ocha_admin3_subdistricts_region.csv")}
    capitals = read_csv(nw / "ocha_admin_capitals_region.csv")
    polys: dict[str, list[list[tuple]]] = {}
    reader = shapefile.Reader(str(nw / "ocha_admin3_shapes" / "syr_admin3"))
    for sr in reader.iterShapeRecords():
        pc = sr.record.as_dict()["adm3_pcode"]
        if pc not in sd_table:
            continue
        pts, parts = sr.shape.points, list(sr.shape.parts) + [len(sr.shape.points)]
        rings = []
        for a, b in zip(parts, parts[1:]):
            ring = [(round(x, 5), round(y, 5)) for x, y in pts[a:b]]
            if ring[0] == ring[-1]:
                ring = ring[:-1]
            rings.append(ring)
        polys[pc] = rings
    assert len(polys) == len(sd_table), (len(polys), len(sd_table))
    # E19 centre: the OCHA administrative centre inside the sub-district (a governorate or
    # district capital has no adm3 P-code in the file, so it is found by point-in-polygon),
    # else OCHA's centre point of the polygon.
    centres = {}
    for c in sorted(capitals, key=lambda c: -int(c["capital_level"])):
        lat, lon = float(c["lat"]), float(c["lon"])
        for pc in ([c["adm3_pcode"]] if c["adm3_pcode"] else
                   [p for p, rings in polys.items() if in_polygon(lon, lat, rings)]):
            centres.setdefault(pc, (lat, lon))
    for pc, t in sd_table.items():
        centres.setdefault(pc, (float(t["center_lat"]), float(t["center_lon"])))

    def polygon_of(lat, lon, snap_km=0.0):
        hits = [pc for pc, rings in polys.items() if in_polygon(lon, lat, rings)]
        if hits:
            return hits[0], 0.0
        if snap_km <= 0:
            return "", float("inf")
        d, pc = min((ring_distance_km(lon, lat, rings), pc) for pc, rings in polys.items())
        return (pc, d) if d <= snap_km else ("", d)

    # ---- coarse region --------------------------------------------------------------------
    c_locs = read_csv(coarse / "locations.csv")
    c_roads = read_csv(coarse / "roads.csv")
    c_groups = read_csv(coarse / "groups.csv")
    c_subs = {r["subdistrict"]: r for r in read_csv(coarse / "subdistricts.csv")}
    shared_pop = {r["name"]: r for r in read_csv(idlib_shared / "locations.csv")}
    by_name = {r["name"]: r for r in c_locs}

    # P-code of every coarse place by point-in-polygon (border crossings: nearest polygon)
    snapped = {}
    for r in c_locs:
        lat, lon = float(r["lat"]), float(r["lon"])
        pc, d = polygon_of(lat, lon, BORDER_SNAP_KM if r["kind"] == "crossing" else 0.0)
        assert pc, f"{r['name']} lies in no OCHA sub-district polygon ({d:.1f} km)"
        if d > 0:
            snapped[r["name"]] = d
        r["pcode"] = pc
    moved = [(r["name"], r["subdistrict"], sd_table[r["pcode"]]["adm3_name_en"]) for r in c_locs
             if r["governorate"] == "Idleb" and sd_table[r["pcode"]]["adm3_name_en"] != r["subdistrict"]]

    # ---- communities: OCHA populated places in Idleb governorate --------------------------
    points = [p for p in read_csv(nw / "pplp_adm4_points_region.csv") if p["adm1_pcode"] == "SY07"]
    towns_idleb = [r for r in c_locs if r["kind"] == "town" and r["governorate"] == "Idleb"]
    merged = defaultdict(list)          # town name -> OCHA points it stands for
    villages = []
    for p in points:
        lat, lon = float(p["lat"]), float(p["lon"])
        assert in_polygon(lon, lat, polys[p["adm3_pcode"]]), p["row_index"]
        d, town = min((gc_km(lat, lon, float(t["lat"]), float(t["lon"])), t["name"]) for t in towns_idleb)
        if d <= MERGE_KM:
            merged[town].append(p)
        else:
            villages.append({"lat": lat, "lon": lon, "pcode": p["adm3_pcode"], "row": p["row_index"]})

    # ---- populations per sub-district (E19, E20) -----------------------------------------
    rows_by_pc = defaultdict(list)
    for r in c_locs:
        if r["governorate"] == "Idleb":
            rows_by_pc[r["pcode"]].append(r)
    vill_by_pc = defaultdict(list)
    for v in villages:
        vill_by_pc[v["pcode"]].append(v)

    def town_host(name: str) -> tuple[float | None, str]:
        s = shared_pop.get(name, {})
        if name in EXTRA_TOWN_FIGURES:
            p, year, src = EXTRA_TOWN_FIGURES[name]
            s = {"population": str(p), "population_year": year, "source_id": src}
        if not s.get("population"):
            return None, "no sourced town figure: weighted as a community (E19)"
        p, year = float(s["population"]), s.get("population_year") or ""
        if year == "2004":
            return p * GROWTH_2004, f"{int(p):,} ({year}, {s['source_id']}) x {GROWTH_2004:.4f} (E2)"
        return p, f"{int(p):,} ({year or 'year n/a'}, {s['source_id']}) as given"

    pop_of, idp_of, note_of, vill_pop, vill_idp = {}, {}, {}, {}, {}
    sd_rows = []
    for pc in sorted(p for p in sd_table if p.startswith("SY07")):
        members = rows_by_pc[pc]
        vills = vill_by_pc[pc]
        camps = [r for r in members if r["kind"] == "camp"]
        towns = [r for r in members if r["kind"] == "town"]
        P = sum(int(r["population_people"]) for r in members)
        I = sum(int(r["idp_people"]) for r in members)
        camp_p = sum(int(r["population_people"]) for r in camps)
        camp_i = sum(int(r["idp_people"]) for r in camps)
        host = (P - camp_p) - (I - camp_i)          # non-IDP residents outside camps
        clat, clon = centres[pc]
        # host residents: sourced towns keep their figure, the rest by distance weight
        fixed, weights, notes = {}, {}, {}
        for t in towns:
            h, why = town_host(t["name"])
            notes[t["name"]] = why
            if h is None:
                weights[t["name"]] = 1 / (1 + gc_km(float(t["lat"]), float(t["lon"]), clat, clon) / CENTRE_HALF_KM)
            else:
                fixed[t["name"]] = h
        for k, v in enumerate(vills):
            v["d_centre"] = gc_km(v["lat"], v["lon"], clat, clon)
        vills.sort(key=lambda v: (v["d_centre"], v["row"]))
        for k, v in enumerate(vills, start=1):
            v["name"] = f"{sd_table[pc]['adm3_name_en']} community {k:02d}"
            weights[v["name"]] = 1 / (1 + v["d_centre"] / CENTRE_HALF_KM)
        cap = host * (TOWN_SHARE_MAX if weights else 1.0)
        if sum(fixed.values()) > cap:
            k = cap / sum(fixed.values())
            for n in fixed:
                fixed[n] *= k
                notes[n] += f"; scaled x{k:.3f} to {TOWN_SHARE_MAX:.0%} of the sub-district (E20)"
        names = list(fixed) + list(weights)
        fixed_total = sum(fixed.values())
        rest = host - fixed_total
        wsum = sum(weights.values())
        raw = [fixed[n] if n in fixed else rest * weights[n] / wsum for n in names]
        host_int = largest_remainder(host, raw)
        host_of = dict(zip(names, host_int))
        # IDPs outside camps: S30 town figures stay at their town, the rest with the residents
        idp_rest = I - camp_i
        idp_fixed = {n: S30_TOWN_IDPS[n] for n in names if n in S30_TOWN_IDPS}
        idp_share = largest_remainder(idp_rest - sum(idp_fixed.values()),
                                      [0.0 if n in idp_fixed else host_of[n] for n in names])
        idp_by = {n: idp_fixed.get(n, 0) + v for n, v in zip(names, idp_share)}
        for n in names:
            p, i = host_of[n] + idp_by[n], idp_by[n]
            if n in by_name:
                pop_of[n], idp_of[n] = p, i
                note_of[n] = (f"town residents {host_of[n]:,}: {notes[n]}; IDPs {i:,}"
                              + (" (S30 town figure)" if n in idp_fixed else
                                 " (the sub-district's host IDPs by share of residents)"))
            else:
                vill_pop[n], vill_idp[n] = p, i
        c_sub = c_subs.get(sd_table[pc]["adm3_name_en"], {})
        sd_rows.append({"pc": pc, "P": P, "I": I, "camps": camp_p, "towns": len(towns),
                        "villages": len(vills), "c_sub": c_sub,
                        "host_cap": sum(int(r["host_capacity_people"]) for r in towns)})
        assert sum(host_of.values()) + sum(idp_by.values()) == P - camp_p, pc

    # host capacity of a sub-district (coarse E8 total) goes to its named towns by population
    host_cap = {}
    for s in sd_rows:
        towns = [r for r in rows_by_pc[s["pc"]] if r["kind"] == "town"]
        caps = largest_remainder(s["host_cap"], [pop_of[t["name"]] for t in towns], 100) if towns else []
        for t, c in zip(towns, caps):
            host_cap[t["name"]] = c

    # ---- locations.csv ----------------------------------------------------------------------
    header = ["name", "kind", "pcode", "subdistrict", "district", "governorate", "lat", "lon",
              "control_2019", "population_people", "idp_people", "camp_capacity_people",
              "host_capacity_people", "coord_source", "population_source", "capacity_source", "note"]
    loc_rows = []
    for r in c_locs:
        t = sd_table[r["pcode"]]
        row = dict(r)
        row.update(subdistrict=t["adm3_name_en"], district=t["adm2_name_en"],
                   governorate=t["adm1_name_en"])
        if r["name"] in pop_of:
            row.update(population_people=pop_of[r["name"]], idp_people=idp_of[r["name"]],
                       host_capacity_people=host_cap.get(r["name"], r["host_capacity_people"]),
                       population_source=r["population_source"] + ";E19",
                       note=(note_of[r["name"]] + f"; {len(merged[r['name']])} OCHA community "
                             f"point(s) within {MERGE_KM} km merged (E18); host capacity = its "
                             "share of the sub-district's (E24)"))
        if r["name"] in snapped:
            row["note"] = row["note"] + f"; on the border line, {snapped[r['name']]:.1f} km outside " \
                                        "the nearest sub-district polygon (E22)"
        loc_rows.append(row)
    for s in sd_rows:
        t = sd_table[s["pc"]]
        for v in vill_by_pc[s["pc"]]:
            loc_rows.append({
                "name": v["name"], "kind": "village", "pcode": s["pc"],
                "subdistrict": t["adm3_name_en"], "district": t["adm2_name_en"],
                "governorate": t["adm1_name_en"], "lat": f"{v['lat']:.5f}", "lon": f"{v['lon']:.5f}",
                "control_2019": "opposition", "population_people": vill_pop[v["name"]],
                "idp_people": vill_idp[v["name"]], "camp_capacity_people": 0,
                "host_capacity_people": 0, "coord_source": f"OCHA-PP (row {v['row']})",
                "population_source": "EST (E19)", "capacity_source": "EST (E24)",
                "note": (f"OCHA community point, {v['d_centre']:.1f} km from the sub-district "
                         f"centre (weight {1 / (1 + v['d_centre'] / CENTRE_HALF_KM):.2f}, E19); "
                         "no name or population in the source")})
    write_csv(out / "locations.csv", header, loc_rows)
    node = {r["name"]: r for r in loc_rows}

    # ---- roads.csv (E21) ---------------------------------------------------------------------
    road_rows = [dict(r) for r in c_roads]
    have = {frozenset((r["from"], r["to"])) for r in road_rows}
    comm = [r for r in loc_rows if r["kind"] in ("village", "town") and r["governorate"] == "Idleb"]
    anchors = [r for r in loc_rows if r["kind"] in ("town", "camp")]

    def add(a, b, why):
        key = frozenset((a["name"], b["name"]))
        if key in have or a["name"] == b["name"]:
            return
        have.add(key)
        gc = gc_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))
        road_rows.append({
            "from": a["name"], "to": b["name"], "road": "local road", "road_class": "local",
            "distance_km": f"{max(gc * DETOUR, 0.5):.1f}", "capacity_people_per_day": LOCAL_CAPACITY,
            "source": "EST", "distance_method": f"great-circle {gc:.1f} km x {DETOUR} (E21)",
            "note": why})

    for v in (r for r in loc_rows if r["kind"] == "village"):
        lat, lon = float(v["lat"]), float(v["lon"])
        near = sorted(anchors, key=lambda a: gc_km(lat, lon, float(a["lat"]), float(a["lon"])))
        for a in near[:ROAD_NODES]:
            add(v, a, "estimated link: community to its nearest named place (E21)")
        nbrs = sorted((gc_km(lat, lon, float(c["lat"]), float(c["lon"])), c["name"]) for c in comm
                      if c["name"] != v["name"])
        for d, n in nbrs[:NEIGHBOURS]:
            if d <= NEIGHBOUR_MAX_KM:
                add(v, node[n], "estimated link: nearest neighbouring community (E21)")
    # connectivity (as E13): join any cut-off part to its nearest node of the main part
    while True:
        adj = defaultdict(set)
        for r in road_rows:
            adj[r["from"]].add(r["to"])
            adj[r["to"]].add(r["from"])
        seen, comps = set(), []
        for n in node:
            if n in seen:
                continue
            comp, stack = set(), [n]
            while stack:
                x = stack.pop()
                if x not in comp:
                    comp.add(x)
                    stack.extend(adj[x] - comp)
            seen |= comp
            comps.append(comp)
        if len(comps) == 1:
            break
        main_c = max(comps, key=len)
        small = next(c for c in comps if c is not main_c)
        _, a, b = min((gc_km(float(node[x]["lat"]), float(node[x]["lon"]), float(node[y]["lat"]),
                             float(node[y]["lon"])), x, y) for x in small for y in main_c)
        add(node[a], node[b], "estimated link added for connectivity (E21)")
    write_csv(out / "roads.csv", ["from", "to", "road", "road_class", "distance_km",
                                  "capacity_people_per_day", "source", "distance_method", "note"],
              road_rows)

    # ---- groups.csv ------------------------------------------------------------------------
    vill_names = [r["name"] for r in loc_rows if r["kind"] == "village"]
    groups = [dict(g) for g in c_groups]
    for g in ("idlib_governorate", "idlib_and_western_aleppo", "enclave_2019"):
        note = next(x["note"] for x in c_groups if x["group"] == g)
        groups += [{"group": g, "place": n, "source": "OCHA-PP;S89", "note": note + " (community, E18)"}
                   for n in vill_names]
    motorways = [(node[r["from"]], node[r["to"]]) for r in c_roads if r["road_class"] == "motorway"]
    for n in vill_names:
        v = node[n]
        d = min(ring_distance_km(float(v["lon"]), float(v["lat"]),
                                 [[(float(a["lon"]), float(a["lat"])), (float(b["lon"]), float(b["lat"]))]])
                for a, b in motorways)
        if d <= M4_M5_KM:
            groups.append({"group": "m4_m5_corridor", "place": n, "source": "S23;S24;F73",
                           "note": f"community {d:.1f} km from a motorway link of roads.csv "
                                   "(straight line between its ends)"})
    write_csv(out / "groups.csv", ["group", "place", "source", "note"], groups)
    shutil.copyfile(coarse / "front_points.csv", out / "front_points.csv")

    # ---- subdistricts.csv + subdistricts.geojson --------------------------------------------
    used = sorted({r["pcode"] for r in loc_rows} | {pc for pc in sd_table if pc.startswith("SY07")})
    by_pc = {s["pc"]: s for s in sd_rows}
    sub_out, features = [], []
    for pc in used:
        t = sd_table[pc]
        mem = [r for r in loc_rows if r["pcode"] == pc]
        s = by_pc.get(pc)
        sub_out.append({
            "pcode": pc, "subdistrict": t["adm3_name_en"], "name_ar": t["adm3_name_ar"],
            "district": t["adm2_name_en"], "district_pcode": t["adm2_pcode"],
            "governorate": t["adm1_name_en"], "governorate_pcode": t["adm1_pcode"],
            "centre_lat": f"{centres[pc][0]:.5f}", "centre_lon": f"{centres[pc][1]:.5f}",
            "area_sqkm": t["area_sqkm"], "places": len(mem),
            "villages": sum(r["kind"] == "village" for r in mem),
            "population_2019_people": sum(int(r["population_people"]) for r in mem),
            "idp_people_2019": sum(int(r["idp_people"]) for r in mem),
            "host_capacity_people": sum(int(r["host_capacity_people"]) for r in mem),
            "camp_capacity_people": sum(int(r["camp_capacity_people"]) for r in mem),
            "population_source": ("coarse sub-district total (E1-E16), shared among its places (E19)"
                                  if s else "not simulated (external area or outside Idleb)"),
        })
        rings = polys[pc] if pc.startswith("SY07") else [simplify(r, SIMPLIFY_DEG) for r in polys[pc]]
        for r in mem:
            assert in_polygon(float(r["lon"]), float(r["lat"]), rings) or r["name"] in snapped, r["name"]
        features.append({"type": "Feature",
                         "properties": {"pcode": pc, "name": t["adm3_name_en"], "name_ar": t["adm3_name_ar"],
                                        "district": t["adm2_name_en"], "governorate": t["adm1_name_en"]},
                         "geometry": {"type": "MultiPolygon",
                                      "coordinates": [[[list(p) for p in r + r[:1]]] for r in rings]}})
    write_csv(out / "subdistricts.csv", list(sub_out[0]), sub_out)
    geo = {"type": "FeatureCollection",
           "attribution": ("Boundaries and community locations: OCHA COD-AB / COD-PP (CC BY 3.0 IGO). "
                           "Boundaries and names do not imply official endorsement."),
           "features": features}
    (out / "subdistricts.geojson").write_text(json.dumps(geo, ensure_ascii=False, separators=(",", ":")),
                                              encoding="utf-8")

    # ---- outlines.geojson: the Idleb outline dissolved from its 26 sub-districts ------------
    outlines = json.loads((coarse / "outlines.geojson").read_text(encoding="utf-8"))
    idleb = dissolve([polys[pc] for pc in polys if pc.startswith("SY07")])
    for f in outlines["features"]:
        if f["properties"].get("pcode") == "SY07":
            f["geometry"] = {"type": "Polygon", "coordinates": [[list(p) for p in idleb[0] + idleb[:1][0][:1]]]}
            f["properties"]["source_id"] = "OCHA-AB (dissolved from the 26 sub-district polygons)"
    (out / "outlines.geojson").write_text(json.dumps(outlines, ensure_ascii=False), encoding="utf-8")

    # ---- report -----------------------------------------------------------------------------------
    agents = [r for r in loc_rows if r["kind"] != "external"]
    print(f"locations {len(loc_rows)} ({len(vill_names)} communities), roads {len(road_rows)}, "
          f"sub-districts {len(sub_out)} ({sum(p.startswith('SY07') for p in used)} in Idleb)")
    print(f"OCHA points in Idleb {len(points)}: merged into named towns "
          f"{sum(len(v) for v in merged.values())}, communities {len(villages)}")
    print("agent population", f"{sum(int(r['population_people']) for r in agents):,}",
          "IDPs", f"{sum(int(r['idp_people']) for r in agents):,}")
    print("Idleb dissolved outline rings:", [len(r) for r in idleb[:4]])
    print("places moved to another sub-district by the polygons:", moved or "none")
    print("crossings snapped to the nearest polygon (km):", {k: round(v, 2) for k, v in snapped.items()})
    for s in sd_rows:
        t = sd_table[s["pc"]]
        print(f"  {s['pc']} {t['adm3_name_en']:20s} pop {s['P']:>9,} IDPs {s['I']:>8,} "
              f"camps {s['camps']:>7,} towns {s['towns']} communities {s['villages']:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
