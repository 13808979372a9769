"""Yearly versions of the plan: closing a year keeps a snapshot of the goals, the measures with their
costs and the key figures, with the date and who closed it. A version is written once and never
updated (nothing here updates or deletes it), so later edits of the plan leave it as it was.

The comparison sets this year's plan beside an earlier one: measures new, removed and changed (matched
by measure_id, which editing in the app keeps; a changed line lists what changed) and the key figures
then and now. The key figures are the whole organisation's (metrics.compute's total row, stored
unrounded); they pass the small-group rule when shown, like every person count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from kompetanse.figures import metrics, projection
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, suppress
from kompetanse.plan import costs, funding, goals
from kompetanse.presentation import formatting
from kompetanse.storage import store

UNKNOWN_USER = "ukjent"
CURRENT = "current"  # the live plan, in a comparison
CURRENT_LABEL = "Gjeldende plan"

VERSION_MEASURE_COLUMNS = [
    "measure_id", "unit_code", "main_task", "category", "horizon", "need", "measure", "schedule", "hours",
    "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel", "other_cost", "status",
    "responsible", "comment", "funding_source", "funding_applied", "funding_granted", "goal_id",
    "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
]
# What a measure's content is, for "changed": (column, Norwegian label, how a value is shown).
_text: Callable[[Any], str] = lambda v: "" if _missing(v) else str(v)  # noqa: E731
CONTENT: list[tuple[str, str, Callable[[Any], str]]] = [
    ("unit_code", "Enhet", _text),
    ("main_task", "Hovedoppgave", lambda v: costs.MAIN_TASK_LABELS.get(v, _text(v))),
    ("category", "Kategori", lambda v: costs.CATEGORY_LABELS.get(v, _text(v))),
    ("horizon", "Horisont", lambda v: "" if _missing(v) else f"{int(v)} år"),
    ("need", "Behov for kompetanse", _text),
    ("measure", "Tiltak", _text),
    ("schedule", "Framdriftsplan", _text),
    ("cost", "Kostnad", lambda v: formatting.kroner(None if _missing(v) else float(v))),
    ("status", "Status", _text),
    ("responsible", "Ansvarlig", _text),
    ("comment", "Kommentar", _text),
    ("funding_source", "Finansiering", lambda v: "" if _missing(v) else funding.source_label(v)),
    ("funding_applied", "Søkt", lambda v: "" if _missing(v) else formatting.kroner(float(v))),
    ("funding_granted", "Innvilget", lambda v: "" if _missing(v) else formatting.kroner(float(v))),
    ("goal_id", "Mål", _text),
    ("effect_kind", "Effekt", lambda v: {"rekruttering": "Rekruttering", "kompetanse": "Kompetanse"}.get(v, _text(v))),
    ("effect_target", "Effekt gjelder", _text),
    ("effect_count", "Antall personer", lambda v: "" if _missing(v) else formatting.number(float(v))),
    ("effect_unit", "Effekt i enhet", _text),
    ("effect_from", "Effekt fra", lambda v: "" if _missing(v) else formatting.day(pd.Timestamp(v).date())),
]
# The key figures shown then and now: (metrics column, label, format).
FIGURES: list[tuple[str, str, Callable[[float], str]]] = [
    ("headcount", "Ansatte", formatting.number),
    ("fte", "Årsverk", lambda v: formatting.number(v, 1)),
    ("mean_age", "Gjennomsnittsalder", lambda v: formatting.number(v, 1)),
    ("share_60_plus", "Andel 60 år +", formatting.percent),
    ("retiring_within_5y", "Når pensjonsalder innen 5 år", formatting.number),
    ("turnover_12m", "Turnover 12 mnd", formatting.percent),
]
COST_FIGURES: list[tuple[str, str]] = [
    ("planned_cost_1y", "Ettårsplan (kostnad)"), ("planned_cost_5y", "Femårsplan, 5 år med vekst (kostnad)"),
]


class PlanVersionError(ValueError):
    """A year that cannot be closed (message in Norwegian)."""


@dataclass(frozen=True)
class Version:
    version_id: int
    plan_year: int
    as_of: date
    closed_at: datetime
    closed_by: str
    goals: int
    measures: int

    @property
    def label(self) -> str:
        return f"Plan {self.plan_year} (lukket {formatting.day(self.closed_at.date())} av {self.closed_by})"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def versions(db: store.Db) -> list[Version]:
    """The closed versions, oldest first."""
    frame = store.run_query(db, "plan_versions_list")
    out = []
    for row in frame.itertuples():
        closed_at = pd.Timestamp(row.closed_at).to_pydatetime()
        as_of = pd.Timestamp(row.as_of).date()
        out.append(Version(int(row.version_id), int(row.plan_year), as_of, closed_at, str(row.closed_by),
                           int(row.goals), int(row.measures)))
    return out


def key_figures_now(db: store.Db, as_of: date, unit_codes: Sequence[str] | None = None) -> dict[str, float | None]:
    """The key figures of the chosen units (None: the whole organisation) at `as_of` (metrics.compute's total
    row) and their planned costs."""
    units = tuple(unit_codes) if unit_codes is not None else None
    total = metrics.compute(db, Scope(as_of=as_of, units=units), by=None).loc["total"]
    figures: dict[str, float | None] = {}
    for column, value in total.items():
        if column in ("is_total",):
            continue
        figures[str(column)] = None if _missing(value) else float(value)
    all_totals = costs.totals_for(costs.totals(db, units), "total")
    figures["planned_cost_1y"] = float(all_totals["cost_1y"].iloc[0]) if len(all_totals) else 0.0
    figures["planned_cost_5y"] = float(all_totals["cost_5y"].iloc[0]) if len(all_totals) else 0.0
    return figures


def key_figures_then(db: store.Db, version: Version, unit_codes: Sequence[str] | None = None
                     ) -> dict[str, float | None]:
    """A closed version's key figures for the chosen units. A version keeps the whole organisation's figures
    (None: those); for some units they are worked out from the data at the version's date, and the planned
    costs from the version's own measures, so a leader never sees another unit's figures."""
    if unit_codes is None:
        return version_figures(db, version.version_id)
    figures = key_figures_now(db, version.as_of, unit_codes)
    kept = version_measures(db, version.version_id, unit_codes)
    cost = pd.to_numeric(kept["cost"], errors="coerce").fillna(0.0)
    five_years = sum((1 + costs.growth(db)) ** year for year in range(1, 6))
    figures["planned_cost_1y"] = float(cost[kept["horizon"] == 1].sum())
    figures["planned_cost_5y"] = float(cost[kept["horizon"] == 5].sum()) * five_years
    return figures


def close(
    con: duckdb.DuckDBPyConnection,
    plan_year: int,
    *,
    as_of: date,
    closed_by: str | None = None,
    closed_at: datetime | None = None,
) -> Version:
    """Close the plan for `plan_year`: keep the active goals, measures (with costs) and the key figures at
    `as_of`, with the time and who closed it ("ukjent" when nobody is signed in). A year is closed once."""
    current_goals = goals.lines(con)
    current_measures = costs.lines(con, None)
    # The projection's year 1 as it stands today: next year's backtest compares it with what happened.
    figures = {**key_figures_now(con, as_of), **projection.forecast_figures(con, as_of)}
    return write(con, plan_year, as_of=as_of, goals_frame=current_goals, measures_frame=current_measures,
                 figures=figures, closed_by=closed_by, closed_at=closed_at)


def write(
    con: duckdb.DuckDBPyConnection,
    plan_year: int,
    *,
    as_of: date,
    goals_frame: pd.DataFrame,
    measures_frame: pd.DataFrame,
    figures: dict[str, float | None],
    closed_by: str | None = None,
    closed_at: datetime | None = None,
) -> Version:
    """Store one version in one transaction (refused when the year is closed already)."""
    if not 1900 <= plan_year <= 2100:
        raise PlanVersionError(f"Året {plan_year} er ikke et gyldig planår.")
    who = (closed_by or "").strip() or UNKNOWN_USER
    when = (closed_at or datetime.now()).replace(microsecond=0)
    goal_rows = goals_frame.reindex(columns=goals.GOAL_COLUMNS).astype(object)
    goal_rows = goal_rows.where(goal_rows.notna(), None)
    measure_rows = measures_frame.reindex(columns=VERSION_MEASURE_COLUMNS)
    figure_rows = pd.DataFrame({"figure": list(figures), "value": [figures[k] for k in figures]}, dtype=object)
    figure_rows["value"] = pd.to_numeric(figure_rows["value"], errors="coerce").astype(float)
    cursor = con.cursor()
    with store.transaction(cursor):
        row = store.fetch_row(cursor, store.query_text("plan_version_next_id"), {"plan_year": plan_year})
        assert row is not None
        next_id, existing = row
        if existing is not None:
            raise PlanVersionError(
                f"Planen for {plan_year} er allerede lukket. En lukket versjon endres ikke; "
                "velg et annet år."
            )
        version_id = int(next_id)
        cursor.execute(store.query_text("plan_version_insert"), {
            "version_id": version_id, "plan_year": plan_year, "as_of": as_of, "closed_at": when, "closed_by": who,
        })
        for frame, prefix, query in ((goal_rows, "g_", "plan_version_insert_goals"),
                                     (measure_rows, "m_", "plan_version_insert_measures"),
                                     (figure_rows, "f_", "plan_version_insert_figures")):
            cursor.execute(store.query_text(query), {"version_id": version_id, **_lists(frame, prefix)})
    return Version(version_id, plan_year, as_of, when, who, len(goal_rows), len(measure_rows))


def _lists(frame: pd.DataFrame, prefix: str) -> dict[str, list[Any]]:
    """One list per column, named prefix + column (None where a value is missing), for a query's unnest."""
    return {
        f"{prefix}{column}": [None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in frame[column]]
        for column in frame.columns
    }


