"""Occupation codes (STYRK-08 unit groups, data/styrk08.csv; a-meldingen's 7-digit yrkeskoder) and the
profession groups the rules apply to."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kompetanse.figures import rules
from kompetanse.storage import store

STYRK_FILE = Path(__file__).resolve().parents[2] / "data" / "styrk08.csv"

# 4 digits: a STYRK-08 unit group; 7 digits: a-meldingen's yrkeskode (unit group + 3 digits).
_OCCUPATION_CODE = re.compile(r"\d{4}(?:\d{3})?")


@cache
def styrk_unit_groups() -> dict[str, str]:
    """Every 4-digit STYRK-08 unit group and its Norwegian name."""
    with STYRK_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle, delimiter=";") if row["level"] == "4"}


def unit_group_code(value: str) -> str | None:
    """The STYRK-08 unit group of a 4-digit code or a 7-digit yrkeskode; None if it is neither or unknown."""
    text = value.strip()
    if not _OCCUPATION_CODE.fullmatch(text):
        return None
    code = text[:4]
    return code if code in styrk_unit_groups() else None


def unit_group_name(code: str) -> str | None:
    """The Norwegian name of a STYRK-08 unit group ("2223" -> "Sykepleiere")."""
    return styrk_unit_groups().get(code)


# --- Profession groups (DESIGN.md "Profession groups") ---------------------------------------------
# The mapping itself is the SQL macro profession_group (kompetanse/figures/rules.py) over the editable table
# profession_groups; v_employments carries its result, so every query and figure uses the same groups.
# Here: the editor's validation and saving, and the titles the table does not cover.

KIND_LABELS: dict[str, str] = {rules.MATCH_TITLE: "Tittel", rules.MATCH_STYRK: "STYRK-kode"}
KIND_CHOICES = list(KIND_LABELS.values())


def title_key(title: str) -> str:
    """How titles are compared: case, surrounding spaces and accents ignored (the profession_key macro's twin)."""
    decomposed = unicodedata.normalize("NFD", title.strip().lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def group_table(db: store.Db) -> pd.DataFrame:
    """match_kind, match_value, profession_group: the editable table, titles first, each sorted."""
    return store.run_query(db, "profession_groups")


def group_of(db: store.Db, title: str, code: str | None = None) -> str:
    """The group of one title (and STYRK code): the same macro every query uses."""
    frame = store.run_query(db, "profession_group_of", {"title": title, "code": code})
    return str(frame["profession_group"].iloc[0])


def for_editing(table: pd.DataFrame) -> pd.DataFrame:
    """The table with Norwegian kind labels, for the editor."""
    out = table[["match_kind", "match_value", "profession_group"]].copy()
    out["match_kind"] = [KIND_LABELS.get(k, k) for k in out["match_kind"]]
    return out


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _kind(value: str) -> str | None:
    """The match kind of the editor's "Tittel" / "STYRK-kode" (or the stored word)."""
    wanted = value.lower()
    if wanted in (rules.MATCH_TITLE, "title"):
        return rules.MATCH_TITLE
    if wanted in (rules.MATCH_STYRK, "styrk-kode", "kode"):
        return rules.MATCH_STYRK
    return None


def validate_groups(frame: pd.DataFrame) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The rows to store (kind, title or 4-digit code, group) and the errors (Norwegian, one per problem)."""
    rows: list[tuple[str, str, str]] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        raw_kind, value, group = (_cell(row.get(c)) for c in ("match_kind", "match_value", "profession_group"))
        where = f"Rad {number}" + (f" ({value})" if value else "")
        kind = _kind(raw_kind) if raw_kind else rules.MATCH_TITLE
        if kind is None:
            errors.append(f"{where}: typen må være «Tittel» eller «STYRK-kode», ikke «{raw_kind}».")
            continue
        if not value:
            errors.append(f"{where}: tittel eller kode mangler.")
            continue
        if kind == rules.MATCH_STYRK:
            code = unit_group_code(value)
            if code is None:
                errors.append(f"{where}: «{value}» er ikke en STYRK-08-kode (fire sifre, eller a-meldingens sju).")
                continue
            value = code
        if not group:
            errors.append(f"{where}: yrkesgruppe mangler.")
            continue
        key = (kind, title_key(value))
        if key in seen:
            errors.append(f"{where}: står allerede i rad {seen[key]}.")
            continue
        seen[key] = number
        rows.append((kind, value, group))
    return rows, errors


def save_groups(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[str]:
    """Validate and store the whole group table in one transaction; on any error nothing changes."""
    rows, errors = validate_groups(frame)
    if errors:
        return errors
    store.save_rule_rows(con, "profession_groups", rows)
    return []


def reset_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Back to the shipped defaults (the health professions, their variants and STYRK codes)."""
    store.save_rule_rows(con, "profession_groups", rules.DEFAULT_PROFESSION_GROUPS)


def unmapped_titles(db: store.Db) -> pd.DataFrame:
    """Titles in the active personnel data that neither the title nor the code maps to a group (each is
    then its own group): profession, employments. Sorted by how many employments use them."""
    return store.run_query(db, "profession_unmapped_titles")


def assign_titles(con: duckdb.DuckDBPyConnection, assigned: pd.DataFrame) -> list[str]:
    """Add the titles given a group (columns profession, profession_group; blank group: left out) to the table."""
    chosen = assigned[[bool(_cell(g)) for g in assigned["profession_group"]]]
    if chosen.empty:
        return ["Ingen tittel har fått en yrkesgruppe."]
    added = pd.DataFrame({"match_kind": rules.MATCH_TITLE, "match_value": chosen["profession"],
                          "profession_group": chosen["profession_group"]})
    return save_groups(con, pd.concat([group_table(con), added], ignore_index=True))
