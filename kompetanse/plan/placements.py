"""Practice placements (praksisplasser) for pupils, apprentices and students, per semester, unit and
school type: places asked for, offered and used, and the gap (asked - offered).

The Larvik figures in seeds/ are the reference: 143 pupils, students and apprentices in practice in
spring 2023 and 217 in autumn; for 2024-25 the university college asked for about 150 places and the
upper secondary school for 204. Placements are places, not persons' data: no small-group hiding.
A blank figure is unknown (a coming semester is asked for before anything is offered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from kompetanse.plan import table_edit
from kompetanse.plan.table_edit import SaveResult, TableEditError, blank, choice, text, whole_number
from kompetanse.presentation import formatting
from kompetanse.storage import history, store
from kompetanse.text import fold

KIND = "placements"
SCHOOL_TYPES: dict[str, str] = {
    "hogskole_universitet": "Høgskole/universitet",
    "videregaende": "Videregående skole",
    "laerling": "Lærling",
}
# Accepted spellings (letters and digits only, accents folded) of each school type.
SCHOOL_TYPE_SPELLINGS: dict[str, str] = {
    "hogskoleuniversitet": "hogskole_universitet", "hogskole": "hogskole_universitet",
    "universitet": "hogskole_universitet", "universitethogskole": "hogskole_universitet", "uh": "hogskole_universitet",
    "student": "hogskole_universitet", "studenter": "hogskole_universitet",
    "videregaende": "videregaende", "videregaendeskole": "videregaende", "vgs": "videregaende",
    "elev": "videregaende", "elever": "videregaende",
    "laerling": "laerling", "laerlinger": "laerling", "larling": "laerling",
}
FIGURES: dict[str, str] = {"asked": "Etterspurt", "offered": "Tilbudt", "used": "Brukt"}
GAP_LABEL = "Gap (etterspurt − tilbudt)"
PLACEMENT_COLUMNS: list[str] = history.KIND_TABLES[KIND][1]
COLUMN_LABELS: dict[str, str] = {
    "semester": "Semester", "unit_code": "Enhet", "school_type": "Skoletype", **FIGURES,
}
TERMS = {"var": "Vår", "v": "Vår", "vaar": "Vår", "host": "Høst", "h": "Høst", "haust": "Høst"}
_SEMESTER = re.compile(r"^(?:([a-z]+)\s*-?\s*(\d{4}|\d{2})|(\d{4})\s*-?\s*([a-z]+))$")


def parse_semester(value: Any) -> str | None:
    """"Vår 2023", "var 2023", "V23", "H2023", "2023 høst" -> "Vår 2023" / "Høst 2023"; None when not one."""
    if blank(value):
        return None
    folded = " ".join(fold(str(value)).replace("-", " ").split())
    match = _SEMESTER.match(folded.replace(" ", "")) or _SEMESTER.match(folded)
    if not match:
        return None
    word, year = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    term = TERMS.get(word)
    if term is None:
        return None
    number = int(year) + (2000 if len(year) == 2 else 0)
    if not 1990 <= number <= 2100:
        return None
    return f"{term} {number}"


def semester_order(semester: str) -> int:
    """Year x 2, + 1 for the autumn term: the order of semesters."""
    term, year = semester.split()
    return int(year) * 2 + (1 if term == "Høst" else 0)


def parse_school_type(value: Any) -> str | None:
    if blank(value):
        return None
    code = choice(value, SCHOOL_TYPES)
    return code or SCHOOL_TYPE_SPELLINGS.get(re.sub(r"[^a-z0-9]+", "", fold(str(value))))


def lines(db: store.Db, unit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per semester, unit and school type, oldest first, with the gap."""
    return store.run_query(db, "placements_lines", {"units": list(unit_codes) if unit_codes is not None else None})


