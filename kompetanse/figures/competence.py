"""Competence coverage (DESIGN.md "Competence coverage"), as typed functions over queries/competence_*.sql.

- A competence is valid at d when acquired on or before d (or undated) and not expired (the
  is_valid_at macro): a certificate that expires on d is still valid that day.
- Holders: persons active in the unit at d (within the scope's filters) holding it valid.
- gap = max(0, min_holders - holders); a single-person dependency is a required competence held
  by exactly one person in a unit; at risk: holders who reach retirement age within 5 years.
- Expiring: certificates that expire within 90 days of d (and those expired in the last year
  without a renewal).

Coverage, dependencies and the lists are the unit leader's working lists about named competences
(employee numbers only, no names): they are shown for the scope as they are. The statistical
tables (education levels and further education per unit) pass through the small-group rule.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, suppress
from kompetanse.presentation import formatting
from kompetanse.storage import store

EXPIRY_WINDOW_DAYS = 90
EDUCATION_ORDER = ["Ufaglært", "Fagbrev", "Fagskole", "Bachelor", "Master", "Doktorgrad", "Ukjent"]


def _filters(scope: Scope) -> dict[str, Any]:
    params = scope.params()
    return {key: params[key] for key in ("as_of", "units", "professions", "employment_types")}


@store.shared
def coverage(db: store.Db, scope: Scope) -> pd.DataFrame:
    """unit_code, competence, min_holders, holders, gap: one row per requirement in the scope."""
    return store.run_query(db, "competence_coverage", _filters(scope))


def coverage_matrix(frame: pd.DataFrame, value: str = "gap") -> pd.DataFrame:
    """Units as rows, required competences as columns, `value` (gap, holders, min_holders) in the cells.

    A cell without a requirement is empty (NaN).
    """
    if frame.empty:
        return pd.DataFrame()
    matrix = frame.pivot(index="unit_code", columns="competence", values=value)
    matrix.index.name = None
    matrix.columns.name = None
    return matrix


def coverage_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The matrix as text: "holders / min" with the gap, e.g. "1 / 3 (mangler 2)"; "–" where no requirement."""
    labelled = frame.assign(
        label=[
            f"{h} / {m}" + (f" (mangler {g})" if g else "")
            for h, m, g in zip(frame["holders"], frame["min_holders"], frame["gap"], strict=True)
        ]
    )
    return coverage_matrix(labelled, "label").fillna(NO_REQUIREMENT)


NO_REQUIREMENT = "–"


def gaps_by_unit(db: store.Db, scope: Scope) -> pd.DataFrame:
    """unit_code, gaps: the sum of the gaps of each unit's requirements (0 where all are met)."""
    frame = coverage(db, scope)
    if frame.empty:
        return pd.DataFrame({"unit_code": pd.Series(dtype=str), "gaps": pd.Series(dtype="int64")})
    return frame.groupby("unit_code", as_index=False)["gap"].sum().rename(columns={"gap": "gaps"})


def holders(db: store.Db, scope: Scope) -> pd.DataFrame:
    """One row per unit, required competence and holder: employee_id, retiring_5y, holders,
    holders_retiring_5y (the retirement rule of queries/metrics.sql and the scope's retirement mode)."""
    params = {**_filters(scope), "retirement_mode": scope.retirement_mode, "retirement_age": scope.retirement_age}
    return store.run_query(db, "competence_holders", params)


@store.shared
def single_person_dependencies(db: store.Db, scope: Scope) -> pd.DataFrame:
    """unit_code, competence, min_holders, employee_id, retiring_5y: required competences that exactly
    one person in the unit holds."""
    frame = holders(db, scope)
    single = frame[frame["holders"] == 1]
    return single[["unit_code", "competence", "min_holders", "employee_id", "retiring_5y"]].reset_index(drop=True)


