"""The Oversikt page's figures: key figures with the change from a year earlier, units most at risk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import hidden_label
from kompetanse.plan import costs
from kompetanse.presentation import formatting
from kompetanse.storage import store


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    value: str  # formatted, or "<5" when hidden
    delta: str | None  # change from a year earlier, formatted; None when unknown or hidden
    help: str
    hidden: bool = False


# (key, label, formatter of a value, formatter of a change, help text)
_FIGURES: list[tuple[str, str, Callable[[float], str], Callable[[float], str | None], str]] = [
    ("headcount", "Ansatte", formatting.number, lambda d: formatting.signed(d), "Personer aktive på datoen."),
    ("fte", "Årsverk", lambda v: formatting.number(v, 1), lambda d: formatting.signed(d, 1),
     "Sum stillingsprosent / 100 for aktive arbeidsforhold."),
    ("mean_age", "Gjennomsnittsalder", lambda v: formatting.number(v, 1), lambda d: formatting.signed(d, 1),
     "Alder i fylte år, per person."),
    ("share_60_plus", "Andel 60 år +", formatting.percent, lambda d: formatting.signed(d * 100, 1, " pp"),
     "Andel av de ansatte som er 60 år eller eldre."),
    ("retiring_within_5y", "Når pensjonsalder innen 5 år", formatting.number, lambda d: formatting.signed(d),
     "Aktive som har nådd forventet pensjonsalder om 5 år (de som alt har passert den, teller med)."),
    ("turnover_12m", "Turnover 12 mnd", formatting.percent, lambda d: formatting.signed(d * 100, 1, " pp"),
     "Personer som sluttet siste 12 måneder / gjennomsnittlig antall ansatte (pensjon inkludert)."),
]


@store.shared
def key_figures(db: store.Db, scope: Scope, k: int) -> list[KeyFigure]:
    """The scope's totals now and a year earlier, with small groups hidden."""
    now = metrics.suppressed(metrics.compute(db, scope, by=None), k).loc["total"]
    before = metrics.suppressed(metrics.compute(db, scope.year_before(), by=None), k).loc["total"]
    figures = []
    for key, label, fmt, fmt_delta, help_text in _FIGURES:
        value, earlier = now[key], before[key]
        if value is None:
            figures.append(KeyFigure(key, label, hidden_label(k), None, help_text, hidden=True))
            continue
        delta = fmt_delta(value - earlier) if earlier is not None and not pd.isna(earlier) else None
        figures.append(KeyFigure(key, label, fmt(value), delta, help_text))
    labels = metrics.fte_labels(db)
    if "fte_excluding_leave" in labels:
        figures = _with_leave(figures, now, before, k, labels)
    planned = costs.planned_cost(db, scope.units)
    if planned:
        figures.append(KeyFigure(
            "planned_cost", "Planlagt opplæringskostnad", formatting.kroner(planned), None,
            "Ettårsplanens tiltak for enhetene i utvalget (timepris × deltakere × timer × ganger + dagsats × dager "
            "+ kursavgift + reise + andre kostnader).",
        ))
    return figures


def _with_leave(
    figures: list[KeyFigure], now: pd.Series, before: pd.Series, k: int, labels: dict[str, str]
) -> list[KeyFigure]:
    """Agreed FTE labelled as such, and beside it the agreed FTE excluding leave (DESIGN.md "FTE")."""
    out = []
    for figure in figures:
        if figure.key != "fte":
            out.append(figure)
            continue
        out.append(KeyFigure(figure.key, labels["fte"], figure.value, figure.delta, figure.help, figure.hidden))
        value, earlier = now["fte_excluding_leave"], before["fte_excluding_leave"]
        if value is None:
            out.append(KeyFigure("fte_excluding_leave", labels["fte_excluding_leave"], hidden_label(k), None,
                                 metrics.FTE_EXCLUDING_LEAVE_HELP, hidden=True))
            continue
        delta = formatting.signed(value - earlier, 1) if earlier is not None and not pd.isna(earlier) else None
        out.append(KeyFigure("fte_excluding_leave", labels["fte_excluding_leave"], formatting.number(value, 1), delta,
                             metrics.FTE_EXCLUDING_LEAVE_HELP))
    return out


def is_empty(figures: list[KeyFigure]) -> bool:
    """Nobody in the scope on the date (a hidden small group is not empty)."""
    headcount = next(f for f in figures if f.key == "headcount")
    return not headcount.hidden and headcount.value == "0"


@store.shared
def units_at_risk(db: store.Db, scope: Scope, k: int, count: int = 5) -> pd.DataFrame:
    """The units with the highest share retiring within 5 years or turnover, each with its reason.

    Units smaller than k are left out (their figures are hidden), and so are units with no shown risk.
    """
    frame = metrics.compute(db, scope, by="unit")
    shown = metrics.suppressed(frame, k)
    units = frame[~frame["is_total"] & (frame["headcount"] >= max(k, 1))].copy()
    if units.empty:
        return pd.DataFrame(columns=["unit", "Grunn", "score"])
    # A share over a hidden count would give the count away: such a unit is ranked by turnover only.
    retiring_visible = shown.loc[units.index, ["retiring_within_5y", "headcount"]].notna().all(axis=1)
    units["retiring_share"] = (units["retiring_within_5y"] / units["headcount"]).where(retiring_visible, 0.0)
    # Only a shown turnover ranks a unit (a hidden one, with its leavers, would betray them by the rank).
    units["turnover"] = pd.to_numeric(shown.loc[units.index, "turnover_12m"], errors="coerce").fillna(0)
    units["score"] = units[["retiring_share", "turnover"]].max(axis=1)
    units = units[units["score"] > 0]  # no shown risk: not "at risk" (and never "0 %" for a hidden figure)
    top = units.sort_values(["score", "unit"], ascending=[False, True]).head(count)
    top["Grunn"] = [_reason(row) for _, row in top.iterrows()]
    return top[["unit", "Grunn", "score"]].reset_index(drop=True)


def _reason(row: pd.Series) -> str:
    if row["retiring_share"] >= row["turnover"]:
        return f"{formatting.percent(row['retiring_share'], 0)} når pensjonsalder innen 5 år"
    return f"Turnover {formatting.percent(row['turnover'])} siste 12 måneder"
