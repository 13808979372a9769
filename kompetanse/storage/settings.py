"""The editable settings (key-value) with typed accessors."""

from __future__ import annotations

import duckdb

from kompetanse.figures.rules import DEFAULT_SETTINGS
from kompetanse.storage import store


def get(con: duckdb.DuckDBPyConnection, key: str) -> str:
    value = store.fetch_value(con.cursor(), "select value from settings where key = $key", {"key": key})
    return str(value) if value is not None else DEFAULT_SETTINGS[key]


def put(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cursor = con.cursor()
    with store.transaction(cursor):
        cursor.execute("delete from settings where key = $key", {"key": key})
        cursor.execute("insert into settings values ($key, $value)", {"key": key, "value": value})


def min_group_size(con: duckdb.DuckDBPyConnection) -> int:
    """k of the small-group rule (DESIGN.md), default 5."""
    return int(get(con, "min_group_size"))


def cost_growth(con: duckdb.DuckDBPyConnection) -> float:
    """Yearly price and wage growth applied to 5-year costs."""
    return float(get(con, "cost_growth"))
