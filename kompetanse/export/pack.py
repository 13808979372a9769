"""The management-review pack's contents, gathered once for both formats (Excel and PowerPoint).

Every figure comes from the domain modules (metrics, ages, retirement, projection, turnover,
competence, costs, overview) and has passed through kompetanse.figures.suppression before it lands in a
`Table`: a hidden cell holds None and is flagged in `Table.hidden`. The writers (xlsx.py, pptx.py)
only lay the tables and charts out.

Queries run through a memoising runner, so a figure several domain functions need (metrics by unit,
by profession, the unit tree) is fetched once per pack, whatever the number of units.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pandas as pd

from kompetanse.access import access
from kompetanse.figures import ages, backtest, competence, metrics, overview, projection, retirement, turnover
from kompetanse.figures.metrics import METRICS_SPEC, Scope
from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import SECONDARY_LABEL, Suppressed, explain, hidden_label, suppress
from kompetanse.plan import costs
from kompetanse.presentation import formatting
from kompetanse.storage import history, settings, store, units

if TYPE_CHECKING:
    from kompetanse.export.gap_pack import GapTables
    from kompetanse.export.plan_pack import PlanTables

Progress = Callable[[float, str], None]

# How a column's values are written: person counts ("persons") are the ones small-group rules hide.
Kind = Literal["text", "persons", "number", "decimal", "percent", "kroner", "date"]

HEADER = "__header__"  # the row key of a column's heading, in a chart's cell references
TOTAL = "total"  # the row key of total rows
TOTAL_LABEL = "Totalt"
ALL_UNITS_LABEL = "Hele organisasjonen"
ALLOWED_UNITS_LABEL = "Alle enhetene du har tilgang til"
MAX_CHART_SERIES = 12  # units drawn as their own series in the age-band chart; more: the total only
MAX_CHART_CATEGORIES = 20  # units (or professions) along a turnover chart's axis

CODE, UNIT, PROFESSION = "Kode", "Enhet", "Yrkesgruppe"


class ExportError(Exception):
    """A problem the user can act on (message in Norwegian, one line)."""


class UnknownUnit(ExportError):
    def __init__(self, code: str) -> None:
        super().__init__(f"ukjent enhet: {code}")
        self.code = code


class NoAccess(ExportError):
    """The user may not see this unit (said the same way whether the unit exists or not)."""

    def __init__(self, code: str) -> None:
        super().__init__(access.NO_ACCESS_UNIT.format(code=code))
        self.code = code


# --- Tables and charts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as both formats show it: Norwegian column names, None where a figure is hidden."""

    key: str
    title: str
    values: pd.DataFrame  # index: row keys (unit codes, professions, "total"); columns: headings
    hidden: pd.DataFrame  # True where a figure is hidden (shown as "<k", or ":" where `secondary`)
    kinds: dict[str, Kind]  # per column; columns not listed are text
    k: int
    notes: tuple[str, ...] = ()
    secondary: pd.DataFrame | None = None  # True where hidden only to protect another figure (":")

    def __post_init__(self) -> None:
        # Plain Python lookups: a writer reads every cell, and pandas' .at is slow per call.
        object.__setattr__(self, "_row_at", {row: i for i, row in enumerate(self.values.index)})
        object.__setattr__(self, "_column_at", {column: j for j, column in enumerate(self.values.columns)})
        object.__setattr__(self, "_cells", self.values.to_numpy(dtype=object))
        object.__setattr__(self, "_hidden_cells", self.hidden.to_numpy(dtype=bool))
        secondary = self.hidden & False if self.secondary is None else self.secondary.reindex_like(self.hidden)
        object.__setattr__(self, "_secondary_cells", secondary.fillna(False).to_numpy(dtype=bool))

    @property
    def columns(self) -> list[str]:
        return list(self.values.columns)

    @property
    def rows(self) -> list[Hashable]:
        return list(self.values.index)

    @property
    def empty(self) -> bool:
        return not [r for r in self.rows if r != TOTAL]

    @property
    def any_hidden(self) -> bool:
        return bool(self._hidden_cells.any())

    def kind(self, column: str) -> Kind:
        return self.kinds.get(column, "text")

    def is_hidden(self, row: Hashable, column: str) -> bool:
        return bool(self._hidden_cells[self._row_at[row], self._column_at[column]])

    def mark(self, row: Hashable, column: str) -> str:
        """How a hidden cell reads: ":" where hidden only to protect another figure, else "<k"."""
        if self._secondary_cells[self._row_at[row], self._column_at[column]]:
            return SECONDARY_LABEL
        return hidden_label(self.k)

    def value(self, row: Hashable, column: str) -> Any:
        """The figure (None where hidden or missing)."""
        if self.is_hidden(row, column):
            return None
        value = self._cells[self._row_at[row], self._column_at[column]]
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    def text(self, row: Hashable, column: str) -> str:
        """The cell as a reader sees it: Norwegian number formats, "<k" or ":" where hidden, "–" where missing."""
        if self.is_hidden(row, column):
            return self.mark(row, column)
        value = self.value(row, column)
        kind = self.kind(column)
        if value is None:
            return "" if kind == "text" else "–"
        if kind in ("persons", "number"):
            return formatting.number(value)
        if kind == "decimal":
            return formatting.number(value, 1)
        if kind == "percent":
            return formatting.percent(value)
        if kind == "kroner":
            return formatting.kroner(value)
        if kind == "date":
            return formatting.day(value)
        return str(value)


