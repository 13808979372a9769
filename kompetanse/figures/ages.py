"""The Alder page's figures: age pyramid, age bands per unit (chart and table), ages per profession.

Every figure comes from SQL (queries/age_pyramid.sql, queries/metrics.sql via metrics.compute)
and is passed through suppression.suppress before it is drawn; the charts built here never
draw a bar for a hidden count (they show the hidden label as text instead).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kompetanse.figures import metrics
from kompetanse.figures.metrics import BAND_COLUMN_LABELS, BAND_COLUMNS, METRICS_SPEC, Scope
from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, hidden_label, suppress
from kompetanse.presentation import colours, formatting
from kompetanse.storage import store, units

Formatter = Callable[[float], str]

TOTAL = "total"  # index label of total rows
TOTAL_LABEL = "Totalt"
UNIT = "Enhet"
PROFESSION = "Yrkesgruppe"
WOMEN, MEN, UNKNOWN, PERSONS, SCOPE_SIZE = "Kvinner", "Menn", "Ukjent kjønn", "Personer", "scope_size"
WOMEN_COLOUR, MEN_COLOUR, BAND_COLOUR = colours.WOMEN, colours.MEN, colours.SINGLE

# The pyramid: rows are the bands and the total; a band's women, men and unknown add up to its
# persons, and the bands add up to the total row. The group is the whole scope (scope_size).
PYRAMID_SPEC = SuppressionSpec(
    size=SCOPE_SIZE,
    counts=[WOMEN, MEN, UNKNOWN, PERSONS],
    row_sums=[(PERSONS, [WOMEN, MEN, UNKNOWN])],
    total_row=TOTAL,
)

# The plans' table: units x bands with the unit's persons in "Totalt" (DESIGN.md "Small groups").
BANDS_SPEC = SuppressionSpec(
    size=TOTAL_LABEL,
    counts=AGE_BAND_LABELS,
    row_sums=[(TOTAL_LABEL, AGE_BAND_LABELS)],
    total_row=TOTAL,
)
BAND_FORMATS: dict[str, Formatter] = {label: formatting.number for label in [*AGE_BAND_LABELS, TOTAL_LABEL]}

MEAN_AGE, SHARE_60 = "Gjennomsnittsalder", "Andel 60 år +"
PROFESSION_FORMATS: dict[str, Formatter] = {
    "Ansatte": formatting.number,
    MEAN_AGE: lambda v: formatting.number(v, 1),
    SHARE_60: formatting.percent,
}

SHARED_POSITIONS_NOTE = (
    "Noen personer har stilling i flere enheter. De telles med i hver enhet, men bare én gang i "
    "totalraden, som derfor ikke er summen av radene over."
)


def unit_order(db: store.Db) -> tuple[list[str], dict[str, str]]:
    """Unit codes in the tree's depth-first order (the order the plans list units in), and their names."""
    tree = units.tree(db)
    return units.ordered_for_display(tree), dict(zip(tree["unit_code"], tree["unit_name"], strict=True))


# --- Age pyramid -------------------------------------------------------------------------------


def pyramid_counts(db: store.Db, scope: Scope) -> pd.DataFrame:
    """Persons active at the scope's date per band (rows, and a total row) and gender (columns)."""
    params = {key: value for key, value in scope.params().items() if key in _PYRAMID_PARAMS}
    rows = store.run_query(db, "age_pyramid", params)
    gender = rows["gender"].map({"K": WOMEN, "M": MEN}).fillna(UNKNOWN)
    table = (
        rows.assign(column=gender)
        .pivot_table(index="band", columns="column", values="persons", aggfunc="sum", fill_value=0)
        .reindex(index=AGE_BAND_LABELS, columns=[WOMEN, MEN, UNKNOWN], fill_value=0)
        .astype(int)
    )
    table[PERSONS] = table[[WOMEN, MEN, UNKNOWN]].sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    table[SCOPE_SIZE] = int(table.at[TOTAL, PERSONS])
    table.index.name = None
    table.columns.name = None
    return table


_PYRAMID_PARAMS = ("as_of", "units", "professions", "employment_types")


@store.shared
def pyramid(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """The pyramid's counts with small groups hidden."""
    return suppress(pyramid_counts(db, scope), PYRAMID_SPEC, k)


def is_empty(suppressed: Suppressed) -> bool:
    """Nobody in the scope on the date."""
    return suppressed.values.at[TOTAL, SCOPE_SIZE] == 0


def is_small(suppressed: Suppressed) -> bool:
    """The whole scope is a small group: no figure about it can be shown."""
    return bool(suppressed.hidden.at[TOTAL, SCOPE_SIZE])


def unknown_gender_note(suppressed: Suppressed) -> str | None:
    """A caption for the persons left out of the pyramid because their gender is unknown."""
    if suppressed.hidden.at[TOTAL, UNKNOWN]:
        count, noun = hidden_label(suppressed.k), "personer"
    else:
        value = suppressed.values.at[TOTAL, UNKNOWN]
        if not value:
            return None
        count, noun = formatting.number(value), "person" if value == 1 else "personer"
    return f"{count} {noun} med ukjent kjønn er ikke med i pyramiden."


def _label(suppressed: Suppressed, row: str, column: str) -> str:
    if suppressed.hidden.at[row, column]:
        return suppressed.label(row, column)
    return formatting.number(suppressed.values.at[row, column])


def _nice_step(largest: float) -> int:
    if largest <= 0:
        return 1
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1, int(factor * magnitude))
    return int(10 * magnitude)


