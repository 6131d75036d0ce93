"""``idlib-sim explore`` and its server launcher (sim/cli/explore.py, sim/report/explore/server.py).

Nothing here opens a browser or keeps a server running: uvicorn's ``Server.run`` is replaced
by a recorder of the address it was asked to bind.
"""

from __future__ import annotations

import socket
from importlib import metadata

import pytest
import uvicorn

from sim.cli.main import main
from sim.report.explore import server
from tests.conftest import REPO
from tests.test_cli import main_exit_code, one_line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bound(monkeypatch):
    """Run the command without serving: record the uvicorn config it would serve with."""
    seen = {}

    def fake_run(self, sockets=None):
        seen["host"], seen["port"], seen["app"] = self.config.host, self.config.port, self.config.app

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    monkeypatch.setattr(server.webbrowser, "open", lambda url: seen.setdefault("opened", url))
    for key in server.server_environment(REPO, REPO):        # restored after the test
        monkeypatch.setenv(key, "unset")
    monkeypatch.chdir(REPO)
    return seen


def test_serves_on_loopback_by_default(bound, capsys):
    port = free_port()
    assert main(["explore", "--no-browser", "--port", str(port)]) == 0
    assert bound == {"host": "127.0.0.1", "port": port, "app": "solara.server.starlette:app"}
    assert "warning" not in capsys.readouterr().err


def test_another_host_only_when_asked_with_a_warning(bound, capsys):
    assert main(["explore", "--no-browser", "--host", "0.0.0.0", "--port", str(free_port())]) == 0
    assert bound["host"] == "0.0.0.0"
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0" in err and "127.0.0.1" in err


def test_the_page_knows_its_scenario_and_folder(bound, tmp_path):
    import os

    scenario = REPO / "scenarios" / "idlib_border_open.yaml"
    assert main(["explore", str(scenario), "--no-browser", "--port", str(free_port()),
                 "--out", str(tmp_path)]) == 0
    assert os.environ[server.SCENARIO_ENV] == str(scenario)
    assert os.environ[server.OUT_ENV] == str(tmp_path)
    assert os.environ["SOLARA_APP"] == "sim.report.explore.app"
    assert os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_a_port_in_use_is_one_line(bound, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main_exit_code(["explore", "--no-browser", "--port", str(port)]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--port" in line and str(port) in line and "host" not in bound


@pytest.mark.parametrize("argv, words", [
    (["explore", "nope.yaml"], ["nope.yaml", "not found"]),
    (["explore", "--port", "70000"], ["--port", "65535"]),
    (["explore", "--port", "abc"], ["--port", "'abc'"]),
])
def test_bad_input_is_one_line(bound, capsys, argv, words):
    assert main_exit_code(argv) == 2
    line = one_line(capsys.readouterr().err)
    assert all(w in line for w in words)
    assert "host" not in bound


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True),
                                            ("::1", True), ("127.5.0.1", True),
                                            ("0.0.0.0", False), ("192.168.1.4", False),
                                            ("example.org", False)])
def test_is_loopback(host, loopback):
    assert server.is_loopback(host) is loopback
    assert (server.check_host(host) is None) is loopback


def test_front_end_assets_are_installed_with_the_same_version():
    """The page works offline only with solara-assets of solara's own version."""
    assert server.assets_problem() is None
    assert metadata.version("solara-assets") == metadata.version("solara")


@pytest.mark.parametrize("missing, words", [("solara-assets", ["solara-assets=="]),
                                            ("solara", ['".[explore]"'])])
def test_missing_packages_are_named(monkeypatch, bound, capsys, missing, words):
    real = metadata.version

    def version(name):
        if name == missing:
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(server.metadata, "version", version)
    assert main_exit_code(["explore", "--no-browser", "--port", str(free_port())]) == 2
    line = one_line(capsys.readouterr().err)
    assert all(w in line for w in words) and "host" not in bound


def _sleep(seconds: float) -> float:
    import time
    time.sleep(seconds)
    return seconds


def test_the_servers_worker_processes_end_with_it():
    # A worker still starting when the server stops would print a traceback into its log once
    # the server's semaphores are gone; the server stops and waits for its workers first.
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    pool.submit(_sleep, 60)
    deadline = time.time() + 30
    while not pool._processes and time.time() < deadline:    # this pool's worker only: other
        time.sleep(0.05)                                     # tests' children may be about
    workers = list(pool._processes.values())
    assert workers
    started = time.time()
    server.end_worker_processes()
    assert time.time() - started < 10
    assert not any(w.is_alive() for w in workers)
    pool.shutdown(wait=False, cancel_futures=True)