def version_goals(db: store.Db, version_id: int) -> pd.DataFrame:
    return goals.ordered(store.run_query(db, "plan_version_goals", {"version_id": version_id}))


def version_measures(db: store.Db, version_id: int, unit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    params = {"version_id": version_id, "units": list(unit_codes) if unit_codes is not None else None}
    return store.run_query(db, "plan_version_measures", params)


def version_figures(db: store.Db, version_id: int) -> dict[str, float | None]:
    frame = store.run_query(db, "plan_version_figures", {"version_id": version_id})
    return {str(f): (None if _missing(v) else float(v)) for f, v in zip(frame["figure"], frame["value"], strict=True)}


# --- the comparison ----------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if _missing(a) and _missing(b):
        return True
    if _missing(a) or _missing(b):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.005)
    return str(a).strip() == str(b).strip()


@dataclass(frozen=True)
class Comparison:
    new: pd.DataFrame  # the measures of the newer plan not in the older one
    removed: pd.DataFrame  # the measures of the older plan not in the newer one
    changed: pd.DataFrame  # measure_id, measure (the newer text), changes ("Kostnad: 20 000 kr → 25 000 kr; ...")
    unchanged: int

    @property
    def any(self) -> bool:
        return not (self.new.empty and self.removed.empty and self.changed.empty)


