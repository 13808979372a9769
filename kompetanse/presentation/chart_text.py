"""Text alternatives for the charts (WCAG 2.1, 1.1.1): what a chart shows and its main finding, in words.

One pure function per kind of chart. Each reads only what its chart draws (the frames the pages
build for plotly, where hidden figures are already left out or marked "<k"), or the visible cells of
a suppressed table, so a sentence never gives back a figure the small-group rules hide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import Suppressed, hidden_label
from kompetanse.presentation import formatting

TOTAL = "total"  # ages' total row
OLDEST_BANDS = ("60-69", "70+")
NO_FIGURES = "Ingen tall i diagrammet kan vises (gruppene er for små)."
RETIREMENT_YEARS = ("Søylediagrammet viser hvor mange som når pensjonsalder hvert av de neste 10 årene, "
                    "fordelt på yrkesgruppe.")
NEED_YEARS = "Søylediagrammet viser rekrutteringsbehovet per år de neste 10 årene, fordelt på yrkesgruppe."
MEASURE_WORDS = {"persons": "personer", "fte": "årsverk"}


def _visible(table: Suppressed, row: object, column: str) -> float | None:
    """The cell's value where it is shown, else None (hidden, missing or not a number)."""
    if row not in table.values.index or column not in table.values.columns or bool(table.hidden.at[row, column]):
        return None
    value = pd.to_numeric(pd.Series([table.values.at[row, column]]), errors="coerce").iloc[0]
    return None if pd.isna(value) else float(value)


def _count(value: float) -> str:
    return formatting.number(value)


def _share_60_plus(table: Suppressed, row: object, size_column: str, band_columns: Sequence[str]) -> float | None:
    """Share 60 or older, only where every count it needs is shown."""
    size = _visible(table, row, size_column)
    counts = [_visible(table, row, column) for column in band_columns]
    if not size or any(c is None for c in counts):
        return None
    return sum(c for c in counts if c is not None) / size


def _band_column(table: Suppressed, band: str) -> str:
    """The column of an age band ("60-69" in the pyramid, "60-69 år" in the bands table)."""
    for column in table.values.columns:
        if str(column).replace(" år", "") == band:
            return str(column)
    return band


def pyramid(table: Suppressed, women: str = "Kvinner", men: str = "Menn", persons: str = "Personer") -> str:
    """The age pyramid: "Flest ansatte er 30-39 år; 11,5 % er 60 år eller eldre." and the gender split."""
    what = "Alderspyramiden viser antall personer per aldersgruppe, kvinner til venstre og menn til høyre."
    sizes = {band: _visible(table, band, persons) for band in AGE_BAND_LABELS}
    shown = {band: size for band, size in sizes.items() if size is not None}
    if not shown:
        return f"{what} {NO_FIGURES}"
    largest = max(shown, key=lambda band: shown[band])
    finding = [f"Flest ansatte er {largest} år ({_count(shown[largest])})"]
    oldest = [_visible(table, band, persons) for band in OLDEST_BANDS]  # the pyramid's bands are its rows
    size = _visible(table, TOTAL, persons)
    share = None if not size or None in oldest else sum(c for c in oldest if c is not None) / size
    if share is not None:
        finding.append(f"{formatting.percent(share)} er 60 år eller eldre")
    else:
        finding.append("andelen 60 år eller eldre vises ikke, fordi den ville avsløre en liten gruppe")
    total, female, male = (_visible(table, TOTAL, c) for c in (persons, women, men))
    sentence = "; ".join(finding) + "."
    if total and female is not None and male is not None:
        sentence += f" Av {_count(total)} personer er {_count(female)} kvinner og {_count(male)} menn."
    return f"{what} {sentence}"


