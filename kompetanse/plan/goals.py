"""The plan's goals: strategy goals (four years) with result goals (two years) under them, each with a
realisation status, an evaluation level for its measures and who is responsible.

The words are the seeds': the Lørenskog plan's strategimål and resultatmål with measures and
"Ansvar", evaluated on the levels reaksjon, læring, anvendelse and nytte; the Helse Midt-Norge
status note's "i stor grad / i noen grad / i mindre grad realisert". Goals are not person data.
Measures are linked to a goal by the measure's goal_id (the goal's number, "1" or "1.2"), so a
link survives editing either table.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from kompetanse.plan import table_edit
from kompetanse.plan.table_edit import SaveResult, TableEditError, blank, choice, text, whole_number
from kompetanse.presentation import formatting
from kompetanse.storage import history, store

STRATEGY, RESULT = "strategi", "resultat"
LEVELS: dict[str, str] = {STRATEGY: "Strategimål", RESULT: "Resultatmål"}
PERIOD_YEARS: dict[str, int] = {STRATEGY: 4, RESULT: 2}
STATUSES: dict[str, str] = {
    "i_stor_grad": "I stor grad realisert",
    "i_noen_grad": "I noen grad realisert",
    "i_mindre_grad": "I mindre grad realisert",
}
NOT_ASSESSED = "Ikke vurdert"
EVALUATION_LEVELS: dict[str, str] = {
    "reaksjon": "Reaksjon", "laering": "Læring", "anvendelse": "Anvendelse", "nytte": "Nytte",
}
GOAL_COLUMNS: list[str] = history.KIND_TABLES["goals"][1]
COLUMN_LABELS: dict[str, str] = {
    "goal_id": "Nr.", "parent_id": "Overordnet mål", "level": "Nivå", "title": "Mål", "period_from": "Fra år",
    "period_to": "Til år", "status": "Status", "evaluation": "Evaluering", "responsible": "Ansvarlig",
    "comment": "Kommentar",
}
KIND = "goals"


def natural_key(goal_id: Any) -> tuple:
    """"1.10" after "1.2": numbers compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s-]+", str(goal_id)))


def lines(db: store.Db) -> pd.DataFrame:
    """The active goals, each strategy goal followed by its result goals."""
    return ordered(store.run_query(db, "goals_lines"))


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Strategy goals in number order, each followed by its result goals (orphans last)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    strategy = frame[frame["level"] == STRATEGY].sort_values("goal_id", key=lambda s: s.map(natural_key))
    order: list[int] = []
    for index, goal_id in zip(strategy.index, strategy["goal_id"], strict=True):
        order.append(index)
        children = frame[(frame["level"] == RESULT) & (frame["parent_id"] == goal_id)]
        order.extend(children.sort_values("goal_id", key=lambda s: s.map(natural_key)).index)
    order.extend(i for i in frame.index if i not in set(order))
    return frame.loc[order].reset_index(drop=True)


def period_label(period_from: Any, period_to: Any) -> str:
    """2018, 2021 -> "2018–2021"; one year alone; blank when unknown."""
    start = None if blank(period_from) else int(period_from)
    end = None if blank(period_to) else int(period_to)
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return str(start or end)
    return f"{start}–{end}"


# --- validation and saving ---------------------------------------------------------------------


