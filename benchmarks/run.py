"""The performance benchmark: our times against baselines measured in the same run.

    python benchmarks/run.py [--sizes 10000,100000,1000000] [--json FILE] [--runs 3]
                             [--only import,metrics,pages,export] [--workdir DIR] [--profile DIR]

For each size it generates an organisation (benchmarks/generate.py: 500 units, 20 professions,
10 years of history, fixed seed, synthetic), writes it as an .xlsx and a CSV export, stores it in a
database, and measures (DESIGN.md "Performance"):

- import of .xlsx: kompetanse.importer.import_files against pandas.read_excel(engine="openpyxl")
  (skipped from 1 000 000 rows: Excel's limit is 1 048 576 rows, and writing it takes long);
- import of .csv: import_files against pandas.read_csv;
- all metrics for all units: metrics.compute(..., by="unit") warm (the second call) against the
  same figures in pandas (benchmarks/pandas_baseline.py), which also cross-checks the headcounts;
  beside it the floor: the raw DuckDB query that counts only the distinct persons per unit and in
  total (FLOOR_SQL), which every version of the figures has to do at least; ours meets its target
  at 150 ms, or within FLOOR_FACTOR of the floor where the floor itself takes that long;
- each page's script run (AppTest) on the --page-size database (default 100 000): a warm run
  against the page's cold (first) run;
- building the export pack (only once kompetanse.export exists; see build_export below);
- peak memory of each of our measurements (its process's high-water mark: VmHWM, else ru_maxrss).

Every measurement runs in its own Python process (this file with --worker), so the peak memory
of a row is that row's alone and the caches start cold. Each time is the best of --runs runs:
other work on the machine makes single timings noisy. The ratio is baseline / ours (how many
times faster ours is). Generated files go to a temporary folder (or --workdir), never the repo.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (10_000, 100_000)
XLSX_MAX_ROWS = 999_999  # 1 000 000 rows and more: no .xlsx (Excel stops at 1 048 576, and it takes long)
PAGE_SIZE = 100_000
MEMORY_TARGET_MB = 1536.0
PAGE_TIMEOUT_S = 600.0  # a page's worker is stopped after this (a page that slow has missed by far)
SLOW_PAGE_S = 60.0  # a page whose cold run takes longer is timed warm once, not --runs times
WORKER_TIMEOUT_S = 3600

# (figure, applies up to this size, target seconds): DESIGN.md "Performance". A target met by the
# largest input is expected of every smaller one, so it applies to sizes up to the stated one.
FLOOR_FACTOR = 1.5  # all metrics may take this many times the floor (DESIGN.md "Performance")
# The least any version of the metrics does: each person once per unit and once in the total, on the data date.
FLOOR_SQL = """
select unit_code, count(distinct employee_id) as persons
from v_employments
where start_date <= $as_of and (end_date is null or end_date >= $as_of)
group by grouping sets ((unit_code), ())
"""

TARGETS: dict[str, tuple[int, float]] = {
    "import .xlsx": (100_000, 2.0),
    "import .csv": (1_000_000, 3.0),
    "metrics, all units": (1_000_000, 0.150),
    "page": (100_000, 1.0),
}


def peak_mb() -> float:
    """The peak resident memory of this process, in MB.

    VmHWM (Linux) where there is one: ru_maxrss of a process started by a larger one starts at the
    parent's peak (Linux carries the high-water mark of the address space replaced at exec over),
    so each worker's ru_maxrss would show at least the parent's generated data. Elsewhere ru_maxrss.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --- the export adapter -------------------------------------------------------------------------
# ADAPTER: the one place that knows how the export pack is built. Written against
# kompetanse.export.build(db, fmt, out, *, unit, as_of, progress=None) -> Path as it stood when the
# export package landed; if that signature changes, fix this call and nothing else.


def build_export(con: Any, fmt: str, out_path: Path, as_of: Any) -> None:
    from kompetanse import export

    export.build(con, fmt, out_path, unit=None, as_of=as_of)  # the whole organisation's pack


def export_available() -> bool:
    return importlib.util.find_spec("kompetanse.export") is not None


# --- workers: one measurement each, in a fresh process -----------------------------------------


def _best(times: list[float]) -> float:
    return min(times)


