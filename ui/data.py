"""One cached DuckDB connection per database file; query results cached by SQL text and parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from kompetanse import demo, store


def db_path() -> str:
    return str(store.default_db_path())


@st.cache_resource(show_spinner="Åpner databasen …")
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    fresh = not Path(path).exists()
    con = store.connect(path)
    if fresh or store.is_empty(con):
        demo.load_demo(con)  # a fresh checkout opens on the demo organisation
    return con


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(db_path())


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached_run(sql: str, params: dict[str, Any], path: str) -> pd.DataFrame:
    return store.run_sql(_connection(path), sql, params)


class CachedRunner(store.QueryRunner):
    """Each session's queries go through st.cache_data; an import clears it."""

    def __init__(self, path: str) -> None:
        super().__init__(_connection(path))
        self.path = path

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        return _cached_run(sql, params, self.path).copy()


def runner() -> CachedRunner:
    return CachedRunner(db_path())


def data_changed() -> None:
    """After an import, an activation or an edit: every cached figure is stale."""
    _cached_run.clear()
