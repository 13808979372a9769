"""Saving the plan's measures edited in the app: validate every row, then store all or nothing.

A save is a new "measures" import (file name "redigert i appen") through history.record_import,
in one transaction; the previous version stays in the import history, so undoing the last save is
re-activating the import that was active before it (history.activate).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from kompetanse.figures.rules import CATEGORIES, HORIZONS, MAIN_TASKS
from kompetanse.plan import costs, funding
from kompetanse.plan.costs import COST_INPUTS, MAIN_TASK_LABELS
from kompetanse.plan.table_edit import EDIT_FILE_NAME, SaveResult
from kompetanse.plan.table_edit import TableEditError as PlanEditError
from kompetanse.plan.table_edit import blank as _blank
from kompetanse.presentation import formatting
from kompetanse.storage import history, store

CATEGORY_LABELS: dict[str, str] = {"rekruttering": "Rekruttering", "utvikling": "Utvikling"}
HORIZON_LABELS: dict[int, str] = {1: "1 år", 5: "5 år"}

# Norwegian names of the columns, for the messages (the editor shows the same).
COLUMN_LABELS: dict[str, str] = {
    "unit_code": "Enhet", "main_task": "Hovedoppgave", "category": "Kategori", "horizon": "Horisont",
    "need": "Behov for kompetanse", "measure": "Tiltak", "schedule": "Framdriftsplan", "hours": "Timer",
    "participants": "Deltakere", "sessions": "Ganger", "hourly_rate": "Timesats (kr)", "days": "Dager",
    "day_rate": "Dagsats (kr)", "course_fee": "Kursavgift (kr)", "travel": "Reise (kr)",
    "other_cost": "Andre kostnader (kr)", "status": "Status", "responsible": "Ansvarlig", "comment": "Kommentar",
    "funding_source": "Finansiering", "funding_applied": "Søkt (kr)", "funding_granted": "Innvilget (kr)",
    "goal_id": "Mål",
    "effect_kind": "Effekt", "effect_target": "Effekt gjelder", "effect_count": "Antall personer",
    "effect_unit": "Effekt i enhet", "effect_from": "Effekt fra",
}
EFFECT_KIND_LABELS: dict[str, str] = {"rekruttering": "Rekruttering", "kompetanse": "Kompetanse"}
FUNDING_AMOUNTS = ["funding_applied", "funding_granted"]
TEXT_COLUMNS = ["need", "measure", "schedule", "status", "responsible", "comment"]
MEASURE_COLUMNS = history.KIND_TABLES["measures"][1]


def _choice(value: Any, codes: Iterable[str], labels: dict[str, str]) -> str | None:
    """The code for a code or its Norwegian label (case and spaces ignored); None when unknown."""
    if _blank(value):
        return None
    wanted = " ".join(str(value).split()).lower()
    for code in codes:
        if wanted in (code.lower(), labels.get(code, code).lower()):
            return code
    return None


def _horizon(value: Any) -> int | None:
    if _blank(value):
        return None
    text = str(value).lower().replace("år", "").strip()
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number in HORIZONS else None


def _amount(value: Any) -> tuple[float | None, str | None]:
    """A cost input: blank is 0; otherwise a non-negative number (decimal comma accepted)."""
    if _blank(value):
        return 0.0, None
    try:
        number = float(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None, f"«{value}» er ikke et tall"
    if math.isnan(number) or math.isinf(number):
        return None, f"«{value}» er ikke et tall"
    if number < 0:
        shown = value.strip() if isinstance(value, str) else formatting.number(number, 0 if number.is_integer() else 2)
        return None, f"kan ikke være negativ ({shown})"
    return number, None


def validate(
    edited: pd.DataFrame, known_units: Iterable[str], known_goals: Iterable[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The rows normalised to the measures table's columns, and every problem found (Norwegian).

    Row numbers are as the user sees them in the editor (1 = the first row). The funding amounts may
    be blank (not given); a goal, where given, must be one of `known_goals` (None: not checked).
    """
    goal_ids = None if known_goals is None else {str(g) for g in known_goals}
    known = {str(u) for u in known_units}
    problems: list[str] = []
    clean: list[dict[str, Any]] = []
    for position, (_, row) in enumerate(edited.iterrows(), start=1):
        where = f"Rad {position}"
        out: dict[str, Any] = {"measure_id": row.get("measure_id")}
        unit = row.get("unit_code")
        if _blank(unit):
            problems.append(f"{where}: Enhet mangler.")
        elif str(unit).strip() not in known:
            problems.append(f"{where}: Enhet: «{unit}» er ikke en kjent enhetskode.")
        out["unit_code"] = None if _blank(unit) else str(unit).strip()
        main_task = _choice(row.get("main_task"), MAIN_TASKS, MAIN_TASK_LABELS)
        if main_task is None:
            allowed = ", ".join(MAIN_TASK_LABELS.values())
            problems.append(f"{where}: Hovedoppgave: «{_shown(row.get('main_task'))}» er ikke en av {allowed}.")
        out["main_task"] = main_task
        category = _choice(row.get("category"), CATEGORIES, CATEGORY_LABELS)
        if category is None:
            problems.append(
                f"{where}: Kategori: «{_shown(row.get('category'))}» må være Rekruttering eller Utvikling."
            )
        out["category"] = category
        horizon = _horizon(row.get("horizon"))
        if horizon is None:
            problems.append(f"{where}: Horisont: «{_shown(row.get('horizon'))}» må være 1 eller 5 (år).")
        out["horizon"] = horizon
        for column in TEXT_COLUMNS:
            value = row.get(column)
            out[column] = None if _blank(value) else str(value).strip()
        if out["need"] is None and out["measure"] is None:
            problems.append(f"{where}: Fyll inn behov for kompetanse eller tiltak.")
        for column in COST_INPUTS:
            number, problem = _amount(row.get(column))
            if problem:
                problems.append(f"{where}: {COLUMN_LABELS[column]}: {problem}.")
            out[column] = number
        source = row.get("funding_source")
        out["funding_source"] = _choice(source, funding.SOURCES, funding.SOURCES)
        if out["funding_source"] is None and not _blank(source):
            allowed = ", ".join(funding.SOURCES.values())
            problems.append(f"{where}: Finansiering: «{source}» er ikke en av {allowed}.")
        for column in FUNDING_AMOUNTS:
            value = row.get(column)
            number, problem = (None, None) if _blank(value) else _amount(value)
            if problem:
                problems.append(f"{where}: {COLUMN_LABELS[column]}: {problem}.")
            out[column] = number
        goal = row.get("goal_id")
        out["goal_id"] = None if _blank(goal) else str(goal).strip()
        if out["goal_id"] is not None and goal_ids is not None and out["goal_id"] not in goal_ids:
            problems.append(f"{where}: Mål: «{goal}» er ikke et mål i planen.")
        problems.extend(f"{where}: {problem}" for problem in _effect(row, out, known))
        clean.append(out)
    frame = pd.DataFrame(clean, columns=MEASURE_COLUMNS)
    return frame, problems


