"""Real-browser fixtures: a Streamlit server on the demo data and headless Chromium (DESIGN.md).

Each pytest(-xdist) worker starts its own server on a free port with its own fresh database
file, so workers never share state. Tests that change the data start a private server with
`start_server` instead of using the shared `app_url`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1400, "height": 900}
EXCEPTION = "[data-testid='stException']"


def require_file(path: Path, message: str) -> None:
    """A tool the browser tests need is missing: a failure on CI (the tests must run there), a skip on a
    developer machine."""
    if path.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _require_chromium() -> None:
    require_file(CHROMIUM, f"{CHROMIUM} is missing: apt-get install -y chromium (Debian's package; never "
                           "`playwright install`).")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def _launch(folder: Path, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server and wait for its health check; retry on another port if it exits early
    (another process may take the free port between our probe and Streamlit's bind)."""
    env = {**os.environ, "KOMPETANSE_DB": str(folder / "kompetanse.duckdb"), "PYTHONUNBUFFERED": "1"}
    for _attempt in range(3):
        port = _free_port()
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            # other developers edit the tree while tests run: no "source changed" prompts, no watcher load
            "--server.fileWatcherType", "none",
        ]
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if _healthy(url):
                return process, url
            time.sleep(0.2)
        if process.poll() is None:  # still running, but no answer in time
            _stop(process)
            break
    raise RuntimeError("no healthy server")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def start_server(folder: Path) -> Iterator[str]:
    """Run `streamlit run app.py` on a fresh database in `folder` (the demo is built on first
    use); yield its base URL; stop it afterwards (terminate, then kill)."""
    log_path = folder / "streamlit.log"
    with log_path.open("wb") as log:
        try:
            process, url = _launch(folder, log)
        except RuntimeError:
            log.flush()
            pytest.fail(
                f"Streamlit gave no healthy answer in {STARTUP_TIMEOUT_S} s:\n{log_path.read_text()[-5000:]}",
                pytrace=False,
            )
        try:
            yield url
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server per worker on a fresh demo database; tests on it must not change the data."""
    _require_chromium()
    with start_server(tmp_path_factory.mktemp("e2e-server")) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private server on its own fresh demo database, for a test that changes the data or
    needs a server nobody has visited yet. Request it before `page`, so that a failed test's
    screenshot is taken while the server still runs."""
    _require_chromium()
    with start_server(tmp_path_factory.mktemp("e2e-private-server")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """A factory of pages, each in a fresh browser context (no shared cookies or storage).

    When the test fails, each page's last view is saved to artifacts/FAILED-<test>-<n>.png.
    """
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="nb-NO", timezone_id="Europe/Oslo")
        context.set_default_timeout(RENDER_TIMEOUT_MS)
        contexts.append(context)
        pages.append(context.new_page())
        return pages[-1]

    yield make
    if request.node.stash.get(_CALL_FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, failed_page in enumerate(pages, start=1):
            with suppress(Exception):  # a closed page or browser: the failure itself is reported anyway
                failed_page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-{number}.png"))
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


# --- helpers the tests share -------------------------------------------------------------------


SETTLED = ("() => !!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
           " && !document.querySelector('[data-stale=\"true\"]')")
SETTLE_CHECKS, SETTLE_GAP_MS = 3, 300
# A busy machine (several servers and browsers on 2 cores) can keep the form inert for a while.
SIGN_IN_TIMEOUT_MS = 90_000


def settle(page: Page) -> None:
    """Wait until the page stays still: after a sign-in the page reruns by itself a moment later (the cookie
    component confirms the browser has the session cookie), so one finished run is not yet the last."""
    still = 0
    for _ in range(40):
        page.wait_for_timeout(SETTLE_GAP_MS)
        still = still + 1 if page.evaluate(SETTLED) else 0
        if still >= SETTLE_CHECKS:
            return


def wait_for_app(page: Page, selector: str | None = None) -> None:
    """Wait until Streamlit has finished the current script run (and `selector` is visible).

    A widget change reaches the server a moment after the browser event, so give the run a
    moment to start before waiting for it to end; assertions on changing values should still
    use playwright's `expect`, which retries.
    """
    page.wait_for_timeout(150)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", state="attached", timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=RENDER_TIMEOUT_MS
    )
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=RENDER_TIMEOUT_MS)
    if selector:
        # An exception instead of the element: fail at once, with the traceback's text.
        page.locator(f"{selector}, {EXCEPTION}").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        if not page.locator(selector).first.is_visible():
            text = normalise(page.locator(EXCEPTION).first.inner_text())
            pytest.fail(f"{page.url} shows an exception instead of {selector}: {text[:1500]}", pytrace=False)
    for chart in page.locator("[data-testid='stPlotlyChart']").all():
        chart.locator(".main-svg").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)