Cell = tuple[Hashable, str]  # (row key, column) in a Table; row HEADER: the column's heading


@dataclass(frozen=True)
class Series:
    label: str
    table: Table
    cells: tuple[Cell, ...]  # one per category

    def values(self, sign: float = 1.0) -> list[float | None]:
        """The figures for a chart; a hidden (or missing) figure is None: no bar, never a number."""
        out: list[float | None] = []
        for row, column in self.cells:
            value = self.table.value(row, column)
            out.append(None if value is None else (sign * float(value) if value else 0.0))
        return out

    @property
    def any_hidden(self) -> bool:
        return any(self.table.is_hidden(r, c) for r, c in self.cells)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    categories: tuple[str, ...]
    category_cells: tuple[Cell, ...]  # where the category names stand (in series[0].table)
    series: tuple[Series, ...]
    kind: Kind  # of the values: persons, percent, kroner
    axis_title: str = ""
    notes: tuple[str, ...] = ()

    @property
    def any_hidden(self) -> bool:
        return any(s.any_hidden for s in self.series)

    @property
    def empty(self) -> bool:
        return not self.series or not self.categories


@dataclass(frozen=True)
class Meta:
    organisation: str
    unit: str | None
    scope_label: str  # "Avdeling for laboratoriemedisin (ALM) med underenheter" or "Hele organisasjonen"
    as_of: date
    data_date: date | None
    k: int
    generated: datetime
    definitions: tuple[tuple[str, str], ...]  # (term, one line)

    @property
    def suppression_text(self) -> str:
        return explain(self.k)

    @property
    def hidden_chart_note(self) -> str:
        return f"{hidden_label(self.k)} vises ikke i diagrammene: tall for små grupper er skjult."


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    change: str


@dataclass(frozen=True)
class Pack:
    meta: Meta
    key_figures: tuple[KeyFigure, ...]
    staff_by_unit: Table
    staff_by_profession: Table
    age_bands: Table
    pyramid: Table
    retiring_by_unit: Table
    retirements_per_year: Table
    need: Table
    turnover_by_unit: Table
    turnover_by_profession: Table
    turnover_totals: tuple[KeyFigure, ...]
    coverage: Table | None  # None: no competence requirements in the data
    measures: Table
    cost_per_year: Table
    cost_by_unit: Table
    cost_totals: tuple[KeyFigure, ...] = ()
    charts: dict[str, Chart] = field(default_factory=dict)
    plan: PlanTables | None = None  # goals, placements, funding, the year-over-year comparison (plan_pack.py)
    backtest: Table | None = None  # last year's forecast beside what happened (None: nobody then or now)
    gap: GapTables | None = None  # does the plan close the gap (gap_pack.py); None: nothing to project


# --- Queries once per pack ---------------------------------------------------------------------


class MemoRunner(store.QueryRunner):
    """Runs each distinct query (SQL text and parameters) once; callers get their own copy."""

    def __init__(self, inner: store.Db) -> None:
        self.inner = inner
        self._results: dict[tuple[str, str], pd.DataFrame] = {}

    @property
    def con(self) -> duckdb.DuckDBPyConnection:  # type: ignore[override]
        return store.connection_of(self.inner)

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        key = (sql, repr(sorted(params.items())))
        if key not in self._results:
            if isinstance(self.inner, store.QueryRunner):
                self._results[key] = self.inner.run(sql, params)
            else:
                self._results[key] = store.run_sql(self.inner, sql, params)
        return self._results[key].copy()


# --- Building the tables -----------------------------------------------------------------------


