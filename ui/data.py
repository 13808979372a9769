"""The app's database access: one shared connection per file, cached query results.

DuckDB lets one process at a time write a file. So that a command-line import (a nightly job)
can land while the app runs, the app holds the file only while it uses it: the connection is
closed after a short idle time, or at once when a writer is waiting, and opened again on the
next cache miss. Query results are cached by SQL text, parameters and the data generation (bumped by every
write, in this process or another), so a change shows without a restart.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import os
import pickle
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from kompetanse.demo import demo
from kompetanse.storage import store

IDLE_SECONDS = 10.0
OPEN_WAIT_SECONDS = 30.0
CHECK_SHARED_VARIABLE = "KOMPETANSE_CHECK_SHARED"
SHARED_ENTRIES = 256  # figures and drawings kept for every session (the newest generations' first)

Result = TypeVar("Result")


class SharedConnection:
    """A connection opened on demand, shared by the sessions' threads, closed when idle."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._holds = threading.local()  # this thread's acquisitions not yet released
        self._last_used = 0.0
        threading.Thread(target=self._close_when_idle, daemon=True, name="kompetanse-db-idle").start()
        # Close before the interpreter tears DuckDB down: an open connection at exit can abort the process.
        atexit.register(self.close)

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def _open(self) -> duckdb.DuckDBPyConnection:
        fresh = not self.path.exists()
        # reading=True: a database on a read-only place still shows; what would write says it cannot.
        con = store.connect(self.path, wait_seconds=OPEN_WAIT_SECONDS, reading=True)
        if (fresh or store.is_empty(con)) and not store.is_read_only(con):
            demo.load_demo(con)  # a fresh checkout opens on the demo organisation
        return con

    def acquire(self) -> duckdb.DuckDBPyConnection:
        if not getattr(self._holds, "count", 0):  # a thread inside its own run never waits for itself
            self._give_way_to_writer()
        with self._lock:
            if self._con is None:
                self._con = self._open()
            self._users += 1
            self._holds.count = getattr(self._holds, "count", 0) + 1
            self._last_used = time.monotonic()
            return self._con

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            self._holds.count = max(getattr(self._holds, "count", 0) - 1, 0)
            self._last_used = time.monotonic()

    def _give_way_to_writer(self) -> None:
        """While a writer waits, new runs wait too, so that the runs going on drain and the file is let go.

        Waiting only while nobody held the file starved a command-line import under steady load
        (the load test: with 3 sessions clicking without a pause an import once waited 27 s and gave up).
        """
        flag = store.writer_waiting_flag(self.path)
        deadline = time.monotonic() + OPEN_WAIT_SECONDS
        while flag.exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _close_when_idle(self) -> None:
        flag = store.writer_waiting_flag(self.path)
        while True:
            time.sleep(0.2)
            with self._lock:
                idle = time.monotonic() - self._last_used > IDLE_SECONDS
                if self._con is not None and self._users == 0 and (idle or flag.exists()):
                    self._con.close()
                    self._con = None


@st.cache_resource(show_spinner=False)
def _shared(path: str) -> SharedConnection:
    return SharedConnection(path)


def db_path() -> str:
    return str(store.default_db_path())


@contextmanager
def busy() -> Iterator[duckdb.DuckDBPyConnection]:
    """Hold the connection for a longer piece of work (an import, a save)."""
    shared = _shared(db_path())
    con = shared.acquire()
    try:
        yield con
    finally:
        shared.release()


def connection() -> duckdb.DuckDBPyConnection:
    """The connection, for a quick read or write right away (use busy() for long work)."""
    shared = _shared(db_path())
    con = shared.acquire()
    shared.release()
    return con