def age_bands(table: Suppressed, unit: str = "Enhet", total: str = "Totalt") -> str:
    """Age bands per unit: the unit with the largest share 60 or older (where its counts are shown)."""
    rows = [r for r in table.values.index if r != TOTAL]
    what = f"Diagrammet viser antall personer per aldersgruppe i hver av de {_count(len(rows))} enhetene."
    oldest = [_band_column(table, band) for band in OLDEST_BANDS]
    shares = {r: s for r in rows if (s := _share_60_plus(table, r, total, oldest)) is not None}
    if not shares:
        return f"{what} Andelen 60 år eller eldre kan ikke vises for noen enhet (gruppene er for små)."
    top = max(shares, key=lambda r: (shares[r], str(r)))
    name = table.values.at[top, unit]
    return (f"{what} Størst andel 60 år eller eldre har {name}: {formatting.percent(shares[top])} "
            f"av {_count(_visible(table, top, total) or 0)} personer.")


def _parse(text: str) -> float:
    """A figure as formatting prints it ("1 234", "19,7") back to a number."""
    return float("".join(text.split()).replace("\u00a0", "").replace("\u202f", "").replace(",", "."))


def per_year(rows: pd.DataFrame, totals: Mapping[str, str], what: str, unit_word: str = "personer") -> str:
    """Stacked bars per year (retirements, recruitment need): the year with the most, from the totals shown.

    `rows` are the bars drawn (profession, year, value); `totals` each bar's total as the axis shows it
    ("<k" where hidden); a column that is not a year ("Allerede over pensjonsalder") is told apart."""
    shown = {label: text for label, text in totals.items() if text and not text.startswith("<")}
    if rows.empty and not shown:
        return f"{what} {NO_FIGURES}"
    sentences = [what]
    years = {label: _parse(text) for label, text in shown.items() if label.startswith("År ")}
    for label, text in shown.items():
        if not label.startswith("År ") and _parse(text) > 0:
            sentences.append(f"{label}: {text} {unit_word}.")
    if years:
        most = max(years.values())
        tops = [label for label, value in years.items() if value == most]
        sentences.append(f"Flest i ett år: {' og '.join(t.lower() for t in tops)} ({shown[tops[0]]} {unit_word}).")
        if len(years) == len([label for label in totals if label.startswith("År ")]):
            decimals = 1 if any("," in shown[label] for label in years) else 0
            sentences.append(f"I alt {formatting.number(sum(years.values()), decimals)} {unit_word} over "
                             f"{_count(len(years))} år.")
    if not rows.empty:
        by_group = rows.groupby("profession")["value"].sum().sort_values(ascending=False, kind="stable")
        sentences.append(f"Største yrkesgruppe i diagrammet: {by_group.index[0]}.")
    hidden = [label for label, text in totals.items() if text.startswith("<")]
    if hidden:
        sentences.append(f"Summen for {_count(len(hidden))} av årene vises som «{totals[hidden[0]]}».")
    return " ".join(sentences)


def retirement_years(rows: pd.DataFrame, totals: Mapping[str, str], measure: str = "persons") -> str:
    """Retirements per year (persons or FTE), as the Pensjon page's first chart."""
    return per_year(rows, totals, RETIREMENT_YEARS, MEASURE_WORDS.get(measure, "personer"))


def need_years(rows: pd.DataFrame, totals: Mapping[str, str]) -> str:
    """The recruitment need per year in the scenario."""
    return per_year(rows, totals, NEED_YEARS)


def share_heatmap(shares: pd.DataFrame, text: pd.DataFrame) -> str:
    """Unit x profession shares retiring within 5 years: the highest shown share."""
    what = ("Varmekartet viser for hver enhet (rad) og yrkesgruppe (kolonne) andelen som når pensjonsalder "
            "innen 5 år; jo mørkere rute, jo høyere andel.")
    long = shares.stack().dropna()
    if long.empty:
        return f"{what} {NO_FIGURES}"
    (unit, profession), _share = max(long.items(), key=lambda item: (item[1], str(item[0])))
    (low_unit, low_profession), _low = min(long.items(), key=lambda item: (item[1], str(item[0])))
    return (f"{what} Høyest er {profession} i {unit}: {text.at[unit, profession]}; lavest {low_profession} "
            f"i {low_unit}: {text.at[low_unit, low_profession]}.")


