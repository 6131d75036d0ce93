"""A synthetic FLEE case of FLEE's size, for the speed test and benchmarks (not real data).

~50 locations (conflict zones, towns, markers, camps in two neighbouring countries), a
connected route graph, conflicts spreading over the period, a closure of each type and
camp counts rising to ``people`` by the last day. Everything is drawn from a fixed seed.

    python tests/flee_synthetic.py OUT_DIR [--days 300] [--people 300000]
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

START = date(2014, 1, 1)


def write_case(out: Path, days: int = 300, people: int = 300_000, n_zones: int = 15,
               n_towns: int = 25, n_camps: int = 10, seed: int = 5) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    inp, val = out / "input_csv", out / "source_data"
    inp.mkdir(parents=True, exist_ok=True)
    val.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in range(n_zones):
        rows.append([f"Zone{k}", f"R{k % 5}", "Home", 10 + rng.uniform(0, 4), 20 + rng.uniform(0, 4),
                     "conflict_zone", int(rng.integers(0, days // 2)), int(rng.integers(20_000, 400_000))])
    for k in range(n_towns):
        kind = "marker" if k % 8 == 7 else "town"
        rows.append([f"Town{k}", f"R{k % 5}", "Home", 9 + rng.uniform(0, 7), 19 + rng.uniform(0, 7), kind,
                     "", 0 if kind == "marker" else int(rng.integers(5_000, 100_000))])
    for k in range(n_camps):
        country = "East" if k % 2 else "West"
        lon = 27.5 + rng.uniform(0, 1) if country == "East" else 17.5 + rng.uniform(0, 1)
        rows.append([f"Camp{k}", "Border", country, 9 + rng.uniform(0, 7), lon, "camp", "",
                     int(people / n_camps * rng.uniform(0.8, 2.0))])
    with open(inp / "locations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["#name", "region", "country", "lat", "long", "location_type", "conflict_date",
                    "pop/cap"])
        w.writerows(rows)
    names = [r[0] for r in rows]
    xy = np.array([[r[3], r[4]] for r in rows])
    routes = set()
    order = rng.permutation(len(names))
    for a, b in zip(order[:-1], order[1:]):          # a spanning path: connected
        routes.add((min(a, b), max(a, b)))
    for a in range(len(names)):                       # plus links to the nearest places
        d = np.hypot(*(xy - xy[a]).T)
        for b in np.argsort(d)[1:4]:
            routes.add((min(a, b), max(a, b)))
    with open(inp / "routes.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["#name1", "name2", "distance", "forced_redirection"])
        for a, b in sorted(routes):
            km = float(np.hypot(*(xy[a] - xy[b])) * 111 * 1.2) + 1
            w.writerow([names[a], names[b], round(km, 1), 0])
    with open(inp / "conflicts.csv", "w", newline="") as f:
        w = csv.writer(f)
        zones = [r for r in rows if r[5] == "conflict_zone"]
        w.writerow(["#Day"] + [z[0] for z in zones])
        for t in range(days):
            w.writerow([t] + [1 if t >= z[6] else 0 for z in zones])
    (inp / "sim_period.csv").write_text(f"StartDate,{START}\nLength,{days}\n")
    (inp / "closures.csv").write_text(
        "#closure_type,name1,name2,closure_start,closure_end\n"
        f"country,Home,East,{days // 3},{days // 3 + 20}\n"
        f"location,Town3,Town3,{days // 4},-1\n"
        f"camp,Camp1,,{days // 2},{days // 2 + 30}\n")
    layout = [["total", "total.csv"]]
    share = rng.dirichlet(np.ones(n_camps))
    for k in range(n_camps):
        pts = sorted(rng.choice(np.arange(1, days), 8, replace=False))
        level = np.sort(rng.uniform(0, 1, len(pts)))
        level[-1] = 1.0
        with open(val / f"camp{k}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["#Date", "count"])
            w.writerow([START, int(200 * share[k] * n_camps)])
            for p, v in zip(pts, level):
                w.writerow([START + timedelta(days=int(p)), int(people * share[k] * v)])
        layout.append([f"Camp{k}", f"camp{k}.csv"])
    (val / "total.csv").write_text(f"#Date,count\n{START},0\n{START + timedelta(days=days)},{people}\n")
    with open(val / "data_layout.csv", "w", newline="") as f:
        csv.writer(f).writerows(layout)
    return inp, val


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--days", type=int, default=300)
    p.add_argument("--people", type=int, default=300_000)
    a = p.parse_args()
    print(*write_case(Path(a.out), a.days, a.people))
