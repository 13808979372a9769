"""Key figures per scope: typed functions over queries/metrics.sql (DESIGN.md "Definitions")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import duckdb
import pandas as pd

from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import SuppressionSpec, suppress
from kompetanse.storage import store

RetirementMode = Literal["expected", "earliest"]
By = Literal["unit", "profession", "unit,profession"]

BAND_COLUMNS = ["band_lt20", "band_20_29", "band_30_39", "band_40_49", "band_50_59", "band_60_69", "band_70_plus"]
BAND_COLUMN_LABELS = dict(zip(BAND_COLUMNS, AGE_BAND_LABELS, strict=True))

COUNT_COLUMNS = [
    "retiring_within_1y", "retiring_within_5y", "retiring_within_10y",
    "leavers_12m", "leavers_12m_retirement", "past_upper_age_limit",
]
RATE_COLUMNS = ["mean_age", "share_60_plus", "turnover_12m", "turnover_12m_excl_retirement", "turnover_ks"]
MEASURE_COLUMNS = ["fte", "fte_excluding_leave", "retiring_within_5y_fte"]
# Counts never shown but following from shown ones by a difference (DESIGN.md "Small groups": a hidden
# count must not come back from a figure and its parts).
IMPLICIT_PARTS = {
    "retiring_years_2_5": ("retiring_within_5y", "retiring_within_1y"),
    "retiring_years_6_10": ("retiring_within_10y", "retiring_within_5y"),
    "leavers_12m_other": ("leavers_12m", "leavers_12m_retirement"),
}
IMPLICIT_COLUMNS = list(IMPLICIT_PARTS)


@dataclass(frozen=True)
class Scope:
    """What the figures are about: a reference date and optional filters (None = all)."""

    as_of: date
    units: tuple[str, ...] | None = None
    professions: tuple[str, ...] | None = None
    employment_types: tuple[str, ...] | None = None
    retirement_mode: RetirementMode = "expected"
    retirement_age: int | None = None  # one age for everyone, overriding the rule table

    def year_before(self) -> Scope:
        return replace(self, as_of=_one_year_before(self.as_of))

    def params(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "units": list(self.units) if self.units is not None else None,
            "professions": list(self.professions) if self.professions is not None else None,
            "employment_types": list(self.employment_types) if self.employment_types is not None else None,
            "retirement_mode": self.retirement_mode,
            "retirement_age": self.retirement_age,
        }


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def by_columns(by: By | None) -> list[str]:
    return [] if not by else by.split(",")


def metrics_params(scope: Scope, by: By | None) -> dict[str, Any]:
    columns = by_columns(by)
    return {**scope.params(), "by_unit": "unit" in columns, "by_profession": "profession" in columns}


def metrics_frame(rows: pd.DataFrame, by: By | None) -> pd.DataFrame:
    """Name the query's columns; the total is the row labelled "total"."""
    frame = rows.rename(columns={"g_unit": "unit", "g_profession": "profession"})
    keys = by_columns(by)
    # Column-wise, not row by row: at 500 units iterrows cost more than a tenth of the query.
    parts = [[str(value) for value in frame[k].tolist()] for k in keys]
    joined = ["|".join(values) for values in zip(*parts, strict=True)] if parts else [""] * len(frame)
    frame.index = ["total" if is_total else label for is_total, label in zip(frame["is_total"], joined, strict=True)]
    if not frame["is_total"].any():  # an empty scope still has a total: zero people
        empty_total = {c: 0 for c in frame.columns if c not in RATE_COLUMNS}
        empty_total.update({"is_total": True, "unit": None, "profession": None})
        frame = pd.concat([frame, pd.DataFrame([empty_total], index=["total"])]).astype({"is_total": bool})
    keep = ["is_total", *keys, "headcount", *MEASURE_COLUMNS, *BAND_COLUMNS, "count_60_plus", *COUNT_COLUMNS,
            "headcount_year_before", "cohort_left", *RATE_COLUMNS]
    return with_implicit_parts(frame[keep].copy())