def _table(
    key: str,
    title: str,
    source: Suppressed,
    rows: Sequence[Hashable],
    columns: dict[str, tuple[str, Kind]],
    labels: dict[str, Sequence[Any]] | None = None,
    notes: Sequence[str] = (),
) -> Table:
    """Pick `rows` and `columns` (source column -> (heading, kind)) of a suppressed frame; text
    columns in `labels` (heading -> one value per row) go first."""
    rows = list(rows)
    values = source.values.loc[rows, list(columns)].rename(columns={c: h for c, (h, _) in columns.items()})
    hidden = source.hidden.loc[rows, list(columns)].rename(columns={c: h for c, (h, _) in columns.items()})
    secondary = (source.secondary if source.secondary is not None else source.hidden & False)
    secondary = secondary.loc[rows, list(columns)].rename(columns={c: h for c, (h, _) in columns.items()})
    for position, (heading, texts) in enumerate((labels or {}).items()):
        values.insert(position, heading, list(texts))
        hidden.insert(position, heading, False)
        secondary.insert(position, heading, False)
    kinds: dict[str, Kind] = {h: kind for h, kind in columns.values()}
    return Table(key, title, values.astype(object), hidden.astype(bool), kinds, source.k, tuple(notes),
                 secondary.astype(bool))


def _ordered(keys: Sequence[Hashable], order: Sequence[str]) -> list[Hashable]:
    position = {code: i for i, code in enumerate(order)}
    members = [key for key in keys if key != TOTAL]
    members.sort(key=lambda c: (position.get(str(c), len(position)), str(c)))
    return [*members, *([TOTAL] if TOTAL in keys else [])]


def _unit_labels(rows: Sequence[Hashable], names: dict[str, str]) -> dict[str, list[str]]:
    return {
        CODE: ["" if r == TOTAL else str(r) for r in rows],
        UNIT: [TOTAL_LABEL if r == TOTAL else names.get(str(r), str(r)) for r in rows],
    }


def _profession_labels(rows: Sequence[Hashable]) -> dict[str, list[str]]:
    return {PROFESSION: [TOTAL_LABEL if r == TOTAL else str(r) for r in rows]}


STAFF_COLUMNS: dict[str, tuple[str, Kind]] = {
    "headcount": ("Ansatte", "persons"),
    "fte": ("Årsverk", "decimal"),
    "mean_age": ("Gjennomsnittsalder", "decimal"),
    "share_60_plus": ("Andel 60 år +", "percent"),
}


def staff_columns(fte_labels: dict[str, str]) -> dict[str, tuple[str, Kind]]:
    """STAFF_COLUMNS with the FTE labelled as metrics.fte_labels says (both agreed FTE where leave is given)."""
    columns: dict[str, tuple[str, Kind]] = {}
    for column, heading in STAFF_COLUMNS.items():
        if column == "fte":
            columns.update({c: (label, "decimal") for c, label in fte_labels.items()})
        else:
            columns[column] = heading
    return columns


RETIRING_COLUMNS: dict[str, tuple[str, Kind]] = {
    "headcount": ("Ansatte", "persons"),
    "retiring_within_1y": ("Når pensjonsalder innen 1 år", "persons"),
    "retiring_within_5y": ("Innen 5 år", "persons"),
    "retiring_within_10y": ("Innen 10 år", "persons"),
    "retiring_within_5y_fte": ("Årsverk innen 5 år", "decimal"),
}
TURNOVER_COLUMNS: dict[str, tuple[str, Kind]] = {
    column: (
        turnover.RATE_LABELS.get(column) or turnover.COUNT_LABELS[column],
        "percent" if column in turnover.RATE_LABELS else "persons",
    )
    for column in turnover.GROUP_COLUMNS
}


def _staffed(frame: pd.DataFrame) -> list[Hashable]:
    keep = frame["is_total"].to_numpy(dtype=bool) | (frame["headcount"].fillna(0).to_numpy() > 0)
    return list(frame.index[keep])


def _with_turnover(frame: pd.DataFrame) -> list[Hashable]:
    """Groups with staff now or a year ago, or with leavers (a unit that closed still had turnover)."""
    activity = frame[["headcount", "headcount_year_before", "leavers_12m"]].fillna(0).to_numpy() > 0
    keep = frame["is_total"].to_numpy(dtype=bool) | activity.any(axis=1)
    return list(frame.index[keep])


