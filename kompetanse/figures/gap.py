"""Does the plan close the gap? Supply year by year, before and after the plan's measures.

Year k (k = 1..Y, Y = 5 by default) ends on d + k years, d being the reference date; year 0 is d itself.

Competence, per unit and required competence:
- holders without the plan (k) = today's valid holders still there at the end of year k: they have not reached
  their retirement age (the year it is reached is max(retirement age + shift - age at d, 1), as on Pensjon og
  rekruttering) nor the upper age limit, and the holding is still valid on d + k years (a certificate that
  lapses before then is lost);
- added (k) = persons the plan's measures give the competence in that unit, effective by d + k years;
- gap = max(0, min_holders - holders), without and with the plan.

Staffing, per profession (group):
- target (k) = headcount at d x (1 + growth)^k: today's staffing with the scenario's growth;
- exits (k) = the expected exits of today's staff through year k (the scenario of Pensjon og rekruttering at
  today's staffing level: its retirements plus other leavers, or the exit rates);
- gap without the plan (k) = max(0, target (k) - (headcount at d - exits (k))): with nobody recruited;
- recruited (k) = persons the recruitment measures bring in, effective by d + k years;
- gap with the plan (k) = max(0, gap without (k) - recruited (k)).
Whole persons: the staffing figures are expected values, rounded once, so the page, the pack and the command
line show the same numbers; the small-group rule applies to them (they describe people leaving), while holders
against a requirement are operational figures and are shown as on the Kompetanse page (DESIGN.md "Small groups").

A measure's effect counts from the year its date falls in (blank or past: year 1); those it recruits or qualifies
are assumed to stay for the horizon (what the plan promises, not a forecast of them). Cost: a measure's planned
cost over its horizon (the planned_cost macro); cost per person = planned cost / persons; cost per closed gap =
the planned cost of the measures aimed at a gap / how much of that gap they close in the chosen year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from kompetanse.figures import competence, projection
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed, SuppressionSpec, suppress
from kompetanse.plan import costs, plan_versions
from kompetanse.presentation import formatting
from kompetanse.storage import store

YEARS = 5
KIND_LABELS: dict[str, str] = {"rekruttering": "Rekruttering", "kompetanse": "Kompetanse"}
TOTAL = "I alt"

# The columns of the tables a reader sees (page and pack).
UNIT, COMPETENCE, PROFESSION = "Enhet", "Kompetanse", "Yrkesgruppe"
REQUIRED, HOLDERS_NOW, HEADCOUNT = "Krav", "Har nå", "Ansatte nå"
GAP_WITHOUT, ADDED, RECRUITED, GAP_WITH = "Gap uten tiltak", "Tiltak gir", "Rekruttert av planen", "Gap med tiltak"
MEASURES, PLANNED_COST, COST_PER_CLOSED = "Tiltak", "Planlagt kostnad", "Kostnad per lukket gap"
# How the page's tables read their numbers.
COMPETENCE_FORMATS = {ADDED: formatting.number, GAP_WITH: formatting.number, PLANNED_COST: formatting.kroner,
                      COST_PER_CLOSED: formatting.kroner}
STAFFING_FORMATS = {column: formatting.number for column in (HEADCOUNT, GAP_WITHOUT, RECRUITED, GAP_WITH)}
MEASURE_FORMATS = {"Personer": formatting.number, "Planlagt kostnad": formatting.kroner,
                   "Kostnad per person": formatting.kroner}


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def _as_date(value: object) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else pd.Timestamp(str(value)).date()


def effect_year(effective_from: object, as_of: date, years: int = YEARS) -> int:
    """The first year whose end (d + k years) is on or after the effect's date; blank or past: 1; later: Y + 1."""
    start = _as_date(effective_from)
    if start is None:
        return 1
    for k in range(1, years + 1):
        if start <= years_after(as_of, k):
            return k
    return years + 1