def by_semester(db: store.Db, unit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Per semester (school_type null) and per semester and school type: asked, offered, used, gap."""
    return store.run_query(
        db, "placements_by_semester", {"units": list(unit_codes) if unit_codes is not None else None}
    )


def _count(value: Any) -> str:
    return formatting.number(None if value is None or pd.isna(value) else float(value))


def semester_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The trend as a table: one row per semester with asked, offered, used and the gap (formatted)."""
    part = summary[summary["school_type"].isna()]
    return pd.DataFrame({
        "Semester": part["semester"].to_numpy(),
        **{label: [_count(v) for v in part[column]] for column, label in FIGURES.items()},
        GAP_LABEL: [_count(v) for v in part["gap"]],
    })


def school_type_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per semester and school type (formatted)."""
    part = summary[summary["school_type"].notna()]
    return pd.DataFrame({
        "Semester": part["semester"].to_numpy(),
        "Skoletype": [SCHOOL_TYPES.get(s, s) for s in part["school_type"]],
        **{label: [_count(v) for v in part[column]] for column, label in FIGURES.items()},
        GAP_LABEL: [_count(v) for v in part["gap"]],
    })


def chart_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """Long form for the trend chart: semester, figure (Norwegian), places, text."""
    part = summary[summary["school_type"].isna()]
    rows = []
    for column, label in FIGURES.items():
        for semester, value in zip(part["semester"], part[column], strict=True):
            known = value is not None and not pd.isna(value)
            rows.append({"semester": semester, "figure": label, "places": float(value) if known else None,
                         "text": _count(value)})
    return pd.DataFrame(rows, columns=["semester", "figure", "places", "text"])


def latest(summary: pd.DataFrame) -> dict[str, str] | None:
    """The newest semester with places used (else the newest), its totals formatted; None: no placements."""
    part = summary[summary["school_type"].isna()]
    if part.empty:
        return None
    done = part[part["used"].notna()]
    row = (done if not done.empty else part).iloc[-1]
    return {"Semester": str(row["semester"]), **{label: _count(row[c]) for c, label in FIGURES.items()},
            GAP_LABEL: _count(row["gap"])}


def upcoming(summary: pd.DataFrame) -> list[str]:
    """Semesters after the newest one with places used: "Høst 2024: 354 plasser etterspurt"."""
    part = summary[summary["school_type"].isna()]
    done = part[part["used"].notna()]
    after = part[part["semester_order"] > done["semester_order"].max()] if not done.empty else part.iloc[0:0]
    return [f"{row.semester}: {_count(row.asked)} plasser etterspurt, {_offered(row.offered)}"
            for row in after.itertuples()]


def _offered(value: Any) -> str:
    return "ingen tilbudt ennå" if value is None or pd.isna(value) else f"{_count(value)} tilbudt"


# --- editing -----------------------------------------------------------------------------------


def validate(edited: pd.DataFrame, known_units: Iterable[str]) -> tuple[pd.DataFrame, list[str]]:
    """The rows normalised to the placements table's columns, and every problem (Norwegian).

    A figure below zero, an unknown semester, unit or school type, and the same semester, unit and
    school type twice are rejected. Row numbers are as the editor shows them (1 = the first row).
    """
    known = {str(u) for u in known_units}
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for position, (_, row) in enumerate(edited.iterrows(), start=1):
        where = f"Rad {position}"
        semester = parse_semester(row.get("semester"))
        if semester is None:
            shown = "" if blank(row.get("semester")) else str(row.get("semester"))
            problems.append(f"{where}: Semester: «{shown}» må skrives som «Vår 2023» eller «Høst 2023».")
        unit = text(row.get("unit_code"))
        if unit is None:
            problems.append(f"{where}: Enhet mangler.")
        elif unit not in known:
            problems.append(f"{where}: Enhet: «{unit}» er ikke en kjent enhetskode.")
        school_type = parse_school_type(row.get("school_type"))
        if school_type is None:
            shown = "" if blank(row.get("school_type")) else str(row.get("school_type"))
            problems.append(f"{where}: Skoletype: «{shown}» er ikke en av {', '.join(SCHOOL_TYPES.values())}.")
        out: dict[str, Any] = {"semester": semester, "unit_code": unit, "school_type": school_type}
        for column, label in FIGURES.items():
            number, problem = whole_number(row.get(column))
            if problem:
                problems.append(f"{where}: {label}: {problem}.")
            out[column] = number
        rows.append(out)
    frame = pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)
    keys = frame[["semester", "unit_code", "school_type"]]
    duplicated = keys.notna().all(axis=1) & keys.duplicated(keep=False)
    for position in [i + 1 for i in frame.index[duplicated]]:
        problems.append(f"Rad {position}: samme semester, enhet og skoletype står på mer enn én rad.")
    for column in FIGURES:
        frame[column] = frame[column].astype("Int64")
    return frame, problems


def save(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame, known_units: Iterable[str], snapshot_date: date,
         scope_units: Sequence[str] | None = None) -> SaveResult:
    """Validate and store the edited placements, all or nothing (TableEditError lists every problem).

    `edited` holds the rows of `scope_units` (None: all); the active rows of other units are kept.
    """
    frame, problems = validate(edited, known_units)
    if problems:
        raise TableEditError(problems)
    if scope_units is not None:
        current = lines(con)
        outside = current[~current["unit_code"].isin(list(scope_units))][PLACEMENT_COLUMNS]
        if not outside.empty:
            frame = pd.concat([outside, frame], ignore_index=True)
            for column in FIGURES:
                frame[column] = frame[column].astype("Int64")
    return table_edit.store_edit(con, KIND, frame, snapshot_date)


def undo(con: duckdb.DuckDBPyConnection, previous_import_id: int) -> int:
    return table_edit.undo(con, KIND, previous_import_id)


def active_import_id(con: duckdb.DuckDBPyConnection) -> int | None:
    return table_edit.active_import_id(con, KIND)


def editor_frame(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.reindex(columns=PLACEMENT_COLUMNS).reset_index(drop=True)
    for column in FIGURES:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


__all__ = ["SCHOOL_TYPES", "SaveResult", "TableEditError", "by_semester", "lines", "parse_semester", "save",
           "validate"]