def with_implicit_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Add IMPLICIT_PARTS (a whole minus a part) where the frame has both, so suppression protects them."""
    for column, (whole, part) in IMPLICIT_PARTS.items():
        if whole in frame.columns and part in frame.columns:
            frame[column] = frame[whole] - frame[part]
        else:
            frame[column] = float("nan")
    return frame


FTE_LABEL = "Årsverk"
# Where the export gives leave, FTE is shown twice, labelled (DESIGN.md "FTE").
FTE_AGREED_LABEL = "Avtalte årsverk"
FTE_EXCLUDING_LEAVE_LABEL = "Avtalte årsverk ekskl. permisjon"
FTE_EXCLUDING_LEAVE_HELP = "Avtalte årsverk minus permisjonen som gjelder på datoen (permisjonsprosent av stillingen)."


def leave_given(db: store.Db) -> bool:
    """Whether the active personnel import gives leave (permisjon) at all."""
    frame = store.run_query(db, "leave_given")
    return bool(len(frame) and frame.iloc[0, 0])


def fte_labels(db: store.Db) -> dict[str, str]:
    """The FTE columns to show and their labels: "Årsverk", or both agreed FTE figures where leave is given."""
    if leave_given(db):
        return {"fte": FTE_AGREED_LABEL, "fte_excluding_leave": FTE_EXCLUDING_LEAVE_LABEL}
    return {"fte": FTE_LABEL}


@store.shared_frame
def compute(con: duckdb.DuckDBPyConnection, scope: Scope, by: By | None = "unit") -> pd.DataFrame:
    """All key figures per group of `by`, and the total as the last row (unrounded)."""
    return metrics_frame(store.run_query(con, "metrics", metrics_params(scope, by)), by)


METRICS_SPEC = SuppressionSpec(
    size="headcount",
    counts=[*BAND_COLUMNS, "count_60_plus", *COUNT_COLUMNS, "headcount_year_before", "cohort_left"],
    rates=RATE_COLUMNS,
    measures=MEASURE_COLUMNS,
    row_sums=[
        ("headcount", BAND_COLUMNS),
        ("count_60_plus", ["band_60_69", "band_70_plus"]),
        ("retiring_within_5y", ["retiring_within_1y", "retiring_years_2_5"]),
        ("retiring_within_10y", ["retiring_within_5y", "retiring_years_6_10"]),
        ("leavers_12m", ["leavers_12m_retirement", "leavers_12m_other"]),
    ],
    total_row="total",
    # A share, rate, mean or FTE goes with the counts it is computed from (rate x denominator = count).
    derived={
        "mean_age": ["headcount"],
        "fte": ["headcount"],
        "fte_excluding_leave": ["headcount"],
        "share_60_plus": ["count_60_plus", "headcount"],
        "retiring_within_5y_fte": ["retiring_within_5y"],
        "turnover_12m": ["leavers_12m", "headcount", "headcount_year_before"],
        "turnover_12m_excl_retirement": ["leavers_12m_other", "headcount", "headcount_year_before"],
        "turnover_ks": ["cohort_left", "headcount_year_before"],
    },
    implicit=IMPLICIT_COLUMNS,
    keep=["headcount", "retiring_within_5y"],  # Oversikt's key figures: rather hide 10 years than 5
)


def suppressed(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """The figures with small groups hidden (None)."""
    return suppress(frame, METRICS_SPEC, k).values


JSON_KEYS = [
    "headcount", "fte", "fte_excluding_leave", "mean_age", "age_bands", "share_60_plus",
    "retiring_within_1y", "retiring_within_5y", "retiring_within_10y", "retiring_within_5y_fte",
    "leavers_12m", "leavers_12m_retirement", "turnover_12m", "turnover_ks",
    "past_upper_age_limit",  # active on d past the upper age limit (HR follows them up)
]


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _json_row(row: pd.Series, keys: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: _plain(row[k]) for k in keys}
    for key in JSON_KEYS:
        if key == "age_bands":
            out[key] = {BAND_COLUMN_LABELS[c]: _plain(row[c]) for c in BAND_COLUMNS}
        else:
            out[key] = _plain(row[key])
    return out


def report(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: By = "unit", min_cell: int = 5
) -> dict[str, Any]:
    """The `metrics --json` object of DESIGN.md's command-line contract."""
    frame = suppressed(compute(con, scope, by), min_cell)
    keys = by_columns(by)
    rows = [_json_row(row, keys) for label, row in frame.iterrows() if label != "total"]
    total = _json_row(frame.loc["total"], []) if "total" in frame.index else None
    return {"as_of": scope.as_of.isoformat(), "by": keys, "min_cell": min_cell, "rows": rows, "total": total}