def lapse_year(expires: object, as_of: date, years: int = YEARS) -> int:
    """The first year at whose end a holding is no longer valid (it expired before d + k years); never: Y + 1."""
    until = _as_date(expires)
    if until is None:
        return years + 1
    for k in range(1, years + 1):
        if until < years_after(as_of, k):
            return k
    return years + 1


def limit_year(limit_date: object, as_of: date, years: int = YEARS) -> int:
    """The year in which the upper age limit is reached (already past on d: year 1); never in the horizon: Y + 1.

    The limit caps every chosen retirement age (DESIGN.md "Retirement"), the scenario's shift included."""
    day = _as_date(limit_date)
    if day is None:
        return years + 1
    for k in range(1, years + 1):
        if day <= years_after(as_of, k):
            return k
    return years + 1


def _key(text: object) -> str:
    """How competences and professions are matched: case and surrounding spaces do not matter (as in SQL)."""
    return " ".join(str(text).split()).lower()


def _effects_by_year(effects: pd.DataFrame, kind: str, as_of: date, years: int) -> pd.DataFrame:
    """(unit, target key, year, persons) of the effects of one kind, cumulative: persons effective by year k."""
    part = effects[effects["effect_kind"] == kind]
    rows = []
    for unit, target, count, start in part[["effect_unit", "effect_target", "effect_count", "effect_from"]].itertuples(
        index=False
    ):
        first = effect_year(start, as_of, years)
        for k in range(first, years + 1):
            rows.append((unit, _key(target), k, float(count or 0)))
    frame = pd.DataFrame(rows, columns=["unit_code", "key", "year", "persons"])
    return frame.groupby(["unit_code", "key", "year"], as_index=False)["persons"].sum()


# --- Competence ----------------------------------------------------------------------------------


def competence_supply(
    coverage: pd.DataFrame, holders: pd.DataFrame, effects: pd.DataFrame, as_of: date, shift: int = 0,
    years: int = YEARS,
) -> pd.DataFrame:
    """Per unit, required competence and year 0..Y: min_holders, holders_without, added, holders_with, gaps.

    `coverage`: unit_code, competence, min_holders, holders (competence.coverage); `holders`: one row per holder
    with age, retirement_age and expires_date (competence.holders); `effects`: measure_effects.
    """
    limits = holders["limit_date"] if "limit_date" in holders else pd.Series(None, index=holders.index, dtype=object)
    # A holder is lost in the first year any of the three is reached: retirement, a lapsed holding, the upper limit.
    leaves = np.minimum.reduce([
        np.maximum(holders["retirement_age"].to_numpy(dtype=float) + shift - holders["age"].to_numpy(dtype=float), 1),
        _per_distinct(holders["expires_date"], lambda e: lapse_year(e, as_of, years)),
        _per_distinct(limits, lambda d: limit_year(d, as_of, years)),
    ])
    staying = pd.DataFrame({
        "unit_code": holders["unit_code"].to_numpy(dtype=object),
        "key": [_key(c) for c in holders["competence"]],
        **{k: leaves > k for k in range(1, years + 1)},
    })
    grouped = staying.groupby(["unit_code", "key"]).sum()
    # (unit, key) -> holders left at the end of years 1..Y
    still_there = dict(zip(grouped.index, grouped.to_numpy().tolist(), strict=True))
    added = _effects_by_year(effects, "kompetanse", as_of, years)
    added_at = {(u, c, k): p for u, c, k, p in added.itertuples(index=False)}
    rows = []
    for unit, name, minimum, now in coverage[["unit_code", "competence", "min_holders", "holders"]].itertuples(
        index=False
    ):
        key = _key(name)
        counts = still_there.get((unit, key))
        for k in range(0, years + 1):
            without = int(now) if k == 0 else (0 if counts is None else int(counts[k - 1]))
            plus = 0.0 if k == 0 else added_at.get((unit, key, k), 0.0)
            rows.append((unit, name, k, int(minimum), without, plus, without + plus))
    frame = pd.DataFrame(
        rows, columns=["unit_code", "competence", "year", "min_holders", "holders_without", "added", "holders_with"]
    )
    frame["gap_without"] = (frame["min_holders"] - frame["holders_without"]).clip(lower=0)
    frame["gap_with"] = (frame["min_holders"] - frame["holders_with"]).clip(lower=0)
    return frame


