"""``python -m sim.cli`` is the ``idlib-sim`` command."""

from sim.cli import main

raise SystemExit(main())