def pyramid_figure(suppressed: Suppressed) -> go.Figure:
    """Women to the left, men to the right; a hidden count has no bar, only its "<k" label."""
    fig = go.Figure()
    largest = 0.0
    for column, sign, colour in ((WOMEN, -1, WOMEN_COLOUR), (MEN, 1, MEN_COLOUR)):
        shown = [b for b in AGE_BAND_LABELS if not suppressed.hidden.at[b, column]]
        hidden = [b for b in AGE_BAND_LABELS if suppressed.hidden.at[b, column]]
        values = [float(suppressed.values.at[b, column]) for b in shown]
        largest = max([largest, *values])
        fig.add_trace(go.Bar(
            name=column, y=shown, x=[sign * v for v in values], orientation="h", marker_color=colour,
            text=[formatting.number(v) for v in values], textposition="outside", cliponaxis=False,
            hovertemplate=f"{column}, %{{y}}: %{{text}}<extra></extra>",
        ))
        if hidden:
            fig.add_trace(go.Scatter(
                y=hidden, x=[0] * len(hidden), mode="text", showlegend=False,
                text=[f" {suppressed.label(b, column)} " for b in hidden],
                textposition="middle left" if sign < 0 else "middle right",
                textfont={"color": colour}, hovertemplate=f"{column}, %{{y}}: %{{text}}<extra></extra>",
            ))
    step = _nice_step(largest)
    reach = step * (math.ceil(largest * 1.15 / step) if largest else 1)
    ticks = list(range(-reach, reach + 1, step))
    fig.update_layout(
        barmode="overlay", bargap=0.1, height=420, legend={"orientation": "h", "y": -0.15},
        xaxis={"range": [-reach * 1.1, reach * 1.1], "tickvals": ticks,
               "ticktext": [formatting.number(abs(t)) for t in ticks], "title": "Personer"},
        yaxis={"categoryorder": "array", "categoryarray": AGE_BAND_LABELS, "type": "category",
               "range": [-0.5, len(AGE_BAND_LABELS) - 0.5], "title": "Alder"},
    )
    return fig


# --- Age bands per unit -------------------------------------------------------------------------


@dataclass(frozen=True)
class BandsTable:
    table: Suppressed  # columns "Enhet", the bands, "Totalt"; index unit codes and "total"
    shared_persons: bool  # some persons hold positions in several units (the total is not the column sum)

    @property
    def empty(self) -> bool:
        return len(self.table.values.index) <= 1


def _bands_frame(per_unit: pd.DataFrame, names: Mapping[str, str], order: list[str]) -> pd.DataFrame:
    frame = per_unit[[*BAND_COLUMNS, "headcount"]].rename(columns={**BAND_COLUMN_LABELS, "headcount": TOTAL_LABEL})
    frame.insert(0, UNIT, [TOTAL_LABEL if label == TOTAL else names.get(label, label) for label in frame.index])
    position = {code: i for i, code in enumerate(order)}
    rows = sorted((c for c in frame.index if c != TOTAL), key=lambda c: (position.get(c, len(position)), c))
    return frame.loc[[*rows, TOTAL]]


@store.shared
def bands_table(db: store.Db, scope: Scope, k: int) -> BandsTable:
    """Units x age bands with each unit's persons, and a total row counting each person once.

    The figures are metrics.compute's (by unit); suppression runs over every unit row the
    query returns before units without staff on the date are left out of the table.
    """
    per_unit = metrics.compute(db, scope, by="unit")
    order, names = unit_order(db)
    frame = _bands_frame(per_unit, names, order)
    result = suppress(frame, BANDS_SPEC, k)
    staffed = [label for label in frame.index if label == TOTAL or frame.at[label, TOTAL_LABEL] > 0]
    unit_rows = [label for label in staffed if label != TOTAL]
    shared = int(frame.loc[unit_rows, TOTAL_LABEL].sum()) > int(frame.at[TOTAL, TOTAL_LABEL])
    return BandsTable(
        table=result.select(staffed),
        shared_persons=shared,
    )