def _per_distinct(values: pd.Series, year_of: Callable[[object], int]) -> np.ndarray:
    """year_of for every value, computed once per distinct value (many holders share a date or none)."""
    plain = [None if _blank(value) else value for value in values.to_numpy(dtype=object)]
    years = {value: year_of(value) for value in set(plain)}
    return np.array([years[value] for value in plain], dtype=float)


# --- Staffing ------------------------------------------------------------------------------------


def staffing_supply(
    exits_projection: pd.DataFrame, growth: float, effects: pd.DataFrame, as_of: date, units: set[str] | None,
    years: int = YEARS,
) -> pd.DataFrame:
    """Per profession and year 1..Y: headcount, target, exits, gap_without, recruited, gap_with (whole persons).

    `exits_projection`: projection.project at today's staffing (no growth): headcount_start, retirements,
    other_leavers per profession and year. Recruitment effects outside `units` (None: all) do not count.
    """
    recruits = _effects_by_year(effects, "rekruttering", as_of, years)
    if units is not None:
        recruits = recruits[recruits["unit_code"].isin(units)]
    recruited_at = recruits.groupby(["key", "year"])["persons"].sum().to_dict()
    frame = exits_projection[exits_projection["year"] <= years].copy()
    frame["exits"] = frame["retirements"] + frame["other_leavers"]
    heads = frame.groupby("profession")["headcount_start"].first()
    names = {_key(p): p for p in heads.index}
    for key in sorted({k for k, _ in recruited_at} - set(names)):  # recruited into a profession not there today
        names[key] = next(t for t in effects["effect_target"] if _key(t) == key)
    rows = []
    for key, profession in names.items():
        part = frame[frame["profession"] == profession].set_index("year")
        headcount = float(heads.get(profession, 0.0))
        cumulative = part["exits"].cumsum() if not part.empty else pd.Series(dtype=float)
        for k in range(1, years + 1):
            target = headcount * (1 + growth) ** k
            exits = float(cumulative.get(k, 0.0))
            without = max(0.0, target - (headcount - exits))
            recruited = float(recruited_at.get((key, k), 0.0))
            rows.append((profession, k, headcount, target, exits, without, recruited))
    out = pd.DataFrame(
        rows, columns=["profession", "year", "headcount", "target", "exits", "gap_without", "recruited"]
    )
    for column in ("headcount", "target", "exits", "gap_without", "recruited"):
        out[column] = out[column].round(0).astype(int)
    out["gap_with"] = (out["gap_without"] - out["recruited"]).clip(lower=0)
    return out.sort_values(["profession", "year"], key=lambda s: s.map(_key) if s.name == "profession" else s)


# --- Measures ------------------------------------------------------------------------------------


def measure_effects(db: store.Db, units: tuple[str, ...] | None) -> pd.DataFrame:
    """The measures that state an effect in the chosen units, with their planned cost over the horizon."""
    params = {"units": list(units) if units is not None else None, "growth": costs.growth(db)}
    frame = store.run_query(db, "measures_effects", params)
    count = frame["effect_count"].astype(float)
    frame["cost_per_person"] = (frame["planned_cost"] / count).where(count > 0)
    return frame


# --- The whole picture ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GapReport:
    as_of: date
    years: int
    growth: float
    competence: pd.DataFrame  # competence_supply
    staffing: pd.DataFrame  # staffing_supply
    measures: pd.DataFrame  # measure_effects, with effect_year

    @property
    def empty(self) -> bool:
        return self.competence.empty and self.staffing.empty


