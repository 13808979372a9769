"""The load test: N real Streamlit sessions at once, over Streamlit's own websocket protocol.

    python benchmarks/load.py [--sessions 1,10,50] [--size 100000] [--json FILE] [--think 3]
    python benchmarks/load.py --url http://127.0.0.1:8501 --sessions 3 --pages oversikt   # a running server

Each session is what a browser tab is to the server: a websocket on /_stcore/stream speaking the
protobuf messages that ship with Streamlit (BackMsg up, ForwardMsg down). A session opens the app,
goes through every page of the navigation with its default widgets ("open"), on a page with lazy
tabs (ui.render.tabs) clicks each further tab once and goes back to the first ("tab": reported as
"page: tab"), changes one sidebar filter on one of them (the first Yrkesgruppe: "filter"; session n
on page n, so every page gets some) and clears it again on the way to the next page; at the end,
after the command-line import, it opens Oversikt once more and reads the headcount. Between clicks
a session pauses --think seconds (uniform 0.5x-1.5x); every rerun carries every widget's value, as the frontend's does.

For each number of sessions, on a fresh server over a fresh copy of a generated organisation
(benchmarks/generate.py; default 100 000 employments), it reports per page the p50 and p95 time
from sending the rerun to the run's script_finished (so every delta of the run has arrived),
the script runs per visit (an st.rerun shows as 2), the errors (exception elements, compile
errors, st.error boxes), and the server's memory: its RSS after one warm-up session, at the end
with every session still connected, and the difference per session. Halfway through (when half
of all page visits are done) `python -m kompetanse import` lands a different organisation (3 %
fewer employments); every session must then show its headcount, which is computed from the
database afterwards. The same driver against benchmarks/one_chart.py (one plotly chart, one
sidebar filter) gives the baseline in the same run: the platform's own cost per script run.

Targets: DESIGN.md "Performance". Not part of the test suite (tests/e2e/test_load_smoke.py runs
a 3-session version of the driver on the demo).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASELINE_SCRIPT = ROOT / "benchmarks" / "one_chart.py"
APP_FILTER, BASELINE_FILTER = "Yrkesgrupper", "Grupper"
HEADCOUNT_LABEL = "Ansatte"
CHECK_PAGE = "oversikt"  # where a session reads the headcount after the import
RUN_TIMEOUT_S = 300.0
DEFAULT_THINK_S = 3.0  # a leader glancing at a page before the next click; 0 makes it a stress test
STARTUP_TIMEOUT_S = 90.0
IMPORT_SHARE = 0.97  # the imported organisation has 3 % fewer employments: a different headcount
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}

# DESIGN.md "Performance"
TARGET_P95_S = 5.0
TARGET_MB_PER_SESSION = 30.0


# --- one session: the browser's side of the protocol ------------------------------------------------


@dataclass
class Visit:
    """One script run (or chain of runs) as a user waits for it."""

    page: str
    kind: str  # "first" (opening the app), "open", "tab", "filter", "check"
    seconds: float
    script_runs: int
    errors: list[str]
    metrics: dict[str, str]
    at: float  # seconds since the level started, when the rerun was sent


class ProtocolError(Exception):
    pass


class Session:
    """A browser tab's websocket: sends reruns as the frontend does, reads what the server sends."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = re.sub(r"^http", "ws", base_url.rstrip("/")) + "/_stcore/stream"
        self._ws: Any = None
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page_script_hash
        self.page_names: dict[str, str] = {}  # page_script_hash -> url path
        self.current_page = ""
        self.query_string = ""
        self.widget_states: dict[str, WidgetState] = {}  # what the browser would send: the widgets set so far
        self.multiselects: dict[str, tuple[str, list[str]]] = {}  # label -> (widget id, options)
        self.tab_bars: list[tuple[str, list[str]]] = []  # the last run's tab bars: (widget id if lazy, labels)
        self.last_kinds: list[str] = []  # the elements of the last run, by kind

    async def connect(self) -> None:
        # "streamlit" is the subprotocol the frontend asks for; no XSRF token is needed without sign-in cookies.
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def page_hash(self, page: str) -> str:
        if page == "" and page not in self.pages:  # a one-page script: no navigation, no hash needed
            return ""
        if page not in self.pages:
            raise ProtocolError(f"no page {page!r} in the navigation ({', '.join(self.pages) or 'none'})")
        return self.pages[page]

    def set_multiselect(self, label: str, values: list[str]) -> None:
        if label not in self.multiselects:
            raise ProtocolError(f"no multiselect labelled {label!r} on the page")
        widget_id, _ = self.multiselects[label]
        state = WidgetState(id=widget_id)
        state.string_array_value.SetInParent()  # an empty selection is still a value
        state.string_array_value.data.extend(values)
        self.widget_states[widget_id] = state

    def choose_tab(self, widget_id: str, label: str) -> None:
        """Click a tab of a lazy tab bar (st.tabs(on_change="rerun")): its label is the widget's value."""
        state = WidgetState(id=widget_id)
        state.string_value = label
        self.widget_states[widget_id] = state

    async def rerun(self, page_hash: str = "") -> tuple[float, int, list[str], dict[str, str]]:
        """Send a rerun (as the frontend does on a widget change or a page link) and read up to its end."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = page_hash
        state.widget_states.widgets.extend(self.widget_states.values())
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        runs, errors, metrics = 0, [], {}
        seen_widgets: set[str] = set()
        self.last_kinds = []
        self.tab_bars = []
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), RUN_TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                runs += 1
                self.current_page = self.page_names.get(fwd.new_session.page_script_hash, self.current_page)
            elif kind == "navigation":
                self._read_navigation(fwd)
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._read_element(fwd.delta.new_element, errors, metrics, seen_widgets)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block":
                self._read_block(fwd.delta.add_block, seen_widgets)
            elif kind == "session_event" and fwd.session_event.HasField("script_compilation_exception"):
                errors.append(f"compile error: {fwd.session_event.script_compilation_exception.message}")
            elif kind == "page_not_found":
                errors.append(f"page not found: {fwd.page_not_found.page_name}")
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                break
        # The frontend forgets the state of widgets the last run did not draw.
        self.widget_states = {k: v for k, v in self.widget_states.items() if k in seen_widgets}
        return time.perf_counter() - started, runs, errors, metrics

    def _read_navigation(self, fwd: ForwardMsg) -> None:
        for app_page in fwd.navigation.app_pages:
            path = "" if app_page.is_default else app_page.url_pathname
            self.pages[path] = app_page.page_script_hash
            self.page_names[app_page.page_script_hash] = path
            if app_page.is_default:  # also by its file's stem, as the other pages are named
                self.pages.setdefault(_stem(app_page.page_name), app_page.page_script_hash)
        self.current_page = self.page_names.get(fwd.navigation.page_script_hash, self.current_page)

    def _read_block(self, block: Any, seen: set[str]) -> None:
        """A lazy tab bar is a widget (its id set); its tabs follow it as blocks, each with its label."""
        kind = block.WhichOneof("type")
        if kind == "tab_container":
            if block.tab_container.id:
                seen.add(block.tab_container.id)
            self.tab_bars.append((block.tab_container.id, []))  # no id: every tab is drawn, nothing to click
        elif kind == "tab" and self.tab_bars:
            self.tab_bars[-1][1].append(block.tab.label)

    def _read_element(self, element: Any, errors: list[str], metrics: dict[str, str], seen: set[str]) -> None:
        kind = element.WhichOneof("type")
        self.last_kinds.append(kind or "")
        if kind == "exception":
            errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            errors.append(f"st.error: {element.alert.body}"[:300])
        elif kind == "metric":
            metrics[element.metric.label] = element.metric.body
        elif kind == "multiselect":
            self.multiselects[element.multiselect.label] = (element.multiselect.id, list(element.multiselect.options))
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if widget_id:
            seen.add(widget_id)
            self._remember_value(kind, getattr(element, kind))

    def _remember_value(self, kind: str, widget: Any) -> None:
        """Keep the widget's value as the frontend does on drawing it: the value the server sets
        (set_value), else the one already held, else the widget's default. Every rerun sends them all."""
        if widget.id in self.widget_states and not getattr(widget, "set_value", False):
            return
        state = WidgetState(id=widget.id)
        if kind == "date_input":
            values = widget.value if widget.set_value else widget.default
            state.string_array_value.SetInParent()
            state.string_array_value.data.extend(values)
        elif kind == "multiselect":
            values = widget.raw_values if widget.set_value else [widget.options[i] for i in widget.default]
            state.string_array_value.SetInParent()
            state.string_array_value.data.extend(values)
        elif kind in ("selectbox", "radio"):
            if widget.set_value:
                state.string_value = widget.raw_value
            elif 0 <= widget.default < len(widget.options):
                state.string_value = widget.options[widget.default]
            else:
                return  # no choice yet: the frontend sends nothing
        elif kind == "checkbox":
            state.bool_value = widget.value if widget.set_value else widget.default
        elif kind == "text_input":
            state.string_value = widget.value if widget.set_value else widget.default
        else:
            return  # buttons (triggers), editors, uploaders: nothing until the user acts
        self.widget_states[widget.id] = state