def _profile(task: dict[str, Any], call: Any) -> None:
    """One more (untimed) run under cProfile: the .prof file and a text summary in --profile DIR."""
    if not task.get("profile_dir"):
        return
    import cProfile
    import io
    import pstats

    target = Path(task["profile_dir"])
    target.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", f"{task['figure']}-{task['size']}".lower()).strip("-")
    profiler = cProfile.Profile()
    # Threads started during the call (AppTest runs the page script in its own thread) get a
    # profiler of their own, merged into the stats below.
    thread_profilers: list[cProfile.Profile] = []

    def start_in_thread(*_: Any) -> None:
        sys.setprofile(None)
        thread_profiler = cProfile.Profile()
        thread_profilers.append(thread_profiler)
        thread_profiler.enable()

    threading.setprofile(start_in_thread)
    profiler.enable()
    try:
        call()
    finally:
        profiler.disable()
        threading.setprofile(None)  # type: ignore[arg-type]
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    for thread_profiler in thread_profilers:
        try:
            stats.add(thread_profiler)
        except (TypeError, ValueError):  # a thread that recorded nothing
            continue
    stats.dump_stats(target / f"{stem}.prof")
    stats.sort_stats("cumulative")
    stats.print_stats(40)
    (target / f"{stem}.txt").write_text(text.getvalue(), encoding="utf-8")


class Clock:
    """Wall and CPU time (all threads of this process) of each timed run."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def timing(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)

    def result(self, **extra: Any) -> dict[str, Any]:
        return {"times": self.wall, "cpu_times": self.cpu, **extra}


def worker_import_ours(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks import generate
    from kompetanse import importer
    from kompetanse.storage import store

    source = Path(task["path"])
    clock = Clock()
    db = Path(task["workdir"]) / f"import-{task['size']}-{source.suffix.lstrip('.')}.duckdb"

    def fresh() -> Any:
        for leftover in (db, Path(f"{db}.wal")):
            leftover.unlink(missing_ok=True)
        return store.connect(db)  # schema and defaults: not part of the import's time

    for _ in range(task["runs"]):
        con = fresh()
        with clock.timing():
            outcome = importer.import_files(con, [source], "personnel", snapshot_date=generate.AS_OF)
        con.close()
        if outcome.rows != task["size"] or outcome.rejected:
            raise RuntimeError(f"imported {outcome.rows} rows, rejected {outcome.rejected} (expected {task['size']})")

    def once() -> None:
        con = fresh()
        importer.import_files(con, [source], "personnel", snapshot_date=generate.AS_OF)
        con.close()

    _profile(task, once)
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)
    return clock.result()


def worker_import_baseline(task: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    source = Path(task["path"])
    clock = Clock()
    for _ in range(task["runs"]):
        with clock.timing():
            if source.suffix == ".xlsx":
                frame = pd.read_excel(source, engine="openpyxl")
            else:
                frame = pd.read_csv(source, sep=";", encoding="utf-8")
        if len(frame) != task["size"]:
            raise RuntimeError(f"read {len(frame)} rows (expected {task['size']})")
        del frame
    return clock.result()


def _check_rows(frame: Any) -> dict[str, list[float]]:
    """Per unit (and "total"): headcount, leavers_12m, FTE, for the cross-check."""
    return {
        str(label): [float(row["headcount"]), float(row["leavers_12m"]), float(row["fte"])]
        for label, row in frame.iterrows()
    }


def worker_metrics_ours(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks import generate
    from kompetanse.figures import metrics
    from kompetanse.storage import store

    con = store.connect(task["db"], read_only=True)
    scope = metrics.Scope(as_of=generate.AS_OF)
    frame = metrics.compute(con, scope, by="unit")  # cold: the first call
    clock = Clock()
    for _ in range(task["runs"]):
        with clock.timing():
            frame = metrics.compute(con, scope, by="unit")
    _profile(task, lambda: metrics.compute(con, scope, by="unit"))
    con.close()
    return clock.result(check=_check_rows(frame))


def worker_metrics_floor(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks import generate
    from kompetanse.storage import store

    con = store.connect(task["db"], read_only=True)
    params = {"as_of": generate.AS_OF}
    con.execute(FLOOR_SQL, params).df()  # cold: the first call
    clock = Clock()
    for _ in range(task["runs"]):
        with clock.timing():
            con.execute(FLOOR_SQL, params).df()
    con.close()
    return clock.result()


def worker_metrics_baseline(task: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    from benchmarks import generate, pandas_baseline

    con = duckdb.connect(task["db"], read_only=True)
    employments = con.execute("select * from v_employments").df()  # the same data, loaded untimed
    con.close()
    clock = Clock()
    frame = None
    for _ in range(task["runs"]):
        with clock.timing():
            frame = pandas_baseline.metrics_by_unit(employments, generate.AS_OF)
    return clock.result(check=_check_rows(frame))


class PageFailed(Exception):
    """A page raised (reported as "feil" in the table)."""


class PageNotListed(Exception):
    """A page of app.py's PAGES that the open app (no users set up) does not list (reported as "n/a")."""