@store.shared
def compute(db: store.Db, scope: Scope, scenario: projection.Scenario | None = None, years: int = YEARS) -> GapReport:
    """Supply, gaps and the measures behind them for the scope, year by year over `years`."""
    chosen = scenario or projection.Scenario()
    effects = measure_effects(db, scope.units)
    effects["effect_year"] = [effect_year(e, scope.as_of, years) for e in effects["effect_from"]]
    coverage = competence.coverage(db, scope)
    holders = competence.holders(db, scope)
    competence_rows = competence_supply(coverage, holders, effects, scope.as_of, chosen.age_shift, years)
    population = projection.population(db, scope)
    at_today = replace(chosen, growth=0.0, years=years)
    exits = _no_exits() if population.empty else projection.project(
        population, projection.measured_turnover(db, scope), projection.exit_rates(db), at_today
    )
    units = None if scope.units is None else set(scope.units)
    staffing_rows = staffing_supply(exits, chosen.growth, effects, scope.as_of, units, years)
    return GapReport(scope.as_of, years, chosen.growth, competence_rows, staffing_rows, effects)


def _no_exits() -> pd.DataFrame:
    return pd.DataFrame(columns=["profession", "year", "headcount_start", "retirements", "other_leavers"])


# --- What a reader sees --------------------------------------------------------------------------


def _measures_for(report: GapReport, kind: str) -> dict[tuple[str, str], pd.DataFrame]:
    part = report.measures[report.measures["effect_kind"] == kind]
    unit_column = "effect_unit" if kind == "kompetanse" else None
    groups: dict[tuple[str, str], pd.DataFrame] = {}
    for _, row in part.iterrows():
        unit = str(row[unit_column]) if unit_column else ""
        groups.setdefault((unit, _key(row["effect_target"])), []).append(row)  # type: ignore[arg-type]
    return {key: pd.DataFrame(rows) for key, rows in groups.items()}


def _cost_per_closed(cost: float, closed: float) -> float | None:
    return cost / closed if closed > 0 and cost > 0 else None


def competence_table(
    report: GapReport, year: int, unit_names: Mapping[str, str] | None = None, remaining_only: bool = False
) -> pd.DataFrame:
    """One row per unit and required competence in `year`: requirement, holders now, gaps, measures and cost.

    `unit_names` shows units by name; `remaining_only` keeps the requirements the plan leaves unmet."""
    part = report.competence[report.competence["year"] == year]
    now = report.competence[report.competence["year"] == 0].set_index(["unit_code", "competence"])["holders_without"]
    measures = _measures_for(report, "kompetanse")
    rows = []
    for row in part.itertuples(index=False):
        aimed = measures.get((str(row.unit_code), _key(row.competence)))
        cost = float(aimed["planned_cost"].sum()) if aimed is not None else 0.0
        closed = float(row.gap_without - row.gap_with)
        if remaining_only and row.gap_with <= 0:
            continue
        rows.append({
            UNIT: (unit_names or {}).get(row.unit_code, row.unit_code), COMPETENCE: row.competence,
            REQUIRED: int(row.min_holders),
            HOLDERS_NOW: int(now[(row.unit_code, row.competence)]), GAP_WITHOUT: int(row.gap_without),
            ADDED: float(row.added), GAP_WITH: float(row.gap_with),
            MEASURES: "; ".join(aimed["measure"].astype(str)) if aimed is not None else "",
            PLANNED_COST: cost if aimed is not None else None, COST_PER_CLOSED: _cost_per_closed(cost, closed),
        })
    columns = [UNIT, COMPETENCE, REQUIRED, HOLDERS_NOW, GAP_WITHOUT, ADDED, GAP_WITH, MEASURES, PLANNED_COST,
               COST_PER_CLOSED]
    return pd.DataFrame(rows, columns=columns)


MEASURE_LABELS = {
    "measure": "Tiltak", "effect_unit": "Enhet", "effect_kind": "Effekt", "effect_target": "Gjelder",
    "effect_count": "Personer", "effect_from": "Fra", "planned_cost": PLANNED_COST,
    "cost_per_person": "Kostnad per person",
}