def turnover_trend(points: pd.DataFrame) -> str:
    """The 12-month rolling trend: the latest point of each definition, and the one a year before."""
    what = "Linjediagrammet viser turnover de siste 12 månedene, målt én gang per måned bakover i tid."
    shown = points.dropna(subset=["Andel"])
    if shown.empty:
        return f"{what} {NO_FIGURES}"
    parts = []
    for definition, part in shown.groupby("Definisjon", sort=False):
        part = part.sort_values("Dato")
        last = part.iloc[-1]
        sentence = f"{definition}: {formatting.percent(last['Andel'])} per {formatting.day(last['Dato'].date())}"
        year_before = part[part["Dato"] <= last["Dato"] - pd.DateOffset(years=1)]
        if not year_before.empty:
            sentence += f" (ett år før: {formatting.percent(year_before.iloc[-1]['Andel'])})"
        parts.append(sentence)
    return f"{what} " + "; ".join(parts) + "."


def turnover_groups(bars: pd.DataFrame, group: str, definition: str = "Turnover") -> str:
    """Turnover per unit or profession: the highest and the lowest shown rate of one definition."""
    what = f"Diagrammet viser turnover og KS-turnover per {group.lower()}."
    rows = bars[(bars["Definisjon"] == definition) & ~bars["Tekst"].str.startswith("<")]
    if rows.empty:
        return f"{what} {NO_FIGURES}"
    ordered = rows.sort_values("Andel", ascending=False, kind="stable")
    high, low = ordered.iloc[0], ordered.iloc[-1]
    sentence = f"Høyest turnover: {high[group]} ({high['Tekst']})"
    if len(ordered) > 1:
        sentence += f"; lavest: {low[group]} ({low['Tekst']})"
    hidden = int(bars[bars["Definisjon"] == definition]["Tekst"].str.startswith("<").sum())
    note = ""
    if hidden == 1:
        note = " 1 gruppe er for liten til å vises."
    elif hidden:
        note = f" {_count(hidden)} grupper er for små til å vises."
    return f"{what} {sentence}.{note}"


def leaving_reasons(bars: pd.DataFrame) -> str:
    """Leavers by reason: the most common shown reason."""
    what = "Diagrammet viser hvor mange som sluttet de siste 12 månedene, etter sluttårsak."
    shown = bars[~bars["Tekst"].str.startswith("<")]
    if shown.empty or shown["Antall"].max() == 0:
        hidden = len(bars) - len(shown)
        return f"{what} " + (NO_FIGURES if hidden else "Ingen sluttet i perioden.")
    top = shown.sort_values("Antall", ascending=False, kind="stable").iloc[0]
    return f"{what} Vanligste sluttårsak: {str(top['Sluttårsak']).lower()} ({top['Tekst']} personer)."


def goal_status(counts: pd.DataFrame) -> str:
    """Goals per status and level: how many goals in all, and the most common status."""
    what = "Diagrammet viser antall mål per status, delt på strategimål og resultatmål."
    by_status = counts.groupby("status", observed=True, sort=False)["goals"].sum()
    by_status = by_status[by_status > 0]
    if by_status.empty:
        return f"{what} Ingen mål er registrert."
    top = by_status.sort_values(ascending=False, kind="stable").index[0]
    return (f"{what} Av {_count(by_status.sum())} mål er flest «{str(top).lower()}» "
            f"({_count(by_status[top])}).")


def placements(trend: pd.DataFrame) -> str:
    """Placements per semester: the newest semester's figures."""
    what = "Diagrammet viser etterspurte, tilbudte og brukte praksisplasser per semester."
    known = trend.dropna(subset=["places"])
    if known.empty:
        return f"{what} Ingen tall er registrert."
    semesters = list(dict.fromkeys(trend["semester"]))
    newest = next(s for s in reversed(semesters) if s in set(known["semester"]))
    part = known[known["semester"] == newest]
    figures = ", ".join(f"{str(r.figure).lower()} {r.text}" for r in part.itertuples())
    return f"{what} Siste semester med tall, {newest}: {figures}."


