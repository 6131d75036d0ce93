"""Ctrl-C and SIGTERM (sim/cli/interrupts.py): the CLI, interrupted at random moments, exits
within 10 s with 130 (143 for SIGTERM) and one line, leaves no process and no partial file,
keeps the finished runs, and the same command resumes.

Each test starts ``python -m sim.cli`` in a session of its own, waits until the CLI has
installed its handlers (SIGTERM caught, in /proc/<pid>/status), waits a random delay and
signals the whole process group, as a terminal's Ctrl-C does, so the workers get it too.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TINY_BASE

from sim.config.loading import deep_merge

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")

STOP_LIMIT_S = 10.0
LINE = re.compile(r"^idlib-sim: interrupted \((SIGINT|SIGTERM)\)")
KEPT = re.compile(r"(\d+) finished runs? kept in (\S+); run the same command again to resume$")

# ~1 s per run on a loaded 2-core machine: long enough to be caught in flight
RUN = deep_merge(TINY_BASE, {"days": 60, "population": {"total_people": 60000}})


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


MEMBERS = 8


def sweep_file(tmp_path: Path, members: int = MEMBERS) -> Path:
    write(tmp_path / "base.yaml", RUN)
    return write(tmp_path / "sweep.yaml", {"name": "s", "base": "base.yaml", "members": members,
                                           "seed": 1})


class Cli:
    """``python -m sim.cli ARGS`` in its own session (its process group is its pid)."""

    def __init__(self, args: list[str], cwd: Path):
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PYTHONWARNINGS")}
        env["PYTHONPATH"] = str(REPO)
        self.proc = subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=cwd, env=env,
                                     start_new_session=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.pgid = self.proc.pid

    def wait_handlers(self, timeout_s: float = 60) -> None:
        """Until the CLI catches SIGTERM: its handlers are installed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                status = Path(f"/proc/{self.proc.pid}/status").read_text()
            except FileNotFoundError:
                break
            caught = int(status.split("SigCgt:")[1].split()[0], 16)
            if caught & (1 << (signal.SIGTERM - 1)):
                return
            time.sleep(0.01)
        pytest.fail(f"the CLI never installed its handlers: {self.proc.poll()}")

    def signal_group(self, sig=signal.SIGINT) -> float:
        os.killpg(self.pgid, sig)
        return time.monotonic()

    def finish(self, timeout_s: float = 60) -> tuple[int, str, str]:
        try:
            out, err = self.proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill_group()
            out, err = self.proc.communicate()
            pytest.fail(f"the CLI did not exit within {timeout_s} s: {err}")
        return self.proc.returncode, out, err

    def kill_group(self) -> None:
        for pid in group_members(self.pgid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def assert_no_process_left(cli: Cli, timeout_s: float = 10) -> None:
    """Workers, forkserver and resource tracker all gone (the last two exit on their own once
    the parent has gone, so they get a few seconds)."""
    deadline = time.monotonic() + timeout_s
    while group_members(cli.pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = group_members(cli.pgid)
    cli.kill_group()
    assert not left, f"processes left behind: {left}"


def interrupt_line(err: str) -> str:
    """The one line the interruption printed (a sweep's opening note may precede it)."""
    lines = [line for line in err.strip().splitlines() if not line.startswith("sweep ")]
    assert "Traceback" not in err, err
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert LINE.match(lines[0]), lines[0]
    return lines[0]


def no_part_files(folder: Path) -> None:
    assert not [p for p in folder.rglob("*.part")], "a partial file was left"


def interrupted(args, cwd, delay_s, sig=signal.SIGINT, wait_for: Path | None = None):
    """Start, wait (for ``wait_for`` to exist, then ``delay_s``), signal the group, finish."""
    cli = Cli(args, cwd)
    cli.wait_handlers()
    if wait_for is not None:
        deadline = time.monotonic() + 60
        while not wait_for.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    time.sleep(delay_s)
    sent = cli.signal_group(sig)
    code, out, err = cli.finish()
    return cli, code, err, time.monotonic() - sent


# --------------------------------------------------------------------------- run


@pytest.mark.parametrize("seed", [0, 1])
def test_run_interrupted_at_a_random_moment(tmp_path, seed):
    # Ten years of 400,000 people: on a fast machine 400 days ended before a 1.3 s signal (CI).
    path = write(tmp_path / "long.yaml", deep_merge(RUN, {"days": 3650,
                                                          "population": {"total_people": 400000}}))
    delay = random.Random(seed).uniform(0.0, 1.5)
    cli, code, err, took = interrupted(["run", str(path), "--quiet", "--out", "res"], tmp_path,
                                       delay)
    assert code == 130, err
    assert took <= STOP_LIMIT_S
    assert "nothing unfinished was written" in interrupt_line(err)
    assert not list(tmp_path.rglob("*.nc"))
    no_part_files(tmp_path)
    assert_no_process_left(cli)


SIGNAL_IN_A_CALLBACK = """
import signal, sys, time, weakref
from sim.cli.interrupts import Interrupted, handled

class Thing:
    pass

def callback(ref):                 # Python prints, and drops, what a weakref callback raises
    signal.raise_signal(signal.SIGINT)
    for _ in range(1000):          # the handler runs here, inside the callback
        pass

with handled():
    try:
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.001)
        print("not interrupted")
    except Interrupted as exc:
        print("interrupted", exc.name)
"""


def test_a_signal_inside_a_weakref_callback_still_interrupts_without_a_traceback(tmp_path):
    # importlib's module locks have weakref callbacks: a Ctrl-C during a lazy import lands there
    proc = subprocess.run([sys.executable, "-c", SIGNAL_IN_A_CALLBACK], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout.strip() == "interrupted SIGINT", proc.stdout + proc.stderr
    assert proc.stderr == ""


# --------------------------------------------------------------------------- sweeps


def check_kept(err: str, out: Path) -> int:
    """The line's count is the number of finished run files; each is complete and recorded."""
    m = KEPT.search(interrupt_line(err))
    assert m, err
    runs = out / "s" / "runs"
    files = sorted(p.stem for p in runs.glob("*.nc")) if runs.exists() else []
    assert int(m.group(1)) == len(files)
    assert Path(m.group(2)) == out / "s" or m.group(2).endswith(str(Path("res") / "s"))
    no_part_files(out)
    return len(files)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pool_sweep_ctrl_c_at_a_random_moment_keeps_finished_runs_and_resumes(tmp_path, seed):
    path = sweep_file(tmp_path)
    args = ["sweep", str(path), "--workers", "2", "--quiet", "--out", "res"]
    delay = random.Random(seed).uniform(0.0, 2.0)      # any moment: before, during or after runs
    cli, code, err, took = interrupted(args, tmp_path, delay,
                                       wait_for=tmp_path / "res" / "s" / "runs")
    assert code == 130, err
    assert took <= STOP_LIMIT_S, f"took {took:.1f} s to stop"
    kept = check_kept(err, tmp_path / "res")
    assert_no_process_left(cli)
    if seed == 0:                         # the same command resumes: only the missing runs run
        proc = subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == 0, proc.stderr
        assert f"{MEMBERS - kept} runs finished, {kept} already done, 0 failed" in proc.stdout
        assert len(list((tmp_path / "res" / "s" / "runs").glob("*.nc"))) == MEMBERS


def sweep_in_flight(tmp_path: Path) -> Cli:
    """A 2-worker sweep whose runs have started (its runs folder exists, plus a second)."""
    cli = Cli(["sweep", str(sweep_file(tmp_path)), "--workers", "2", "--quiet", "--out", "res"],
              tmp_path)
    cli.wait_handlers()
    runs = tmp_path / "res" / "s" / "runs"
    while not runs.exists() and cli.proc.poll() is None:
        time.sleep(0.02)
    time.sleep(1.0)
    return cli


def test_sigterm_to_the_parent_alone_exits_143(tmp_path):
    cli = sweep_in_flight(tmp_path)
    os.kill(cli.proc.pid, signal.SIGTERM)
    sent = time.monotonic()
    code, _, err = cli.finish()
    assert code == 143, err
    assert time.monotonic() - sent <= STOP_LIMIT_S
    assert "interrupted (SIGTERM)" in interrupt_line(err)
    check_kept(err, tmp_path / "res")
    assert_no_process_left(cli)


def test_dask_local_sweep_ctrl_c(tmp_path):
    pytest.importorskip("distributed")
    delay = random.Random(5).uniform(0.5, 3.0)
    cli, code, err, took = interrupted(
        ["sweep", str(sweep_file(tmp_path)), "--workers", "2", "--dask-local", "--quiet",
         "--out", "res"], tmp_path, delay, wait_for=tmp_path / "res" / "s" / "runs")
    assert code == 130, err
    assert took <= STOP_LIMIT_S, f"took {took:.1f} s to stop"
    check_kept(err, tmp_path / "res")
    assert_no_process_left(cli)


def test_a_second_ctrl_c_exits_at_once(tmp_path):
    cli = sweep_in_flight(tmp_path)
    cli.signal_group()
    time.sleep(0.05)
    sent = cli.signal_group()
    code, _, err = cli.finish()
    # 130 from the handler, or death by SIGINT if the first stop had already finished
    assert code in (130, -signal.SIGINT), err
    assert time.monotonic() - sent <= 3.0
    assert "Traceback" not in err
    assert_no_process_left(cli)


# --------------------------------------------------------------------------- calibrate, memo


def test_calibrate_interrupted(tmp_path):
    write(tmp_path / "scenario.yaml", RUN)
    (tmp_path / "obs.csv").write_text("date_start,date_end,measure,area,value,source_id,note\n"
                                      "2020-01-01,2020-01-20,people_displaced,all,5000,T,\n")
    delay = random.Random(7).uniform(0.0, 2.0)
    cli, code, err, took = interrupted(
        ["calibrate", "scenario.yaml", "obs.csv", "--params", "behaviour.flee_propensity=1:6",
         "--samples", "10", "--members", "1", "--workers", "2", "--out", "res"], tmp_path, delay,
        wait_for=tmp_path / "res" / "calibrate_tiny" / "round-1" / "tiny" / "runs")
    assert code == 130, err
    assert took <= STOP_LIMIT_S
    assert "finished run" in interrupt_line(err)
    no_part_files(tmp_path)
    assert not (tmp_path / "res" / "calibrate_tiny" / "calibration").exists()
    assert_no_process_left(cli)


def test_memo_interrupted_during_its_ensemble(tmp_path):
    write(tmp_path / "tiny.yaml", RUN)
    delay = random.Random(9).uniform(0.0, 2.0)
    cli, code, err, took = interrupted(
        ["memo", "tiny.yaml", "--members", "8", "--workers", "2", "--quiet", "--out", "res"],
        tmp_path, delay, wait_for=tmp_path / "res" / "tiny")
    assert code == 130, err
    assert took <= STOP_LIMIT_S
    line = interrupt_line(err)
    assert "finished run" in line and "ensemble-" in line
    no_part_files(tmp_path)
    assert not list(tmp_path.rglob("memo.pdf"))
    assert_no_process_left(cli)


SIGNAL_INSIDE_A_LIBRARY = """
import signal, sys
from sim.cli import scenarios
from sim.cli.main import main

def wrapping(args):
    try:                           # as pydantic-core does when a signal lands in a schema build
        signal.raise_signal(signal.SIGINT)
        for _ in range(1000):
            pass
    except KeyboardInterrupt as exc:
        raise RuntimeError(f"schema build failed: {exc!r}") from None
    return 0

def failing(args):
    raise RuntimeError("a bug, not an interrupt")

scenarios.run = wrapping
code = main(["scenarios"])
print("exit", code)
"""


def test_a_signal_a_library_wraps_in_its_own_error_still_interrupts_without_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-c", SIGNAL_INSIDE_A_LIBRARY], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout.strip() == "exit 130", proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "interrupted (SIGINT)" in interrupt_line(proc.stderr)
    # without a signal, an error stays an error (a traceback: a bug must be seen)
    bug = SIGNAL_INSIDE_A_LIBRARY.replace("scenarios.run = wrapping", "scenarios.run = failing")
    proc = subprocess.run([sys.executable, "-c", bug], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 1 and "RuntimeError: a bug, not an interrupt" in proc.stderr