def _effect(row: pd.Series, out: dict[str, Any], known_units: set[str]) -> list[str]:
    """The optional effect columns into `out`; the problems found (Norwegian, without the row)."""
    problems: list[str] = []
    kind = row.get("effect_kind")
    out["effect_kind"] = _choice(kind, EFFECT_KIND_LABELS, EFFECT_KIND_LABELS)
    if out["effect_kind"] is None and not _blank(kind):
        problems.append(f"Effekt: «{kind}» må være Rekruttering eller Kompetanse.")
    target = row.get("effect_target")
    out["effect_target"] = None if _blank(target) else str(target).strip()
    count = row.get("effect_count")
    number, problem = (None, None) if _blank(count) else _amount(count)
    if problem:
        problems.append(f"{COLUMN_LABELS['effect_count']}: {problem}.")
    out["effect_count"] = number
    unit = row.get("effect_unit")
    out["effect_unit"] = None if _blank(unit) else str(unit).strip()
    if out["effect_unit"] is not None and out["effect_unit"] not in known_units:
        problems.append(f"Effekt i enhet: «{unit}» er ikke en kjent enhetskode.")
    out["effect_from"] = _day(row.get("effect_from"))
    if out["effect_from"] is None and not _blank(row.get("effect_from")):
        problems.append(f"Effekt fra: «{row.get('effect_from')}» er ikke en dato (dd.mm.åååå).")
    if out["effect_kind"] is not None and (out["effect_target"] is None or not out["effect_count"]):
        problems.append("Et tiltak med effekt må si hva effekten gjelder og hvor mange personer.")
    return problems