def normalise(text: str) -> str:
    """'1\u00a0196' and '1 196' alike: every kind of space becomes one plain space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def metric(page: Page, label: str) -> Locator:
    """The value element of the st.metric labelled `label`."""
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return box.locator("[data-testid='stMetricValue']")


def choose_unit(page: Page, code: str) -> None:
    """Pick a unit in the sidebar's "Enheter" by its code (the labels end in "(CODE)")."""
    box = page.get_by_role("combobox", name="Enheter")
    box.click()
    box.fill(code)
    page.get_by_role("option", name=re.compile(rf"\({re.escape(code)}\)\s*$")).click()
    page.keyboard.press("Escape")


def chosen_units(page: Page) -> Locator:
    """The tags of the units chosen in the sidebar's "Enheter" (use with `expect`, it retries)."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_role("combobox", name="Enheter")
    )
    return box.locator("[data-tag]")


def set_date(page: Page, label: str, day: int, month: int, year: int) -> None:
    """Type a date into an st.date_input segment by segment; it commits when the field loses focus."""
    for part, value in (("day", f"{day:02d}"), ("month", f"{month:02d}"), ("year", f"{year:04d}")):
        page.get_by_role("spinbutton", name=f"{part}, {label}").click()
        page.keyboard.type(value, delay=20)
    page.locator("h1").first.click()  # blur: st.date_input sends its value on leaving the field


def figure(number: int) -> re.Pattern[str]:
    """A pattern for a whole number as the UI prints it ("1 196", any kind of space between groups)."""
    grouped = f"{number:,}".replace(",", r"\s")
    return re.compile(rf"^\s*{grouped}\s*$")


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of an st.dataframe, read from the accessible table beside its canvas."""
    return table.locator("table").first.evaluate(
        "t => [...t.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')].map(c => c.textContent))"
    )


KEY_PAUSE_MS = 40  # between arrow keys in a data editor, so that the grid follows each one
FOCUS_ATTEMPTS = 5


def edit_cell(grid: Locator, column: int, row: int, value: str) -> None:
    """Put `value` into a cell of an st.data_editor (a glide-data-grid canvas) and commit it with Enter.

    `column` and `row` count as the grid does: column 0 is the row-marker column of an editor with
    num_rows="dynamic", then the visible columns in order; row 0 is the first data row. The grid keeps
    an accessible table of the cells in view (td id "glide-cell-COLUMN-ROW", aria-selected on the
    chosen one): focusing a cell there selects it, the arrow keys move the selection (scrolling the
    grid), Enter opens the cell's overlay editor (input.gdg-input), and Enter there commits the value.
    """
    page = grid.page
    grid.scroll_into_view_if_needed()
    selected = grid.locator("td[aria-selected='true']")
    for attempt in range(FOCUS_ATTEMPTS):  # a grid still settling after a rerun may miss the first focus
        grid.locator("#glide-cell-1-0").focus()
        try:
            expect(selected).to_have_attribute("id", "glide-cell-1-0", timeout=1000)
            break
        except AssertionError:
            if attempt == FOCUS_ATTEMPTS - 1:
                raise
    for key, count in (("ArrowRight", column - 1), ("ArrowDown", row)):
        for _ in range(count):
            page.keyboard.press(key)
            page.wait_for_timeout(KEY_PAUSE_MS)
    expect(selected).to_have_attribute("id", f"glide-cell-{column}-{row}")
    page.keyboard.press("Enter")
    editor = page.locator("input.gdg-input, textarea.gdg-input").first
    expect(editor).to_be_focused()
    # fill, not typing: keys typed while the overlay editor settles can be lost; check before committing
    editor.fill(value)
    expect(editor).to_have_value(value)
    editor.press("Enter")
    expect(editor).to_have_count(0)
    expect(grid.locator(f"#glide-cell-{column}-{row}")).to_have_text(value)
