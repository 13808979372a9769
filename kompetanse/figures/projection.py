"""Replacement need (DESIGN.md "Definitions: Replacement need"), year by year for 10 years.

For each profession and year k = 1..10:

    need_k = retirements_k + other_leavers_k + growth_k

- method "age": retirements_k, from today's staff (headcount by age at d, from
  queries/retirement_headcount_by_age.sql), are the persons who reach their retirement age (+ the scenario's
  shift) in year k, exactly as the retirement-per-year figures count them, or the upper age limit if that
  comes first (nobody is placed past it); those already past either at d retire in year 1; and
  other_leavers_k = turnover excluding retirements x the headcount at the start of year k;
- method "exit_rates": the editable exit rates by age (every leaver, retirements included) applied to the
  staff by age, the staff ageing one year and shrinking by those exits each year (a shift of +s years
  applies the rate of age a - s at a); whoever reaches the upper age limit leaves that year. They replace
  both retirements and other turnover (nothing is added on top), shown as exits from 62 (pension age) and
  below;
- growth_k = growth x the headcount at the start of year k, where the headcount grows to H0 x (1 + growth)^k
  (everyone who leaves is replaced, so the headcount only moves with the growth target).

The arithmetic is pure functions over DataFrames; the values are expected values (fractions of persons).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from kompetanse.figures import metrics, retirement, rules
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, suppress
from kompetanse.storage import store

YEARS = 10
Method = Literal["age", "exit_rates"]
METHOD_LABELS: dict[Method, str] = {"age": "Pensjonsalder", "exit_rates": "Utgangsrater etter alder"}

COMPONENTS = ["retirements", "other_leavers", "exits_62_plus", "exits_under_62", "growth"]
# The parts each method has (the others are zero): exit rates replace both retirements and other turnover.
METHOD_COMPONENTS: dict[Method, list[str]] = {
    "age": ["retirements", "other_leavers", "growth"],
    "exit_rates": ["exits_62_plus", "exits_under_62", "growth"],
}
COMPONENT_LABELS = {
    "retirements": "Pensjonering",
    "other_leavers": "Annen turnover",
    "exits_62_plus": f"Avganger etter alder, {rules.PENSION_AGE} år og eldre",
    "exits_under_62": f"Avganger etter alder, under {rules.PENSION_AGE} år",
    "growth": "Vekst",
    "need": "Behov i alt",
}
TOTAL = "I alt"  # the label of the total row
SIZE_COLUMN = "Ansatte"
SUM_COLUMN = "Sum 10 år"
YEAR_COLUMNS = [f"År {k}" for k in range(1, YEARS + 1)]
MAX_AGE = 200


@dataclass(frozen=True)
class Scenario:
    method: Method = "age"
    age_shift: int = 0  # years added to every retirement age (and to the exit-rate table's ages)
    turnover: float | None = None  # one rate for every profession; None: each profession's measured rate
    growth: float = 0.0  # yearly growth of the headcount
    years: int = YEARS


def scenario(method: Method, age_shift: int, turnover_percent: float | None, growth_percent: float) -> Scenario:
    """The scenario of the page's controls (rates in whole per cent)."""
    turnover = None if turnover_percent is None else turnover_percent / 100
    return Scenario(method=method, age_shift=int(age_shift), turnover=turnover, growth=growth_percent / 100)


def percent_points(rate: float) -> int:
    """0.086 -> 9: a rate as the whole per cent a slider starts on."""
    return round(float(rate) * 100)


# --- Inputs (SQL) -----------------------------------------------------------------------------


def population(db: store.Db, scope: Scope) -> pd.DataFrame:
    """profession (group), age (at d), retirement_age, limit_year, persons: today's staff with the scope's
    retirement choice; limit_year is the year the upper age limit is reached (0: already; NaN: not in 60 years)."""
    return store.run_query(db, "retirement_headcount_by_age", scope.params())


def measured_turnover(db: store.Db, scope: Scope) -> dict[str, float]:
    """Turnover excluding retirements over the last 12 months, per profession (metrics.sql's definition)."""
    frame = metrics.compute(db, scope, by="profession")
    rates = frame.loc[~frame["is_total"], ["profession", "turnover_12m_excl_retirement"]]
    return {p: (0.0 if pd.isna(r) else float(r)) for p, r in zip(rates["profession"], rates.iloc[:, 1], strict=True)}


def overall_turnover(db: store.Db, scope: Scope) -> float:
    """The scope's turnover excluding retirements (the default of the "one rate for all" slider)."""
    value = metrics.compute(db, scope, by=None).loc["total", "turnover_12m_excl_retirement"]
    return 0.0 if pd.isna(value) else float(value)


def exit_rates(db: store.Db) -> pd.DataFrame:
    """age_from, age_to, yearly_rate (0..1), source ("KS", "antakelse" or the user's own words)."""
    return store.run_query(db, "exit_rates")


