"""The Sammenlign enheter page's figures: one row per unit, chosen indicators, ranked and coloured.

An indicator is one entry of INDICATORS: a label, a column of a *source* (a function that
returns suppressed figures per unit code with the scope's total as the row "total"), and how
to format and compare it. Adding an indicator from another part of the plan (competence gaps,
training cost per FTE) is one more entry with its own source; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from kompetanse.figures import competence, metrics
from kompetanse.figures.ages import unit_order
from kompetanse.figures.metrics import METRICS_SPEC, Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, hidden_label, suppress
from kompetanse.plan import costs
from kompetanse.presentation import colours, formatting
from kompetanse.storage import store

Formatter = Callable[[float], str]
Source = Callable[[store.Db, Scope, int], Suppressed]  # index: unit codes and TOTAL

TOTAL = "total"
UNIT = "Enhet"
TOTAL_LABEL = "Utvalget totalt"


def metrics_by_unit(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """metrics.compute per unit with METRICS_SPEC's suppression (the same figures as every other page)."""
    return suppress(metrics.compute(db, scope, by="unit"), METRICS_SPEC, k)


@dataclass(frozen=True)
class Indicator:
    label: str  # shown in the multiselect and as the column header
    column: str  # the column of the source's figures
    fmt: Formatter
    help: str
    # "rate": compared with the scope's total; "sum": a count or sum, compared with the total per unit.
    kind: Literal["rate", "sum"] = "rate"
    source: Source = field(default=metrics_by_unit)
    chart_scale: float = 1.0  # the chart plots value * chart_scale ...
    chart_suffix: str = ""  # ... with this unit on the axis


