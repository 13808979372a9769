"""What the plan's measures cost (DESIGN.md "Training cost of a measure").

The formula lives in the training_cost SQL macro (kompetanse/figures/rules.py):
hourly_rate x participants x hours x sessions + day_rate x days + course_fee + travel + other_cost.
The ALM plan's lines are the reference: 450 kr x 15 x 1 h x 40 = 270 000 kr; 3 600 kr x 50 days
= 180 000 kr. Plan years: year 0 is the one-year plan (horizon 1) at the budget's prices; year
k = 1..5 of the five-year horizon costs the horizon-5 lines' yearly cost x (1 + growth)^k, growth
being the cost_growth setting (price and wage growth). The year arithmetic is in the queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, suppress
from kompetanse.presentation import formatting
from kompetanse.storage import settings, store, units

PLAN_YEARS = range(0, 6)  # 0: the one-year plan; 1..5: the years of the five-year horizon

COST_INPUTS = [
    "hours", "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel", "other_cost",
]


def growth(db: store.Db) -> float:
    """The yearly price and wage growth setting."""
    return settings.cost_growth(store.connection_of(db))


def _units_param(unit_codes: Sequence[str] | None) -> list[str] | None:
    return list(unit_codes) if unit_codes is not None else None


@store.shared_frame
def lines(db: store.Db, unit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The measures of the chosen units (None: all), one row per line with its `cost`."""
    return store.run_query(db, "measures_lines", {"units": _units_param(unit_codes)})


def by_year(db: store.Db, unit_codes: Sequence[str] | None = None, growth_rate: float | None = None) -> pd.DataFrame:
    """plan_year (0..5), category, cost: the cost per plan year, with growth over the five-year horizon."""
    rate = growth(db) if growth_rate is None else growth_rate
    return store.run_query(db, "measures_by_year", {"units": _units_param(unit_codes), "growth": rate})


@store.shared
def totals(db: store.Db, unit_codes: Sequence[str] | None = None, growth_rate: float | None = None) -> pd.DataFrame:
    """grouped_by (unit | main_task | category | total), group_value, lines, cost_1y, cost_5y.

    cost_1y is the one-year plan; cost_5y the five-year horizon summed over its five years with growth.
    """
    rate = growth(db) if growth_rate is None else growth_rate
    return store.run_query(db, "measures_totals", {"units": _units_param(unit_codes), "growth": rate})


def totals_for(frame: pd.DataFrame, grouped_by: str) -> pd.DataFrame:
    """One grouping of `totals` (unit, main_task, category or total), indexed by its value."""
    part = frame[frame["grouped_by"] == grouped_by]
    return part.drop(columns="grouped_by").set_index("group_value")


def planned_cost(db: store.Db, unit_codes: Sequence[str] | None, year: int = 0) -> float:
    """The planned training cost of the chosen units (None: all) in one plan year.

    year 0 (the default) is the one-year plan; year k = 1..5 is year k of the five-year horizon,
    with growth. This is the Oversikt page's "planned training cost".
    """
    if year not in PLAN_YEARS:
        raise ValueError(f"plan year must be 0..5, not {year}")
    frame = by_year(db, unit_codes)
    return float(frame.loc[frame["plan_year"] == year, "cost"].sum())


COST_PER_FTE_SPEC = SuppressionSpec(size="headcount", rates=["cost_per_fte"], measures=["fte"])


@store.shared
def cost_per_fte_table(db: store.Db, scope: Scope, k: int | None = None) -> Suppressed:
    """Per unit with measures in the scope: its one-year plan cost against the FTE of the unit and
    everything under it (metrics.compute at the scope's date; profession filters do not apply:
    measures are not per profession).

    Columns unit_code, cost_1y, headcount, fte, cost_per_fte, through the small-group rule: costs
    are not person counts and always show, but a unit with fewer than k persons shows neither its
    headcount, FTE nor cost per FTE. k defaults to the min_group_size setting.
    """
    k = settings.min_group_size(store.connection_of(db)) if k is None else k
    unit_totals = totals_for(totals(db, scope.units), "unit")
    tree = units.tree(db)
    whole = Scope(as_of=scope.as_of, units=scope.units)
    per_unit = metrics.compute(db, whole, by="unit")  # one query for every unit without children
    parents = set(tree["parent_code"].dropna())
    rows = []
    for unit_code, row in unit_totals.iterrows():
        code = str(unit_code)
        if code in parents:  # a department's own measures against everyone under it (few such units)
            subtree = units.descendants(tree, [code])
            figures = metrics.compute(db, Scope(as_of=scope.as_of, units=subtree), by=None).loc["total"]
        elif code in per_unit.index:
            figures = per_unit.loc[code]
        else:
            figures = pd.Series({"headcount": 0, "fte": 0.0})
        fte = float(figures["fte"] or 0.0)
        cost = float(row["cost_1y"])
        rows.append({
            "unit_code": unit_code, "cost_1y": cost, "headcount": int(figures["headcount"]), "fte": fte,
            "cost_per_fte": cost / fte if fte > 0 else None,
        })
    frame = pd.DataFrame(rows, columns=["unit_code", "cost_1y", "headcount", "fte", "cost_per_fte"])
    return suppress(frame, COST_PER_FTE_SPEC, k)