# --- The arithmetic ---------------------------------------------------------------------------


def rate_at(rates: pd.DataFrame, ages: np.ndarray) -> np.ndarray:
    """The yearly exit rate at each age (0 where no band covers it)."""
    out = np.zeros(len(ages), dtype=float)
    for age_from, age_to, rate in rates[["age_from", "age_to", "yearly_rate"]].itertuples(index=False):
        out[(ages >= age_from) & (ages <= age_to)] = rate
    return out


def _limit_years(group: pd.DataFrame) -> np.ndarray:
    """The year each row reaches the upper age limit, at least 1 (already past: year 1); inf when never."""
    if "limit_year" not in group:
        return np.full(len(group), np.inf)
    years = pd.to_numeric(group["limit_year"], errors="coerce").to_numpy(dtype=float)
    return np.maximum(np.where(np.isnan(years), np.inf, years), 1)


def _grid(pop: pd.DataFrame, values: dict[str, dict[str, np.ndarray]], years: int) -> pd.DataFrame:
    """(profession, year, each column of `values`) for every profession of `pop` and every year."""
    professions = sorted(pop["profession"].unique())
    columns = sorted({c for parts in values.values() for c in parts})
    rows = []
    for p in professions:
        for k in range(1, years + 1):
            rows.append([p, k, *[float(values[p][c][k - 1]) if p in values else 0.0 for c in columns]])
    return pd.DataFrame(rows, columns=["profession", "year", *columns])


def retirements_by_age(pop: pd.DataFrame, shift: int = 0, years: int = YEARS) -> pd.DataFrame:
    """Persons reaching retirement_age + shift in year k (year = the age - age at d; already past: year 1),
    or the upper age limit if they reach that first."""
    values: dict[str, dict[str, np.ndarray]] = {}
    for profession, group in pop.groupby("profession"):
        by_age = np.maximum(group["retirement_age"].to_numpy() + shift - group["age"].to_numpy(), 1)
        year = np.minimum(by_age, _limit_years(group))
        counts = np.zeros(years, dtype=float)
        for k, persons in zip(year, group["persons"].to_numpy(), strict=True):
            if k <= years:
                counts[int(k) - 1] += persons
        values[str(profession)] = {"retirements": counts}
    return _grid(pop, values, years)


def exits_by_exit_rates(pop: pd.DataFrame, rates: pd.DataFrame, shift: int = 0, years: int = YEARS) -> pd.DataFrame:
    """Exit rates applied to the staff by age, ageing them a year and removing the exits each year; whoever
    reaches the upper age limit leaves in that year. Exits split by age in the year: 62 and over, and under."""
    values: dict[str, dict[str, np.ndarray]] = {}
    for profession, group in pop.groupby("profession"):
        ages = group["age"].to_numpy()
        limit_year = _limit_years(group)
        remaining = group["persons"].to_numpy().astype(float)
        old = np.zeros(years, dtype=float)
        young = np.zeros(years, dtype=float)
        for k in range(1, years + 1):
            age_now = ages + (k - 1)
            rate = np.where(limit_year <= k, 1.0, rate_at(rates, age_now - shift))
            exits = remaining * rate
            old[k - 1] = exits[age_now >= rules.PENSION_AGE].sum()
            young[k - 1] = exits[age_now < rules.PENSION_AGE].sum()
            remaining = remaining - exits
        values[str(profession)] = {"exits_62_plus": old, "exits_under_62": young}
    return _grid(pop, values, years)


def retirements_by_exit_rates(
    pop: pd.DataFrame, rates: pd.DataFrame, shift: int = 0, years: int = YEARS
) -> pd.DataFrame:
    """All exits by the exit rates per profession and year, as one column "retirements" (older callers)."""
    frame = exits_by_exit_rates(pop, rates, shift, years)
    frame["retirements"] = frame["exits_62_plus"] + frame["exits_under_62"]
    return frame[["profession", "year", "retirements"]]


def project(
    pop: pd.DataFrame,
    turnover: Mapping[str, float],
    rates: pd.DataFrame,
    scenario: Scenario,
) -> pd.DataFrame:
    """Per profession and year: headcount at the start of the year, the exits (by the method's parts: the
    others are 0), growth and need."""
    if scenario.method == "exit_rates":
        frame = exits_by_exit_rates(pop, rates, scenario.age_shift, scenario.years)
        frame["retirements"] = 0.0
    else:
        frame = retirements_by_age(pop, scenario.age_shift, scenario.years)
        frame["exits_62_plus"] = 0.0
        frame["exits_under_62"] = 0.0
    start = pop.groupby("profession")["persons"].sum().astype(float)
    frame["headcount_start"] = [
        start[p] * (1 + scenario.growth) ** (k - 1) for p, k in zip(frame["profession"], frame["year"], strict=True)
    ]
    if scenario.method == "exit_rates":  # the rates count every leaver: no turnover on top
        frame["other_leavers"] = 0.0
    else:
        rate = [
            scenario.turnover if scenario.turnover is not None else float(turnover.get(p, 0.0) or 0.0)
            for p in frame["profession"]
        ]
        frame["other_leavers"] = frame["headcount_start"] * np.asarray(rate, dtype=float)
    frame["growth"] = frame["headcount_start"] * scenario.growth
    frame["need"] = frame[COMPONENTS].sum(axis=1)
    return frame[["profession", "year", "headcount_start", *COMPONENTS, "need"]]


