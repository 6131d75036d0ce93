"""``idlib-sim scenarios``: the shipped scenarios and sweeps, with their titles."""

from __future__ import annotations

from sim.cli.common import add_command


def add_parser(subparsers):
    p = add_command(subparsers, "scenarios", "list the scenarios and sweeps there are to run",
                    "idlib-sim scenarios\nidlib-sim scenarios my_scenarios/")
    p.add_argument("folder", nargs="?", default="scenarios",
                   help="folder of scenario YAML files, sweeps in its sweeps/ (default: scenarios)")
    return p


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from sim.config.catalogue import catalogue

    entries = catalogue(args.folder)
    console = Console(width=max(Console().width, 120))
    for kind, title, how in (("scenario", "Scenarios", "idlib-sim run FILE"),
                             ("sweep", "Sweeps and ensembles", "idlib-sim sweep FILE")):
        rows = [e for e in entries if e.kind == kind]
        if not rows:
            continue
        t = Table(title=f"{title} in {args.folder.rstrip('/')}/ (run one: {how})",
                  title_justify="left")
        for col, ratio in (("file", 3), ("title", 5), ("what", 3)):
            t.add_column(col, overflow="fold", ratio=ratio)
        for e in rows:
            file = str(e.path.relative_to(args.folder)) if e.path.is_relative_to(args.folder) \
                else str(e.path)
            name = "" if e.name == e.path.stem else f" (name: {e.name})"
            t.add_row(file, (e.title or "-") + name,
                      f"[red]invalid: {e.problem}[/red]" if e.problem else e.detail)
        console.print(t)
    if not entries:
        print(f"no scenario or sweep YAML files in {args.folder}")
    else:
        print("copy one to edit: idlib-sim new NAME --from SCENARIO")
    return 0
