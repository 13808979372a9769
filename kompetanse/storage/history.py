"""The import history: every import is kept, one is active per kind, an earlier one can come back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from kompetanse.storage import store

# The columns each kind stores, in table order (import_id first, added here).
KIND_TABLES: dict[str, tuple[str, list[str]]] = {
    "personnel": (
        "employments",
        [
            "employee_id", "unit_code", "profession", "birth_date", "gender", "position_pct",
            "employment_type", "start_date", "end_date", "end_reason", "education_level",
            "profession_code", "leave_pct", "leave_start", "leave_end",
        ],
    ),
    "units": ("units", ["unit_code", "unit_name", "parent_code", "level"]),
    "competences": ("competences", ["employee_id", "competence", "kind", "acquired_date", "expires_date"]),
    "requirements": ("requirements", ["unit_code", "competence", "min_holders"]),
    "measures": (
        "measures",
        [
            "measure_id", "unit_code", "main_task", "category", "horizon", "need", "measure", "schedule",
            "hours", "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel",
            "other_cost", "status", "responsible", "comment",
            "funding_source", "funding_applied", "funding_granted", "goal_id",
            "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
        ],
    ),
    "placements": ("placements", ["semester", "unit_code", "school_type", "asked", "offered", "used"]),
    "goals": (
        "goals",
        ["goal_id", "parent_id", "level", "title", "period_from", "period_to", "status", "evaluation",
         "responsible", "comment"],
    ),
}


@dataclass(frozen=True)
class ImportRecord:
    import_id: int
    kind: str
    file_name: str
    rows: int
    snapshot_date: date
    active: bool
    reused: bool = False  # true when the same content was already imported: nothing new was written


def record_import(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    frame: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    snapshot_date: date,
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> ImportRecord:
    """Store `frame` as a new active import of `kind`, in one transaction.

    The same content (by sha256) imported before is made active again instead: a re-import
    changes nothing when it is already active. `also` runs inside the same transaction, after the
    new import's id is taken (so that no id is ever given twice) and before the rows are stored.
    """
    table, columns = KIND_TABLES[kind]
    con = con.cursor()  # its own transaction, even when other threads share the connection
    earlier = store.fetch_row(
        con,
        "select import_id, file_name, rows, snapshot_date, active from imports "
        "where kind = $kind and sha256 = $sha order by import_id desc limit 1",
        {"kind": kind, "sha": sha256},
    )
    if earlier is not None and earlier[4]:  # already the active import: nothing to do
        return ImportRecord(earlier[0], kind, earlier[1], earlier[2], earlier[3], True, reused=True)
    with store.transaction(con):
        if earlier is not None:
            import_id, name, rows, snap, _ = earlier
            _set_active(con, kind, import_id)
            return ImportRecord(import_id, kind, name, rows, snap, True, reused=True)
        import_id = store.next_id(con, "imports", "import_id")
        if also is not None:
            also(con)
        con.register(store.INCOMING_ROWS, frame.reindex(columns=columns))
        try:
            derived = store.DERIVED_COLUMNS.get(table, {})  # e.g. the profession group, written by its macro
            names = ", ".join([*columns, *derived])
            values = ", ".join([*columns, *derived.values()])
            con.execute(
                f"insert into {table} (import_id, {names}) "  # names and macros from KIND_TABLES, DERIVED_COLUMNS
                f"select $import_id, {values} from {store.INCOMING_ROWS}",
                {"import_id": import_id},
            )
        finally:
            con.unregister(store.INCOMING_ROWS)
        con.execute(
            "insert into imports values ($id, $kind, $name, $sha, $rows, $at, $snap, false)",
            {
                "id": import_id, "kind": kind, "name": file_name, "sha": sha256,
                "rows": len(frame), "at": datetime.now(), "snap": snapshot_date,
            },
        )
        _set_active(con, kind, import_id)
    return ImportRecord(import_id, kind, file_name, len(frame), snapshot_date, True)


def _set_active(con: duckdb.DuckDBPyConnection, kind: str, import_id: int) -> None:
    con.execute(
        "update imports set active = (import_id = $id) where kind = $kind and active <> (import_id = $id)",
        {"id": import_id, "kind": kind},
    )


def import_kind(con: duckdb.DuckDBPyConnection, import_id: int) -> str | None:
    """The kind of an import, or None where there is no such import."""
    value = store.fetch_value(con, "select kind from imports where import_id = $id", {"id": import_id})
    return None if value is None else str(value)


def import_rows(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """The rows an import stored, in its kind's columns (the corrections of `import --add-to` join them)."""
    kind = import_kind(con, import_id)
    if kind is None:
        raise LookupError(f"Import {import_id} finnes ikke.")
    table, columns = KIND_TABLES[kind]
    rows = con.execute(
        f"select {', '.join(columns)} from {table} where import_id = $id",  # names from KIND_TABLES
        {"id": import_id},
    ).df()
    for column in rows.columns:  # decimals (leave_pct) as numbers, as the importer makes them
        if rows[column].dtype == object and rows[column].map(lambda v: type(v).__name__ == "Decimal").any():
            rows[column] = rows[column].astype(float)
    return rows


def import_snapshot_date(con: duckdb.DuckDBPyConnection, import_id: int) -> date | None:
    value = store.fetch_value(con, "select snapshot_date from imports where import_id = $id", {"id": import_id})
    return value.date() if isinstance(value, datetime) else value


def import_sha(con: duckdb.DuckDBPyConnection, import_id: int) -> str | None:
    value = store.fetch_value(con, "select sha256 from imports where import_id = $id", {"id": import_id})
    return None if value is None else str(value)


def activate(con: duckdb.DuckDBPyConnection, import_id: int) -> ImportRecord:
    """Make an earlier import the active one of its kind."""
    row = store.fetch_row(
        con, "select kind, file_name, rows, snapshot_date from imports where import_id = $id", {"id": import_id}
    )
    if row is None:
        raise LookupError(f"Import {import_id} finnes ikke.")
    kind, name, rows, snap = row
    con = con.cursor()
    with store.transaction(con):
        _set_active(con, kind, import_id)
    return ImportRecord(import_id, kind, name, rows, snap, True)


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return store.run_query(con, "imports_history")


@store.shared
def data_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The snapshot date of the active personnel import: the default reference date."""
    frame = store.run_query(con, "data_date")
    if frame.empty or pd.isna(frame.iloc[0, 0]):
        return None
    value = frame.iloc[0, 0]
    return value.date() if hasattr(value, "date") else value