def _metrics_tables(
    per_unit: pd.DataFrame, per_profession: pd.DataFrame, k: int, order: list[str], names: dict[str, str],
    staff: dict[str, tuple[str, Kind]] = STAFF_COLUMNS,
) -> dict[str, Table]:
    unit_figures = suppress(per_unit, METRICS_SPEC, k)
    profession_figures = suppress(per_profession, METRICS_SPEC, k)
    unit_rows = _ordered(_staffed(per_unit), order)
    profession_rows = [*sorted((p for p in _staffed(per_profession) if p != TOTAL), key=str.lower), TOTAL]
    unit_turnover_rows = _ordered(_with_turnover(per_unit), order)
    profession_turnover_rows = [
        *sorted((p for p in _with_turnover(per_profession) if p != TOTAL), key=str.lower), TOTAL
    ]
    shared_note = (ages.SHARED_POSITIONS_NOTE,)
    turnover_notes = (f"{turnover.AVERAGE_LABEL}: {turnover.AVERAGE_TEXT}", f"{turnover.KS_LABEL}: {turnover.KS_TEXT}",
                      turnover.MOVE_TEXT)
    return {
        "staff_by_unit": _table(
            "staff_by_unit", "Ansatte og årsverk per enhet", unit_figures, unit_rows, staff,
            _unit_labels(unit_rows, names), shared_note,
        ),
        "staff_by_profession": _table(
            "staff_by_profession", "Ansatte og årsverk per yrkesgruppe", profession_figures, profession_rows,
            staff, _profession_labels(profession_rows),
        ),
        "retiring_by_unit": _table(
            "retiring_by_unit", "Når pensjonsalder innen 1, 5 og 10 år, per enhet", unit_figures, unit_rows,
            RETIRING_COLUMNS, _unit_labels(unit_rows, names),
            ("Aktive som har nådd forventet pensjonsalder innen 1, 5 og 10 år etter referansedatoen; "
             "de som alt har passert den, teller med.",),
        ),
        "turnover_by_unit": _table(
            "turnover_by_unit", "Turnover per enhet", unit_figures, unit_turnover_rows, TURNOVER_COLUMNS,
            _unit_labels(unit_turnover_rows, names), turnover_notes,
        ),
        "turnover_by_profession": _table(
            "turnover_by_profession", "Turnover per yrkesgruppe", profession_figures, profession_turnover_rows,
            TURNOVER_COLUMNS, _profession_labels(profession_turnover_rows), turnover_notes,
        ),
    }


def _age_tables(db: store.Db, scope: Scope, k: int) -> tuple[Table, Table]:
    bands = ages.bands_table(db, scope, k)
    rows = list(bands.table.values.index)
    columns: dict[str, tuple[str, Kind]] = {b: (b, "persons") for b in AGE_BAND_LABELS}
    columns[ages.TOTAL_LABEL] = (TOTAL_LABEL, "persons")
    names = dict(zip(rows, bands.table.values[ages.UNIT], strict=True))
    notes = (ages.SHARED_POSITIONS_NOTE,) if bands.shared_persons else ()
    band_table = _table(
        "age_bands", "Aldersfordeling per enhet (antall personer)", bands.table, rows, columns,
        _unit_labels(rows, {str(r): str(n) for r, n in names.items()}), notes,
    )
    counts = ages.pyramid(db, scope, k)
    pyramid_rows = [*AGE_BAND_LABELS, ages.TOTAL]
    pyramid_table = _table(
        "pyramid", "Alderspyramide: kvinner og menn per aldersgruppe", counts, pyramid_rows,
        {ages.WOMEN: (ages.WOMEN, "persons"), ages.MEN: (ages.MEN, "persons"),
         ages.UNKNOWN: (ages.UNKNOWN, "persons"), ages.PERSONS: ("I alt", "persons")},
        {"Alder": [TOTAL_LABEL if r == ages.TOTAL else r for r in pyramid_rows]},
    )
    return band_table, pyramid_table


def _retirement_tables(db: store.Db, scope: Scope, k: int) -> tuple[Table, Table]:
    years = retirement.year_table(db, scope, k).persons
    rows = list(years.values.index)
    keys = [TOTAL if r == retirement.TOTAL else r for r in rows]
    columns: dict[str, tuple[str, Kind]] = {c: (c, "persons") for c in years.values.columns}
    spans = "; ".join(f"år {n}: {retirement.year_span(scope.as_of, n)}" for n in (1, retirement.YEARS))
    per_year = _table(
        "retirements_per_year", "Når pensjonsalder per år, per yrkesgruppe (forventet pensjonsalder)",
        _rekey(years, keys), keys, columns, _profession_labels(keys),
        (f"År n er de 12 månedene etter referansedatoen + (n - 1) år ({spans}).",),
    )
    scenario = projection.Scenario()
    projected = projection.project(
        projection.population(db, scope), projection.measured_turnover(db, scope), projection.exit_rates(db), scenario
    )
    parts = projection.components_table(projected, k)
    part_rows = list(parts.values.index)
    part_keys = [TOTAL if r == projection.TOTAL else r for r in part_rows]
    need = _table(
        "need", "Erstatningsbehov per år (personer)", _rekey(parts, part_keys), part_keys,
        {c: (c, "persons") for c in parts.values.columns if c != projection.SIZE_COLUMN},
        {"År": ["Sum 10 år" if r == TOTAL else str(r) for r in part_keys]},
        ("Behov = forventet pensjonering (forventet pensjonsalder) + annen turnover (målt turnover uten pensjon "
         "siste 12 måneder) × ansatte + vekst (0 %). Forventede verdier, avrundet til hele personer.",),
    )
    return per_year, need


