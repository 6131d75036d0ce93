"""The what-if page in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright for Python through ``executable_path``, against ``idlib-sim explore`` on 127.0.0.1.

A crossing set to a quota of 5,000 a day lets people cross within ten days; closed, it lets
no one through. The page must load everything from this machine: any failed request in
the browser, or any failed asset load in the server's log, fails the test. A screenshot is
kept in ``$IDLIB_SIM_ARTIFACTS`` (default ``results/test-artifacts/``).

Skipped only where Chromium is genuinely absent, never in CI (``CI`` set).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sim.io.results import load_results
from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("IDLIB_SIM_ARTIFACTS", REPO / "results" / "test-artifacts"))
PEOPLE = 100_000          # the page's population control: a quick run
CROSSING = "Bab al-Hawa"
BAD_SERVER_LOG = ("Could not load URL", "Traceback", "Exception", "ERROR")

if not Path(CHROMIUM).is_file():
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed; .ci/run installs it (apt-get install -y chromium)")
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)",
                allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra") \
    if not os.environ.get("CI") else __import__("playwright.sync_api").sync_api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    """``idlib-sim explore`` serving the full-assault scenario; its log is checked at the end."""
    tmp = tmp_path_factory.mktemp("explore")
    log = tmp / "server.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLARA")}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "explore", "scenarios/idlib_full_assault.yaml",
             "--no-browser", "--port", str(port), "--out", str(tmp / "results")],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 120
            while "page is at" not in log.read_text():
                assert proc.poll() is None, f"the server stopped:\n{log.read_text()}"
                assert time.time() < deadline, f"the server did not start:\n{log.read_text()}"
                time.sleep(0.5)
            yield f"http://127.0.0.1:{port}/", log
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log.read_text()
    bad = [line for line in text.splitlines() if any(b in line for b in BAD_SERVER_LOG)]
    assert not bad, "the server logged failures:\n" + "\n".join(bad)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="idlib-chromium-"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1250})
        yield context
        context.close()


def day_shown(page) -> int:
    m = re.search(r"day (\d+) of", page.locator(".whatif-date").first.inner_text())
    return int(m.group(1)) if m else -1


def headline_number(page, label: str) -> float:
    text = page.locator(f".whatif-headline td:has-text('{label}') + td").first.inner_text()
    if text.endswith(" M"):
        return float(text[:-2]) * 1e6
    return float(text.replace(",", ""))


def choose(page, label: str, option: str) -> None:
    page.locator(".v-select", has_text=label).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=re.compile(f"^{option}$")).click()


def enter(page, label: str, value: int) -> None:
    """Type a number as a person does and leave the field; check the page kept it."""
    box = page.get_by_label(label)
    for _ in range(3):
        box.click()
        box.fill(str(value))        # one input event with the whole number (typing key by key
        box.press("Tab")            # raced the server's re-render on a loaded machine)
        time.sleep(1.0)
        if box.input_value() == str(value):
            return
    raise AssertionError(f"the page did not take {value} for {label!r}: shows {box.input_value()}")


def play_ten_days(page) -> None:
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector("text=day 0 of", timeout=60_000)
    page.get_by_role("button", name="▶").click()
    deadline = time.time() + 60
    while day_shown(page) < 10:
        assert time.time() < deadline, "the run did not reach day 10 within a minute"
        time.sleep(0.25)
    pause = page.get_by_role("button", name="❚❚")
    if pause.is_enabled():           # a small run may already be at its last day
        pause.click()


def test_quota_lets_people_cross_and_closed_does_not(page_url, browser):
    url, _ = page_url
    page = browser.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    page.goto(url)
    page.wait_for_selector("text=What-if settings", timeout=90_000)

    choose(page, f"{CROSSING}: policy", "quota")
    enter(page, f"{CROSSING}: quota (people/day)", 5000)
    for _ in range(3):   # on a loaded machine a keystroke can reach the server late: check it
        enter(page, "Total population (people)", PEOPLE)
        if "people 100,000" in page.inner_text("body"):
            break
        time.sleep(2.0)
    play_ten_days(page)
    assert f"{CROSSING} crossing quota 5,000/day from day 0" in page.inner_text("body")
    assert "people 100,000" in page.inner_text("body")
    crossed_with_quota = headline_number(page, "Crossed into Turkey")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download this run (NetCDF)").click()
    run = load_results(download.value.path())
    assert f"{CROSSING} crossing quota 5,000/day" in run.attrs["title"]   # the run played, not another
    assert run.sizes["time"] >= 10
    assert float(run["crossed_border"][-1]) > 0
    page.wait_for_selector("img", timeout=60_000)                   # the flow map
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explore_quota.png"), full_page=True)

    choose(page, f"{CROSSING}: policy", "closed")
    play_ten_days(page)
    assert f"{CROSSING} crossing" not in page.inner_text("body")   # back to the scenario's policy
    crossed_closed = headline_number(page, "Crossed into Turkey")
    assert crossed_with_quota > 0
    assert crossed_closed == 0
    assert day_shown(page) >= 10
    assert not failed, "requests failed:\n" + "\n".join(failed)
    page.close()
