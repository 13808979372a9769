"""Retirement (DESIGN.md "Definitions: Retirement"): who reaches the retirement age in each of the
next 10 years, the share retiring within 5 years per unit and profession, and the editable rule tables.

The counting is done in SQL (queries/retirement_by_year.sql, with the same rule choice and scope filter
as queries/metrics.sql); this module names the figures, hides small groups and validates edits.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, Literal

import duckdb
import pandas as pd
import plotly.graph_objects as go

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, hidden_label, suppress
from kompetanse.presentation import formatting
from kompetanse.storage import store

YEARS = 10
LOWEST_AGE = 50
HIGHEST_AGE = 75
DEFAULT_ROW = "*"

Choice = Literal["expected", "earliest", "fixed"]
CHOICE_LABELS: dict[Choice, str] = {
    "expected": "Forventet pensjonsalder (per yrkesgruppe)",
    "earliest": "Tidligste pensjonsalder (per yrkesgruppe)",
    "fixed": "Samme alder for alle",
}
Measure = Literal["persons", "fte"]

TOTAL = "I alt"  # the label of the total row
SIZE_COLUMN = "Ansatte"
ALREADY_PAST = "Allerede over pensjonsalder"
SUM_COLUMN = "Sum 10 år"


def year_label(year: int) -> str:
    """0 -> "Allerede over pensjonsalder", n -> "År n"."""
    return ALREADY_PAST if year == 0 else f"År {year}"


YEAR_COLUMNS = [year_label(n) for n in range(YEARS + 1)]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, as DuckDB's date + interval does
        return day.replace(year=day.year + years, day=28)


def year_span(as_of: date, year: int) -> str:
    """Year n is the 12 months after d + (n-1) years: "02.12.2023–01.12.2024" for n = 1, d = 01.12.2023."""
    start = _add_years(as_of, year - 1) + pd.Timedelta(days=1)
    return f"{formatting.day(start)}–{formatting.day(_add_years(as_of, year))}"


def with_choice(scope: Scope, choice: Choice, age: int | None = None) -> Scope:
    """The scope with the user's retirement-age choice (expected or earliest per profession, or one age)."""
    if choice == "fixed":
        return replace(scope, retirement_mode="expected", retirement_age=age)
    return replace(scope, retirement_mode=choice, retirement_age=None)


# --- Retirements per year -------------------------------------------------------------------