def _backtest_table(db: store.Db, scope: Scope, k: int) -> Table | None:
    """Last year's forecast (the default scenario, as the need table) beside what happened since."""
    check = backtest.compute(db, scope, projection.Scenario(), k)
    if check.empty:
        return None
    rows = list(check.table.values.index)
    keys = [TOTAL if r == backtest.TOTAL else r for r in rows]
    kinds: dict[str, Kind] = {backtest.SIZE_COLUMN: "persons"}
    for _, label in backtest.PARTS:
        kinds[backtest.column(label, backtest.FORECAST)] = "decimal"
        kinds[backtest.column(label, backtest.ACTUAL)] = "persons"
        kinds[backtest.column(label, backtest.DIFFERENCE)] = "decimal"
    return _table(
        "backtest", f"Prognosen for {formatting.day(check.then)} mot det som skjedde, per yrkesgruppe",
        _rekey(check.table, keys), keys, {c: (c, kind) for c, kind in kinds.items()}, _profession_labels(keys),
        (check.caption,),
    )


def _rekey(source: Suppressed, keys: Sequence[Hashable]) -> Suppressed:
    return source.reindexed(keys)


def _coverage_table(db: store.Db, scope: Scope, k: int, order: list[str],
                    names: dict[str, str]) -> Table | None:
    """Requirement coverage per unit and competence, as the Kompetanse page shows it.

    How many hold a competence a unit requires is an operational figure, not a characteristic of
    persons (DESIGN.md "Small groups"): it is shown as it is, like the page's coverage matrix."""
    frame = competence.coverage(db, scope)
    if frame.empty:
        return None
    shown = _open(frame, k)
    position = {code: i for i, code in enumerate(order)}
    keys = zip(frame.index, frame["unit_code"], frame["competence"].astype(str).str.lower(), strict=True)
    ordered = [i for i, *_ in sorted(keys, key=lambda t: (position.get(t[1], len(position)), t[1], t[2]))]
    gaps = frame["gap"].to_dict()
    status = {i: competence.STATUS_GAP if gaps[i] > 0 else competence.STATUS_MET for i in ordered}
    codes = frame.loc[ordered, "unit_code"].tolist()
    return _table(
        "coverage", "Kompetansedekning: krav og innehavere per enhet", shown, ordered,
        {"min_holders": ("Krav", "number"), "holders": ("Innehavere", "number"), "gap": ("Mangler", "number")},
        {CODE: codes, UNIT: [names.get(c, c) for c in codes],
         "Kompetanse": frame.loc[ordered, "competence"].tolist(), "Status": [status[i] for i in ordered]},
        ("Innehavere: aktive i enheten med gyldig kompetanse på referansedatoen. Mangler = krav - innehavere "
         "(minst 0). Kompetansedekning er et driftstall og vises som på Kompetanse-siden.",),
    )


def _open(frame: pd.DataFrame, k: int) -> Suppressed:
    """A table with nothing to hide: costs and plan texts are not figures about persons (as on the Tiltak page)."""
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    return Suppressed(values=frame.astype(object), hidden=hidden, k=k)


