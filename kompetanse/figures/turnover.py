"""The Turnover page's figures (DESIGN.md "Definitions: Turnover").

The key figures and the tables by unit and profession come from metrics.compute (queries/metrics.sql
holds the rule); the rolling trend (queries/turnover_trend.sql) and the leavers by reason
(queries/turnover_reasons.sql) evaluate the same person-level rule, and tests hold them to
metrics.compute. Every figure returned here has passed through suppression.suppress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.figures.rules import END_REASONS
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, hidden_label, suppress
from kompetanse.presentation import formatting
from kompetanse.storage import store

GroupBy = Literal["unit", "profession"]

# The two definitions, as the page labels and explains them (one sentence each).
AVERAGE_LABEL = "Turnover (sluttede / gjennomsnittlig antall ansatte)"
AVERAGE_TEXT = (
    "Personer som sluttet i utvalget de siste 12 månedene, delt på gjennomsnittet av antall ansatte "
    "for ett år siden og nå; vist med og uten dem som gikk av med pensjon."
)
KS_LABEL = "KS-turnover (kohort)"
KS_TEXT = (
    "Av dem som var ansatt i utvalget for ett år siden, andelen som ikke er ansatt i utvalget nå "
    "(KS-metoden, pensjon inkludert)."
)
MOVE_TEXT = (
    "En intern overgang til en enhet utenfor utvalget regnes som en avgang fra utvalget; "
    "flytting mellom enheter innenfor utvalget er ingen avgang."
)

# Rate columns of metrics.sql / turnover_trend.sql and their Norwegian names.
RATE_LABELS: dict[str, str] = {
    "turnover_12m": "Turnover",
    "turnover_12m_excl_retirement": "Turnover uten pensjon",
    "turnover_ks": "KS-turnover",
}
COUNT_LABELS: dict[str, str] = {
    "headcount_year_before": "Ansatte for ett år siden",
    "headcount": "Ansatte nå",
    "leavers_12m": "Sluttet siste 12 mnd",
    "leavers_12m_retirement": "Herav pensjon",
    "cohort_left": "Av kohorten ikke ansatt nå",
}
COUNT_HELP: dict[str, str] = {
    "headcount_year_before": "Personer aktive i utvalget på datoen ett år tidligere (kohorten i KS-turnover).",
    "headcount": "Personer aktive i utvalget på referansedatoen.",
    "leavers_12m": "Personer med et arbeidsforhold i utvalget som sluttet de siste 12 månedene, "
    "og som ikke er ansatt i utvalget på referansedatoen. De som både begynte og sluttet i perioden, teller med.",
    "leavers_12m_retirement": "Av dem som sluttet: de som sluttet med sluttårsak pensjon.",
    "cohort_left": "Av dem som var ansatt for ett år siden: de som ikke er ansatt i utvalget nå.",
}
REASON_NAMES: dict[str, str] = {
    "pensjon": "Pensjon",
    "egen_oppsigelse": "Egen oppsigelse",
    "intern_overgang": "Intern overgang",
    "annet": "Annet",
}
REASON_LABELS: dict[str, str] = {reason: REASON_NAMES[reason] for reason in END_REASONS}  # in the rules' order
UNKNOWN_REASON_LABEL = "Ikke oppgitt"
TOTAL_LABEL = "Totalt"
REASON_COLUMN = "Sluttet"

# Periods the trend can show: label -> years back from the reference date (None: the whole history).
TREND_PERIODS: dict[str, int | None] = {
    "Hele historikken": None,
    "Siste 10 år": 10,
    "Siste 5 år": 5,
    "Siste 3 år": 3,
}

TREND_COUNTS = ["leavers_12m", "leavers_12m_retirement", "headcount_year_before", "cohort_left"]
TREND_SPEC = SuppressionSpec(
    size="headcount", counts=TREND_COUNTS, rates=list(RATE_LABELS),
    # A rate goes with the counts it is computed from (rate x headcount would give a hidden count back).
    derived={
        "turnover_12m": ["leavers_12m", "headcount", "headcount_year_before"],
        "turnover_12m_excl_retirement": ["leavers_12m", "leavers_12m_retirement", "headcount",
                                         "headcount_year_before"],
        "turnover_ks": ["cohort_left", "headcount_year_before"],
    },
)

PERCENT: Callable[[float], str] = formatting.percent
NUMBER: Callable[[float], str] = formatting.number


@dataclass(frozen=True)
class Figure:
    """One key figure as the page shows it: formatted, or "<k" when hidden."""

    key: str
    label: str
    value: str
    help: str
    hidden: bool = False


@dataclass(frozen=True)
class KeyFigures:
    average: list[Figure]  # turnover with and without retirements
    ks: Figure  # KS cohort turnover
    counts: list[Figure]  # the counts behind them
    any_hidden: bool
    empty: bool  # nobody in the scope now or a year earlier, and no leavers


def _figure(row: pd.Series, key: str, label: str, fmt: Callable[[float], str], help_text: str, k: int) -> Figure:
    value = row[key]
    if value is None:
        return Figure(key, label, hidden_label(k), help_text, hidden=True)
    return Figure(key, label, fmt(value), help_text)


@store.shared
def key_figures(db: store.Db, scope: Scope, k: int) -> KeyFigures:
    """Both definitions for the whole scope and the counts behind them, small groups hidden."""
    frame = metrics.compute(db, scope, by=None)
    raw = frame.loc["total"]
    row = metrics.suppressed(frame, k).loc["total"]
    average = [
        _figure(row, "turnover_12m", "Med pensjon", PERCENT,
                "Sluttede siste 12 måneder / gjennomsnittlig antall ansatte (ett år siden og nå).", k),
        _figure(row, "turnover_12m_excl_retirement", "Uten pensjon", PERCENT,
                "Som over, men uten dem som sluttet med sluttårsak pensjon.", k),
    ]
    ks = _figure(row, "turnover_ks", "Andel av kohorten som har sluttet", PERCENT, KS_TEXT, k)
    counts = [_figure(row, key, label, NUMBER, COUNT_HELP[key], k) for key, label in COUNT_LABELS.items()]
    figures = [*average, ks, *counts]
    empty = not (raw["headcount"] or raw["headcount_year_before"] or raw["leavers_12m"])
    return KeyFigures(average, ks, counts, any(f.hidden for f in figures), bool(empty))


# --- The 12-month rolling trend ---------------------------------------------------------------


def trend_start(as_of: date, years: int | None) -> date | None:
    """The earliest point a period asks for (None: the whole history)."""
    if years is None:
        return None
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - years, day=28)


def trend_raw(db: store.Db, scope: Scope, since: date | None = None) -> pd.DataFrame:
    """One row per month back from the reference date: counts and the three rates (unsuppressed).

    Column `point` is the end of each 12-month window; the last point is the reference date.
    """
    filters = {
        "units": list(scope.units) if scope.units is not None else None,
        "professions": list(scope.professions) if scope.professions is not None else None,
        "employment_types": list(scope.employment_types) if scope.employment_types is not None else None,
    }
    # A year of points per query: each point joins the employments of its window, so the whole
    # history at once would hold (points x employments) rows in memory.
    chunks = []
    for years_back in range(MAX_TREND_YEARS):
        chunk_end = _years_before(scope.as_of, years_back)
        chunk_start = _months_before(chunk_end, TREND_CHUNK_MONTHS - 1)
        if since is not None and chunk_end < since:
            break
        params = {**filters, "as_of": chunk_end, "since": max(chunk_start, since) if since else chunk_start}
        chunk = store.run_query(db, "turnover_trend", params)
        chunks.append(chunk)
        if len(chunk) < TREND_CHUNK_MONTHS:  # reached the first recorded leaver (or `since`)
            break
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=["point"])
    frame["point"] = pd.to_datetime(frame["point"]).dt.date
    return frame.sort_values("point").set_index("point", drop=False)


TREND_CHUNK_MONTHS = 12
MAX_TREND_YEARS = 60


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months_before(day: date, months: int) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


@store.shared
def trend(db: store.Db, scope: Scope, k: int, since: date | None = None) -> Suppressed:
    """The trend with small-group rules applied: a point whose headcount is below k has no rates."""
    return suppress(trend_raw(db, scope, since), TREND_SPEC, k)


def trend_start_text(trend_figures: Suppressed, since: date | None) -> str:
    """From when the trend runs, and why there (the caption says it: a half-empty window would look like
    low turnover)."""
    first = min(trend_figures.values["point"])
    window = f"{formatting.day(_years_before(first, 1))}–{formatting.day(first - pd.Timedelta(days=1))}"
    if since is not None and first <= since:
        return f"Første punkt er {formatting.day(first)} (den valgte perioden)."
    return (f"Første punkt er {formatting.day(first)}: den første måneden der hele 12-månedersperioden "
            f"({window}) ligger innenfor dataene, som begynner med de første registrerte sluttdatoene.")


def trend_has_gaps(trend_figures: Suppressed) -> bool:
    return bool(trend_figures.hidden["turnover_12m"].any())


def trend_chart_frame(trend_figures: Suppressed) -> pd.DataFrame:
    """Long form for a line chart: Dato, Definisjon, Andel (None where hidden: a gap), Tekst."""
    values = trend_figures.values
    parts = []
    for column in ("turnover_12m", "turnover_ks"):
        shares = [None if v is None else float(v) for v in values[column]]
        parts.append(pd.DataFrame({
            "Dato": pd.to_datetime(values["point"]),
            "Definisjon": RATE_LABELS[column],
            "Andel": shares,
            "Tekst": [f"{formatting.day(p)}: {formatting.percent(s)}" for p, s in zip(values["point"], shares,
                                                                                        strict=True)],
        }))
    return pd.concat(parts, ignore_index=True)


# --- By unit and by profession ------------------------------------------------------------------

GROUP_LABELS: dict[GroupBy, str] = {"unit": "Enhet", "profession": "Yrkesgruppe"}
GROUP_COLUMNS = [
    "headcount_year_before", "headcount", "leavers_12m", "leavers_12m_retirement", "cohort_left",
    "turnover_12m", "turnover_12m_excl_retirement", "turnover_ks",
]
# Shorter names for the table's columns (so that all fit), with the key figures' help texts.
TABLE_LABELS: dict[str, str] = {
    "headcount_year_before": "Ansatte ett år før",
    "headcount": "Ansatte nå",
    "leavers_12m": "Sluttet 12 mnd",
    "leavers_12m_retirement": "Herav pensjon",
    "cohort_left": "Kohort sluttet",
    "turnover_12m": "Turnover",
    "turnover_12m_excl_retirement": "Uten pensjon",
    "turnover_ks": "KS-turnover",
}
TABLE_HELP: dict[str, str] = {
    **{TABLE_LABELS[c]: COUNT_HELP[c] for c in COUNT_HELP},
    TABLE_LABELS["turnover_12m"]: "Sluttet / gjennomsnittlig antall ansatte (ett år før og nå), pensjon inkludert.",
    TABLE_LABELS["turnover_12m_excl_retirement"]: "Som Turnover, uten dem som sluttet med sluttårsak pensjon.",
    TABLE_LABELS["turnover_ks"]: KS_TEXT,
}
GROUP_FORMATS: dict[str, Callable[[float], str]] = {
    TABLE_LABELS[c]: (PERCENT if c in RATE_LABELS else NUMBER) for c in TABLE_LABELS
}


@store.shared
def by_group(db: store.Db, scope: Scope, by: GroupBy, k: int, names: Mapping[str, str] | None = None) -> Suppressed:
    """Both definitions and their counts per unit or profession, and the total; Norwegian column names.

    Suppressed with metrics' rules (a rate only for groups of at least k persons).
    """
    frame = metrics.compute(db, scope, by=by)
    figures = suppress(frame, metrics.METRICS_SPEC, k)
    names = names or {}
    labels = [
        TOTAL_LABEL if is_total else (names.get(g, g) if by == "unit" else str(g))
        for is_total, g in zip(frame["is_total"], frame[by], strict=True)
    ]
    picked = figures.select(columns=GROUP_COLUMNS, rename=TABLE_LABELS).reindexed(range(len(labels)))
    group = GROUP_LABELS[by]
    for part in (picked.values, picked.hidden, picked.secondary):
        if part is not None:
            part.insert(0, group, labels if part is picked.values else False)
    return picked


def group_chart_frame(group_figures: Suppressed, group: str) -> pd.DataFrame:
    """Long form for a grouped bar chart without the total: hidden rates have height 0 and text "<k"."""
    values = group_figures.values
    rows = values[values[group] != TOTAL_LABEL]
    parts = []
    for column in ("Turnover", "KS-turnover"):
        shown = rows[column]
        parts.append(pd.DataFrame({
            group: rows[group],
            "Definisjon": column,
            "Andel": [0.0 if v is None else float(v) for v in shown],
            "Tekst": [group_figures.label(i, column) if v is None else formatting.percent(v)
                      for i, v in shown.items()],
        }))
    return pd.concat(parts, ignore_index=True)


# --- Leavers by reason ---------------------------------------------------------------------------

REASON_SPEC = SuppressionSpec(size=REASON_COLUMN, total_row=TOTAL_LABEL)


def leavers_by_reason_raw(db: store.Db, scope: Scope) -> pd.Series:
    """Leavers in the 12 months to the reference date per end reason (Norwegian labels), unsuppressed.

    The four reasons always appear (0 where none); leavers without a reason as "Ikke oppgitt".
    """
    params = {key: value for key, value in scope.params().items() if key not in ("retirement_mode", "retirement_age")}
    rows = store.run_query(db, "turnover_reasons", params)
    counts = dict.fromkeys(REASON_LABELS.values(), 0)
    for reason, leavers in zip(rows["end_reason"], rows["leavers"], strict=True):
        label = REASON_LABELS.get(reason, UNKNOWN_REASON_LABEL) if isinstance(reason, str) else UNKNOWN_REASON_LABEL
        counts[label] = counts.get(label, 0) + int(leavers)
    return pd.Series(counts, name=REASON_COLUMN, dtype="int64")


@store.shared
def leavers_by_reason(db: store.Db, scope: Scope, k: int) -> Suppressed:
    """Leavers per reason and the total, counts 1..k-1 shown as "<k" with complementary hiding.

    When the scope itself has fewer than k persons (a small group: no figures in the key figures
    either), all are hidden.
    """
    counts = leavers_by_reason_raw(db, scope)
    frame = pd.DataFrame({REASON_COLUMN: [*counts.tolist(), int(counts.sum())]},
                         index=[*counts.index, TOTAL_LABEL])
    result = suppress(frame, REASON_SPEC, k)
    headcount = metrics.compute(db, scope, by=None).loc["total", "headcount"]
    if k > 1 and headcount < k:
        hidden = pd.DataFrame(True, index=frame.index, columns=frame.columns)
        return Suppressed(values=frame.astype(object).where(~hidden, None), hidden=hidden, k=k)
    return result


def reason_table(reasons: Suppressed) -> Suppressed:
    """The reasons with the reason as a column (for a table without index)."""
    values = reasons.values.rename_axis("Sluttårsak").reset_index()
    hidden = reasons.hidden.rename_axis("Sluttårsak").reset_index()
    hidden["Sluttårsak"] = False
    secondary = None
    if reasons.secondary is not None:
        secondary = reasons.secondary.rename_axis("Sluttårsak").reset_index()
        secondary["Sluttårsak"] = False
    return Suppressed(values=values, hidden=hidden, k=reasons.k, secondary=secondary)


def reason_chart_frame(reasons: Suppressed) -> pd.DataFrame:
    """Bars per reason (no total): hidden counts have height 0 and text "<k"."""
    values = reasons.values.drop(index=TOTAL_LABEL)[REASON_COLUMN]
    return pd.DataFrame({
        "Sluttårsak": values.index,
        "Antall": [0 if v is None else int(v) for v in values],
        "Tekst": [reasons.label(i, REASON_COLUMN) if v is None else formatting.number(v) for i, v in values.items()],
    })


# --- Charts (the page's look is added by ui.render.chart) -------------------------------------------------


def trend_figure(points: pd.DataFrame) -> go.Figure:
    """Both definitions' 12-month rolling turnover over time (trend_chart_frame's points)."""
    fig = px.line(
        points, x="Dato", y="Andel", color="Definisjon", custom_data=["Tekst"],
        labels={"Andel": "Turnover", "Dato": "12 måneder til og med"},
    )
    fig.update_traces(hovertemplate="%{customdata[0]}<extra>%{fullData.name}</extra>", connectgaps=False)
    fig.update_layout(yaxis_tickformat=".0%", legend_title_text="", hovermode="x unified")
    return fig


def group_figure(bars: pd.DataFrame, group: str) -> go.Figure:
    """Both definitions per unit or profession (group_chart_frame's bars), side by side."""
    fig = px.bar(bars, x=group, y="Andel", color="Definisjon", barmode="group", text="Tekst", custom_data=["Tekst"])
    fig.update_traces(textposition="outside", hovertemplate="%{x}: %{customdata[0]}<extra>%{fullData.name}</extra>")
    fig.update_layout(yaxis_tickformat=".0%", yaxis_title="", xaxis_title="", legend_title_text="",
                      yaxis_rangemode="nonnegative")
    return fig


def reasons_figure(chart_frame: pd.DataFrame) -> go.Figure:
    """Leavers per end reason (reason_chart_frame)."""
    fig = px.bar(chart_frame, x="Sluttårsak", y="Antall", text="Tekst", custom_data=["Tekst"])
    fig.update_traces(textposition="outside", hovertemplate="%{x}: %{customdata[0]}<extra></extra>")
    fig.update_layout(yaxis_title="Personer", xaxis_title="", yaxis_rangemode="nonnegative")
    return fig