def worker_page(task: dict[str, Any]) -> dict[str, Any]:
    # KOMPETANSE_DB is set in this process's environment before anything of the app is imported.
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    import tests.conftest  # noqa: F401 - the AppTest navigation workaround (PagesManager)

    page = task["page"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)

    def run() -> None:
        at.run()
        if at.exception:
            first = at.exception[0]
            message = getattr(first, "message", None) or str(getattr(first, "value", first))
            raise PageFailed(message.splitlines()[0] if message else "exception")

    cold, warm = Clock(), Clock()

    def partial() -> None:  # what is known so far, for the parent if it stops this process (timeout)
        result = warm.result(baseline_times=cold.wall, ok=True, partial=True, peak_mb=peak_mb())
        Path(task["result"]).write_text(json.dumps(result), encoding="utf-8")

    with cold.timing():  # AppTest needs one run (of the start page) before switch_page
        run()
    if page != task["default_page"]:
        cold = Clock()
        try:
            at.switch_page(page)
        except ValueError as exc:  # in PAGES, but not in the open app's navigation (a role's page)
            raise PageNotListed(str(exc).splitlines()[0]) from None
        with cold.timing():
            run()
    partial()
    # A page whose cold run takes minutes misses its target by far: one warm run tells enough.
    runs = 1 if cold.wall[0] > SLOW_PAGE_S else task["runs"]
    for _ in range(runs):
        with warm.timing():
            run()
        partial()
    _profile(task, run)
    return warm.result(baseline_times=cold.wall)