def cost_per_fte_by_unit(db: store.Db, scope: Scope, k: int | None = None) -> pd.DataFrame:
    """cost_per_fte_table's figures (None where hidden), for Sammenlign enheter."""
    return cost_per_fte_table(db, scope, k).values


# --- What the Tiltak og kostnader page shows ---

MAIN_TASK_LABELS: dict[str, str] = {
    "pasientbehandling": "Pasientbehandling",
    "forskning": "Forskning",
    "utdanning_helsepersonell": "Utdanning av helsepersonell",
    "opplaering_pasienter_parorende": "Opplæring av pasienter og pårørende",
}
CATEGORY_LABELS: dict[str, str] = {"rekruttering": "Rekruttering av personell", "utvikling": "Utvikling av personell"}
HORIZON_LABELS: dict[int, str] = {1: "Behov i ettårsperspektiv", 5: "Behov i femårsperspektiv"}


def plan_year_label(plan_year: int, base_year: int) -> str:
    """0 -> "2023 (ettårsplan)"; k -> "År k (2023 + k)"."""
    return f"{base_year} (ettårsplan)" if plan_year == 0 else f"År {plan_year} ({base_year + plan_year})"


def plan_table(frame: pd.DataFrame, main_task: str, horizon: int, category: str,
               unit_names: dict[str, str] | None = None) -> pd.DataFrame:
    """One of the plan's tables: need, measure, schedule, cost (kr; per year on the five-year horizon)
    and comment, with the unit when the lines come from more than one unit."""
    part = frame[(frame["main_task"] == main_task) & (frame["horizon"] == horizon) & (frame["category"] == category)]
    table = pd.DataFrame({
        "Behov for kompetanse": part["need"].fillna(""),
        "Tiltak": part["measure"].fillna(""),
        "Framdriftsplan": part["schedule"].fillna(""),
        "Kostnad" if horizon == 1 else "Kostnad per år": [formatting.kroner(c) for c in part["cost"]],
        "Kommentar": part["comment"].fillna(""),
    })
    if frame["unit_code"].nunique() > 1:
        names = unit_names or {}
        table.insert(0, "Enhet", [names.get(u, u) for u in part["unit_code"]])
    return table.reset_index(drop=True)


@store.shared
def plan_tables(
    db: store.Db, unit_codes: Sequence[str] | None, unit_names: Mapping[str, str]
) -> dict[tuple[str, int, str], pd.DataFrame]:
    """Every plan_table of the chosen units, by (main task, horizon, category); none where it has no lines."""
    frame = lines(db, unit_codes)
    keys = frame[["main_task", "horizon", "category"]].drop_duplicates().itertuples(index=False)
    return {(task, int(horizon), category): plan_table(frame, task, int(horizon), category, dict(unit_names))
            for task, horizon, category in keys}


def display_totals(frame: pd.DataFrame, grouped_by: str, unit_names: dict[str, str] | None = None) -> pd.DataFrame:
    """One grouping of `totals` with Norwegian labels and kroner."""
    part = totals_for(frame, grouped_by)
    labels = {"unit": unit_names or {}, "main_task": MAIN_TASK_LABELS, "category": CATEGORY_LABELS}.get(grouped_by, {})
    heading = {"unit": "Enhet", "main_task": "Hovedoppgave", "category": "Kategori"}.get(grouped_by, "")
    return pd.DataFrame({
        heading: [labels.get(str(v), str(v)) for v in part.index],
        "Tiltak": part["lines"].astype(int).to_numpy(),
        "Ettårsplan": [formatting.kroner(v) for v in part["cost_1y"]],
        "Femårsplan (5 år med vekst)": [formatting.kroner(v) for v in part["cost_5y"]],
    })


def chart_frame(db: store.Db, unit_codes: Sequence[str] | None, base_year: int) -> pd.DataFrame:
    """Cost per plan year and category, labelled for a chart: label, category (Norwegian), cost, text."""
    frame = by_year(db, unit_codes)
    return pd.DataFrame({
        "label": [plan_year_label(int(y), base_year) for y in frame["plan_year"]],
        "category": [CATEGORY_LABELS.get(c, c) for c in frame["category"]],
        "cost": frame["cost"].to_numpy(),
        "text": [formatting.kroner(c) for c in frame["cost"]],
    })


def _one_decimal(value: float) -> str:
    return formatting.number(value, 1)


# The Kostnad per årsverk table: how each column reads, and its header.
PER_FTE_FORMATS = {"cost_1y": formatting.kroner, "headcount": formatting.number, "fte": _one_decimal,
                   "cost_per_fte": formatting.kroner}
PER_FTE_LABELS = {"cost_1y": "Ettårsplan", "headcount": "Ansatte", "fte": "Årsverk",
                  "cost_per_fte": "Kostnad per årsverk"}


def by_unit_name(table: Suppressed, unit_names: dict[str, str]) -> Suppressed:
    """A per-unit table indexed by the units' names instead of a unit_code column."""
    index = [unit_names.get(str(u), str(u)) for u in table.values["unit_code"]]
    values = table.values.drop(columns="unit_code").set_axis(index)
    hidden = table.hidden.drop(columns="unit_code").set_axis(index)
    secondary = None if table.secondary is None else table.secondary.drop(columns="unit_code").set_axis(index)
    return Suppressed(values=values, hidden=hidden, k=table.k, secondary=secondary)