class SharedResults:
    """Figures computed once and handed to every session: fifty leaders opening the same page cost one build.

    Keyed by the database file, its data generation and what the figure was computed from. One build per key
    at a time: the others wait for it rather than build the same thing again. The oldest entries go first.

    With KOMPETANSE_CHECK_SHARED=1 (the test suite sets it) each value's fingerprint is taken when it is built
    and compared at the end of every run that used it: a page that changed a shared figure (and so every
    other session's) is listed in `changed`, which the tests require to stay empty.
    """

    def __init__(self, max_entries: int = SHARED_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self._fingerprints: dict[Hashable, bytes | None] = {}
        self._used = threading.local()
        self.changed: list[Hashable] = []

    @staticmethod
    def checking() -> bool:
        return os.environ.get(CHECK_SHARED_VARIABLE) == "1"

    def get(self, key: Hashable, build: Callable[[], Result]) -> Result:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._touched(key, self._values[key])
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._values:
                    return self._touched(key, self._values[key])
            value = build()
            with self._lock:
                self._values[key] = value
                if self.checking():
                    self._fingerprints[key] = _fingerprint(value)
                self._building.pop(key, None)
                while len(self._values) > self.max_entries:
                    oldest, _ = self._values.popitem(last=False)
                    self._fingerprints.pop(oldest, None)
            return self._touched(key, value)

    def _touched(self, key: Hashable, value: Result) -> Result:
        if self.checking():
            self._used.keys = {*getattr(self._used, "keys", set()), key}
        return value

    def check_unchanged(self) -> None:
        """List in `changed` what this thread used since the last check and is not as built (check mode only)."""
        keys, self._used.keys = getattr(self._used, "keys", set()), set()
        for key in keys:
            with self._lock:
                if key not in self._values:
                    continue
                value, built = self._values[key], self._fingerprints.get(key)
            if built is not None and _fingerprint(value) != built:
                self.changed.append(key)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._fingerprints.clear()


def _fingerprint(value: Any) -> bytes | None:
    """What a value holds, to see whether it was changed (None: it cannot be pickled, e.g. a translated Styler)."""
    try:
        return hashlib.sha256(pickle.dumps(value)).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


_shared_results = SharedResults()


def shared_figures_changed() -> list[Hashable]:
    """The shared figures a run changed after they were computed (check mode; see SharedResults)."""
    return list(_shared_results.changed)


class RunSnapshot(store.QueryRunner):
    """One page run's view of the data: every query of the run reads the same generation.

    Cache hits are keyed by the generation read inside this run's read transaction, and
    misses run in that same transaction, so a run never mixes data from before and after
    an import, whichever thread or process writes.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._shared = _shared(path)
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self._generation: int | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:  # type: ignore[override]
        return connection()

    def _snapshot(self) -> duckdb.DuckDBPyConnection:
        if self._cursor is None:
            base = self._shared.acquire()
            try:
                cursor = base.cursor()
                cursor.execute("begin transaction")
                self._generation = store.generation(cursor)
            except BaseException:
                self._shared.release()
                raise
            self._cursor = cursor
        return self._cursor

    @property
    def generation(self) -> int:
        self._snapshot()
        assert self._generation is not None
        return self._generation

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        _current.snapshot = self
        try:
            return _cached_run(sql, params, self.path, self.generation).copy()
        finally:
            _current.snapshot = None

    def shared(self, key: Hashable, build: Callable[[], Result]) -> Result:
        return _shared_results.get((self.path, self.generation, key), build)

    def execute_uncached(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        return self._snapshot().execute(sql, params).df()

    def refresh(self) -> None:
        """Read the newest data from here on (after this run wrote something)."""
        if self._cursor is not None:
            self._cursor.execute("rollback")
            self._cursor.execute("begin transaction")
            self._generation = store.generation(self._cursor)

    def close(self) -> None:
        if self._cursor is not None:
            try:
                self._cursor.execute("rollback")
                self._cursor.close()
            finally:
                self._cursor = None
                self._shared.release()


_current = threading.local()


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached_run(sql: str, params: dict[str, Any], path: str, generation: int) -> pd.DataFrame:
    del path, generation  # parts of the cache key only
    snapshot: RunSnapshot = _current.snapshot
    return snapshot.execute_uncached(sql, params)


# The run's snapshot belongs to the thread that runs the script, not to the session: Streamlit may start a
# session's next run in a new thread while the old one is still inside a query, and the two must never
# close each other's snapshot.
_run = threading.local()


def begin_run() -> RunSnapshot:
    """Called by app.py at the start of each script run."""
    end_run()
    snapshot = RunSnapshot(db_path())
    _run.snapshot = snapshot
    return snapshot


def end_run() -> None:
    """Called by app.py when the run is over: the read transaction ends, the file is let go."""
    snapshot = getattr(_run, "snapshot", None)
    _run.snapshot = None
    if snapshot is not None:
        snapshot.close()
    _shared_results.check_unchanged()


def run_active() -> bool:
    """Whether app.py has begun this run (a page run on its own has not)."""
    return getattr(_run, "snapshot", None) is not None


def runner() -> RunSnapshot:
    """This run's snapshot (a new one outside app.py, e.g. in a test)."""
    snapshot = getattr(_run, "snapshot", None)
    if snapshot is None:
        snapshot = begin_run()
    return snapshot


def derived(build: Callable[..., Result], *sources: Any) -> Result:
    """build(*sources), once for every session, where the sources are what store.shared figures gave this run.

    Those are the same objects in every session while the data stays the same, so a chart or a sentence drawn
    from them is too. Objects are keyed by identity (kept alive with the entry, so an identity is never reused),
    plain values (text, numbers, and mappings of them, such as a table's formats) by value. Never change what it
    returns."""
    held = (build, *sources)
    key = ("derived", tuple(_source_key(part) for part in held))
    return runner().shared(key, lambda: _holding(held, build(*sources)))[1]


def _source_key(source: Any) -> Hashable:
    if source is None or isinstance(source, (str, int, float, bool, date)):
        return ("value", source)
    if isinstance(source, Mapping):
        return ("mapping", tuple((_source_key(k), _source_key(v)) for k, v in source.items()))
    if isinstance(source, types.MethodType):  # a bound method is a new object at every access
        return ("method", id(source.__self__), id(source.__func__))
    if dataclasses.is_dataclass(source) and source.__dataclass_params__.frozen:  # type: ignore[union-attr]
        # A signed-in user's Access is a new object at every run: by value, or every run would miss.
        with contextlib.suppress(TypeError):  # a frozen dataclass of frames has no value hash: identity
            return ("value", source, hash(source))
    return ("object", id(source))


def _holding(held: tuple[Any, ...], value: Result) -> tuple[tuple[Any, ...], Result]:
    return held, value


def data_changed() -> None:
    """After an import, an activation or an edit: every cached figure is stale, and the rest
    of this run reads the new data."""
    _cached_run.clear()
    _shared_results.clear()
    snapshot = getattr(_run, "snapshot", None)
    if snapshot is not None:
        snapshot.refresh()
