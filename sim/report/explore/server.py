"""Serving the what-if page: Solara's Starlette app under uvicorn, on loopback by default.

The page runs the real model on the server, so whoever reaches the port can start runs on
this machine: it listens on 127.0.0.1 unless another ``--host`` is asked for, with a
warning. It works offline: Solara's front end (Vuetify app, require.js, fonts, ECharts)
comes from the ``solara-assets`` package of the same version as ``solara``, installed into
the environment's ``share/solara/cdn``; without it Solara would fetch them from a public CDN
and the page stays blank with no internet.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import os
import socket
import sys
import threading
import time
import webbrowser
from importlib import metadata
from pathlib import Path

from sim.errors import InputError

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "sim.report.explore.app"
SCENARIO_ENV = "IDLIB_SIM_EXPLORE_SCENARIO"
OUT_ENV = "IDLIB_SIM_EXPLORE_OUT"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str) -> str | None:
    """None for a loopback address; otherwise the warning to print before serving."""
    if is_loopback(host):
        return None
    return (f"warning: serving on {host}, not only this machine: anyone who can reach it can "
            "run simulations here; use the default --host 127.0.0.1 unless you mean it")


def check_port_free(host: str, port: int) -> None:
    """Refuse a port something else listens on, in one line (uvicorn would log and exit)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise InputError(f"cannot serve on {host}:{port} ({exc.strerror}); give another "
                             "--port, or another --host", field="--port") from None


def assets_problem() -> str | None:
    """Why the page would need the internet for its front end, or None if it does not."""
    try:
        solara_version = metadata.version("solara")
    except metadata.PackageNotFoundError:
        return ("the what-if page is not installed; install it with pip install \".[explore]\" "
                "from the repository (the explore extra: solara and its assets)")
    try:
        assets_version = metadata.version("solara-assets")
    except metadata.PackageNotFoundError:
        assets_version = None
    if assets_version != solara_version:
        return (f"solara-assets {solara_version} is not installed (found {assets_version}): the "
                "page would load its front end from a public CDN; pip install "
                f"solara-assets=={solara_version}")
    return None


def server_environment(scenario: Path, out_dir: Path) -> dict[str, str]:
    """What the server process needs set before Solara is imported."""
    return {
        "SOLARA_APP": APP,
        SCENARIO_ENV: str(scenario.resolve()),
        OUT_ENV: str(out_dir.resolve()),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",   # no calls home
        "SOLARA_MODE": "production",
        "SOLARA_CHECK_HOOKS": "off",   # Mesa 3.3.1's ComponentsView trips the hook linter (fixed in 3.5)
    }


def serve(scenario: str | Path, *, host: str = LOOPBACK, port: int = DEFAULT_PORT,
          open_browser: bool = True, out_dir: str | Path = "results", say=print) -> None:
    """Serve the page until interrupted (Ctrl-C); open it in the browser when it is up."""
    check_port_free(host, port)
    os.environ.update(server_environment(Path(scenario), Path(out_dir)))
    import uvicorn

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    config = uvicorn.Config("solara.server.starlette:app", host=host, port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"

    def announce():
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        if server.started:
            say(f"idlib-sim explore: the what-if page is at {url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    finally:
        server.should_exit = True        # ends the announcer if the server never started
        from sim.report.explore.live import stop_new_workers

        stop_new_workers()               # no map or memo starts a worker from now on ...
        end_worker_processes()           # ... and none is left starting when the server is gone


def end_worker_processes(timeout_s: float = 5.0) -> None:
    """Stop this process's worker processes (maps, memos) before it exits, and wait for them.

    A worker spawned a moment before the server stops would otherwise go on starting after
    the server has removed its pool's semaphores, and print a FileNotFoundError traceback into
    the server's log; one stopped here ends quietly (SIGTERM, nothing of ours to finish)."""
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + timeout_s
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
    for child in children:      # one that handles SIGTERM and has not ended by now is killed
        if child.is_alive():
            child.kill()
            child.join(1.0)
    time.sleep(0.2)             # a pool that was starting a worker as we looked: once more
    late = [c for c in multiprocessing.active_children() if c not in children]
    for child in late:
        child.kill()
        child.join(1.0)