def _cost_tables(db: store.Db, scope: Scope, k: int, order: list[str], names: dict[str, str]
                 ) -> tuple[Table, Table, Table, tuple[KeyFigure, ...]]:
    lines = costs.lines(db, scope.units)
    lines = lines.loc[_ordered_lines(lines, order)]
    frame = pd.DataFrame({
        "horizon": [costs.HORIZON_LABELS.get(int(h), str(h)) for h in lines["horizon"]],
        "cost": lines["cost"].astype(float),
    }, index=lines.index)
    measures = _table(
        "measures", "Tiltak i planen", _open(frame, k), list(lines.index),
        {"horizon": ("Horisont", "text"), "cost": ("Kostnad (ettår) / per år (femår)", "kroner")},
        {CODE: list(lines["unit_code"]), UNIT: [names.get(u, u) for u in lines["unit_code"]],
         "Hovedoppgave": [costs.MAIN_TASK_LABELS.get(t, t) for t in lines["main_task"]],
         "Kategori": [costs.CATEGORY_LABELS.get(c, c) for c in lines["category"]],
         "Behov for kompetanse": list(lines["need"].fillna("")), "Tiltak": list(lines["measure"].fillna("")),
         "Framdriftsplan": list(lines["schedule"].fillna("")), "Status": list(lines["status"].fillna("")),
         "Kommentar": list(lines["comment"].fillna(""))},
        ("Kostnad per tiltak = timesats × deltakere × timer × ganger + dagsats × dager + kursavgift + reise "
         "+ andre kostnader. Kostnader er ikke personopplysninger og vises uten skjuling.",),
    )
    per_year = costs.by_year(db, scope.units)
    wide = per_year.pivot_table(index="plan_year", columns="category", values="cost", aggfunc="sum").fillna(0.0)
    wide = wide.reindex(columns=list(costs.CATEGORY_LABELS), fill_value=0.0)
    wide["sum"] = wide.sum(axis=1)
    base = scope.as_of.year
    year_rows = list(wide.index)
    cost_columns: dict[str, tuple[str, Kind]] = {c: (costs.CATEGORY_LABELS[c], "kroner") for c in costs.CATEGORY_LABELS}
    cost_columns["sum"] = ("Sum", "kroner")
    cost_per_year = _table(
        "cost_per_year", "Kostnad per planår", _open(wide, k), year_rows, cost_columns,
        {"Planår": [costs.plan_year_label(int(y), base) for y in year_rows]},
        (f"Femårsplanens år k koster årskostnaden × (1 + vekst)^k; vekst {formatting.percent(costs.growth(db))} "
         "per år (pris- og lønnsvekst).",),
    )
    all_totals = costs.totals(db, scope.units)
    totals = costs.totals_for(all_totals, "unit")
    overall = costs.totals_for(all_totals, "total").iloc[0]
    cost_totals = (
        KeyFigure("Ettårsplan", formatting.kroner(overall["cost_1y"]), ""),
        KeyFigure("Femårsplan, 5 år med vekst", formatting.kroner(overall["cost_5y"]), ""),
    )
    unit_rows = _ordered([str(u) for u in totals.index], order)
    by_unit = totals.set_axis([str(u) for u in totals.index])[["cost_1y", "cost_5y"]].astype(float)
    cost_by_unit = _table(
        "cost_by_unit", "Kostnad per enhet", _open(by_unit, k), unit_rows,
        {"cost_1y": ("Ettårsplan", "kroner"), "cost_5y": ("Femårsplan (5 år med vekst)", "kroner")},
        _unit_labels(unit_rows, names),
    )
    return measures, cost_per_year, cost_by_unit, cost_totals


def _ordered_lines(lines: pd.DataFrame, order: list[str]) -> list[Hashable]:
    """The plan's lines by unit (in tree order), horizon, main task, category and entry order."""
    position = {code: i for i, code in enumerate(order)}
    keys = zip(lines.index, lines["unit_code"], lines["horizon"], lines["main_task"], lines["category"],
               lines["measure_id"], strict=True)
    ranked = sorted(keys, key=lambda t: (position.get(t[1], len(position)), int(t[2]), str(t[3]), str(t[4]),
                                         int(t[5])))
    return [t[0] for t in ranked]


# --- Charts ------------------------------------------------------------------------------------


def _age_band_chart(table: Table) -> Chart:
    unit_rows = [r for r in table.rows if r != TOTAL]
    series_rows = unit_rows if len(unit_rows) <= MAX_CHART_SERIES else [TOTAL]
    notes = () if series_rows is unit_rows else (
        f"Utvalget har {len(unit_rows)} enheter; diagrammet viser totalen. Se tabellen for hver enhet.",)
    return Chart(
        key="age_bands", title="Aldersfordeling per enhet",
        categories=tuple(AGE_BAND_LABELS), category_cells=tuple((HEADER, b) for b in AGE_BAND_LABELS),
        series=tuple(
            Series(str(table.values.at[r, UNIT]), table, tuple((r, b) for b in AGE_BAND_LABELS)) for r in series_rows
        ),
        kind="persons", axis_title="Personer", notes=notes,
    )


def _pyramid_chart(table: Table) -> Chart:
    return Chart(
        key="pyramid", title="Alderspyramide",
        categories=tuple(AGE_BAND_LABELS), category_cells=tuple((b, "Alder") for b in AGE_BAND_LABELS),
        series=tuple(
            Series(column, table, tuple((b, column) for b in AGE_BAND_LABELS)) for column in (ages.WOMEN, ages.MEN)
        ),
        kind="persons", axis_title="Personer",
    )


YEAR_CHART_COLUMNS = [retirement.year_label(n) for n in range(1, retirement.YEARS + 1)]


def _retirement_chart(table: Table) -> Chart:
    return Chart(
        key="retirements_per_year", title="Når pensjonsalder per år",
        categories=tuple(YEAR_CHART_COLUMNS), category_cells=tuple((HEADER, c) for c in YEAR_CHART_COLUMNS),
        series=(Series("Når pensjonsalder", table, tuple((TOTAL, c) for c in YEAR_CHART_COLUMNS)),),
        kind="persons", axis_title="Personer",
    )


