"""First chart in a real browser: Oversikt, Alder and Pensjon on the demo against the one-chart page.

    python benchmarks/browser.py [--visits 5] [--pages oversikt,alder,pensjon] [--json FILE] [--tabs]

The browser tests' set-up (tests/e2e/conftest.py: Debian's chromium, its flags, the viewport and
locale) opens each page by its address in a fresh browser context, as a user following a link
does, and times from the navigation to the first chart drawn (its plotly SVG in the page; on
Oversikt, which has no chart, the first key figure). The same browser in the same run opens
benchmarks/one_chart.py, the platform's own cost of one plotly chart; the ratio is ours / that.
Each page is visited once untimed first (the server's first run of a page loads its modules).

Beside the time it reports what the browser received before the first chart: the script runs
(an st.rerun on first load shows as 2), the websocket bytes, the elements drawn before it, and
the size of the first chart's figure, so that a slow page says where its time goes.
Not a test (DESIGN.md "Performance": within 1.3x of the one-chart page).

Alder's and Pensjon's tabs are drawn only when chosen (ui.render.tabs), so that the first chart does not
wait for them; --tabs also times what that costs a user: from clicking each further tab to its first
chart (or table) drawn, the same number of visits per tab.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from benchmarks import load  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

TARGET_RATIO = 1.3
VISIT_TIMEOUT_MS = 180_000  # a busy machine; the first visit also builds the demo database
CHART = "[data-testid='stPlotlyChart'] .main-svg"
FIRST_FIGURE = {"oversikt": "[data-testid='stMetricValue']"}  # a page without a chart: its first key figure
BASELINE = "one-chart"
GRID = "[data-testid='stDataFrame'] canvas"
TAB_CASES = (  # page, tab, what shows the tab has been drawn
    ("alder", "Per enhet", CHART), ("alder", "Per yrkesgruppe", GRID),
    ("pensjon", "Andel per enhet", CHART), ("pensjon", "Rekrutteringsbehov", CHART),
    ("pensjon", "Regler og utgangsrater", GRID),
)


@dataclass
class Visit:
    page: str
    seconds: float  # navigation to the first chart drawn
    script_runs: int  # new_session messages before the first chart's delta
    bytes_before_chart: int  # websocket bytes received up to the first chart's delta
    elements_before_chart: int  # elements (deltas) before the first chart's delta
    chart_bytes: int  # the first chart's figure (its ForwardMsg)
    runs_total: int = 0  # script runs of the whole first load, counted after the page settled
    bytes_total: int = 0
    chart_delta_s: float = 0.0  # navigation to the first chart's delta arriving (the server's and the network's part)
    finished_s: float = 0.0  # navigation to the first run's script_finished


@dataclass
class Frames:
    """What the page's websocket received, read as ForwardMsgs."""

    started: float = 0.0
    runs: int = 0
    bytes: int = 0
    elements: int = 0
    first_chart: dict[str, Any] = field(default_factory=dict)
    finished_s: float = 0.0

    def read(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        self.bytes += len(payload)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element.WhichOneof("type")
            if element in ("plotly_chart", "metric") and not self.first_chart:
                self.first_chart = {"runs": self.runs, "bytes": self.bytes, "elements": self.elements,
                                    "chart_bytes": len(payload), "at": time.perf_counter() - self.started}
            self.elements += 1
        elif kind == "script_finished" and not self.finished_s:
            self.finished_s = time.perf_counter() - self.started


def visit(browser: Browser, url: str, page_name: str) -> Visit:
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO", timezone_id="Europe/Oslo")
    context.set_default_timeout(VISIT_TIMEOUT_MS)
    page = context.new_page()
    frames = Frames()
    page.on("websocket", lambda ws: ws.on("framereceived", frames.read))
    selector = FIRST_FIGURE.get(page_name, CHART)
    try:
        started = frames.started = time.perf_counter()
        page.goto(url)
        page.locator(selector).first.wait_for(state="attached")
        seconds = time.perf_counter() - started
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
        page.wait_for_timeout(300)  # a rerun the first run asked for starts at once
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
        first = frames.first_chart or {"runs": frames.runs, "bytes": frames.bytes, "elements": frames.elements,
                                       "chart_bytes": 0, "at": 0.0}
        return Visit(page_name, seconds, first["runs"], first["bytes"], first["elements"], first["chart_bytes"],
                     frames.runs, frames.bytes, first["at"], frames.finished_s)
    finally:
        context.close()


def tab_switch(browser: Browser, app_url: str, page_name: str, tab: str, selector: str) -> float:
    """Open the page, wait until it has settled, click the tab: seconds until the tab's content is drawn."""
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO", timezone_id="Europe/Oslo")
    context.set_default_timeout(VISIT_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{page_name}")
        page.locator(CHART).first.wait_for(state="attached")
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
        page.wait_for_timeout(300)
        button = page.get_by_role("tab", name=tab)
        started = time.perf_counter()
        button.click()
        panel = button.get_attribute("aria-controls")  # set once the tab is selected
        page.locator(f"[id='{panel}'] {selector}").first.wait_for(state="attached")
        return time.perf_counter() - started
    finally:
        context.close()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python benchmarks/browser.py")
    parser.add_argument("--visits", type=int, default=5, help="timed visits per page (default 5); the median counts")
    parser.add_argument("--pages", default="oversikt,alder,pensjon", help="url paths (default oversikt,alder,pensjon)")
    parser.add_argument("--json", metavar="FILE", help="also write every visit as JSON to FILE")
    parser.add_argument("--tabs", action="store_true", help="also time choosing each further tab of Alder and Pensjon")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="kompetanse-browser-"))
    visits: list[Visit] = []
    started = time.perf_counter()
    try:
        with load.server(ROOT / "app.py", {"KOMPETANSE_DB": str(workdir / "demo.duckdb")}, workdir / "app.log") as (
            app_url, _), load.server(load.BASELINE_SCRIPT, {}, workdir / "one-chart.log") as (base_url, _), \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            targets = [(BASELINE, base_url)] + [(p, f"{app_url}/{'' if p == 'oversikt' else p}") for p in pages]
            first_ever = [visit(browser, url, name) for name, url in targets]  # untimed: modules load, caches fill
            for _ in range(args.visits):
                for name, url in targets:  # interleaved, so that a busy moment hits every page alike
                    visits.append(visit(browser, url, name))
            tab_times: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.visits if args.tabs else 0):
                for page_name, tab, selector in TAB_CASES:
                    tab_times.setdefault((page_name, tab), []).append(
                        tab_switch(browser, app_url, page_name, tab, selector))
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    base = statistics.median(v.seconds for v in visits if v.page == BASELINE)
    lines = [["page", "first chart (median)", "min", "max", "x one-chart", "its delta in", "script end",
              "script runs before it",
              "runs in all", "KB before it", "elements before it", "chart KB", "first visit", "status"]]
    for name, _ in targets:
        own = [v for v in visits if v.page == name]
        median = statistics.median(v.seconds for v in own)
        ratio = median / base
        first = next(v for v in first_ever if v.page == name)
        lines.append([
            name, load._seconds(median), load._seconds(min(v.seconds for v in own)),
            load._seconds(max(v.seconds for v in own)), f"{ratio:.2f}x",
            load._seconds(statistics.median(v.chart_delta_s for v in own)),
            load._seconds(statistics.median(v.finished_s for v in own)),
            f"{statistics.mean(v.script_runs for v in own):.1f}", f"{statistics.mean(v.runs_total for v in own):.1f}",
            f"{statistics.mean(v.bytes_before_chart for v in own) / 1024:.0f}",
            f"{statistics.mean(v.elements_before_chart for v in own):.0f}",
            f"{statistics.mean(v.chart_bytes for v in own) / 1024:.1f}",
            f"{load._seconds(first.seconds)}, {first.runs_total} run(s)",
            "-" if name == BASELINE else "ok" if ratio <= TARGET_RATIO else "MISSED",
        ])
    print(f"First chart in headless Chromium ({CHROMIUM}), demo data, median of {args.visits} visits per page in a"
          f" fresh browser context each; {time.perf_counter() - started:.0f} s in all.")
    print()
    print(load.markdown(lines))
    if tab_times:
        tab_lines = [["page", "tab", "click to drawn (median)", "min", "max"]]
        tab_lines += [[page_name, tab, load._seconds(statistics.median(times)), load._seconds(min(times)),
                       load._seconds(max(times))] for (page_name, tab), times in tab_times.items()]
        print()
        print("Choosing a tab (it is drawn when chosen), median of the same number of visits:")
        print()
        print(load.markdown(tab_lines))
    if args.json:
        out: dict[str, Any] = {"visits": [asdict(v) for v in visits], "first_visits": [asdict(v) for v in first_ever]}
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