def compare(older: pd.DataFrame, newer: pd.DataFrame) -> Comparison:
    """Measures new, removed and changed between two plans (frames with measure_id and the CONTENT columns)."""
    old = older.set_index(older["measure_id"].astype(int), drop=False)
    new = newer.set_index(newer["measure_id"].astype(int), drop=False)
    added_ids = [i for i in new.index if i not in old.index]
    removed_ids = [i for i in old.index if i not in new.index]
    changed_rows = []
    unchanged = 0
    for measure_id in [i for i in new.index if i in old.index]:
        before, after = old.loc[measure_id], new.loc[measure_id]
        changes = [
            f"{label}: {shown(before.get(column)) or '(tom)'} → {shown(after.get(column)) or '(tom)'}"
            for column, label, shown in CONTENT
            if not _same(before.get(column), after.get(column))
        ]
        if changes:
            changed_rows.append({"measure_id": measure_id, "unit_code": after["unit_code"],
                                 "measure": _title(after), "changes": "; ".join(changes)})
        else:
            unchanged += 1
    return Comparison(
        new=new.loc[added_ids].reset_index(drop=True),
        removed=old.loc[removed_ids].reset_index(drop=True),
        changed=pd.DataFrame(changed_rows, columns=["measure_id", "unit_code", "measure", "changes"]),
        unchanged=unchanged,
    )


def _title(row: pd.Series) -> str:
    for column in ("measure", "need"):
        value = row.get(column)
        if not _missing(value) and str(value).strip():
            return str(value)
    return ""


def measures_list(frame: pd.DataFrame, unit_names: dict[str, str] | None = None) -> pd.DataFrame:
    """New or removed measures as the page lists them."""
    names = unit_names or {}
    return pd.DataFrame({
        "Tiltak nr.": frame["measure_id"].astype(int).to_numpy() if not frame.empty else [],
        "Enhet": [names.get(u, u) for u in frame["unit_code"]],
        "Tiltak": [_title(row) for _, row in frame.iterrows()],
        "Horisont": ["" if _missing(h) else f"{int(h)} år" for h in frame["horizon"]],
        "Kostnad": [formatting.kroner(None if _missing(c) else float(c)) for c in frame["cost"]],
    })