def _retirement_and_need_chart(years: Table, need: Table) -> Chart:
    need_rows = [r for r in need.rows if r != TOTAL]
    need_column = projection.COMPONENT_LABELS["need"]
    return Chart(
        key="retirement_and_need", title="Pensjonering og erstatningsbehov per år",
        categories=tuple(YEAR_CHART_COLUMNS), category_cells=tuple((HEADER, c) for c in YEAR_CHART_COLUMNS),
        series=(
            Series("Når pensjonsalder", years, tuple((TOTAL, c) for c in YEAR_CHART_COLUMNS)),
            Series("Erstatningsbehov i alt", need, tuple((r, need_column) for r in need_rows)),
        ),
        kind="persons", axis_title="Personer",
    )


def _turnover_chart(by_unit: Table, by_profession: Table) -> Chart | None:
    for table, label in ((by_unit, UNIT), (by_profession, PROFESSION)):
        rows = [r for r in table.rows if r != TOTAL]
        if 0 < len(rows) <= MAX_CHART_CATEGORIES:
            columns = [turnover.RATE_LABELS["turnover_12m"], turnover.RATE_LABELS["turnover_ks"]]
            return Chart(
                key="turnover", title=f"Turnover siste 12 måneder per {label.lower()}",
                categories=tuple(str(table.values.at[r, label]) for r in rows),
                category_cells=tuple((r, label) for r in rows),
                series=tuple(Series(c, table, tuple((r, c) for r in rows)) for c in columns),
                kind="percent", axis_title="Andel",
            )
    return None


def _cost_chart(table: Table) -> Chart:
    rows = list(table.rows)
    columns = [costs.CATEGORY_LABELS[c] for c in costs.CATEGORY_LABELS]
    return Chart(
        key="cost_per_year", title="Kostnad per planår",
        categories=tuple(str(table.values.at[r, "Planår"]) for r in rows),
        category_cells=tuple((r, "Planår") for r in rows),
        series=tuple(Series(c, table, tuple((r, c) for r in rows)) for c in columns),
        kind="kroner", axis_title="Kroner",
    )


# --- The pack ----------------------------------------------------------------------------------


def definitions(k: int) -> tuple[tuple[str, str], ...]:
    """Each definition of DESIGN.md in one line, as the front sheet and the definitions slide print them."""
    return (
        ("Ansatte", "Personer aktive på referansedatoen (startdato på eller før datoen, og ingen sluttdato eller "
                    "sluttdato på eller etter den); en person med to stillinger telles én gang i hver enhet og én "
                    "gang i totalen."),
        ("Årsverk", "Summen av stillingsprosent / 100 for aktive arbeidsforhold."),
        ("Alder", "Fylte år på referansedatoen; aldersgrupper " + ", ".join(AGE_BAND_LABELS) + "."),
        ("Pensjon", "Aktive som har nådd forventet pensjonsalder (per yrkesgruppe: 67 år, 65 for "
                    "særaldersgrense) innen 1, 5 og 10 år; de som alt har passert den, teller med."),
        (turnover.AVERAGE_LABEL, turnover.AVERAGE_TEXT),
        (turnover.KS_LABEL, turnover.KS_TEXT),
        ("Erstatningsbehov", "Forventet pensjonering + annen turnover × ansatte + vekst, per år i 10 år."),
        ("Kompetansedekning", "Innehavere med gyldig kompetanse på datoen mot kravet; mangler = krav - innehavere."),
        ("Kostnad per tiltak", "Timesats × deltakere × timer × ganger + dagsats × dager + kursavgift + reise "
                               "+ andre kostnader; femårsplanen regnes opp med pris- og lønnsvekst."),
        ("Små grupper", explain(k)),
    )


def scope_for(
    db: store.Db, unit: str | None, as_of: date | None, allowed: tuple[str, ...] | None = None
) -> tuple[Scope, str, date | None]:
    """The pack's scope (the unit and every unit under it, within `allowed`), its label and the data date.

    `allowed` is the user's allowed unit codes (None: all): a unit outside them raises NoAccess
    (whether it exists or not), and the whole-organisation pack covers the allowed units only.
    """
    tree = units.tree(db)
    data_date = history.data_date(store.connection_of(db))
    day = as_of or data_date or date.today()
    viewer = access.Access(user=None, role=None if allowed is None else "leder", allowed_units=allowed)
    if unit is not None and not viewer.may_see_unit(unit):
        raise NoAccess(unit)
    if unit is None:
        if allowed is None:
            return Scope(as_of=day), ALL_UNITS_LABEL, data_date
        return Scope(as_of=day, units=access.scope_units(tree, [], viewer)), ALLOWED_UNITS_LABEL, data_date
    if unit not in set(tree["unit_code"]):
        raise UnknownUnit(unit)
    name = dict(zip(tree["unit_code"], tree["unit_name"], strict=True)).get(unit, unit)
    subtree = access.scope_units(tree, [unit], viewer)
    label = f"{name} ({unit})" + (" med underenheter" if len(subtree or ()) > 1 else "")
    return Scope(as_of=day, units=subtree), label, data_date


