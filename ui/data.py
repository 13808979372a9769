"""The app's database access: one shared connection per file, cached query results.

DuckDB lets one process at a time write a file. So that a command-line import (a nightly job)
can land while the app runs, the app holds the file only while it uses it: the connection is
closed after a short idle time, or at once when a writer is waiting, and opened again on the
next cache miss. Query results are cached by SQL text, parameters and the file's version, so
a change by another process shows without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from kompetanse import demo, store

IDLE_SECONDS = 10.0
OPEN_WAIT_SECONDS = 30.0


class SharedConnection:
    """A connection opened on demand, shared by the sessions' threads, closed when idle."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_used = 0.0
        threading.Thread(target=self._close_when_idle, daemon=True, name="kompetanse-db-idle").start()

    def _open(self) -> duckdb.DuckDBPyConnection:
        fresh = not self.path.exists()
        con = store.connect(self.path, wait_seconds=OPEN_WAIT_SECONDS)
        if fresh or store.is_empty(con):
            demo.load_demo(con)  # a fresh checkout opens on the demo organisation
        return con

    def acquire(self) -> duckdb.DuckDBPyConnection:
        self._give_way_to_writer()
        with self._lock:
            if self._con is None:
                self._con = self._open()
            self._users += 1
            self._last_used = time.monotonic()
            return self._con

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            self._last_used = time.monotonic()

    def _give_way_to_writer(self) -> None:
        flag = store.writer_waiting_flag(self.path)
        deadline = time.monotonic() + OPEN_WAIT_SECONDS
        while flag.exists() and time.monotonic() < deadline and self._users == 0:
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


def data_version(path: str) -> tuple[int, ...]:
    """Changes whenever the file (or its write-ahead log) changes, in this process or another."""
    stamps: list[int] = []
    for candidate in (Path(path), Path(path + ".wal")):
        try:
            info = candidate.stat()
            stamps += [info.st_mtime_ns, info.st_size]
        except OSError:
            stamps += [0, 0]
    return tuple(stamps)


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached_run(sql: str, params: dict[str, Any], path: str, version: tuple[int, ...]) -> pd.DataFrame:
    del version  # part of the cache key only
    with busy() as con:
        return store.run_sql(con, sql, params)


class CachedRunner(store.QueryRunner):
    """Each session's queries go through st.cache_data; an import clears it."""

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def con(self) -> duckdb.DuckDBPyConnection:  # type: ignore[override]
        return connection()

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        return _cached_run(sql, params, self.path, data_version(self.path)).copy()


def runner() -> CachedRunner:
    return CachedRunner(db_path())


def data_changed() -> None:
    """After an import, an activation or an edit: every cached figure is stale."""
    _cached_run.clear()