def worker_export(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks import generate
    from kompetanse.storage import store

    con = store.connect(task["db"])
    out = Path(task["workdir"]) / f"export-{task['size']}.{task['fmt']}"
    clock = Clock()
    for _ in range(task["runs"]):
        out.unlink(missing_ok=True)
        with clock.timing():
            build_export(con, task["fmt"], out, generate.AS_OF)
    _profile(task, lambda: build_export(con, task["fmt"], out, generate.AS_OF))
    con.close()
    out.unlink(missing_ok=True)
    return clock.result()


def worker_export_baseline(task: dict[str, Any]) -> dict[str, Any]:
    """The least an Excel export does: the per-unit figures written with pandas.to_excel (openpyxl)."""
    from benchmarks import generate
    from kompetanse.figures import metrics
    from kompetanse.storage import store

    con = store.connect(task["db"], read_only=True)
    out = Path(task["workdir"]) / f"export-baseline-{task['size']}.xlsx"
    clock = Clock()
    for _ in range(task["runs"]):
        with clock.timing():
            frame = metrics.compute(con, metrics.Scope(as_of=generate.AS_OF), by="unit")
            frame.to_excel(out, engine="openpyxl")
    con.close()
    out.unlink(missing_ok=True)
    return clock.result()


WORKERS = {
    "import_ours": worker_import_ours,
    "import_baseline": worker_import_baseline,
    "metrics_ours": worker_metrics_ours,
    "metrics_baseline": worker_metrics_baseline,
    "metrics_floor": worker_metrics_floor,
    "page": worker_page,
    "export_ours": worker_export,
    "export_baseline": worker_export_baseline,
}


def worker_main(task_file: str) -> int:
    task = json.loads(Path(task_file).read_text(encoding="utf-8"))
    try:
        result = WORKERS[task["kind"]](task)
        result["ok"] = True
    except PageFailed as exc:
        result = {"ok": False, "error": str(exc)}
    except PageNotListed as exc:
        result = {"ok": False, "not_listed": True, "error": str(exc)}
    except Exception as exc:
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    result["peak_mb"] = peak_mb()
    Path(task["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


# --- the parent: generate, run the workers, print the table ---------------------------------------


@dataclass
class Row:
    figure: str
    size: int
    ours_s: float | None = None
    ours_cpu_s: float | None = None  # CPU time (all threads) of our best run: less hurt by a busy machine
    baseline_s: float | None = None
    peak_mb: float | None = None
    baseline_peak_mb: float | None = None
    status: str = ""  # "", "feil", "skipped", "n/a"
    note: str = ""
    target_s: float | None = None
    target_mb: float | None = MEMORY_TARGET_MB
    floor_s: float | None = None  # the floor measured beside this row (metrics): its target is FLOOR_FACTOR of it
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours_s and self.baseline_s:
            return self.baseline_s / self.ours_s
        return None

    @property
    def verdict(self) -> str:
        if self.status:
            return self.status
        missed = []
        within_floor = None not in (self.floor_s, self.ours_s) and self.ours_s <= FLOOR_FACTOR * self.floor_s
        if self.target_s is not None and self.ours_s is not None and self.ours_s > self.target_s and not within_floor:
            missed.append("time")
        if self.target_mb is not None and self.peak_mb is not None and self.peak_mb > self.target_mb:
            missed.append("memory")
        if missed:
            return "MISSED " + "+".join(missed)
        return "ok" if self.target_s is not None or self.target_mb is not None else ""

    def as_json(self) -> dict[str, Any]:
        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "figure": self.figure, "size": self.size, "ours_s": rounded(self.ours_s, 4),
            "baseline_s": rounded(self.baseline_s, 4), "ratio": rounded(self.ratio, 2),
            "peak_mb": rounded(self.peak_mb, 1),
        }


def target_for(figure: str, size: int) -> float | None:
    key = "page" if figure.startswith("page ") else figure
    if key not in TARGETS:
        return None
    up_to, seconds = TARGETS[key]
    return seconds if size <= up_to else None


class Runner:
    def __init__(self, workdir: Path, runs: int, profile_dir: Path | None) -> None:
        self.workdir = workdir
        self.runs = runs
        self.profile_dir = profile_dir
        self.pages: set[str] = set()  # only these pages (file names); empty: all
        self.page_timeout: float = PAGE_TIMEOUT_S
        self.count = 0

    def work(self, kind: str, figure: str, size: int, env: dict[str, str] | None = None,
             timeout: float = WORKER_TIMEOUT_S, **task: Any) -> dict[str, Any]:
        self.count += 1
        task_file = self.workdir / f"task-{self.count}.json"
        result_file = self.workdir / f"result-{self.count}.json"
        task.update(kind=kind, figure=figure, size=size, runs=self.runs, workdir=str(self.workdir),
                    result=str(result_file), profile_dir=str(self.profile_dir) if self.profile_dir else None)
        if kind.endswith("baseline"):
            task["profile_dir"] = None
        task_file.write_text(json.dumps(task), encoding="utf-8")
        _say(f"  {figure} ({size:,} rows): {kind.split('_')[-1] if '_' in kind else kind} ...")
        child_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--worker", str(task_file)],
                env=child_env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            _say(f"    stopped after {timeout:.0f} s")
            if result_file.exists():  # a page worker leaves what it measured so far
                return {**json.loads(result_file.read_text(encoding="utf-8")), "timed_out": timeout}
            return {"ok": False, "error": f"stopped after {timeout:.0f} s", "timed_out": timeout}
        if not result_file.exists():
            tail = (done.stderr or "").strip().splitlines()[-3:]
            return {"ok": False, "error": f"worker exited {done.returncode}: {' | '.join(tail)}"}
        result = json.loads(result_file.read_text(encoding="utf-8"))
        if not result.get("ok"):
            _say(f"    failed: {result.get('error')}")
            if result.get("traceback"):
                _say(result["traceback"])
        else:
            _say(f"    best {_best(result['times']):.3f} s of {', '.join(f'{t:.3f}' for t in result['times'])}"
                 f" ({time.perf_counter() - started:.0f} s in all, peak {result['peak_mb']:.0f} MB)")
        return result


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _pair(runner: Runner, kind: str, figure: str, size: int, **task: Any) -> Row:
    """Ours and the baseline, each in its own process."""
    row = Row(figure, size, target_s=target_for(figure, size))
    ours = runner.work(f"{kind}_ours", figure, size, **task)
    base = runner.work(f"{kind}_baseline", figure, size, **task)
    row.peak_mb = ours.get("peak_mb")
    row.baseline_peak_mb = base.get("peak_mb")
    if ours.get("ok"):
        row.ours_s, row.ours_cpu_s = _best(ours["times"]), _best(ours["cpu_times"])
        row.extra["check"] = ours.get("check")
    else:
        row.status, row.note = "feil", str(ours.get("error"))
    if base.get("ok"):
        row.baseline_s = _best(base["times"])
        row.extra["baseline_check"] = base.get("check")
    else:
        row.note = (row.note + "; " if row.note else "") + f"baseline: {base.get('error')}"
    return row


def page_files() -> list[str]:
    """The pages of app.py's PAGES list, in its order (else every file in pages/)."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    listed = re.findall(r"""st\.Page\(\s*["'](pages/[^"']+\.py)["']""", text)
    pages = [p for p in listed if (ROOT / p).exists()]
    return pages or sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def default_page(pages: list[str]) -> str:
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    match = re.search(r"""st\.Page\(\s*["'](pages/[^"']+\.py)["'][^)]*default\s*=\s*True""", text)
    return match.group(1) if match else pages[0]


def cross_check(row: Row) -> list[str]:
    """Warnings where our per-unit figures differ from the pandas baseline's."""
    ours, base = row.extra.get("check"), row.extra.get("baseline_check")
    if not ours or not base:
        return []
    warnings = []
    names = ("headcount", "leavers_12m", "fte")
    for label in sorted(set(ours) | set(base)):
        a, b = ours.get(label), base.get(label)
        if a is None or b is None:
            warnings.append(f"WARNING: size {row.size}: unit {label} only in {'ours' if b is None else 'pandas'}")
            continue
        for name, x, y in zip(names, a, b, strict=True):
            if abs(x - y) > 1e-6 * max(1.0, abs(y)):
                warnings.append(f"WARNING: size {row.size}: {name} of unit {label}: ours {x:g}, pandas {y:g}")
    return warnings


def measure_size(runner: Runner, size: int, only: set[str], page_size: int) -> tuple[list[Row], list[str]]:
    from benchmarks import generate

    rows: list[Row] = []
    warnings: list[str] = []
    _say(f"size {size:,}: generating ...")
    started = time.perf_counter()
    frame = generate.employments(size)
    folder = runner.workdir / f"size-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    if "import" in only:
        if size <= XLSX_MAX_ROWS:
            xlsx = generate.write_xlsx(frame, folder / f"ansatte-{size}.xlsx")
            rows.append(_pair(runner, "import", "import .xlsx", size, path=str(xlsx)))
            xlsx.unlink()
        else:
            rows.append(Row("import .xlsx", size, status="skipped",
                            note="no .xlsx at 1 000 000 rows: Excel's limit is 1 048 576 rows, and it takes long",
                            target_mb=None))
        csv = generate.write_csv(frame, folder / f"ansatte-{size}.csv")
        rows.append(_pair(runner, "import", "import .csv", size, path=str(csv)))
        csv.unlink()
    need_db = bool(only & {"metrics", "export"}) or ("pages" in only and size == page_size)
    if need_db:
        db = generate.build_database(folder / f"kompetanse-{size}.duckdb", frame, with_plan=size == page_size)
        del frame
        _say(f"  generated and stored in {time.perf_counter() - started:.0f} s")
        if "metrics" in only:
            row = _pair(runner, "metrics", "metrics, all units", size, db=str(db))
            warnings.extend(cross_check(row))
            rows.append(row)
            rows.append(measure_floor(runner, size, db, row))
        if "pages" in only and size == page_size:
            rows.extend(measure_pages(runner, size, db))
        if "export" in only:
            rows.extend(measure_export(runner, size, db))
    ours_peaks = [r.peak_mb for r in rows if r.peak_mb is not None]
    if ours_peaks:
        rows.append(Row("peak memory (max of ours)", size, peak_mb=max(ours_peaks)))
    shutil.rmtree(folder, ignore_errors=True)
    return rows, warnings


def measure_floor(runner: Runner, size: int, db: Path, metrics_row: Row) -> Row:
    """The floor beside all metrics: its time, and ours as a multiple of it (in the note)."""
    result = runner.work("metrics_floor", "floor: distinct persons", size, db=str(db))
    row = Row("floor: distinct persons", size, peak_mb=result.get("peak_mb"), target_mb=None)
    if not result.get("ok"):
        row.status, row.note = "feil", str(result.get("error"))
        return row
    row.ours_s, row.ours_cpu_s = _best(result["times"]), _best(result["cpu_times"])
    metrics_row.floor_s = row.ours_s
    if metrics_row.ours_s:
        cpu = (f", CPU {metrics_row.ours_cpu_s / row.ours_cpu_s:.1f}x"
               if metrics_row.ours_cpu_s and row.ours_cpu_s else "")
        metrics_row.note = (metrics_row.note + "; " if metrics_row.note else "") + (
            f"{metrics_row.ours_s / row.ours_s:.1f}x the floor (wall{cpu}); the target: <= 150 ms,"
            f" or <= {FLOOR_FACTOR:g}x the floor")
    return row


def measure_pages(runner: Runner, size: int, db: Path) -> list[Row]:
    pages = page_files()
    start_page = default_page(pages)
    if runner.pages:
        pages = [p for p in pages if Path(p).name in runner.pages]
    rows = []
    for page in pages:
        figure = f"page {Path(page).name}"
        result = runner.work("page", figure, size, env={"KOMPETANSE_DB": str(db)}, timeout=runner.page_timeout,
                             page=page, default_page=start_page)
        row = Row(figure, size, target_s=target_for(figure, size), peak_mb=result.get("peak_mb"))
        if result.get("timed_out"):
            row.status = "MISSED time"
            row.baseline_s = (result.get("baseline_times") or [None])[0]
            row.ours_s = min(result["times"]) if result.get("times") else None
            stage = "a warm run" if row.baseline_s is not None else "the cold run"
            row.extra["over_s"] = result["timed_out"]
            row.note = f"stopped after {result['timed_out']:.0f} s: {stage} had not finished (--page-timeout)"
        elif result.get("ok"):
            row.ours_s, row.ours_cpu_s = _best(result["times"]), _best(result["cpu_times"])
            row.baseline_s = result["baseline_times"][0]
            if len(result["times"]) < runner.runs:
                row.note = f"cold run over {SLOW_PAGE_S:.0f} s: timed warm once, not best of {runner.runs}"
        elif result.get("not_listed"):
            row.status, row.target_mb, row.peak_mb = "n/a", None, None
            row.note = f"{page} is not in the navigation of the open app (no users set up): a role's page"
        else:
            row.status, row.note = "feil", f"{page}: {result.get('error')}"
        rows.append(row)
    return rows


def measure_export(runner: Runner, size: int, db: Path) -> list[Row]:
    if not export_available():
        return [Row("export pack", size, status="n/a", target_mb=None,
                    note="kompetanse.export does not exist yet (adapter: build_export in benchmarks/run.py)")]
    rows = []
    for fmt in ("xlsx", "pptx"):
        figure = f"export .{fmt}"
        ours = runner.work("export_ours", figure, size, db=str(db), fmt=fmt)
        row = Row(figure, size, peak_mb=ours.get("peak_mb"))
        if ours.get("ok"):
            row.ours_s, row.ours_cpu_s = _best(ours["times"]), _best(ours["cpu_times"])
        else:
            row.status, row.note = "feil", str(ours.get("error"))
        if fmt == "xlsx":
            base = runner.work("export_baseline", figure, size, db=str(db))
            row.baseline_peak_mb = base.get("peak_mb")
            if base.get("ok"):
                row.baseline_s = _best(base["times"])
        rows.append(row)
    return rows


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}x" if value >= 10 else f"{value:.1f}x" if value >= 1 else f"{value:.2f}x"


def format_table(rows: list[Row]) -> str:
    header = ["figure", "size", "ours", "ours CPU", "baseline", "ratio", "peak MB", "target", "status"]
    lines = [header]
    for r in rows:
        target = []
        if r.target_s is not None:
            target.append(f"<= {_seconds(r.target_s)}" + (f" or {FLOOR_FACTOR:g}x floor" if r.floor_s else ""))
        if r.figure.startswith("peak memory"):
            target.append(f"<= {MEMORY_TARGET_MB:.0f} MB")
        lines.append([
            r.figure, f"{r.size:,}".replace(",", " "), _seconds(r.ours_s), _seconds(r.ours_cpu_s),
            _seconds(r.baseline_s) if "over_s" not in r.extra or r.baseline_s is not None
            else f"> {r.extra['over_s']:.0f} s",
            _ratio(r.ratio),
            f"{r.peak_mb:.0f}" if r.peak_mb is not None else "-",
            ", ".join(target) or "-", r.verdict or "-",
        ])
    from benchmarks.tables import markdown  # ROOT is on sys.path (above)

    return markdown(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python benchmarks/run.py")
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="numbers of employments, comma-separated (default 10000,100000)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as a JSON list to FILE")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure; the best counts (default 3)")
    parser.add_argument("--only", default="import,metrics,pages,export",
                        help="which figures: import,metrics,pages,export (default all)")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE,
                        help="the size whose database the pages run on (default 100000; must be among --sizes)")
    parser.add_argument("--pages", help="only these pages, e.g. alder.py,pensjon.py (default: all of app.py's)")
    parser.add_argument("--page-timeout", type=float, default=PAGE_TIMEOUT_S,
                        help=f"stop a page's measurement after this many seconds (default {PAGE_TIMEOUT_S:.0f})")
    parser.add_argument("--workdir", type=Path, help="keep generated files here (default: a temporary folder)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="also run each of our figures once under cProfile; .prof and .txt files go to DIR")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print("--sizes: comma-separated whole numbers, e.g. 10000,100000", file=sys.stderr)
        return 2
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = only - {"import", "metrics", "pages", "export"}
    if unknown or not sizes or args.runs < 1:
        print(f"bad arguments: {', '.join(sorted(unknown)) or 'sizes/runs'}", file=sys.stderr)
        return 2
    if "pages" in only and args.page_size not in sizes:
        _say(f"note: the pages run on the {args.page_size:,}-row database, and {args.page_size} is not in --sizes:"
             " no page rows")
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="kompetanse-bench-")) if temporary else args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    runner = Runner(workdir, args.runs, args.profile.resolve() if args.profile else None)
    runner.page_timeout = args.page_timeout
    runner.pages = {p.strip() for p in (args.pages or "").split(",") if p.strip()}
    load_before = os.getloadavg()
    started = time.perf_counter()
    rows: list[Row] = []
    warnings: list[str] = []
    try:
        for size in sizes:
            size_rows, size_warnings = measure_size(runner, size, only, args.page_size)
            rows += size_rows
            warnings += size_warnings
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()

    print(f"Kompetanse benchmark: wall-clock times, best of {args.runs} runs; ours CPU = CPU seconds of our"
          " process (all threads) in its fastest run; ratio = baseline / ours (above 1: ours is faster);"
          " peak MB = our process's peak resident memory (VmHWM). Page baseline = the page's cold run.")
    print(f"Load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end"
          f" ({os.cpu_count()} cores); {time.perf_counter() - started:.0f} s in all.")
    print()
    print(format_table(rows))
    notes = [f"- {r.figure} ({r.size:,}): {r.note}" for r in rows if r.note]
    if notes:
        print()
        print("\n".join(notes))
    missed = [r for r in rows if r.verdict.startswith("MISSED")]
    print()
    if warnings:
        print("\n".join(warnings[:50]))
        if len(warnings) > 50:
            print(f"... and {len(warnings) - 50} more differences")
    else:
        checked = [r for r in rows if r.extra.get("check") and r.extra.get("baseline_check")]
        if checked:
            print("Cross-check: headcount, leavers and FTE per unit agree with the pandas baseline.")
    print(f"Targets missed: {', '.join(f'{r.figure} ({r.size:,})' for r in missed) if missed else 'none'}.")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps([r.as_json() for r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(worker_main(sys.argv[2]))
    sys.exit(main())