def by_year(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Long rows (is_total, profession, year 0..10, persons, fte); year 0 = already past the age at d."""
    return store.run_query(db, "retirement_by_year", scope.params())


def _headcount_by_profession(db: store.Db, scope: Scope) -> pd.Series:
    frame = metrics.compute(db, scope, by="profession")
    frame = frame[frame["is_total"] | (frame["headcount"] > 0)]
    return frame["headcount"].rename({"total": TOTAL})


def _wide(rows: pd.DataFrame, value: str, index: pd.Index) -> pd.DataFrame:
    keyed = rows.assign(key=[TOTAL if t else p for t, p in zip(rows["is_total"], rows["profession"], strict=True)])
    wide = keyed.pivot_table(index="key", columns="year", values=value, aggfunc="sum")
    wide = wide.reindex(index=index, columns=range(YEARS + 1)).fillna(0)
    wide.columns = YEAR_COLUMNS
    return wide


@dataclass(frozen=True)
class YearTable:
    """Retirements per year with small groups hidden: rows professions and "total", "<k" where hidden."""

    persons: Suppressed
    fte: Suppressed
    headcount: int  # persons active in the scope (unsuppressed; for "is the selection empty")

    def of(self, measure: Measure) -> Suppressed:
        return self.persons if measure == "persons" else self.fte


@store.shared
def year_table(db: store.Db, scope: Scope, k: int) -> YearTable:
    """Persons and FTE reaching the retirement age per year and profession, suppressed.

    A person count 1..k-1 shows "<k"; the FTE of a cell is hidden wherever its person count is.
    """
    size = _headcount_by_profession(db, scope)
    index = pd.Index([*[p for p in size.index if p != TOTAL], TOTAL], name="Yrkesgruppe")
    rows = by_year(db, scope)
    persons = _wide(rows, "persons", index).astype(int)
    persons[SUM_COLUMN] = persons[YEAR_COLUMNS].sum(axis=1)
    persons.insert(0, SIZE_COLUMN, size.reindex(index).fillna(0).astype(int))
    spec = SuppressionSpec(
        size=SIZE_COLUMN,
        counts=[*YEAR_COLUMNS, SUM_COLUMN],
        row_sums=[(SUM_COLUMN, YEAR_COLUMNS)],
        total_row=TOTAL,
    )
    shown_persons = suppress(persons, spec, k)
    fte = _wide(rows, "fte", index)
    fte[SUM_COLUMN] = fte[YEAR_COLUMNS].sum(axis=1)
    fte.insert(0, SIZE_COLUMN, persons[SIZE_COLUMN])
    fte_hidden = shown_persons.hidden.copy()
    shown_fte = Suppressed(values=fte.astype(object).where(~fte_hidden, None), hidden=fte_hidden, k=k,
                           secondary=shown_persons.secondary)
    return YearTable(persons=shown_persons, fte=shown_fte, headcount=int(persons.at[TOTAL, SIZE_COLUMN]))


@functools.cache  # one mapping per measure: the tables drawn with it are shared (ui.render.styled)
def formats(measure: Measure) -> dict[str, Callable[[float], str]]:
    """How the year table's columns are written: whole persons, FTE with one decimal."""
    decimals = 0 if measure == "persons" else 1
    return {SIZE_COLUMN: formatting.number} | {
        column: partial(formatting.number, decimals=decimals) for column in [*YEAR_COLUMNS, SUM_COLUMN]
    }


def chart_rows(table: Suppressed) -> pd.DataFrame:
    """(profession, year, value) of the visible, non-zero cells per profession (no total, no hidden bar)."""
    values = table.values.drop(index=TOTAL, errors="ignore")[YEAR_COLUMNS]
    long = values.reset_index(names="profession").melt(id_vars="profession", var_name="year", value_name="value")
    long = long[long["value"].notna()]
    long["value"] = long["value"].astype(float)
    return long[long["value"] > 0].reset_index(drop=True)


def total_labels(table: Suppressed, columns: list[str], decimals: int = 0) -> dict[str, str]:
    """Each column's total row value formatted ("23", "19,7"), or "<k" where hidden."""
    row = table.values.loc[TOTAL, columns]
    return {
        column: table.label(TOTAL, column) if value is None else formatting.number(value, decimals)
        for column, value in row.items()
    }


def has_hidden_in_chart(table: Suppressed) -> bool:
    return bool(table.hidden.drop(index=TOTAL, errors="ignore")[YEAR_COLUMNS].to_numpy().any())


# --- Share retiring within 5 years, unit x profession ----------------------------------------


MAX_HEATMAP_UNITS = 40  # more rows than this are unreadable in one heat map


@dataclass(frozen=True)
class ShareMatrix:
    """Units (rows) x professions (columns): the share retiring within 5 years, NaN where blank."""

    shares: pd.DataFrame
    text: pd.DataFrame  # "12 %", "<k" for a small group, "" where no one works
    any_hidden: bool = False
    hidden_cells: tuple[tuple[str, str], ...] = ()  # (unit label, profession) shown as "<k"
    units_left_out: int = 0  # units beyond MAX_HEATMAP_UNITS (the smallest) not drawn

    @property
    def note(self) -> str | None:
        if not self.units_left_out:
            return None
        return (f"Kartet viser de {MAX_HEATMAP_UNITS} største enhetene; {self.units_left_out} mindre er utelatt. "
                "Velg enheter eller et organisasjonsnivå i menyen for å se dem.")

    @property
    def empty(self) -> bool:
        return self.shares.empty

    @property
    def chart_height(self) -> int:
        return max(300, 32 * len(self.shares.index) + 120)


def retiring_shares(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Per unit and profession with anyone active: headcount, retiring_within_5y and their share."""
    frame = metrics.compute(db, scope, by="unit,profession")
    groups = frame[~frame["is_total"] & (frame["headcount"] > 0)].copy()
    groups["share"] = groups["retiring_within_5y"] / groups["headcount"]
    return groups[["unit", "profession", "headcount", "retiring_within_5y", "share"]].reset_index(drop=True)


@store.shared
def share_matrix(db: store.Db, scope: Scope, k: int, unit_names: Mapping[str, str] | None = None) -> ShareMatrix:
    """The heat map's cells: the share for groups of at least k persons, "<k" (blank) for smaller groups."""
    groups = retiring_shares(db, scope)
    if groups.empty:
        return ShareMatrix(pd.DataFrame(), pd.DataFrame())
    sizes = groups.groupby("unit")["headcount"].sum().sort_values(ascending=False, kind="stable")
    left_out = max(0, len(sizes) - MAX_HEATMAP_UNITS)
    groups = groups[groups["unit"].isin(sizes.index[:MAX_HEATMAP_UNITS])].reset_index(drop=True)
    spec = SuppressionSpec(size="headcount", counts=["retiring_within_5y"], rates=["share"],
                           derived={"share": ["retiring_within_5y", "headcount"]})
    shown = suppress(groups, spec, k)
    groups["shown"] = pd.to_numeric(shown.values["share"], errors="coerce")
    groups["text"] = [
        hidden_label(k) if hidden else formatting.percent(value, 0)
        for hidden, value in zip(shown.hidden["share"], groups["shown"], strict=True)
    ]
    names = unit_names or {}
    groups["unit_label"] = [names.get(u, u) for u in groups["unit"]]
    shares = groups.pivot(index="unit_label", columns="profession", values="shown")
    text = groups.pivot(index="unit_label", columns="profession", values="text").fillna("")
    small = groups[shown.hidden["share"]]
    return ShareMatrix(
        shares=shares,
        text=text.reindex_like(shares).fillna(""),
        any_hidden=bool(len(small)),
        hidden_cells=tuple(zip(small["unit_label"], small["profession"], strict=True)),
        units_left_out=left_out,
    )


# --- The editable rule tables -----------------------------------------------------------------


def rule_table(db: store.Db) -> pd.DataFrame:
    """profession, earliest_age, expected_age; the default row "*" first."""
    return store.run_query(db, "retirement_rules")


def upper_age_limits(db: store.Db) -> pd.DataFrame:
    """valid_from, upper_age: the public sector's upper age limit by the date it applies from."""
    return store.run_query(db, "retirement_upper_age_limits")


def whole_number(value: Any, low: int, high: int) -> int | None:
    """An edited cell as a whole number within [low, high], or None (the rule and exit-rate tables)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or number != int(number) or not low <= number <= high:
        return None
    return int(number)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def highest_upper_age(limits: pd.DataFrame, from_day: date | None = None) -> int:
    """The highest upper age limit in force on any day from `from_day` on (None: any day): no retirement
    age above it can ever apply (DESIGN.md "upper age limit"). HIGHEST_AGE when the table is empty."""
    if limits.empty:
        return HIGHEST_AGE
    ordered = limits.sort_values("valid_from")
    starts = [pd.Timestamp(v).date() for v in ordered["valid_from"]]
    ages = [int(a) for a in ordered["upper_age"]]
    if from_day is None:
        return max(ages)
    in_force = [age for i, age in enumerate(ages) if i + 1 == len(starts) or starts[i + 1] > from_day]
    return max(in_force)


def fixed_age_error(age: int, upper_age: int) -> str | None:
    """A Norwegian message when «Alder for alle» is above the upper age limit; None when it is allowed."""
    if age > upper_age:
        return (f"Alder for alle ({age}) er over den øvre aldersgrensen ({upper_age} år). "
                f"Velg en alder på {upper_age} eller lavere.")
    return None


def validate_rules(
    frame: pd.DataFrame, upper_age: int = HIGHEST_AGE
) -> tuple[list[tuple[str, int, int]], list[str]]:
    """The rows to store and the errors (Norwegian, one per problem); rows are only valid with no errors.
    No age may be above the upper age limit (`upper_age`, the highest in the limit table)."""
    rows: list[tuple[str, int, int]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        profession = _text(row.get("profession"))
        where = f"Rad {number}" + (f" ({profession})" if profession else "")
        if not profession:
            errors.append(f"{where}: yrkesgruppe mangler.")
        elif profession.lower() in seen:
            errors.append(f"{where}: yrkesgruppen står mer enn én gang.")
        seen.add(profession.lower())
        earliest = whole_number(row.get("earliest_age"), LOWEST_AGE, HIGHEST_AGE)
        expected = whole_number(row.get("expected_age"), LOWEST_AGE, HIGHEST_AGE)
        for value, name in ((earliest, "tidligste alder"), (expected, "forventet alder")):
            if value is None:
                errors.append(f"{where}: {name} må være et helt tall fra {LOWEST_AGE} til {HIGHEST_AGE}.")
            elif value > upper_age:
                errors.append(f"{where}: {name} ({value}) er over den øvre aldersgrensen ({upper_age} år).")
        if earliest is not None and expected is not None:
            if earliest > expected:
                errors.append(f"{where}: tidligste alder ({earliest}) er høyere enn forventet alder ({expected}).")
            rows.append((profession, earliest, expected))
    if DEFAULT_ROW not in seen:
        errors.append(f"Standardraden «{DEFAULT_ROW}» (alle andre yrkesgrupper) kan ikke fjernes.")
    return rows, errors


def save_rules(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[str]:
    """Validate and store the whole rule table in one transaction; on any error nothing changes."""
    rows, errors = validate_rules(frame, highest_upper_age(upper_age_limits(con)))
    if errors:
        return errors
    store.save_rule_rows(con, "retirement_rules", rows)
    return []


def reset_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Back to DESIGN.md's defaults (62/67, særaldersgrense 65)."""
    cursor = con.cursor()
    with store.transaction(cursor):
        store.reset_retirement_rules(cursor)


def validate_upper_age_limits(frame: pd.DataFrame) -> tuple[list[tuple[date, int]], list[str]]:
    rows: list[tuple[date, int]] = []
    errors: list[str] = []
    seen: set[date] = set()
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        raw = row.get("valid_from")
        valid_from = None if raw is None or pd.isna(raw) else pd.Timestamp(raw).date()
        age = whole_number(row.get("upper_age"), LOWEST_AGE, HIGHEST_AGE)
        if valid_from is None:
            errors.append(f"Rad {number}: gyldig fra-dato mangler.")
        elif valid_from in seen:
            errors.append(f"Rad {number}: datoen {formatting.day(valid_from)} står mer enn én gang.")
        if age is None:
            errors.append(f"Rad {number}: aldersgrensen må være et helt tall fra {LOWEST_AGE} til {HIGHEST_AGE}.")
        if valid_from is not None and age is not None:
            seen.add(valid_from)
            rows.append((valid_from, age))
    if not rows and not errors:
        errors.append("Tabellen må ha minst én rad.")
    return rows, errors


def save_upper_age_limits(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[str]:
    """Validate and store the upper age limits in one transaction; on any error nothing changes."""
    rows, errors = validate_upper_age_limits(frame)
    if errors:
        return errors
    highest = max(age for _, age in rows)
    above = rule_table(con).query("earliest_age > @highest or expected_age > @highest")
    if not above.empty:
        names = ", ".join(f"«{p}»" for p in above["profession"])
        return [f"Pensjonsalderen for {names} er over den nye aldersgrensen ({highest} år); endre den først."]
    store.save_rule_rows(con, "upper_age_limits", rows)
    return []


# --- Active past the upper age limit (for HR) -------------------------------------------------


PAST_LIMIT_COLUMN = "Over aldersgrensen"


def past_upper_age_limit(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Employments of persons active on d who have reached the upper age limit in force that day:
    employee_id, unit_code, profession (title), profession_group, age, upper_age. Counted in every
    figure as usual (already past the retirement age); listed so HR can follow them up."""
    params = {key: value for key, value in scope.params().items() if key not in ("retirement_mode", "retirement_age")}
    return store.run_query(db, "retirement_past_upper_age_limit", params)


@store.shared
def past_limit_by_unit(db: store.Db, scope: Scope, k: int, unit_names: Mapping[str, str] | None = None) -> Suppressed:
    """Persons active past the upper age limit per unit and in total, with the unit's headcount: 1..k-1
    show "<k" (the headcount too where the unit is smaller than k), with complementary hiding."""
    frame = metrics.compute(db, scope, by="unit")
    rows = frame[frame["is_total"] | (frame["past_upper_age_limit"] > 0)]
    names = unit_names or {}
    labels = [TOTAL if t else names.get(u, u) for t, u in zip(rows["is_total"], rows["unit"], strict=True)]
    table = pd.DataFrame({SIZE_COLUMN: rows["headcount"].to_numpy(),
                          PAST_LIMIT_COLUMN: rows["past_upper_age_limit"].to_numpy()}, index=labels)
    table.index.name = "Enhet"
    spec = SuppressionSpec(size=SIZE_COLUMN, counts=[PAST_LIMIT_COLUMN], total_row=TOTAL)
    return suppress(table, spec, k)


# --- Charts (the page's look is added by ui.render.chart) -------------------------------------------------


def stacked_years_figure(rows: pd.DataFrame, totals: Mapping[str, str], y_title: str) -> go.Figure:
    """Bars stacked by profession (chart_rows); each year's total (or "<k") under its label."""
    fig = go.Figure()
    for profession in rows["profession"].unique():
        part = rows[rows["profession"] == profession]
        fig.add_bar(x=part["year"], y=part["value"], name=profession,
                    hovertemplate="%{x}: %{y}<extra>" + profession + "</extra>")
    fig.update_layout(barmode="stack", yaxis_title=y_title, legend_title_text="Yrkesgruppe")
    fig.update_xaxes(categoryorder="array", categoryarray=list(totals), tickvals=list(totals),
                     ticktext=[f"{year}<br>I alt: {total}" for year, total in totals.items()])
    return fig


def heatmap_figure(matrix: ShareMatrix, k: int) -> go.Figure:
    """The share reaching retirement age within 5 years per unit and profession; "<k" where hidden."""
    fig = go.Figure(go.Heatmap(
        z=matrix.shares.to_numpy(), x=list(matrix.shares.columns), y=list(matrix.shares.index),
        text=matrix.text.to_numpy(), texttemplate="%{text}", colorscale="Reds", zmin=0, zmax=1,
        colorbar={"tickformat": ".0%", "title": {"text": "Andel"}}, hoverongaps=False,
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
    ))
    fig.update_layout(  # all "<k" labels in one call: one add_annotation each is quadratic
        annotations=[{"x": profession, "y": unit_label, "text": hidden_label(k), "showarrow": False}
                     for unit_label, profession in matrix.hidden_cells],
        height=matrix.chart_height, yaxis={"autorange": "reversed"},
    )
    return fig