def retiring_holders(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Holders of required competences who reach retirement age within 5 years, with what is left:
    unit_code, competence, employee_id, holders, holders_after (holders not retiring), min_holders,
    gap_after = max(0, min_holders - holders_after)."""
    frame = holders(db, scope)
    at_risk = frame[frame["retiring_5y"]].copy()
    at_risk["holders_after"] = at_risk["holders"] - at_risk["holders_retiring_5y"]
    at_risk["gap_after"] = (at_risk["min_holders"] - at_risk["holders_after"]).clip(lower=0)
    columns = ["unit_code", "competence", "employee_id", "holders", "holders_after", "min_holders", "gap_after"]
    return at_risk[columns].reset_index(drop=True)


@store.shared
def expiring(db: store.Db, scope: Scope, days: int = EXPIRY_WINDOW_DAYS) -> pd.DataFrame:
    """Certificates of persons in the scope expiring within `days` days of the reference date
    (still_valid true; one expiring on the date itself is valid that day), and those expired in
    the last year without a renewal (still_valid false). Columns unit_code, employee_id,
    competence, kind, expires_date, still_valid, days_left."""
    frame = store.run_query(db, "competence_expiring", {**_filters(scope), "days": days})
    frame["expires_date"] = pd.to_datetime(frame["expires_date"]).dt.date
    return frame


EDUCATION_TOTAL = "total"


@store.shared
def education_levels(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """Persons per education level per unit (rows: units, then "total"; columns: headcount and the
    levels), through the small-group rule (counts, the row sums and the total row)."""
    frame = store.run_query(db, "competence_education", _filters(scope))
    if frame.empty:
        return suppress(pd.DataFrame(columns=["headcount"]), SuppressionSpec(size="headcount"), k)
    frame["row"] = frame["unit_code"].where(~frame["is_total"], EDUCATION_TOTAL)
    table = frame.pivot(index="row", columns="education_level", values="persons").fillna(0).astype(int)
    levels = sorted(table.columns, key=lambda lvl: (EDUCATION_ORDER.index(lvl) if lvl in EDUCATION_ORDER else 99, lvl))
    table = table[levels]
    table.insert(0, "headcount", table.sum(axis=1))
    order = [r for r in table.index if r != EDUCATION_TOTAL] + [EDUCATION_TOTAL]
    table = table.loc[order]
    table.index.name = None
    table.columns.name = None
    spec = SuppressionSpec(size="headcount", counts=levels, row_sums=[("headcount", levels)], total_row=EDUCATION_TOTAL)
    return suppress(table, spec, k)


@store.shared
def further_education(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """Persons per further education (videreutdanning) per unit: rows units, columns headcount and
    each further education, through the small-group rule (a person may hold several, so the
    columns do not add up to the headcount)."""
    frame = store.run_query(db, "competence_further", _filters(scope))
    if frame.empty:
        return suppress(pd.DataFrame(columns=["headcount"]), SuppressionSpec(size="headcount"), k)
    table = frame.pivot(index="unit_code", columns="competence", values="persons").fillna(0).astype(int)
    competences = list(table.columns)
    heads = frame.groupby("unit_code")["headcount"].first()
    table.insert(0, "headcount", heads.reindex(table.index).astype(int))
    table.index.name = None
    table.columns.name = None
    return suppress(table, SuppressionSpec(size="headcount", counts=competences), k)


# --- What the Kompetanse page shows (Norwegian column names, formatted dates) ---

STATUS_GAP, STATUS_MET = "mangler", "dekket"


def coverage_status(frame: pd.DataFrame) -> pd.DataFrame:
    """The matrix of "mangler" (a gap) / "dekket" (met) per unit and competence; NaN without a requirement."""
    if frame.empty:
        return pd.DataFrame()
    status = frame.assign(status=[STATUS_GAP if g > 0 else STATUS_MET for g in frame["gap"]])
    return coverage_matrix(status, "status")


def coverage_summary(frame: pd.DataFrame) -> dict[str, int]:
    """requirements, met, unmet (requirements with a gap) and missing (the sum of the gaps)."""
    unmet = int((frame["gap"] > 0).sum()) if not frame.empty else 0
    return {
        "requirements": len(frame),
        "met": len(frame) - unmet,
        "unmet": unmet,
        "missing": int(frame["gap"].sum()) if not frame.empty else 0,
    }


@store.shared
def retiring_summary(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Per unit and required competence with holders retiring within 5 years: holders, retiring,
    holders_after, min_holders, gap_after and the retiring holders' employee numbers."""
    frame = retiring_holders(db, scope)
    if frame.empty:
        return pd.DataFrame(columns=["unit_code", "competence", "holders", "retiring", "holders_after",
                                     "min_holders", "gap_after", "employee_ids"])
    grouped = frame.groupby(["unit_code", "competence"], as_index=False).agg(
        holders=("holders", "first"), retiring=("employee_id", "count"), holders_after=("holders_after", "first"),
        min_holders=("min_holders", "first"), gap_after=("gap_after", "first"),
        employee_ids=("employee_id", lambda ids: ", ".join(sorted(ids))),
    )
    return grouped.sort_values(["gap_after", "unit_code"], ascending=[False, True]).reset_index(drop=True)


def _unit_label(code: str, unit_names: dict[str, str]) -> str:
    name = unit_names.get(code)
    return f"{name} ({code})" if name and name != code else code


def display_dependencies(frame: pd.DataFrame, unit_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "Enhet": [_unit_label(u, unit_names) for u in frame["unit_code"]],
        "Kompetanse": frame["competence"],
        "Krav (antall)": frame["min_holders"],
        "Innehaver (ansattnr.)": frame["employee_id"],
        "Når pensjonsalder innen 5 år": ["ja" if r else "nei" for r in frame["retiring_5y"]],
    })


def display_retiring(frame: pd.DataFrame, unit_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "Enhet": [_unit_label(u, unit_names) for u in frame["unit_code"]],
        "Kompetanse": frame["competence"],
        "Innehavere nå": frame["holders"],
        "Når pensjonsalder innen 5 år": frame["retiring"],
        "Innehavere igjen": frame["holders_after"],
        "Krav": frame["min_holders"],
        "Mangler da": frame["gap_after"],
        "Ansattnr.": frame["employee_ids"],
    })


def display_expiring(frame: pd.DataFrame, unit_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "Enhet": [_unit_label(u, unit_names) for u in frame["unit_code"]],
        "Ansattnr.": frame["employee_id"],
        "Sertifisering": frame["competence"],
        "Utløper": [formatting.day(d) for d in frame["expires_date"]],
        "Status": [
            ("gyldig t.o.m. i dag" if days == 0 else f"utløper om {_days(days)}") if valid
            else f"utløpt for {_days(-days)} siden"
            for valid, days in zip(frame["still_valid"], frame["days_left"], strict=True)
        ],
    })


def _days(count: int) -> str:
    return f"{count} dag" if count == 1 else f"{count} dager"


def display_index(table: pd.DataFrame, unit_names: dict[str, str]) -> list[str]:
    """Row labels for a per-unit table: "Name (code)", and "Totalt" for the total row."""
    return ["Totalt" if code == EDUCATION_TOTAL else _unit_label(str(code), unit_names) for code in table.index]


def with_unit_labels(table: Suppressed, unit_names: dict[str, str]) -> Suppressed:
    """The per-unit table with display_index's row labels (a new table: the figures are shared)."""
    index = display_index(table.values, unit_names)
    secondary = None if table.secondary is None else table.secondary.set_axis(index)
    return Suppressed(values=table.values.set_axis(index), hidden=table.hidden.set_axis(index), k=table.k,
                      secondary=secondary)