def _stem(title: str) -> str:
    return title.strip().lower()


# --- the scenario ---------------------------------------------------------------------------------


@dataclass
class Level:
    """Everything measured at one number of sessions against one server."""

    app: str
    sessions: int
    visits: list[Visit] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # a session that could not go on
    rss_before_mb: float | None = None
    rss_end_mb: float | None = None
    rss_peak_mb: float | None = None
    import_seconds: float | None = None
    import_started_at: float | None = None
    import_error: str | None = None
    headcount_before: int | None = None
    headcount_after: int | None = None  # expected: from the database after the import
    headcounts_seen: list[int | None] = field(default_factory=list)  # each session's, after the import
    wall_seconds: float = 0.0

    @property
    def mb_per_session(self) -> float | None:
        if self.rss_before_mb is None or self.rss_end_mb is None:
            return None
        return (self.rss_end_mb - self.rss_before_mb) / self.sessions


class Coordinator:
    """Starts the command-line import when half of all page visits are done."""

    def __init__(self, total_steps: int, import_command: list[str] | None, level: Level, t0: float) -> None:
        self.total, self.done = total_steps, 0
        self.command = import_command
        self.level, self.t0 = level, t0
        self.landed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        if import_command is None:
            self.landed.set()

    def step(self) -> None:
        self.done += 1
        if self.command and self._task is None and self.done >= self.total / 2:
            self._task = asyncio.create_task(self._import())

    async def _import(self) -> None:
        assert self.command is not None
        started = time.perf_counter()
        self.level.import_started_at = started - self.t0
        process = await asyncio.create_subprocess_exec(
            *self.command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        _, stderr = await process.communicate()
        self.level.import_seconds = time.perf_counter() - started
        if process.returncode != 0:
            self.level.import_error = f"exit {process.returncode}: {stderr.decode(errors='replace').strip()[-500:]}"
        self.landed.set()


async def one_session(url: str, pages: list[str], filter_label: str, level: Level, coordinator: Coordinator,
                      t0: float, think: float, rng: random.Random, still_open: list[Session],
                      filter_page: int | None = 0) -> None:
    """One user's walk: every page with the default widgets, one filter change (on page `filter_page`;
    None: on every page),
    and after the import Oversikt again. The session stays connected (in `still_open`) until the level ends."""
    session = Session(url)
    still_open.append(session)

    async def visit(page: str, kind: str, page_hash: str = "") -> Visit:
        at = time.perf_counter() - t0
        seconds, runs, errors, metrics = await session.rerun(page_hash)
        shown = page or session.current_page or "?"
        result = Visit(shown, kind, seconds, runs, errors, metrics, at)
        level.visits.append(result)
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        return result

    try:
        await session.connect()
        await visit("", "first")  # the browser opening the app's address
        for number, page in enumerate(pages):
            if filter_label in session.multiselects:
                session.set_multiselect(filter_label, [])  # the next page with the default widgets
            await visit(page, "open", session.page_hash(page))
            lazy = [(widget_id, labels) for widget_id, labels in session.tab_bars if widget_id]
            for widget_id, labels in lazy[:1]:  # a user looks at each tab once
                for label in labels[1:]:
                    session.choose_tab(widget_id, label)
                    await visit(f"{page}: {label}", "tab", session.page_hash(page))
                session.choose_tab(widget_id, labels[0])
            _, options = session.multiselects.get(filter_label, ("", []))
            if options and (filter_page is None or number == filter_page % len(pages)):
                session.set_multiselect(filter_label, options[:1])
                await visit(page, "filter", session.page_hash(page))
            coordinator.step()
        await coordinator.landed.wait()
        if level.app == "ours" and CHECK_PAGE in session.pages:
            if filter_label in session.multiselects:
                session.set_multiselect(filter_label, [])
            check = await visit(CHECK_PAGE, "check", session.page_hash(CHECK_PAGE))
            level.headcounts_seen.append(_whole_number(check.metrics.get(HEADCOUNT_LABEL)))
    except (ProtocolError, OSError, TimeoutError, websockets.WebSocketException) as exc:
        level.failures.append(f"{type(exc).__name__}: {exc}"[:300])
        coordinator.step()


def _whole_number(text: str | None) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


class RssSampler:
    """The server's resident memory (VmRSS of its process, with its children), sampled while the level runs."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.peak = pid, 0.0
        self._task: asyncio.Task[None] | None = None

    def now(self) -> float | None:
        return rss_mb(self.pid) if self.pid else None

    async def _sample(self) -> None:
        while True:
            value = self.now()
            if value:
                self.peak = max(self.peak, value)
            await asyncio.sleep(0.25)

    def start(self) -> None:
        if self.pid:
            self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


async def run_level(url: str, pid: int | None, app: str, sessions: int, pages: list[str], filter_label: str,
                    import_command: list[str] | None, think: float, warm_up: bool = True) -> Level:
    level = Level(app, sessions)
    if warm_up:  # one session through every page first: the caches the sessions share are then filled
        warm, warm_sessions = Level(app, 1), []
        await one_session(url, pages, filter_label, warm, Coordinator(len(pages), None, warm, time.perf_counter()),
                          time.perf_counter(), 0.0, random.Random(0), warm_sessions, filter_page=None)
        for session in warm_sessions:
            await session.close()
        if warm.failures:
            level.failures.extend(f"warm-up: {f}" for f in warm.failures)
            return level
        await asyncio.sleep(1.0)
    sampler = RssSampler(pid)
    level.rss_before_mb = sampler.now()
    sampler.start()
    t0 = time.perf_counter()
    coordinator = Coordinator(sessions * len(pages), import_command, level, t0)
    rng = random.Random(sessions)
    still_open: list[Session] = []
    await asyncio.gather(*(
        one_session(url, pages, filter_label, level, coordinator, t0, think, random.Random(rng.random()), still_open,
                    filter_page=number)
        for number in range(sessions)
    ))
    await coordinator.landed.wait()
    level.wall_seconds = time.perf_counter() - t0
    await asyncio.sleep(1.0)  # let the server settle before reading its memory with every session connected
    level.rss_end_mb = sampler.now()
    await sampler.stop()
    level.rss_peak_mb = sampler.peak or None
    for session in still_open:
        with contextlib.suppress(Exception):
            await session.close()
    return level


# --- servers -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def server(script: Path, env: dict[str, str], log_path: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run SCRIPT` on a free port; yields (url, pid); stopped afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{script.name}: no healthy server; see {log_path}")
                time.sleep(0.2)
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def app_pages(filter_names: Iterable[str] = ()) -> list[str]:
    """The open app's pages by url path, in app.py's order (logg is an admin's page: not listed without users)."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = []
    for match in re.finditer(r"st\.Page\(\s*\"pages/(\w+)\.py\"(?P<args>[^)]*)\)", text):
        path = re.search(r"url_path=\"([^\"]+)\"", match.group("args"))
        pages.append(path.group(1) if path else match.group(1))
    wanted = [p for p in filter_names if p]
    pages = [p for p in pages if p != "logg"]
    return [p for p in pages if p in wanted] if wanted else pages


def headcount(db: Path) -> int:
    """The Oversikt headcount a user sees by default: everyone on the data date, the whole organisation."""
    from kompetanse.figures import metrics
    from kompetanse.storage import history, store

    con = store.connect(db, read_only=True)
    try:
        as_of = history.data_date(con)
        frame = metrics.compute(con, metrics.Scope(as_of=as_of), by=None)
        return int(frame.loc["total", "headcount"])
    finally:
        con.close()


# --- the table --------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def page_rows(ours: Level, baseline: Level | None) -> list[dict[str, Any]]:
    rows = []
    base = [v.seconds for v in (baseline.visits if baseline else []) if v.kind in ("open", "filter")]
    shown = ("open", "filter", "tab")
    order = list(dict.fromkeys(v.page for v in ours.visits if v.kind in shown))
    for page in order:
        visits = [v for v in ours.visits if v.page == page and v.kind in shown]
        times = [v.seconds for v in visits]
        opens = [v.script_runs for v in visits if v.kind == "open"]
        rows.append({
            "sessions": ours.sessions, "page": page, "visits": len(visits),
            "p50": _percentile(times, 0.5), "p95": _percentile(times, 0.95), "max": max(times),
            "runs_per_open": statistics.mean(opens) if opens else None,
            "errors": sum(len(v.errors) for v in visits),
            "baseline_p50": _percentile(base, 0.5) if base else None,
            "baseline_p95": _percentile(base, 0.95) if base else None,
        })
    first = [v for v in ours.visits if v.kind == "first"]
    if first:
        times = [v.seconds for v in first]
        base_first = [v.seconds for v in (baseline.visits if baseline else []) if v.kind == "first"]
        rows.insert(0, {
            "sessions": ours.sessions, "page": "(opening the app)", "visits": len(first),
            "p50": _percentile(times, 0.5), "p95": _percentile(times, 0.95), "max": max(times),
            "runs_per_open": statistics.mean(v.script_runs for v in first),
            "errors": sum(len(v.errors) for v in first),
            "baseline_p50": _percentile(base_first, 0.5) if base_first else None,
            "baseline_p95": _percentile(base_first, 0.95) if base_first else None,
        })
    return rows


def markdown(lines: list[list[str]]) -> str:
    from benchmarks.tables import markdown as table  # ROOT is on sys.path (above)

    return table(lines)


def format_tables(pairs: list[tuple[Level, Level | None]]) -> str:
    lines = [["sessions", "page", "visits", "p50", "p95", "max", "runs/open", "errors", "one-chart p50",
              "one-chart p95", "status"]]
    for ours, baseline in pairs:
        for row in page_rows(ours, baseline):
            ok = row["errors"] == 0 and (ours.sessions < 50 or row["p95"] <= TARGET_P95_S)
            lines.append([
                str(row["sessions"]), row["page"], str(row["visits"]), _seconds(row["p50"]), _seconds(row["p95"]),
                _seconds(row["max"]), f"{row['runs_per_open']:.1f}" if row["runs_per_open"] else "-",
                str(row["errors"]), _seconds(row["baseline_p50"]), _seconds(row["baseline_p95"]),
                "ok" if ok else "MISSED",
            ])
    memory = [["sessions", "server MB before", "at the end", "peak", "MB per session", "one-chart MB per session",
               "import", "sessions showing the new headcount", "failures", "wall", "status"]]
    for ours, baseline in pairs:
        seen = ours.headcounts_seen
        right = sum(1 for h in seen if h is not None and h == ours.headcount_after)
        changed = ours.headcount_before != ours.headcount_after
        landing = f"{right} of {ours.sessions} ({_count(ours.headcount_before)} -> {_count(ours.headcount_after)})"
        per = ours.mb_per_session
        landed = ours.headcount_after is None or (right == ours.sessions and changed)  # None: no import this run
        ok = (not ours.failures and not ours.import_error and landed
              and (per is None or ours.sessions < 50 or per <= TARGET_MB_PER_SESSION))
        memory.append([
            str(ours.sessions), _mb(ours.rss_before_mb), _mb(ours.rss_end_mb), _mb(ours.rss_peak_mb), _mb(per),
            _mb(baseline.mb_per_session if baseline else None),
            ours.import_error or (_seconds(ours.import_seconds) + f" at {ours.import_started_at:.0f} s"
                                  if ours.import_seconds is not None else "-"),
            landing if ours.headcount_after is not None else "-",
            str(len(ours.failures)), f"{ours.wall_seconds:.0f} s", "ok" if ok else "MISSED",
        ])
    return markdown(lines) + "\n\n" + markdown(memory)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}".replace(",", " ")


# --- main -------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python benchmarks/load.py")
    parser.add_argument("--sessions", default="1,10,50", help="numbers of sessions at once (default 1,10,50)")
    parser.add_argument("--size", type=int, default=100_000, help="employments generated (default 100000)")
    parser.add_argument("--pages", help="only these pages by url path, e.g. oversikt,alder (default: all)")
    parser.add_argument("--think", type=float, default=DEFAULT_THINK_S,
                        help=f"seconds a user pauses between clicks (uniform 0.5x-1.5x; default {DEFAULT_THINK_S:g};"
                             " 0: every session clicks as soon as its page is there)")
    parser.add_argument("--url", help="drive this running server instead of starting one (no import, no baseline)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-chart page")
    parser.add_argument("--no-import", action="store_true", help="no command-line import halfway")
    parser.add_argument("--workdir", type=Path, help="keep the generated files and server logs here")
    parser.add_argument("--json", metavar="FILE", help="also write every visit as JSON to FILE")
    return parser.parse_args(argv)


def _levels(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def drive(url: str, pid: int | None, sessions: int, pages: list[str], *, app: str = "ours",
          filter_label: str = APP_FILTER, think: float = 0.0, warm_up: bool = True,
          import_command: list[str] | None = None) -> Level:
    """Run one level against a running server (the smoke test calls this).

    In a thread of its own: the caller may have an event loop running (Playwright's sync API does).
    """
    level = run_level(url, pid, app, sessions, pages, filter_label, import_command, think, warm_up)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, level).result()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    levels = _levels(args.sessions)
    page_names = [p.strip() for p in (args.pages or "").split(",")]
    pages = app_pages(page_names)
    if args.url:
        pairs = [(drive(args.url, args.pid, n, pages, think=args.think), None) for n in levels]
        print(format_tables(pairs))
        return 0 if all(not level.failures for level, _ in pairs) else 1

    from benchmarks import generate

    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="kompetanse-load-")) if temporary else args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    pairs: list[tuple[Level, Level | None]] = []
    try:
        _say(f"generating {args.size:,} employments ...")
        template = generate.build_database(workdir / "template.duckdb", generate.employments(args.size),
                                           with_plan=True)
        update = generate.write_csv(generate.employments(int(args.size * IMPORT_SHARE)), workdir / "update.csv")
        before = headcount(template)
        for n in levels:
            db = workdir / f"kompetanse-{n}.duckdb"
            shutil.copyfile(template, db)
            command = None if args.no_import else [
                sys.executable, "-m", "kompetanse", "import", str(update), "--db", str(db),
                "--snapshot-date", generate.AS_OF.isoformat(),
            ]
            _say(f"{n} sessions on the app ...")
            with server(ROOT / "app.py", {"KOMPETANSE_DB": str(db)}, workdir / f"app-{n}.log") as (url, pid):
                ours = drive(url, pid, n, pages, think=args.think, import_command=command)
            ours.headcount_before = before
            ours.headcount_after = headcount(db) if command else None
            baseline = None
            if not args.no_baseline:
                _say(f"{n} sessions on the one-chart page ...")
                with server(BASELINE_SCRIPT, {}, workdir / f"one-chart-{n}.log") as (url, pid):
                    # as many runs per session as on the app: each "page" is the one page again
                    baseline = drive(url, pid, n, [""] * len(pages), app="one-chart", filter_label=BASELINE_FILTER,
                                     think=args.think)
            pairs.append((ours, baseline))
            for failure in ours.failures[:5]:
                _say(f"  failure: {failure}")
            errors = [e for v in ours.visits for e in v.errors]
            for error in list(dict.fromkeys(errors))[:5]:
                _say(f"  error: {error}")
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"Kompetanse load test: {args.size:,} employments, {', '.join(map(str, levels))} sessions at once,"
          f" think time {args.think:g} s; times from sending the rerun to script_finished, over every visit of"
          f" the page (open and filter change); one-chart = benchmarks/one_chart.py, the same visits.")
    print(f"Load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end ({os.cpu_count()} cores);"
          f" {time.perf_counter() - started:.0f} s in all.")
    print()
    print(format_tables(pairs))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        out = [{"app": lvl.app, "sessions": lvl.sessions, **{k: v for k, v in asdict(lvl).items() if k != "visits"},
                "visits": [asdict(v) for v in lvl.visits]} for pair in pairs for lvl in pair if lvl]
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
