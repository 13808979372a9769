"""«Dekker planen behovet?» in the management-review pack: the gaps year by year without and with the plan, and
what remains in the last year (kompetanse/figures/gap.py; the same figures as the Behov og dekning page and
`gap --json`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kompetanse.export.pack import Chart, Series, Table, _open, _table
from kompetanse.figures import gap
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed
from kompetanse.storage import store

TITLE = "Dekker planen behovet?"
YEAR = "År"
YEAR_COLUMNS = {
    "competence_gap_without": ("Kompetansegap uten tiltak", "persons"),
    "competence_gap_with": ("Kompetansegap med tiltak", "number"),
    "staffing_gap_without": ("Bemanningsgap uten tiltak", "persons"),
    # what remains after the recruits the plan names: a shown gap less a plan figure, not a count of persons
    "staffing_gap_with": ("Bemanningsgap med tiltak", "number"),
}


@dataclass(frozen=True)
class GapTables:
    years: Table  # per year: the competence and staffing gaps without and with the plan
    remaining: Table  # the requirements the plan leaves unmet in the last year
    staffing: Table  # per profession in the last year
    chart: Chart
    finding: str  # the chart's message in words
    follow_up: Table | None  # what the last closed plan promised by now, beside what happened


def _years_table(report: gap.GapReport, k: int) -> Table:
    totals = gap.yearly_totals(report, k).set_index("year")
    values = totals[list(YEAR_COLUMNS)].astype(object)
    hidden = values.isna() & pd.DataFrame(
        {c: [not report.staffing.empty and y > 0 for y in values.index] for c in YEAR_COLUMNS}, index=values.index
    )
    values = values.where(values.notna(), None)
    source = Suppressed(values=values, hidden=hidden.astype(bool), k=k)
    labels = {YEAR: [gap.year_label(report, y) for y in values.index]}
    return _table("gap_years", "Gap år for år uten og med planens tiltak", source, list(values.index), YEAR_COLUMNS,
                  labels, ("Kompetansegap: manglende innehavere mot kravene. Bemanningsgap: personer som mangler mot "
                           "dagens bemanning hvis ingen rekrutteres utenom planens tiltak.",))


def _remaining_table(report: gap.GapReport, names: dict[str, str], k: int) -> Table:
    frame = gap.competence_table(report, report.years, names, remaining_only=True).reset_index(drop=True)
    columns = {gap.REQUIRED: (gap.REQUIRED, "number"), gap.HOLDERS_NOW: (gap.HOLDERS_NOW, "number"),
               gap.GAP_WITHOUT: (gap.GAP_WITHOUT, "number"), gap.ADDED: (gap.ADDED, "number"),
               gap.GAP_WITH: (gap.GAP_WITH, "number"), gap.PLANNED_COST: (gap.PLANNED_COST, "kroner")}
    values = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    labels = {gap.UNIT: frame[gap.UNIT].tolist(), gap.COMPETENCE: frame[gap.COMPETENCE].tolist(),
              gap.MEASURES: frame[gap.MEASURES].tolist()}
    return _table("gap_remaining", f"Kompetansekrav som ikke er dekket {gap.year_label(report, report.years).lower()}",
                  _open(values, k), list(range(len(frame))), columns, labels,
                  ("Innehavere mot krav vises som på siden Kompetanse.",))


def _staffing_table(report: gap.GapReport, k: int) -> Table:
    source = gap.staffing_table(report, report.years, k)
    rows = list(source.values.index)
    columns = {gap.HEADCOUNT: (gap.HEADCOUNT, "persons"), gap.GAP_WITHOUT: (gap.GAP_WITHOUT, "persons"),
               gap.RECRUITED: (gap.RECRUITED, "number"), gap.GAP_WITH: (gap.GAP_WITH, "number")}
    labels = {gap.PROFESSION: ["I alt" if r == gap.TOTAL else str(r) for r in rows]}
    return _table("gap_staffing", f"Bemanning {gap.year_label(report, report.years).lower()}", source, rows, columns,
                  labels)


def _follow_up_table(db: store.Db, scope: Scope, k: int, names: dict[str, str]) -> Table | None:
    follow_up = gap.follow_up(db, scope, k, names)
    if follow_up is None or follow_up.competence.empty:
        return None
    frame = follow_up.competence.reset_index(drop=True)
    columns = {c: (c, "number") for c in (gap.PROMISED, gap.THEN, gap.NOW)}
    values = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    return _table("gap_follow_up", f"Lovet i planen for {follow_up.plan_year}, og innehavere da og nå",
                  _open(values, k), list(range(len(frame))), columns,
                  {gap.UNIT: frame[gap.UNIT].tolist(), gap.COMPETENCE: frame[gap.COMPETENCE].tolist()})


def _chart(years: Table) -> Chart:
    rows = list(years.rows)
    series = tuple(Series(YEAR_COLUMNS[c][0], years, tuple((r, YEAR_COLUMNS[c][0]) for r in rows))
                   for c in ("competence_gap_without", "competence_gap_with"))
    return Chart(key="gap", title="Manglende innehavere av påkrevd kompetanse",
                 categories=tuple(str(years.values.at[r, YEAR]) for r in rows),
                 category_cells=tuple((r, YEAR) for r in rows), series=series, kind="persons",
                 axis_title="Personer")


def gather_gap(db: store.Db, scope: Scope, k: int, names: dict[str, str]) -> GapTables | None:
    """The pack's gap tables for the scope (default scenario); None where there is nothing to project."""
    report = gap.compute(db, scope)
    if report.empty:
        return None
    years = _years_table(report, k)
    return GapTables(years=years, remaining=_remaining_table(report, names, k), staffing=_staffing_table(report, k),
                     chart=_chart(years), finding=gap.finding(gap.yearly_totals(report, k), report.years),
                     follow_up=_follow_up_table(db, scope, k, names))