# --- Year 1 as a forecast (what the backtest compares with what happened) --------------------------

FORECAST_PREFIX = "forecast"
FORECAST_PARTS = ("retirements", "other_leavers", "headcount")


def forecast_year_one(result: pd.DataFrame, growth: float) -> pd.DataFrame:
    """Per profession: year 1's exits (retirements and other leavers; with exit rates, 62+ and under 62)
    and the headcount expected a year on (everyone who leaves replaced, and the growth)."""
    first = result[result["year"] == 1]
    return pd.DataFrame({
        "profession": first["profession"].astype(str).to_numpy(),
        "retirements": (first["retirements"] + first["exits_62_plus"]).to_numpy(dtype=float),
        "other_leavers": (first["other_leavers"] + first["exits_under_62"]).to_numpy(dtype=float),
        "headcount": (first["headcount_start"] * (1 + growth)).to_numpy(dtype=float),
    })


def forecast(db: store.Db, scope: Scope, scenario: Scenario) -> pd.DataFrame:
    """Year 1 of the projection made at `scope.as_of` with the scope's rules and the scenario."""
    pop = population(db, scope)
    if pop.empty:
        return pd.DataFrame(columns=["profession", *FORECAST_PARTS])
    result = project(pop, measured_turnover(db, scope), exit_rates(db), scenario)
    return forecast_year_one(result, scenario.growth)


def forecast_figures(db: store.Db, as_of: date) -> dict[str, float | None]:
    """The whole organisation's forecast at `as_of` (default scenario) as a closed plan version keeps it:
    "forecast|<group>|<part>" -> value."""
    frame = forecast(db, Scope(as_of=as_of), Scenario())
    return {
        f"{FORECAST_PREFIX}|{profession}|{part}": float(value)
        for profession, *values in frame[["profession", *FORECAST_PARTS]].itertuples(index=False)
        for part, value in zip(FORECAST_PARTS, values, strict=True)
    }


def forecast_from_figures(figures: Mapping[str, float | None]) -> pd.DataFrame | None:
    """The forecast a closed version kept (see forecast_figures); None when it kept none (an older version)."""
    rows: dict[str, dict[str, float]] = {}
    for key, value in figures.items():
        parts = key.split("|")
        if len(parts) == 3 and parts[0] == FORECAST_PREFIX and parts[2] in FORECAST_PARTS:
            rows.setdefault(parts[1], {})[parts[2]] = float(value or 0.0)
    if not rows:
        return None
    return pd.DataFrame([{"profession": p, **{part: v.get(part, 0.0) for part in FORECAST_PARTS}}
                         for p, v in rows.items()])


# --- What the page shows (rounded to whole persons, small groups hidden like counts) -------------


def _rounded(values: pd.DataFrame) -> pd.DataFrame:
    return values.round(0).astype(int)


@dataclass(frozen=True)
class Need:
    """A scenario's replacement need for a scope, as Pensjon og rekruttering shows it."""

    empty: bool  # nobody in the scope
    need: Suppressed | None = None  # need_table
    components: Suppressed | None = None  # components_table
    chart_rows: pd.DataFrame | None = None  # chart_rows of the need


@store.shared
def need(db: store.Db, scope: Scope, chosen: Scenario, k: int) -> Need:
    """The scenario projected for today's staff of the scope: the need per profession and year, and its parts."""
    pop = population(db, scope)
    if pop.empty:
        return Need(empty=True)
    result = project(pop, measured_turnover(db, scope), exit_rates(db), chosen)
    table = need_table(result, k)
    return Need(empty=False, need=table, components=components_table(result, k, chosen.method),
                chart_rows=chart_rows(table))


