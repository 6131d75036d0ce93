"""The ``idlib-sim`` command line: one module per command (docs/architecture.md)."""


def main(argv: list[str] | None = None) -> int:
    from sim.cli.main import main as _main

    return _main(argv)