def measures_table(report: GapReport, unit_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The measures with an effect as a reader sees them: Norwegian headings, units by name, dates as dd.mm.yyyy."""
    names = unit_names or {}
    frame = report.measures.assign(
        effect_kind=report.measures["effect_kind"].map(KIND_LABELS),
        effect_unit=[names.get(u, u) for u in report.measures["effect_unit"]],
        effect_from=[d.strftime("%d.%m.%Y") if (d := _as_date(v)) else "–" for v in report.measures["effect_from"]],
    )
    return frame[list(MEASURE_LABELS)].rename(columns=MEASURE_LABELS)


def staffing_table(report: GapReport, year: int, k: int) -> Suppressed:
    """One row per profession (and the total) in `year`; the small-group rule applied.

    The gap without the plan counts people leaving, so it is hidden like any count; the gap with the plan is
    hidden wherever the gap without it is (with the recruits beside it, it would give that back), and its total
    wherever any part of it is hidden.
    """
    part = report.staffing[report.staffing["year"] == year].set_index("profession")
    table = pd.DataFrame({
        HEADCOUNT: part["headcount"].astype(int),
        GAP_WITHOUT: part["gap_without"].astype(int),
        RECRUITED: part["recruited"].astype(int),
        GAP_WITH: part["gap_with"].astype(int),
    })
    table.index.name = PROFESSION
    table.loc[TOTAL] = table.sum(axis=0)
    spec = SuppressionSpec(size=HEADCOUNT, counts=[GAP_WITHOUT], total_row=TOTAL)
    shown = suppress(table, spec, k)
    hidden = shown.hidden.copy()
    nobody = table[HEADCOUNT] == 0  # recruited into a profession not there today: no person to protect
    hidden.loc[nobody, [GAP_WITHOUT, GAP_WITH]] = False
    hidden[GAP_WITH] = hidden[GAP_WITHOUT]  # beside the recruits, the gap with the plan gives the gap without back
    # A hidden member without recruits has the same gap with the plan as without, so the totals add nothing; one
    # with recruits would show how its hidden gap compares with them: then the total is hidden too.
    members = [p for p in hidden.index if p != TOTAL]
    if (hidden.loc[members, GAP_WITH] & (table.loc[members, RECRUITED] > 0)).any():
        hidden.loc[TOTAL, GAP_WITH] = True
    values = table.astype(object).where(~hidden, None)
    return Suppressed(values=values, hidden=hidden, k=k)


def yearly_totals(report: GapReport, k: int) -> pd.DataFrame:
    """Per year 0..Y: the competence gaps summed over the requirements, and the staffing gaps (None where hidden)."""
    by_year = report.competence.groupby("year")[["gap_without", "gap_with"]].sum()
    rows = []
    for year in range(0, report.years + 1):
        row: dict[str, object] = {
            "year": year,
            "competence_gap_without": int(by_year["gap_without"].get(year, 0)),
            "competence_gap_with": float(by_year["gap_with"].get(year, 0.0)),
            "staffing_gap_without": None, "staffing_gap_with": None,
        }
        if year > 0 and not report.staffing.empty:
            table = staffing_table(report, year, k)
            row["staffing_gap_without"] = table.values.loc[TOTAL, GAP_WITHOUT]
            row["staffing_gap_with"] = table.values.loc[TOTAL, GAP_WITH]
        elif year == 0 and not report.staffing.empty:
            row["staffing_gap_without"] = row["staffing_gap_with"] = 0
        rows.append(row)
    return pd.DataFrame(rows)


def year_label(report: GapReport, year: int) -> str:
    """"I dag" for year 0, else "Om 3 år (01.12.2026)"."""
    if year == 0:
        return "I dag"
    return f"Om {year} år ({years_after(report.as_of, year).strftime('%d.%m.%Y')})"


def finding(totals: pd.DataFrame, years: int) -> str:
    """The chart's message in words: the competence gaps in the last year without and with the plan."""
    last = totals[totals["year"] == years].iloc[0]
    without, with_plan = int(last["competence_gap_without"]), round(float(last["competence_gap_with"]))
    if without == 0:
        return f"Uten nye tiltak er alle kompetansekravene dekket om {years} år."
    closed = without - with_plan
    text = (f"Om {years} år mangler {without} personer med påkrevd kompetanse uten tiltak; "
            f"planens tiltak dekker {closed} av dem")
    return text + (", så ingen gap gjenstår." if with_plan == 0 else f", og {with_plan} gjenstår.")


def staffing_finding(totals: pd.DataFrame, years: int) -> str:
    """The staffing chart's message in words (a hidden total: said so, never guessed)."""
    last = totals[totals["year"] == years].iloc[0]
    without, with_plan = last["staffing_gap_without"], last["staffing_gap_with"]
    if without is None or pd.isna(without):
        return f"Bemanningsgapet om {years} år er skjult for å verne små grupper."
    text = f"Om {years} år mangler {int(without)} personer mot dagens bemanning hvis ingen rekrutteres"
    if with_plan is None or pd.isna(with_plan):
        return text + "; gapet med planens rekruttering er skjult for å verne små grupper."
    return text + f"; med planens rekrutteringstiltak mangler {int(with_plan)}."


TOTAL_LABELS = {
    "year": "År", "competence_gap_without": "Kompetansegap uten tiltak",
    "competence_gap_with": "Kompetansegap med tiltak",
    "staffing_gap_without": "Bemanningsgap uten tiltak", "staffing_gap_with": "Bemanningsgap med tiltak",
}


def totals_table(report: GapReport, totals: pd.DataFrame) -> pd.DataFrame:
    """The charts' numbers as text, per year ("skjult" where the small-group rule hides a total)."""
    def shown(value: object) -> str:
        return "skjult" if value is None or pd.isna(value) else formatting.number(float(value))

    frame = pd.DataFrame({TOTAL_LABELS["year"]: [year_label(report, int(y)) for y in totals["year"]]})
    for column in list(TOTAL_LABELS)[1:]:
        frame[TOTAL_LABELS[column]] = [shown(v) for v in totals[column]]
    return frame


def report_json(report: GapReport, k: int, unit: str | None) -> dict[str, object]:
    """The command line's `gap --json`: every year, every requirement and profession, the measures (null: hidden)."""
    staffing_rows: list[dict[str, object]] = []
    for year in range(1, report.years + 1):
        if report.staffing.empty:
            break
        table = staffing_table(report, year, k).values
        for profession in table.index:
            if profession == TOTAL:
                continue
            staffing_rows.append({
                "profession": profession, "year": year, "headcount": _plain(table.loc[profession, HEADCOUNT]),
                "gap_without": _plain(table.loc[profession, GAP_WITHOUT]),
                "recruited": _plain(table.loc[profession, RECRUITED]),
                "gap_with": _plain(table.loc[profession, GAP_WITH]),
            })
    competence_rows = [
        {"unit": r.unit_code, "competence": r.competence, "year": int(r.year), "min_holders": int(r.min_holders),
         "holders_without": int(r.holders_without), "added": float(r.added), "holders_with": float(r.holders_with),
         "gap_without": int(r.gap_without), "gap_with": float(r.gap_with)}
        for r in report.competence.itertuples(index=False)
    ]
    measures_rows = [
        {"measure_id": int(r.measure_id), "unit": r.unit_code, "measure": r.measure, "effect_kind": r.effect_kind,
         "effect_target": r.effect_target, "effect_count": float(r.effect_count), "effect_unit": r.effect_unit,
         "effect_from": None if _as_date(r.effect_from) is None else _as_date(r.effect_from).isoformat(),
         "effect_year": int(r.effect_year), "planned_cost": float(r.planned_cost),
         "cost_per_person": None if pd.isna(r.cost_per_person) else float(r.cost_per_person)}
        for r in report.measures.itertuples(index=False)
    ]
    totals = [{key: _plain(value) for key, value in row.items()} for row in yearly_totals(report, k).to_dict("records")]
    return {
        "as_of": report.as_of.isoformat(), "years": report.years, "unit": unit, "min_cell": k,
        "growth": report.growth, "totals": totals, "competence": competence_rows, "staffing": staffing_rows,
        "measures": measures_rows,
    }


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


# --- Promised last year, and what happened ----------------------------------------------------------

PROMISED, THEN, NOW, STARTED = "Lovet", "Da", "Nå", "Begynt siden"


@dataclass(frozen=True)
class FollowUp:
    """The effects a closed plan promised by the reference date, beside what happened since it was closed."""

    plan_year: int
    since: date
    competence: pd.DataFrame  # Enhet, Kompetanse, Lovet, Da (valid holders), Nå
    recruitment: Suppressed  # per profession: Lovet, Begynt siden (persons who started), small groups hidden


@store.shared
def follow_up(db: store.Db, scope: Scope, k: int, unit_names: Mapping[str, str] | None = None) -> FollowUp | None:
    """The last closed plan before the reference date: its effects due by now against holders and starters."""
    closed = [v for v in plan_versions.versions(db) if v.as_of < scope.as_of]
    if not closed:
        return None
    version = closed[-1]
    promised = plan_versions.version_measures(db, version.version_id)
    promised = promised[promised["effect_kind"].notna()].copy()
    promised["effect_unit"] = promised["effect_unit"].where(promised["effect_unit"].notna(), promised["unit_code"])
    if scope.units is not None:
        promised = promised[promised["effect_unit"].isin(scope.units)]
    due_by_now = [(_as_date(d) or version.as_of) <= scope.as_of for d in promised["effect_from"]]
    due = promised[pd.Series(due_by_now, index=promised.index, dtype=bool)]
    names = unit_names or {}
    then = competence.coverage(db, replace(scope, as_of=version.as_of))
    now = competence.coverage(db, scope)
    rows = []
    for (unit, target), part in due[due["effect_kind"] == "kompetanse"].groupby(
        ["effect_unit", due["effect_target"].map(_key)]
    ):
        def holders(frame: pd.DataFrame, unit: str = str(unit), target: str = str(target)) -> int | None:
            match = frame[(frame["unit_code"] == unit) & (frame["competence"].map(_key) == target)]
            return int(match["holders"].sum()) if not match.empty else None

        rows.append({UNIT: names.get(str(unit), unit), COMPETENCE: part["effect_target"].iloc[0],
                     PROMISED: float(part["effect_count"].sum()), THEN: holders(then), NOW: holders(now)})
    competence_rows = pd.DataFrame(rows, columns=[UNIT, COMPETENCE, PROMISED, THEN, NOW])
    recruits = due[due["effect_kind"] == "rekruttering"].groupby(due["effect_target"].map(_key))["effect_count"].sum()
    params = {"since": version.as_of, "as_of": scope.as_of, "units": None if scope.units is None else list(scope.units)}
    starters = store.run_query(db, "gap_starters", params)
    started = {_key(p): int(n) for p, n in zip(starters["profession"], starters["starters"], strict=True)}
    table = pd.DataFrame({PROMISED: recruits.astype(float), STARTED: [started.get(p, 0) for p in recruits.index]},
                         index=recruits.index)
    table.index.name = PROFESSION
    # Who started is a fact about persons: a count of 1..k-1 is hidden; the promise is the plan's own figure.
    recruitment = suppress(table.assign(_size=k), SuppressionSpec(size="_size", counts=[STARTED]), k)
    recruitment = Suppressed(recruitment.values.drop(columns="_size"), recruitment.hidden.drop(columns="_size"), k)
    return FollowUp(version.plan_year, version.as_of, competence_rows, recruitment)