def need_table(projection: pd.DataFrame, k: int) -> Suppressed:
    """Need per profession (rows, and the total) and year; whole persons; 1..k-1 as "<k"."""
    wide = projection.pivot(index="profession", columns="year", values="need")
    wide.columns = [f"År {year}" for year in wide.columns]
    wide.loc[TOTAL] = wide.sum(axis=0)
    wide.index.name = "Yrkesgruppe"
    columns = list(wide.columns)
    table = _rounded(wide)
    table[SUM_COLUMN] = _rounded(wide.sum(axis=1).to_frame())[0]
    sizes = projection.loc[projection["year"] == 1].set_index("profession")["headcount_start"]
    table.insert(0, SIZE_COLUMN, [round(float(sizes.sum() if p == TOTAL else sizes[p])) for p in table.index])
    spec = SuppressionSpec(
        size=SIZE_COLUMN, counts=[*columns, SUM_COLUMN], row_sums=[(SUM_COLUMN, columns)], total_row=TOTAL
    )
    return suppress(table, spec, k)


def components_table(projection: pd.DataFrame, k: int, method: Method = "age") -> Suppressed:
    """For the whole scope: one row per year (and the 10-year total), the need split in the method's parts."""
    components = METHOD_COMPONENTS[method]
    by_year = projection.groupby("year")[[*components, "need"]].sum()
    by_year.index = [f"År {year}" for year in by_year.index]
    by_year.loc[TOTAL] = by_year.sum(axis=0)
    by_year.index.name = "År"
    table = _rounded(by_year).rename(columns=COMPONENT_LABELS)
    size = round(float(projection.loc[projection["year"] == 1, "headcount_start"].sum()))
    table.insert(0, SIZE_COLUMN, size)
    parts = [COMPONENT_LABELS[c] for c in components]
    spec = SuppressionSpec(
        size=SIZE_COLUMN,
        counts=[*parts, COMPONENT_LABELS["need"]],
        row_sums=[(COMPONENT_LABELS["need"], parts)],
        total_row=TOTAL,
    )
    return suppress(table, spec, k)


def chart_rows(table: Suppressed) -> pd.DataFrame:
    """(profession, year, value) of the visible, non-zero need cells (no total row, no hidden cell)."""
    year_columns = [c for c in table.values.columns if c.startswith("År ")]
    values = table.values.drop(index=TOTAL, errors="ignore")[year_columns]
    long = values.reset_index(names="profession").melt(id_vars="profession", var_name="year", value_name="value")
    long = long[long["value"].notna()]
    long["value"] = long["value"].astype(float)
    return long[long["value"] > 0].reset_index(drop=True)


# --- The editable exit-rate table (edited as percentages, stored as 0..1) -----------------------


def rates_for_editing(rates: pd.DataFrame) -> pd.DataFrame:
    """age_from, age_to, percent (0..100), source for the editor."""
    out = rates[["age_from", "age_to"]].copy()
    out["percent"] = (rates["yearly_rate"] * 100).round(2)
    out["source"] = rates.get("source", None)
    return out


def _source(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return " ".join(str(value).split()) or None


def validate_rates(edited: pd.DataFrame) -> tuple[list[tuple[int, int, float, str | None]], list[str]]:
    """Rows (age_from, age_to, rate 0..1, source) from the editor's percentages, and the errors in Norwegian."""
    rows: list[tuple[int, int, float, str | None]] = []
    errors: list[str] = []
    for number, (_, row) in enumerate(edited.iterrows(), start=1):
        age_from = retirement.whole_number(row.get("age_from"), 0, MAX_AGE)
        age_to = retirement.whole_number(row.get("age_to"), 0, MAX_AGE)
        try:
            percent = float(row.get("percent"))
        except (TypeError, ValueError):
            percent = math.nan
        if age_from is None or age_to is None:
            errors.append(f"Rad {number}: alder fra og til må være hele tall fra 0 til {MAX_AGE}.")
        elif age_from > age_to:
            errors.append(f"Rad {number}: alder fra ({age_from}) er høyere enn alder til ({age_to}).")
        if math.isnan(percent) or not 0 <= percent <= 100:
            errors.append(f"Rad {number}: utgangsraten må være mellom 0 og 100 %.")
        if not errors and age_from is not None and age_to is not None:
            rows.append((age_from, age_to, percent / 100, _source(row.get("source"))))
    ordered = sorted(rows, key=lambda r: (r[0], r[1]))
    for (_, high, _, _), (low, _, _, _) in itertools.pairwise(ordered):
        if low <= high:
            errors.append(f"Aldersgruppene overlapper (alder {low} står i to rader).")
    if not rows and not errors:
        errors.append("Tabellen må ha minst én rad.")
    return (ordered if not errors else []), errors


def save_rates(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame) -> list[str]:
    """Validate and store the exit rates in one transaction; on any error nothing changes."""
    rows, errors = validate_rates(edited)
    if errors:
        return errors
    store.save_rule_rows(con, "exit_rates", rows)
    return []


def reset_rates(con: duckdb.DuckDBPyConnection) -> None:
    """Back to the default exit rates (KS: about 5 % at 55-60, about 41 % at 65-67)."""
    store.save_rule_rows(con, "exit_rates", rules.DEFAULT_EXIT_RATES)