def _next_number(taken: set[str], prefix: str) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def validate(edited: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows normalised to the goals table's columns, and every problem found (Norwegian).

    Row numbers are as the user sees them in the editor (1 = the first row). A new row without a
    number gets the next free one ("3", or "1.4" under goal 1).
    """
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for position, (_, row) in enumerate(edited.iterrows(), start=1):
        where = f"Rad {position}"
        out: dict[str, Any] = {"goal_id": text(row.get("goal_id")), "parent_id": text(row.get("parent_id"))}
        level = choice(row.get("level"), LEVELS)
        if level is None:
            if blank(row.get("level")):
                level = RESULT if out["parent_id"] else STRATEGY
            else:
                problems.append(f"{where}: Nivå: «{row.get('level')}» må være Strategimål eller Resultatmål.")
        out["level"] = level
        out["title"] = text(row.get("title"))
        if out["title"] is None:
            problems.append(f"{where}: Mål: skriv hva målet er (feltet er tomt).")
        status = choice(row.get("status"), STATUSES)
        if status is None and not blank(row.get("status")):
            problems.append(f"{where}: Status: «{row.get('status')}» er ikke en av {', '.join(STATUSES.values())}.")
        out["status"] = status
        evaluation = choice(row.get("evaluation"), EVALUATION_LEVELS)
        if evaluation is None and not blank(row.get("evaluation")):
            problems.append(
                f"{where}: Evaluering: «{row.get('evaluation')}» er ikke en av "
                f"{', '.join(EVALUATION_LEVELS.values())}."
            )
        out["evaluation"] = evaluation
        years = {}
        for column in ("period_from", "period_to"):
            year, problem = whole_number(row.get(column), low=1900, high=2100)
            if problem:
                problems.append(f"{where}: {COLUMN_LABELS[column]}: {problem}.")
            years[column] = year
        if years["period_from"] is not None and years["period_to"] is None and level in PERIOD_YEARS:
            years["period_to"] = years["period_from"] + PERIOD_YEARS[level] - 1
        if None not in years.values() and years["period_to"] < years["period_from"]:
            problems.append(f"{where}: Til år ({years['period_to']}) er før fra år ({years['period_from']}).")
        out.update(years)
        out["responsible"] = text(row.get("responsible"))
        out["comment"] = text(row.get("comment"))
        rows.append(out)

    frame = pd.DataFrame(rows, columns=GOAL_COLUMNS).astype(object)
    frame = frame.where(frame.notna(), None)  # pandas reads None beside text as NaN: keep None
    taken = {g for g in frame["goal_id"] if g is not None}
    seen: set[str] = set()
    for position, goal_id in enumerate(frame["goal_id"], start=1):
        if goal_id is not None and goal_id in seen:
            problems.append(f"Rad {position}: Nr.: «{goal_id}» er brukt av et annet mål.")
        if goal_id is not None:
            seen.add(goal_id)
    strategy_ids = {g for g, lvl in zip(frame["goal_id"], frame["level"], strict=True) if lvl == STRATEGY and g}
    for index in frame.index:  # numbers for new rows
        if frame.at[index, "goal_id"] is None:
            level, parent = frame.at[index, "level"], frame.at[index, "parent_id"]
            prefix = f"{parent}." if level == RESULT and parent else ""
            frame.at[index, "goal_id"] = _next_number(taken, prefix)
            taken.add(frame.at[index, "goal_id"])
            if level == STRATEGY:
                strategy_ids.add(frame.at[index, "goal_id"])
    for position, (level, parent, goal_id) in enumerate(
        zip(frame["level"], frame["parent_id"], frame["goal_id"], strict=True), start=1
    ):
        where = f"Rad {position}"
        if level == RESULT and parent is None:
            problems.append(f"{where}: Overordnet mål: et resultatmål må høre til et strategimål.")
        elif level == RESULT and parent not in strategy_ids:
            problems.append(f"{where}: Overordnet mål: «{parent}» er ikke et strategimål i planen.")
        elif level == STRATEGY and parent is not None:
            problems.append(f"{where}: Overordnet mål: et strategimål har ikke overordnet mål (fant «{parent}»).")
        if level == RESULT and parent is not None and parent == goal_id:
            problems.append(f"{where}: Overordnet mål: et mål kan ikke høre til seg selv.")
    frame["period_from"] = frame["period_from"].astype("Int64")
    frame["period_to"] = frame["period_to"].astype("Int64")
    return frame, problems


def save(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame, snapshot_date: date) -> SaveResult:
    """Validate the edited goals and store them as the active goals, all or nothing (TableEditError)."""
    frame, problems = validate(edited)
    if problems:
        raise TableEditError(problems)
    return table_edit.store_edit(con, KIND, frame, snapshot_date)


def undo(con: duckdb.DuckDBPyConnection, previous_import_id: int) -> int:
    return table_edit.undo(con, KIND, previous_import_id)


def active_import_id(con: duckdb.DuckDBPyConnection) -> int | None:
    return table_edit.active_import_id(con, KIND)


def editor_frame(goals: pd.DataFrame) -> pd.DataFrame:
    """The goals as the editor shows them (codes; the editor shows their labels)."""
    frame = goals.reindex(columns=GOAL_COLUMNS).reset_index(drop=True)
    for column in ("period_from", "period_to"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    text = ["parent_id", "title", "responsible", "comment"]  # empty shows empty, not "None"
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
    return frame


# --- what the page and the pack show -----------------------------------------------------------


def status_matrix(goals: pd.DataFrame) -> pd.DataFrame:
    """Goals x status, as the status note draws it: one row per goal, an "X" under its status."""
    rows = []
    for row in goals.itertuples():
        entry: dict[str, Any] = {
            "Nr.": row.goal_id, "Nivå": LEVELS.get(row.level, row.level), "Mål": row.title,
            "Periode": period_label(row.period_from, row.period_to),
        }
        for code, label in STATUSES.items():
            entry[label] = "X" if row.status == code else ""
        entry["Evaluering"] = EVALUATION_LEVELS.get(row.evaluation, "") if isinstance(row.evaluation, str) else ""
        entry["Ansvarlig"] = row.responsible if isinstance(row.responsible, str) else ""
        rows.append(entry)
    columns = ["Nr.", "Nivå", "Mål", "Periode", *STATUSES.values(), "Evaluering", "Ansvarlig"]
    return pd.DataFrame(rows, columns=columns)


def status_counts(goals: pd.DataFrame) -> pd.DataFrame:
    """status (label, with "Ikke vurdert"), level (label), goals: how many goals per status and level."""
    labels = [*STATUSES.values(), NOT_ASSESSED]
    rows = []
    for level, level_label in LEVELS.items():
        part = goals[goals["level"] == level]
        for code, label in [*STATUSES.items(), (None, NOT_ASSESSED)]:
            count = int(part["status"].isna().sum()) if code is None else int((part["status"] == code).sum())
            rows.append({"status": label, "level": level_label, "goals": count})
    frame = pd.DataFrame(rows, columns=["status", "level", "goals"])
    frame["status"] = pd.Categorical(frame["status"], categories=labels, ordered=True)
    return frame


def measures_of(goals: pd.DataFrame, measures: pd.DataFrame, goal_id: str) -> pd.DataFrame:
    """The measures linked to a goal, or to one of its result goals when it is a strategy goal."""
    wanted = {goal_id} | set(goals.loc[goals["parent_id"] == goal_id, "goal_id"])
    if measures.empty or "goal_id" not in measures:
        return measures.iloc[0:0]
    return measures[measures["goal_id"].isin(wanted)]


def measures_table(measures: pd.DataFrame, unit_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Linked measures as the page lists them: goal, measure, unit, responsible, cost, status."""
    names = unit_names or {}
    return pd.DataFrame({
        "Mål": measures["goal_id"].fillna("").to_numpy(),
        "Tiltak nr.": measures["measure_id"].astype(int).to_numpy(),
        "Tiltak": measures["measure"].fillna(measures["need"]).fillna("").to_numpy(),
        "Enhet": [names.get(u, u) for u in measures["unit_code"]],
        "Ansvarlig": measures["responsible"].fillna("").to_numpy(),
        "Kostnad": [formatting.kroner(c) for c in measures["cost"]],
        "Status": measures["status"].fillna("").to_numpy(),
    })


def unlinked_measures(goals: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Measures not linked to any goal of the plan (no goal, or a number that is not a goal)."""
    if measures.empty:
        return measures
    known = set(goals["goal_id"])
    return measures[~measures["goal_id"].isin(known)]


def goal_options(goals: pd.DataFrame) -> dict[str, str]:
    """goal_id -> "1.2 Nyansatte får ..." (shortened), for select boxes."""
    return {
        g: f"{g} {t[:60]}{'…' if len(t) > 60 else ''}"
        for g, t in zip(goals["goal_id"], goals["title"].fillna(""), strict=True)
    }


__all__ = [
    "EVALUATION_LEVELS", "LEVELS", "STATUSES", "SaveResult", "TableEditError", "lines", "save", "status_matrix",
    "undo", "validate",
]