def _panel_title(table: Suppressed, unit: str) -> str:
    name = table.values.at[unit, UNIT]
    return f"{name} ({_label(table, unit, TOTAL_LABEL)})"


MAX_PANELS = 24  # more panels than this are unreadable (and slow to draw): the largest units are drawn


def panel_units(bands: BandsTable, max_panels: int = MAX_PANELS) -> list[str]:
    """The units drawn as panels: all of them, or the `max_panels` with the most persons (table order kept)."""
    table = bands.table
    unit_rows = [label for label in table.values.index if label != TOTAL]
    if len(unit_rows) <= max_panels:
        return unit_rows
    sizes = pd.to_numeric(table.values.loc[unit_rows, TOTAL_LABEL], errors="coerce").fillna(0)
    largest = set(sizes.sort_values(ascending=False, kind="stable").index[:max_panels])
    return [u for u in unit_rows if u in largest]


def panels_note(bands: BandsTable, max_panels: int = MAX_PANELS) -> str | None:
    """Says so when not every unit has a panel."""
    units_in_table = len(bands.table.values.index) - 1
    if units_in_table <= max_panels:
        return None
    return (f"Diagrammet viser de {max_panels} største av {units_in_table} enheter; tabellen under har alle. "
            "Velg enheter i menyen for å se andre.")


def bands_figure(bands: BandsTable, columns: int = 3) -> go.Figure:
    """One panel per unit (shared y-axis): bars per band; hidden counts get a "<k" label, no bar.

    A unit too small to show anything gets an empty panel whose title says "<k".
    """
    table = bands.table
    unit_rows = panel_units(bands)
    count = max(len(unit_rows), 1)
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    fig = make_subplots(
        rows=rows, cols=columns, shared_yaxes="all", shared_xaxes=False,
        subplot_titles=[_panel_title(table, u) for u in unit_rows],
        vertical_spacing=min(0.3, 90 / (250 * rows)), horizontal_spacing=0.04,
    )
    for i, unit in enumerate(unit_rows):
        row, col = i // columns + 1, i % columns + 1
        hidden = table.hidden.loc[unit, AGE_BAND_LABELS]
        whole_unit_hidden = bool(hidden.all() and table.hidden.at[unit, TOTAL_LABEL])
        shown = [b for b in AGE_BAND_LABELS if not hidden[b]]
        values = [float(table.values.at[unit, b]) for b in shown]
        fig.add_trace(go.Bar(
            x=shown, y=values, marker_color=BAND_COLOUR, showlegend=False,
            text=[formatting.number(v) for v in values], textposition="outside", cliponaxis=False,
            hovertemplate=f"{table.values.at[unit, UNIT]}, %{{x}}: %{{text}}<extra></extra>",
        ), row=row, col=col)
        hidden_bands = [b for b in AGE_BAND_LABELS if hidden[b]]
        if hidden_bands and not whole_unit_hidden:
            fig.add_trace(go.Scatter(
                x=hidden_bands, y=[0] * len(hidden_bands), mode="text",
                text=[table.label(unit, b) for b in hidden_bands],
                textposition="top center", showlegend=False, hoverinfo="skip",
            ), row=row, col=col)
        fig.update_xaxes(
            type="category", categoryorder="array", categoryarray=AGE_BAND_LABELS,
            range=[-0.5, len(AGE_BAND_LABELS) - 0.5], row=row, col=col,
        )
    largest = pd.to_numeric(table.values.loc[unit_rows, AGE_BAND_LABELS].stack(), errors="coerce").max()
    top = (float(largest) if pd.notna(largest) and largest > 0 else 1.0) * 1.25
    fig.update_yaxes(range=[0, top], rangemode="tozero")
    fig.update_annotations(font_size=13)
    fig.update_layout(height=max(300, 250 * rows), bargap=0.15)
    return fig


# --- Ages per profession -------------------------------------------------------------------------


@store.shared
def profession_table(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """Persons, mean age and share 60+ per profession, and the total; METRICS_SPEC's suppression."""
    figures = metrics.compute(db, scope, by="profession")
    result = suppress(figures, METRICS_SPEC, k)
    staffed = [label for label in figures.index if label == TOTAL or figures.at[label, "headcount"] > 0]
    staffed = [*sorted((p for p in staffed if p != TOTAL), key=str.lower), TOTAL]
    columns = {"headcount": "Ansatte", "mean_age": MEAN_AGE, "share_60_plus": SHARE_60}
    picked = result.select(staffed, list(columns), rename=columns)
    values, hidden, secondary = picked.values, picked.hidden, picked.secondary
    values.insert(0, PROFESSION, [TOTAL_LABEL if p == TOTAL else p for p in staffed])
    hidden.insert(0, PROFESSION, False)
    if secondary is not None:
        secondary.insert(0, PROFESSION, False)
    return Suppressed(values=values, hidden=hidden, k=k, secondary=secondary)