def changes_list(frame: pd.DataFrame, unit_names: dict[str, str] | None = None) -> pd.DataFrame:
    names = unit_names or {}
    return pd.DataFrame({
        "Tiltak nr.": frame["measure_id"].astype(int).to_numpy() if not frame.empty else [],
        "Enhet": [names.get(u, u) for u in frame["unit_code"]],
        "Tiltak": frame["measure"].to_numpy(),
        "Endringer": frame["changes"].to_numpy(),
    })


def figures_then_now(then: dict[str, float | None], now: dict[str, float | None], k: int) -> pd.DataFrame:
    """Key figures then and now, person counts through the small-group rule (metrics.suppressed)."""
    shown_then = _suppressed(then, k)
    shown_now = _suppressed(now, k)
    rows = []
    for column, label, fmt in FIGURES:
        rows.append({"Nøkkeltall": label, "Da": _shown(shown_then, column, fmt, k),
                     "Nå": _shown(shown_now, column, fmt, k)})
    for column, label in COST_FIGURES:
        rows.append({"Nøkkeltall": label, "Da": formatting.kroner(then.get(column)),
                     "Nå": formatting.kroner(now.get(column))})
    return pd.DataFrame(rows, columns=["Nøkkeltall", "Da", "Nå"])


def _suppressed(figures: dict[str, float | None], k: int) -> Suppressed | None:
    """The stored total row through the small-group rule (None when no figures are stored)."""
    if "headcount" not in figures:
        return None
    frame = pd.DataFrame([{c: (float("nan") if v is None else v) for c, v in figures.items()}], index=["total"])
    spec = metrics.METRICS_SPEC
    for column in [spec.size, *spec.counts, *spec.rates, *spec.measures]:
        if column not in frame:
            frame[column] = float("nan")
    return suppress(metrics.with_implicit_parts(frame), spec, k)


def _shown(figures: Suppressed | None, column: str, fmt: Callable[[float], str], k: int) -> str:
    if figures is None or column not in figures.values.columns:
        return "–"
    if bool(figures.hidden.at["total", column]):
        return figures.label("total", column)
    value = figures.values.at["total", column]
    return "–" if _missing(value) else fmt(float(value))


def default_pair(closed: Sequence[Version], current_year: int) -> tuple[int | None, int | str]:
    """The comparison shown first: the newest version from before `current_year` (else the newest) against
    the current plan. Returns (older version id or None, CURRENT)."""
    if not closed:
        return None, CURRENT
    earlier = [v for v in closed if v.plan_year < current_year]
    return (earlier[-1] if earlier else closed[-1]).version_id, CURRENT


def goal_changes(older: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    """Goals whose status changed, came or went between two plans: Nr., Mål, Status før, Status nå."""
    before = {g: s for g, s in zip(older["goal_id"], older["status"], strict=True)}
    rows = []
    for goal_id, title, status in zip(newer["goal_id"], newer["title"], newer["status"], strict=True):
        if goal_id not in before:
            rows.append((goal_id, title, "(nytt mål)", _status_label(status)))
        elif not _same(before[goal_id], status):
            rows.append((goal_id, title, _status_label(before[goal_id]), _status_label(status)))
    for goal_id, title in zip(older["goal_id"], older["title"], strict=True):
        if goal_id not in set(newer["goal_id"]):
            rows.append((goal_id, title, _status_label(before[goal_id]), "(fjernet)"))
    return pd.DataFrame(rows, columns=["Nr.", "Mål", "Status før", "Status nå"])


def _status_label(status: Any) -> str:
    return goals.NOT_ASSESSED if _missing(status) else goals.STATUSES.get(str(status), str(status))


def version_options(closed: Sequence[Version]) -> dict[int | str, str]:
    """Choices for "compare": each version by id, and the current plan."""
    return {**{v.version_id: v.label for v in closed}, CURRENT: CURRENT_LABEL}


def versions_table(closed: Sequence[Version]) -> pd.DataFrame:
    return pd.DataFrame({
        "Planår": [str(v.plan_year) for v in closed],
        "Lukket": [formatting.day(v.closed_at.date()) for v in closed],
        "Lukket av": [v.closed_by for v in closed],
        "Nøkkeltall per": [formatting.day(v.as_of) for v in closed],
        "Mål": [v.goals for v in closed],
        "Tiltak": [v.measures for v in closed],
    })
