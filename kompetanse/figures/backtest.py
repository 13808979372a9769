"""The projection checks itself (issue 14, item 7): last year's forecast beside what happened since.

The forecast is year 1 of the replacement-need projection made at d - 1 year: from the plan version closed
for that date when there is one (it keeps the forecast it showed, see projection.forecast_figures), else
computed now at d - 1 year with the same rules and scenario. What happened comes from the key figures at d
(queries/metrics.sql): retirement leavers, other leavers and headcount per profession group in the 12 months
[d - 1 year, d). Counts of persons follow the small-group rule: a group under k shows no figure, and the
forecasts and differences of a hidden count are hidden with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kompetanse.figures import metrics, projection, rules
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, suppress
from kompetanse.plan import plan_versions
from kompetanse.presentation import formatting
from kompetanse.storage import store

TOTAL = "I alt"
GROUP = "Yrkesgruppe"
SIZE_COLUMN = "Ansatte nå"
# (key, label of the part): each part has a forecast, an outcome and their difference.
PARTS: list[tuple[str, str]] = [
    ("retirements", "Pensjonering"),
    ("other_leavers", "Andre avganger"),
    ("headcount", "Ansatte"),
]
FORECAST, ACTUAL, DIFFERENCE = "forventet", "faktisk", "avvik"


def column(part_label: str, what: str) -> str:
    """"Pensjonering, forventet" and so on."""
    return f"{part_label}, {what}"


COLUMNS = [column(label, what) for _, label in PARTS for what in (FORECAST, ACTUAL, DIFFERENCE)]


@dataclass(frozen=True)
class Backtest:
    then: date  # the date the forecast was made for (d - 1 year)
    source: str  # where the forecast comes from, in Norwegian
    table: Suppressed  # rows: profession groups and the total; COLUMNS (forecasts to one decimal)
    method: projection.Method

    @property
    def empty(self) -> bool:
        return self.table.values.empty

    @property
    def caption(self) -> str:
        parts = (
            "Pensjonering og andre avganger er forventet for år 1 av framskrivingen"
            if self.method == "age" else
            f"Med utgangsrater er «Pensjonering» avganger {rules.PENSION_AGE} år og eldre og «Andre "
            f"avganger» avganger under {rules.PENSION_AGE} år, år 1 av framskrivingen"
        )
        return (
            f"Prognosen er laget for {formatting.day(self.then)} ({self.source}). {parts}; faktisk er dem som "
            f"sluttet i de 12 månedene fra {formatting.day(self.then)}, med og uten sluttårsak pensjon. Ansatte, "
            "forventet: bemanningen da, med alle som slutter erstattet og veksten i scenarioet. "
            "Avvik = faktisk - forventet."
        )


def forecast_from_version(db: store.Db, then: date) -> tuple[pd.DataFrame, str] | None:
    """The forecast a plan version closed for `then` kept (profession, part columns), with its label."""
    for version in reversed(plan_versions.versions(db)):
        if version.as_of != then:
            continue
        frame = projection.forecast_from_figures(plan_versions.version_figures(db, version.version_id))
        if frame is not None:
            return frame, f"fra lukket plan {version.plan_year}"
    return None


def _default_view(scope: Scope, scenario: projection.Scenario) -> bool:
    """Whether the view is what a closed version's forecast was made for: the whole organisation, the
    expected retirement ages and the default scenario."""
    unfiltered = scope.units is None and scope.professions is None and scope.employment_types is None
    rules_as_stored = scope.retirement_mode == "expected" and scope.retirement_age is None
    return unfiltered and rules_as_stored and scenario == projection.Scenario()


def outcome(db: store.Db, scope: Scope) -> pd.DataFrame:
    """What happened in [d - 1 year, d) per profession group: retirements, other_leavers, headcount at d."""
    frame = metrics.compute(db, scope, by="profession")
    groups = frame[~frame["is_total"]]
    return pd.DataFrame({
        "profession": groups["profession"].astype(str).to_numpy(),
        "retirements": groups["leavers_12m_retirement"].to_numpy(dtype=float),
        "other_leavers": (groups["leavers_12m"] - groups["leavers_12m_retirement"]).to_numpy(dtype=float),
        "headcount": groups["headcount"].to_numpy(dtype=float),
    })


@store.shared
def compute(db: store.Db, scope: Scope, scenario: projection.Scenario, k: int) -> Backtest:
    """Last year's forecast beside what happened, per profession group and in total, small groups hidden."""
    then_scope = scope.year_before()
    stored = forecast_from_version(db, then_scope.as_of) if _default_view(scope, scenario) else None
    if stored is not None:
        expected, source = stored
    else:
        expected = projection.forecast(db, then_scope, scenario)
        source = "beregnet nå med samme regler og scenario"
    actual = outcome(db, scope)
    table = comparison(expected, actual)
    return Backtest(then_scope.as_of, source, hide_small(table, k), scenario.method)


def comparison(expected: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """One row per profession group in either frame, and the total: forecast, outcome, difference per part."""
    keys = sorted(set(expected["profession"]) | set(actual["profession"]), key=lambda p: (p.lower(), p))
    exp = expected.set_index("profession").reindex(keys).fillna(0.0)
    act = actual.set_index("profession").reindex(keys).fillna(0.0)
    out = pd.DataFrame(index=pd.Index(keys, name=GROUP))
    for key, label in PARTS:
        out[column(label, FORECAST)] = exp[key].astype(float)
        out[column(label, ACTUAL)] = act[key].astype(float)
    if not out.empty:
        out.loc[TOTAL] = out.sum(axis=0)
    for _, label in PARTS:
        out[column(label, DIFFERENCE)] = out[column(label, ACTUAL)] - out[column(label, FORECAST)]
    out.insert(0, SIZE_COLUMN, out[column("Ansatte", ACTUAL)])
    return out[[SIZE_COLUMN, *COLUMNS]]


def hide_small(table: pd.DataFrame, k: int) -> Suppressed:
    """The small-group rule: a group under k shows nothing; a leaver count 1..k-1 shows "<k" (with
    complementary hiding down to the total), and its forecast and difference are hidden with it (the
    difference would give the count back)."""
    counts = [column(label, ACTUAL) for key, label in PARTS if key != "headcount"]
    shown = suppress(table, SuppressionSpec(size=SIZE_COLUMN, counts=counts, total_row=TOTAL), k)
    hidden = shown.hidden.copy()
    small = table[SIZE_COLUMN] < k if k > 1 else pd.Series(False, index=table.index)
    for key, label in PARTS:
        part = small if key == "headcount" else hidden[column(label, ACTUAL)] | small
        for what in (FORECAST, ACTUAL, DIFFERENCE):
            hidden[column(label, what)] = part
    hidden[SIZE_COLUMN] = small
    return Suppressed(values=table.astype(object).where(~hidden, None), hidden=hidden, k=k)


@functools.cache  # one mapping per measure: the tables drawn with it are shared (ui.render.styled)
def formats() -> dict[str, Callable[[float], str]]:
    """Forecasts and differences to one decimal (expected values), outcomes whole."""
    out: dict[str, Callable[[float], str]] = {SIZE_COLUMN: formatting.number}
    for _, label in PARTS:
        out[column(label, FORECAST)] = lambda v: formatting.number(v, 1)
        out[column(label, ACTUAL)] = formatting.number
        out[column(label, DIFFERENCE)] = lambda v: formatting.number(v, 1)
    return out
