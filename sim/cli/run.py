"""``idlib-sim run``: one scenario, one seed; writes results/<scenario>/<run-id>.nc, prints a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.common import add_command, add_out, add_quiet, add_seed, check_folder, positive_int, progress


def add_parser(subparsers):
    p = add_command(subparsers, "run", "run a scenario and write results/<scenario>/<run-id>.nc",
                    "idlib-sim run scenarios/idlib_full_assault.yaml --seed 3\n"
                    "idlib-sim run scenarios/idlib_full_assault.yaml --days 30 --people 250000 "
                    "--json")
    p.add_argument("scenario", help="scenario YAML file (see 'idlib-sim scenarios')")
    add_seed(p)
    p.add_argument("--days", type=positive_int, default=None,
                   help="override days, up to 3650 (default: the scenario's)")
    p.add_argument("--people", type=positive_int, default=None,
                   help="override total people (default: the scenario's)")
    p.add_argument("--json", action="store_true",
                   help="also write the summary as JSON next to the NetCDF, <run-id>.json "
                   "(default: the NetCDF only)")
    add_out(p)
    add_quiet(p)
    return p


def overrides(args) -> dict:
    """``--days`` and ``--people`` as dotted-path overrides of the scenario."""
    out: dict = {}
    if args.days is not None:
        out["days"] = args.days
    if args.people is not None:
        out["population.total_people"] = args.people
    return out


def run(args) -> int:
    import sim
    from sim.world.scenarios import load_scenario

    changes = overrides(args)
    base = load_scenario(args.scenario)
    sc = base.with_overrides(changes, where=f"{args.scenario} with --days/--people") if changes \
        else base                                      # bad overrides fail before anything runs
    out = Path(args.out)
    check_folder(out, "--out")
    warn_if_folder_holds_other_scenarios(out / sc.name, sc)
    from sim.io.numpy_only import numpy_arrays_only

    with progress(sc.name, sc.days, "day", quiet=args.quiet) as bar:
        ds = sim.run(base, seed=args.seed, overrides=changes or None, out_dir=out, on_day=bar.day)
    with numpy_arrays_only():    # the summary's arithmetic asks xarray about dask arrays too
        from sim.report.console import print_summary  # pandas and xarray: once the run is done

        print_summary(ds)
        if args.json:
            from sim.report.summary_json import write_summary_json

            path = write_summary_json(ds, Path(ds.attrs["output_path"]).with_suffix(".json"))
            print(f"summary: {path}")
    return 0


def warn_if_folder_holds_other_scenarios(folder: Path, sc) -> None:
    """One line on stderr (the run goes on) when ``folder`` holds runs of another scenario file."""
    from sim.io.run_folder import other_scenario_runs

    others = other_scenario_runs(folder, sc)
    if not others:
        return
    first = others[0]
    what = (f"of an earlier version of {Path(sc.source_path).name} (sha256 "
            f"{first.scenario_sha256[:8]}, now {sc.source_sha256[:8]})" if first.same_file_name
            else f"of another scenario file, {first.scenario_file or 'unknown'}")
    n = len(others)
    mix = ("and 'plot' or 'memo' of the folder will refuse the mix"
           if any(o.scenario_sha256 != sc.source_sha256 for o in others) else
           "and cannot be told apart from them")
    sys.stderr.write(f"idlib-sim: warning: {folder} holds {n} run{'s' if n > 1 else ''} {what}; "
                     f"this run goes beside them {mix}; give the scenario its own 'name:' or "
                     "use --out elsewhere\n")
