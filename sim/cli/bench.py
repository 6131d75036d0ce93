"""``idlib-sim bench``: time a full-scale run (:mod:`sim.analysis.benchmark`) and print it."""

from __future__ import annotations

from sim.analysis.benchmark import DEFAULT_SCENARIO
from sim.cli.common import add_command, add_out, positive_int


def add_parser(subparsers):
    p = add_command(subparsers, "bench", "time a full-scale run and print speed and peak memory",
                    "idlib-sim bench\nidlib-sim bench scenarios/idlib_southern_offensive.yaml "
                    "--people 500000 --days 90")
    p.add_argument("scenario", nargs="?", default=None,
                   help=f"scenario YAML file (default: {DEFAULT_SCENARIO})")
    p.add_argument("--people", type=positive_int, default=None,
                   help="override total people (default: the scenario's)")
    p.add_argument("--days", type=positive_int, default=None,
                   help="override days, up to 3650 (default: the scenario's)")
    add_out(p, default=None, what="folder for the NetCDF", shown="a temporary one")
    return p


def run(args) -> int:
    from sim.analysis.benchmark import benchmark_run

    b = benchmark_run(args.scenario, people=args.people, days=args.days,
                      out=args.out)
    print(f"scenario            {b.scenario_name} ({b.source_path})")
    print(f"people / households {b.people:,} / {b.households:,}")
    print(f"days                {b.days}")
    print(f"load scenario       {b.load_s:7.2f} s")
    print(f"build model         {b.build_s:7.2f} s")
    print(f"simulate            {b.simulate_s:7.2f} s  ({b.ms_per_day:.1f} ms per simulated day)")
    print(f"dataset + NetCDF    {b.write_s:7.2f} s  ({b.netcdf_mb:.1f} MB, {b.netcdf_path})")
    print(f"wall time total     {b.total_s:7.2f} s")
    print(f"peak memory (RSS)   {b.peak_memory_mb:7.0f} MB")
    print(f"displaced           {b.displaced:,.0f}")
    return 0