def _day(value: Any) -> date | None:
    """A date from the editor (a date, a timestamp or dd.mm.yyyy / yyyy-mm-dd text); None when blank or not a date."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _shown(value: Any) -> str:
    return "" if _blank(value) else str(value)


def _with_ids(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Existing lines keep their measure_id; new lines (and duplicated ids) get fresh ones."""
    next_id = store.next_id(con, "measures", "measure_id")
    seen: set[int] = set()
    ids: list[int] = []
    for value in frame["measure_id"]:
        if not _blank(value) and int(value) not in seen:
            current = int(value)
        else:
            current = next_id
            next_id += 1
        seen.add(current)
        ids.append(current)
    return frame.assign(measure_id=ids)


def active_import_id(con: duckdb.DuckDBPyConnection) -> int | None:
    frame = history.list_imports(con)
    active = frame[(frame["kind"] == "measures") & frame["active"]]
    return int(active["import_id"].iloc[0]) if not active.empty else None


def _fingerprint(frame: pd.DataFrame) -> str:
    payload = pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes()
    return "redigert-" + hashlib.sha256(payload).hexdigest()


def save(
    con: duckdb.DuckDBPyConnection,
    edited: pd.DataFrame,
    known_units: Iterable[str],
    snapshot_date: date,
    scope_units: Sequence[str] | None = None,
    known_goals: Iterable[str] | None = None,
) -> SaveResult:
    """Validate the edited measures and store them as the active measures, all or nothing.

    `edited` holds the lines of `scope_units` (None: all units) as the editor showed them; the
    active lines of other units are kept as they are. Raises PlanEditError listing every problem;
    then nothing is written.
    """
    frame, problems = validate(edited, known_units, known_goals)
    if problems:
        raise PlanEditError(problems)
    previous = active_import_id(con)
    if scope_units is not None:
        current = costs.lines(con, None)
        outside = current[~current["unit_code"].isin(list(scope_units))][MEASURE_COLUMNS]
        frame = pd.concat([outside, frame], ignore_index=True) if not outside.empty else frame
    frame = _with_ids(frame, con)
    record = history.record_import(
        con, "measures", frame, file_name=EDIT_FILE_NAME, sha256=_fingerprint(frame), snapshot_date=snapshot_date
    )
    return SaveResult(record.import_id, previous, len(frame), changed=record.import_id != previous)


def undo(con: duckdb.DuckDBPyConnection, previous_import_id: int) -> int:
    """Make the measures import that was active before the last save active again."""
    imports = history.list_imports(con)
    known = imports[(imports["import_id"] == previous_import_id) & (imports["kind"] == "measures")]
    if known.empty:
        raise LookupError(f"Import {previous_import_id} er ikke en tiltaksplan.")
    return history.activate(con, previous_import_id).import_id


EDITOR_COLUMNS = [
    "measure_id", "unit_code", "main_task", "category", "horizon", "need", "measure", "schedule", "cost",
    *COST_INPUTS, "status", "responsible", "comment", "funding_source", "funding_applied", "funding_granted",
    "goal_id", "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
]


@store.shared
def editor_table(db: store.Db, unit_codes: tuple[str, ...] | None) -> pd.DataFrame:
    """editor_frame of the chosen units' measures (shared by every session: the editor gets it unchanged)."""
    return editor_frame(costs.lines(db, unit_codes))


def editor_frame(lines: pd.DataFrame) -> pd.DataFrame:
    """The measures as the editor shows them: the stored columns and the computed cost as text."""
    frame = lines.reindex(columns=EDITOR_COLUMNS).reset_index(drop=True)
    frame["cost"] = [formatting.kroner(c) for c in lines["cost"]] if not lines.empty else pd.Series(dtype=str)
    frame["horizon"] = frame["horizon"].astype("Int64")
    # An empty text cell shows empty, not as "None" (saving reads "" as blank again).
    text = [*TEXT_COLUMNS, "effect_target", "effect_unit"]
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
    frame["effect_from"] = pd.to_datetime(frame["effect_from"]).dt.date
    return frame


def has_changes(editor_state: Any) -> bool:
    """Whether the data editor's state holds any edit, addition or deletion."""
    if not isinstance(editor_state, dict):
        return False
    return any(editor_state.get(key) for key in ("edited_rows", "added_rows", "deleted_rows"))