def _key_figures(db: store.Db, scope: Scope, k: int) -> tuple[KeyFigure, ...]:
    return tuple(KeyFigure(f.label, f.value, f.delta or "") for f in overview.key_figures(db, scope, k))


def _turnover_totals(db: store.Db, scope: Scope, k: int) -> tuple[KeyFigure, ...]:
    figures = turnover.key_figures(db, scope, k)
    rows = [
        KeyFigure(f"{turnover.AVERAGE_LABEL}, {f.label.lower()}", f.value, "") for f in figures.average
    ]
    rows.append(KeyFigure(turnover.KS_LABEL, figures.ks.value, ""))
    return tuple(rows)


def gather(
    db: store.Db,
    unit: str | None,
    as_of: date | None,
    progress: Progress | None = None,
    allowed: tuple[str, ...] | None = None,
) -> Pack:
    """Every table and chart of the pack, each figure computed once and passed through suppression.

    `allowed`: the user's allowed unit codes (None: all); every figure is limited to them."""
    step = _stepper(progress, 9)
    memo = db if isinstance(db, MemoRunner) else MemoRunner(db)
    con = store.connection_of(memo)
    step("Leser enhetene")
    scope, scope_label, data_date = scope_for(memo, unit, as_of, allowed)
    k = settings.min_group_size(con)
    order, names = ages.unit_order(memo)
    meta = Meta(
        organisation=settings.get(con, "organisation_name"), unit=unit, scope_label=scope_label,
        as_of=scope.as_of, data_date=data_date, k=k, generated=datetime.now().replace(microsecond=0),
        definitions=definitions(k),
    )
    step("Regner ut nøkkeltall per enhet og yrkesgruppe")
    per_unit = metrics.compute(memo, scope, by="unit")
    per_profession = metrics.compute(memo, scope, by="profession")
    tables = _metrics_tables(per_unit, per_profession, k, order, names, staff_columns(metrics.fte_labels(memo)))
    step("Nøkkeltall")
    key_figures = _key_figures(memo, scope, k)
    turnover_totals = _turnover_totals(memo, scope, k)
    step("Aldersfordeling")
    age_bands, pyramid = _age_tables(memo, scope, k)
    step("Pensjon og erstatningsbehov")
    per_year, need = _retirement_tables(memo, scope, k)
    forecast_check = _backtest_table(memo, scope, k)
    step("Kompetanse")
    coverage = _coverage_table(memo, scope, k, order, names)
    step("Tiltak og kostnader")
    measures, cost_per_year, cost_by_unit, cost_totals = _cost_tables(memo, scope, k, order, names)
    step("Diagrammer")
    charts = {
        "age_bands": _age_band_chart(age_bands),
        "pyramid": _pyramid_chart(pyramid),
        "retirements_per_year": _retirement_chart(per_year),
        "retirement_and_need": _retirement_and_need_chart(per_year, need),
        "cost_per_year": _cost_chart(cost_per_year),
    }
    turnover_chart = _turnover_chart(tables["turnover_by_unit"], tables["turnover_by_profession"])
    if turnover_chart is not None:
        charts["turnover"] = turnover_chart
    from kompetanse.export import plan_pack  # it builds on this module's Table and Chart

    plan = plan_pack.gather_plan(memo, scope, k, names)
    from kompetanse.export import gap_pack

    gap = gap_pack.gather_gap(memo, scope, k, names)
    step("Tabellene er klare")
    return Pack(
        meta=meta, key_figures=key_figures, age_bands=age_bands, pyramid=pyramid,
        retirements_per_year=per_year, need=need, turnover_totals=turnover_totals, coverage=coverage,
        measures=measures, cost_per_year=cost_per_year, cost_by_unit=cost_by_unit, cost_totals=cost_totals,
        charts=charts, plan=plan, backtest=forecast_check, gap=gap, **tables,
    )


def _stepper(progress: Progress | None, steps: int) -> Callable[[str], None]:
    done = [0]

    def step(text: str) -> None:
        if progress is not None:
            progress(min(done[0] / steps, 1.0), text)
        done[0] += 1

    return step