def costs_per_year(yearly: pd.DataFrame) -> str:
    """Cost per plan year and category: the dearest year and the total over the years drawn."""
    what = "Diagrammet viser planlagt kostnad per år, fordelt på kategori."
    if yearly.empty or yearly["cost"].sum() == 0:
        return f"{what} Ingen kostnader er planlagt."
    per_year = yearly.groupby("label", sort=False)["cost"].sum()
    top = per_year.idxmax()
    return (f"{what} Dyrest er {top}: {formatting.kroner(per_year[top])}. "
            f"Til sammen {formatting.kroner(per_year.sum())} over {_count(len(per_year))} år.")


def indicator_bars(fig: go.Figure, indicator: str) -> str:
    """One indicator across units (a horizontal bar per unit): the highest and the lowest unit."""
    what = f"Diagrammet viser «{indicator}» for hver enhet som har tall som kan vises."
    bars = [trace for trace in fig.data if trace.type == "bar"]
    if not bars or not len(bars[0].y):
        return f"{what} {NO_FIGURES}"
    trace = bars[0]
    pairs = sorted(zip(trace.x, trace.y, trace.text, strict=True), key=lambda p: p[0], reverse=True)
    sentence = f"Høyest: {pairs[0][1]} ({pairs[0][2]})"
    if len(pairs) > 1:
        sentence += f"; lavest: {pairs[-1][1]} ({pairs[-1][2]})"
    return f"{what} {sentence}."


# --- The numbers behind a chart, as a table («Vis tallene») -----------------------------------------


PYRAMID_FORMATS = {column: formatting.number for column in ("Kvinner", "Menn", "Ukjent kjønn", "Personer")}


def pyramid_table(table: Suppressed, persons: str = "Personer", size: str = "scope_size") -> Suppressed:
    """The pyramid's counts per band and gender, with the total row, as the table beside the chart."""
    values = table.values.drop(columns=[size], errors="ignore").rename(index={TOTAL: "Totalt"})
    hidden = table.hidden.drop(columns=[size], errors="ignore").rename(index={TOTAL: "Totalt"})
    values.insert(0, "Alder", list(values.index))
    hidden.insert(0, "Alder", False)
    return Suppressed(values=values.reset_index(drop=True), hidden=hidden.reset_index(drop=True), k=table.k)


def heatmap_table(text: pd.DataFrame) -> pd.DataFrame:
    """The heat map's cells as text ("12 %", "<k"), one row per unit and profession with anyone in it.

    Long, not wide: a table as wide as the map would scroll sideways, which a keyboard cannot (2.1.1)."""
    long = text.rename_axis(index="Enhet", columns="Yrkesgruppe").stack().rename("Andel innen 5 år").reset_index()
    return long[long["Andel innen 5 år"] != ""].reset_index(drop=True)


def trend_table(points: pd.DataFrame, k: int) -> pd.DataFrame:
    """One row per point of the trend, one column per definition; a hidden rate as "<k"."""
    texts = points.assign(Vist=[hidden_label(k) if pd.isna(a) else formatting.percent(a) for a in points["Andel"]])
    wide = texts.pivot(index="Dato", columns="Definisjon", values="Vist").sort_index(ascending=False)
    wide.index = [formatting.day(d.date()) for d in wide.index]
    return wide.rename_axis("12 måneder til og med").reset_index()


def goal_status_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Goals per status (rows) and level (columns), as the stacked bars show them."""
    wide = counts.pivot_table(index="status", columns="level", values="goals", aggfunc="sum", observed=False,
                              fill_value=0)
    return wide.rename_axis(index="Status", columns=None).reset_index()


def costs_table(yearly: pd.DataFrame) -> pd.DataFrame:
    """Cost per plan year (rows) and category (columns), in kroner as the chart's labels."""
    wide = yearly.pivot_table(index="label", columns="category", values="cost", aggfunc="sum", sort=False)
    shown = wide.apply(lambda column: column.map(formatting.kroner))
    return shown.rename_axis(index="År", columns=None).reset_index()


def indicator_table(fig: go.Figure, indicator: str) -> pd.DataFrame:
    """The units and the values the indicator chart draws, largest first."""
    bars = [trace for trace in fig.data if trace.type == "bar"]
    if not bars:
        return pd.DataFrame(columns=["Enhet", indicator])
    return pd.DataFrame({"Enhet": list(bars[0].y)[::-1], indicator: list(bars[0].text)[::-1]})
