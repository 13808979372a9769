"""The plan's own part of the management-review pack (issue 8): goals and their status, practice
placements with their trend, funding per source, and this year's plan beside the last closed one.

None of these are person counts except the key figures then and now, which plan_versions passes
through the small-group rule before they land here as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kompetanse.export.pack import HEADER, Chart, Series, Table, _open, _table
from kompetanse.figures.metrics import Scope
from kompetanse.plan import costs, funding, goals, placements, plan_versions
from kompetanse.storage import store

MAX_CHANGES = 40  # changed measures listed in the workbook (the slide shows fewer)


@dataclass(frozen=True)
class PlanTables:
    goals: Table  # goals x status, as the status note draws it
    placements: Table  # per semester: asked, offered, used, gap
    placements_by_type: Table
    placements_chart: Chart
    funding: Table  # cost against funding per source
    unfunded: float
    comparison_title: str  # "" when no year is closed yet
    changes: Table  # measures new, removed and changed
    change_counts: tuple[tuple[str, int], ...]
    figures: Table  # key figures then and now (text, already through the small-group rule)


def _text_table(key: str, title: str, frame: pd.DataFrame, k: int, notes: tuple[str, ...] = ()) -> Table:
    """A table of texts (labels and formatted figures): nothing to hide, nothing to compute."""
    index = list(range(len(frame)))
    source = _open(pd.DataFrame(index=index), k)
    return _table(key, title, source, index, {}, {c: frame[c].astype(str).tolist() for c in frame.columns}, notes)


def _goals_table(db: store.Db, k: int) -> Table:
    matrix = goals.status_matrix(goals.lines(db))
    return _text_table("goals", "Mål og status", matrix, k,
                       ("Status for hvert mål: i stor, noen eller mindre grad realisert (X). Strategimål gjelder "
                        "fire år, resultatmål to år.",))


def _placement_tables(db: store.Db, scope: Scope, k: int) -> tuple[Table, Table, Chart]:
    summary = placements.by_semester(db, scope.units)
    per_semester = summary[summary["school_type"].isna()].reset_index(drop=True)
    figures = {**{c: (label, "number") for c, label in placements.FIGURES.items()},
               "gap": (placements.GAP_LABEL, "number")}
    values = per_semester[list(figures)].astype(object).where(per_semester[list(figures)].notna(), None)
    rows = list(range(len(per_semester)))
    semesters = per_semester["semester"].tolist()
    table = _table("placements", "Praksisplasser per semester", _open(values, k), rows, figures,
                   {"Semester": semesters},
                   ("Plasser for studenter, elever og lærlinger. Gap = etterspurt − tilbudt der begge er kjent; "
                    "tomt: ikke kjent ennå.",))
    by_type = summary[summary["school_type"].notna()].reset_index(drop=True)
    type_values = by_type[list(figures)].astype(object).where(by_type[list(figures)].notna(), None)
    type_table = _table("placements_by_type", "Praksisplasser per semester og skoletype", _open(type_values, k),
                        list(range(len(by_type))), figures,
                        {"Semester": by_type["semester"].tolist(),
                         "Skoletype": [placements.SCHOOL_TYPES.get(s, s) for s in by_type["school_type"]]})
    chart = Chart(
        key="placements", title="Praksisplasser per semester",
        categories=tuple(semesters), category_cells=tuple((r, "Semester") for r in rows),
        series=tuple(Series(label, table, tuple((r, label) for r in rows)) for label in placements.FIGURES.values()),
        kind="number", axis_title="Plasser",
    )
    return table, type_table, chart


def _funding_table(db: store.Db, scope: Scope, k: int) -> tuple[Table, float]:
    frame = funding.by_source(db, scope.units)
    columns = {"lines": ("Tiltak", "number"), "cost": ("Kostnad per år", "kroner"), "applied": ("Søkt", "kroner"),
               "granted": ("Innvilget", "kroner"), "unfunded": ("Ufinansiert", "kroner")}
    values = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    rows = list(range(len(frame)))
    labels = [funding.TOTAL_LABEL if t else funding.source_label(s)
              for t, s in zip(frame["is_total"], frame["source"], strict=True)]
    table = _table("funding", "Kostnad og finansiering per kilde", _open(values.set_axis(rows), k), rows, columns,
                   {"Finansieringskilde": labels},
                   ("Ufinansiert = kostnad − innvilget per tiltak (minst 0). Kostnad per år: ettårsplanens kostnad "
                    "og femårsplanens årlige kostnad.",))
    return table, funding.unfunded_total(frame)


def _comparison(db: store.Db, scope: Scope, k: int, names: dict[str, str]
                ) -> tuple[str, Table, tuple[tuple[str, int], ...], Table]:
    closed = plan_versions.versions(db)
    older_id, _ = plan_versions.default_pair(closed, scope.as_of.year)
    empty = pd.DataFrame(columns=["Endring", "Tiltak nr.", "Enhet", "Tiltak", "Hva er endret"])
    if older_id is None:
        note = ("Ingen år er lukket ennå: lukk planen for et år på siden Mål og strategi.",)
        return "", _text_table("changes", "Endringer i tiltakene", empty, k, note), (), \
            _text_table("figures_then_now", "Nøkkeltall da og nå", pd.DataFrame(columns=["Nøkkeltall"]), k)
    older = next(v for v in closed if v.version_id == older_id)
    comparison = plan_versions.compare(plan_versions.version_measures(db, older_id, scope.units),
                                       costs.lines(db, scope.units))
    rows = []
    for kind, frame in (("Ny", comparison.new), ("Fjernet", comparison.removed)):
        listed = plan_versions.measures_list(frame, names)
        rows += [[kind, str(r["Tiltak nr."]), r["Enhet"], r["Tiltak"], f"Kostnad {r['Kostnad']}"]
                 for _, r in listed.iterrows()]
    listed = plan_versions.changes_list(comparison.changed, names)
    rows += [["Endret", str(r["Tiltak nr."]), r["Enhet"], r["Tiltak"], r["Endringer"]] for _, r in listed.iterrows()]
    title = f"Plan {older.plan_year} mot gjeldende plan"
    changes = _text_table("changes", f"Endringer i tiltakene: {title}", pd.DataFrame(rows[:MAX_CHANGES],
                          columns=empty.columns), k,
                          (f"Tiltak sammenlignes etter tiltaksnummer; {comparison.unchanged} tiltak er uendret.",))
    counts = (("Nye tiltak", len(comparison.new)), ("Fjernede tiltak", len(comparison.removed)),
              ("Endrede tiltak", len(comparison.changed)), ("Uendrede tiltak", comparison.unchanged))
    then_now = plan_versions.figures_then_now(plan_versions.key_figures_then(db, older, scope.units),
                                              plan_versions.key_figures_now(db, scope.as_of, scope.units), k)
    then_now = then_now.rename(columns={"Da": f"Plan {older.plan_year}", "Nå": "Nå"})
    whole = "hele organisasjonen" if scope.units is None else "enhetene i utvalget"
    figures = _text_table("figures_then_now", f"Nøkkeltall da og nå ({whole})", then_now, k)
    return title, changes, counts, figures


def gather_plan(db: store.Db, scope: Scope, k: int, names: dict[str, str]) -> PlanTables:
    placements_table, by_type, chart = _placement_tables(db, scope, k)
    funding_table, unfunded = _funding_table(db, scope, k)
    title, changes, counts, figures = _comparison(db, scope, k, names)
    return PlanTables(
        goals=_goals_table(db, k), placements=placements_table, placements_by_type=by_type,
        placements_chart=chart, funding=funding_table, unfunded=unfunded, comparison_title=title,
        changes=changes, change_counts=counts, figures=figures,
    )


__all__ = ["HEADER", "PlanTables", "gather_plan"]