def gaps_by_unit(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """Missing holders of required competences per unit (not a person count: shown as is; 0 without gaps)."""
    del k
    units_in_scope = metrics.compute(db, scope, by="unit").index
    gaps = competence.gaps_by_unit(db, scope).set_index("unit_code")["gaps"]
    frame = pd.DataFrame({"gaps": gaps.reindex(units_in_scope, fill_value=0).astype(float)})
    frame.loc[TOTAL, "gaps"] = float(gaps.sum())
    return suppress(frame, _AS_IS, 0)


def training_cost_per_fte(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """The one-year plan's cost of each unit's own measures per FTE (hidden for units under k persons)."""
    figures = metrics.compute(db, scope, by="unit")
    cost = costs.cost_per_fte_table(db, scope, k).values.set_index("unit_code")["cost_1y"]
    frame = figures[["headcount", "fte"]].copy()
    frame["cost_1y"] = pd.to_numeric(cost.reindex(frame.index), errors="coerce").fillna(0.0)
    frame.loc[TOTAL, "cost_1y"] = float(pd.to_numeric(cost, errors="coerce").sum())
    frame["cost_per_fte"] = frame["cost_1y"] / frame["fte"].where(frame["fte"] > 0)
    return suppress(frame, _COST_PER_FTE, k)


_COST_PER_FTE = SuppressionSpec(size="headcount", rates=["cost_per_fte"], measures=["fte"])
_AS_IS = SuppressionSpec(size="gaps")


def _decimal(decimals: int) -> Formatter:
    return lambda v: formatting.number(v, decimals)


INDICATORS: list[Indicator] = [
    Indicator("Ansatte", "headcount", formatting.number, "Personer aktive på datoen.", kind="sum"),
    Indicator("Årsverk", "fte", _decimal(1), "Avtalte årsverk: sum stillingsprosent / 100 for aktive arbeidsforhold.",
              kind="sum"),
    Indicator(metrics.FTE_EXCLUDING_LEAVE_LABEL, "fte_excluding_leave", _decimal(1), metrics.FTE_EXCLUDING_LEAVE_HELP,
              kind="sum"),
    Indicator("Gjennomsnittsalder", "mean_age", _decimal(1), "Alder i fylte år, per person."),
    Indicator("Andel 60+", "share_60_plus", formatting.percent, "Andel av de ansatte som er 60 år eller eldre.",
              chart_scale=100, chart_suffix=" %"),
    Indicator("Når pensjonsalder innen 5 år", "retiring_within_5y", formatting.number,
              "Aktive som har nådd forventet pensjonsalder om 5 år (de som alt har passert den, teller med).",
              kind="sum"),
    Indicator("Turnover 12 mnd", "turnover_12m", formatting.percent,
              "Personer som sluttet siste 12 måneder / gjennomsnittlig antall ansatte (pensjon inkludert).",
              chart_scale=100, chart_suffix=" %"),
    Indicator("Kompetansegap", "gaps", formatting.number,
              "Manglende innehavere av påkrevd kompetanse (krav minus gyldige innehavere, summert per enhet).",
              kind="sum", source=gaps_by_unit),
    Indicator("Opplæringskostnad per årsverk", "cost_per_fte", formatting.kroner,
              "Ettårsplanens kostnad for enhetens tiltak delt på årsverkene i enheten og enhetene under den.",
              source=training_cost_per_fte),
]
DEFAULT_LABELS: list[str] = ["Ansatte", "Gjennomsnittsalder", "Andel 60+", "Turnover 12 mnd"]
DEFAULT_CHART_LABEL = "Andel 60+"

COLOUR_NOTE = (
    "Fargen viser avstanden fra utvalget som helhet: oransje over, blå under, sterkere farge jo større "
    "avstand (full farge ved 50 % eller mer). Andeler og snitt sammenlignes med utvalget totalt; antall og "
    "årsverk med utvalgets gjennomsnitt per enhet. Skjulte tall («<5») får ingen farge."
)
ABOVE_RGB, BELOW_RGB = (230, 126, 34), (52, 120, 198)
FULL_COLOUR_AT = 0.5  # relative difference that gets the strongest colour


def labels(db: store.Db | None = None) -> list[str]:
    """The indicators to choose from; given the data, FTE excluding leave only where the export gives leave."""
    without_leave = db is not None and not metrics.leave_given(db)
    return [i.label for i in INDICATORS if not (without_leave and i.column == "fte_excluding_leave")]


def default_chart_index(db: store.Db | None = None) -> int:
    """Where the chart's default indicator sits in labels()."""
    return labels(db).index(DEFAULT_CHART_LABEL)


def indicator(label: str) -> Indicator:
    for item in INDICATORS:
        if item.label == label:
            return item
    raise KeyError(label)


@dataclass(frozen=True)
class CompareTable:
    table: Suppressed  # columns "Enhet" and the chosen labels; index: unit codes, then TOTAL
    relative: pd.DataFrame  # relative difference from the reference, None where hidden or undefined
    reference: dict[str, float | None]  # per label: the value units are compared with (None when hidden)
    formats: dict[str, Formatter]

    @property
    def unit_codes(self) -> list[str]:
        """The units' codes in row order (for a link to a unit's measures)."""
        return [c for c in self.table.values.index if c != TOTAL]

    @property
    def empty(self) -> bool:
        return not self.unit_codes

    def styles(self) -> pd.DataFrame:
        """CSS per cell (Styler.apply(axis=None)): coloured by the relative difference."""
        css = pd.DataFrame("", index=self.table.values.index, columns=self.table.values.columns)
        for column in self.relative.columns:
            css[column] = [cell_colour(v) for v in self.relative[column]]
        return css


def relative_difference(value: float | None, reference: float | None) -> float | None:
    """(value - reference) / |reference|; None when either is unknown or the reference is 0."""
    if value is None or reference is None or pd.isna(value) or pd.isna(reference) or reference == 0:
        return None
    return (float(value) - float(reference)) / abs(float(reference))


def cell_colour(relative: float | None) -> str:
    """Orange above, blue below; the stronger the further away. No colour for None."""
    if relative is None or pd.isna(relative):
        return ""
    strength = min(abs(relative) / FULL_COLOUR_AT, 1.0)
    if strength < 0.02:
        return ""
    r, g, b = ABOVE_RGB if relative > 0 else BELOW_RGB
    return f"background-color: rgba({r}, {g}, {b}, {0.1 + 0.55 * strength:.2f})"


def _reference(item: Indicator, total: object, unit_count: int) -> float | None:
    if total is None or pd.isna(total):
        return None
    if item.kind == "sum":
        return float(total) / unit_count if unit_count else None
    return float(total)


def _sort_key(values: pd.DataFrame, label: str | None, names: dict[str, str]) -> Callable[[str], tuple]:
    # Sorted on the suppressed values only (a hidden cell must not betray its size by its place).
    def key(code: str) -> tuple:
        value = values.at[code, label] if label else None
        shown = value is not None and not pd.isna(value)
        return (0 if shown else 1, -float(value) if shown else 0.0, names.get(code, code).lower())

    return key


def selected_unit(table: CompareTable, rows: Sequence[int]) -> str | None:
    """The unit code of a selected table row (None for no row or the total row)."""
    codes = list(table.table.values.index)
    if not rows or not 0 <= rows[0] < len(codes) or codes[rows[0]] == TOTAL:
        return None
    return str(codes[rows[0]])


@store.shared
def units_table(db: store.Db, scope: Scope, k: int, chosen: Sequence[str]) -> CompareTable:
    """One row per unit with staff on the date (codes as the index), the chosen indicators, and the total.

    Rows are ranked by the first chosen indicator (largest first, hidden last).
    """
    items = [indicator(label) for label in chosen]
    base = metrics_by_unit(db, scope, k)
    raw_headcount = base.values["headcount"]
    staffed = [c for c in base.values.index if c != TOTAL and (base.hidden.at[c, "headcount"] or raw_headcount[c])]
    _, names = unit_order(db)
    values = pd.DataFrame(index=[*staffed, TOTAL])
    hidden = pd.DataFrame(index=values.index)
    secondary = pd.DataFrame(index=values.index)  # hidden only to protect another figure (":")
    values[UNIT] = [TOTAL_LABEL if c == TOTAL else names.get(c, c) for c in values.index]
    hidden[UNIT] = secondary[UNIT] = False
    sources: dict[Source, Suppressed] = {metrics_by_unit: base}
    for item in items:
        if item.source not in sources:
            sources[item.source] = item.source(db, scope, k)
        figures = sources[item.source]
        values[item.label] = figures.values[item.column].reindex(values.index).astype(object)
        hidden[item.label] = figures.hidden[item.column].reindex(values.index, fill_value=True).astype(bool)
        marks = figures.secondary
        protecting = figures.hidden[item.column] & (False if marks is None else marks[item.column])
        secondary[item.label] = protecting.reindex(values.index, fill_value=False).astype(bool)
        values[item.label] = values[item.label].where(~hidden[item.label], None)
    order = sorted(staffed, key=_sort_key(values, items[0].label if items else None, names))
    values, hidden, secondary = values.loc[[*order, TOTAL]], hidden.loc[[*order, TOTAL]], secondary.loc[[*order, TOTAL]]
    reference = {item.label: _reference(item, values.at[TOTAL, item.label], len(staffed)) for item in items}
    relative = pd.DataFrame(
        {
            item.label: [
                None if code == TOTAL else relative_difference(values.at[code, item.label], reference[item.label])
                for code in values.index
            ]
            for item in items
        },
        index=values.index,
        dtype=object,
    )
    return CompareTable(
        table=Suppressed(values=values, hidden=hidden, k=k, secondary=secondary),
        relative=relative,
        reference=reference,
        formats={item.label: item.fmt for item in items},
    )


@dataclass(frozen=True)
class IndicatorChart:
    figure: go.Figure | None  # None when no unit has a value to show
    left_out: list[str]  # names of units whose value is hidden
    note: str | None  # caption: which units are left out and why


@store.shared
def indicator_figure(chart: IndicatorChart) -> go.Figure:
    """The chart's figure, to be given the app's look (its own copy: `chart` is shared by every session)."""
    return go.Figure(chart.figure)


@store.shared
def indicator_chart(db: store.Db, scope: Scope, k: int, label: str) -> IndicatorChart:
    """Bars of one indicator across units (hidden values left out), the reference as a line."""
    item = indicator(label)
    compared = units_table(db, scope, k, [label])
    values = compared.table.values
    codes = compared.unit_codes
    shown = [c for c in codes if values.at[c, label] is not None and not pd.isna(values.at[c, label])]
    left_out = [str(values.at[c, UNIT]) for c in codes if c not in shown]
    note = None
    if left_out:
        note = (
            f"Ikke med i diagrammet ({hidden_label(k)} eller for få ansatte): {', '.join(left_out)}."
        )
    if not shown:
        return IndicatorChart(figure=None, left_out=left_out, note=note)
    shown = list(reversed(shown))  # largest at the top of a horizontal bar chart
    numbers = [float(values.at[c, label]) for c in shown]
    fig = go.Figure(go.Bar(
        y=[str(values.at[c, UNIT]) for c in shown], x=[v * item.chart_scale for v in numbers], orientation="h",
        text=[item.fmt(v) for v in numbers], textposition="outside", cliponaxis=False, marker_color=colours.SINGLE,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    reference = compared.reference[label]
    if reference is not None:
        where = "Utvalget totalt" if item.kind == "rate" else "Utvalget, snitt per enhet"
        fig.add_vline(
            x=reference * item.chart_scale, line_dash="dash", line_color=colours.REFERENCE_LINE,
            annotation_text=f"{where}: {item.fmt(reference)}", annotation_position="top",
        )
    fig.update_layout(
        title=label, height=max(260, 60 + 32 * len(shown)), showlegend=False,
        xaxis={"ticksuffix": item.chart_suffix, "rangemode": "tozero"}, yaxis={"type": "category"},
    )
    return IndicatorChart(figure=fig, left_out=left_out, note=note)
