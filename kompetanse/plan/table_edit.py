"""Saving a plan table edited in the app (goals, practice placements) as a new import, with undo.

The same pattern as plan_edit for the measures: a save is a new import of its kind (file name
"redigert i appen") through history.record_import, in one transaction; the previous version stays
in the import history, so undoing the last save is re-activating the import that was active before.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from kompetanse.storage import history

EDIT_FILE_NAME = "redigert i appen"


class TableEditError(ValueError):
    """An edit that cannot be saved; `problems` lists each one in Norwegian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SaveResult:
    import_id: int  # the import now active
    previous_import_id: int | None  # the one active before: what undo brings back
    rows: int
    changed: bool  # false when the edit changed nothing


def blank(value: Any) -> bool:
    """An empty cell: None, NaN, NA, NaT or only spaces."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(value: Any) -> str | None:
    return None if blank(value) else " ".join(str(value).split())


def choice(value: Any, labels: dict[str, str]) -> str | None:
    """The code for a code or its Norwegian label (case and spaces ignored); None when unknown or blank."""
    if blank(value):
        return None
    wanted = " ".join(str(value).split()).lower()
    for code, label in labels.items():
        if wanted in (code.lower(), label.lower()):
            return code
    return None


def whole_number(value: Any, *, low: int | None = 0, high: int | None = None) -> tuple[int | None, str | None]:
    """A whole number from a cell (blank: None); the message says what is wrong."""
    if blank(value):
        return None, None
    try:
        number = float(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None, f"«{value}» er ikke et tall"
    if math.isnan(number) or math.isinf(number) or not number.is_integer():
        return None, f"«{value}» er ikke et helt tall"
    if low is not None and number < low:
        return None, f"kan ikke være {'negativ' if low == 0 else f'under {low}'} ({int(number)})"
    if high is not None and number > high:
        return None, f"kan ikke være over {high} ({int(number)})"
    return int(number), None


def active_import_id(con: duckdb.DuckDBPyConnection, kind: str) -> int | None:
    frame = history.list_imports(con)
    active = frame[(frame["kind"] == kind) & frame["active"]]
    return int(active["import_id"].iloc[0]) if not active.empty else None


def _fingerprint(frame: pd.DataFrame) -> str:
    payload = pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes()
    return "redigert-" + hashlib.sha256(payload).hexdigest()


def store_edit(con: duckdb.DuckDBPyConnection, kind: str, frame: pd.DataFrame, snapshot_date: date) -> SaveResult:
    """Store a validated frame as the active import of `kind` (one transaction)."""
    previous = active_import_id(con, kind)
    record = history.record_import(
        con, kind, frame, file_name=EDIT_FILE_NAME, sha256=_fingerprint(frame), snapshot_date=snapshot_date
    )
    return SaveResult(record.import_id, previous, len(frame), changed=record.import_id != previous)


def undo(con: duckdb.DuckDBPyConnection, kind: str, previous_import_id: int) -> int:
    """Make the import of `kind` that was active before the last save active again."""
    imports = history.list_imports(con)
    known = imports[(imports["import_id"] == previous_import_id) & (imports["kind"] == kind)]
    if known.empty:
        raise LookupError(f"Import {previous_import_id} er ikke av typen {kind}.")
    return history.activate(con, previous_import_id).import_id


def has_changes(editor_state: Any) -> bool:
    """Whether a data editor's state holds any edit, addition or deletion."""
    if not isinstance(editor_state, dict):
        return False
    return any(editor_state.get(key) for key in ("edited_rows", "added_rows", "deleted_rows"))
