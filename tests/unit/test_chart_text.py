"""Text alternatives of the charts: the sentence a screen-reader user hears instead of each chart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kompetanse.figures import ages
from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import suppress
from kompetanse.presentation import chart_text

K = 5


def _pyramid(women: list[int], men: list[int]):  # type: ignore[no-untyped-def]
    """A pyramid table as ages.pyramid builds it (bands, then the total), through the app's small-group rules."""
    rows = {band: {"Kvinner": w, "Menn": m, "Ukjent kjønn": 0, "Personer": w + m}
            for band, w, m in zip(AGE_BAND_LABELS, women, men, strict=True)}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.loc["total"] = frame.sum()
    frame["scope_size"] = int(frame.at["total", "Personer"])
    return suppress(frame, ages.PYRAMID_SPEC, K)


def test_the_pyramid_says_which_band_is_largest_and_the_share_60_or_older() -> None:
    # 200 persons, 62 of them 20-29, 23 aged 60-69 and none 70+: 11,5 % are 60 or older.
    table = _pyramid(women=[0, 50, 30, 25, 20, 15, 0], men=[0, 12, 18, 12, 10, 8, 0])
    text = chart_text.pyramid(table)
    assert "Flest ansatte er 20-29 år (62); 11,5 % er 60 år eller eldre." in text
    assert "Av 200 personer er 140 kvinner og 60 menn." in text
    assert "kvinner til venstre og menn til høyre" in text


def test_the_pyramid_does_not_give_back_a_hidden_count_through_the_share_60_or_older() -> None:
    # 3 aged 70+ is a small count ("<5"): the share 60+ would give it back from the shown 60-69.
    table = _pyramid(women=[0, 50, 30, 25, 20, 15, 3], men=[0, 12, 18, 12, 10, 8, 0])
    assert table.hidden.at["70+", "Personer"]
    text = chart_text.pyramid(table)
    assert "andelen 60 år eller eldre vises ikke" in text
    assert "%" not in text


def test_a_pyramid_of_only_hidden_cells_says_no_figure_can_be_shown() -> None:
    table = _pyramid(women=[0, 2, 1, 0, 0, 0, 0], men=[0, 1, 0, 0, 0, 0, 0])
    assert chart_text.NO_FIGURES in chart_text.pyramid(table)


def test_the_pyramid_table_shows_hidden_counts_as_hidden() -> None:
    table = chart_text.pyramid_table(_pyramid(women=[0, 50, 30, 25, 20, 15, 3], men=[0, 12, 18, 12, 10, 8, 0]))
    assert list(table.values["Alder"]) == [*AGE_BAND_LABELS, "Totalt"]
    assert "scope_size" not in table.values.columns
    assert table.hidden.set_index(table.values["Alder"]).at["70+", "Kvinner"]


def test_age_bands_name_the_unit_with_the_largest_share_60_or_older_among_those_shown() -> None:
    bands = ["<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]
    frame = pd.DataFrame(
        [["Lab", 0, 10, 10, 5, 5, 10, 0], ["Post", 0, 20, 10, 10, 5, 5, 0], ["Kir", 0, 5, 10, 10, 5, 0, 0]],
        columns=["Enhet", *bands], index=["LAB", "POST", "KIR"],
    )
    frame["Totalt"] = frame[bands].sum(axis=1)
    frame.loc["total"] = ["Totalt", *frame[[*bands, "Totalt"]].sum()]
    table = suppress(frame, ages.BANDS_SPEC, K)
    text = chart_text.age_bands(table)
    assert text.startswith("Diagrammet viser antall personer per aldersgruppe i hver av de 3 enhetene.")
    assert "Størst andel 60 år eller eldre har Lab: 25,0 % av 40 personer." in text

    # Hide Lab's 60-69 (as a small count would be): its share is not told, the next largest is.
    hidden = table.hidden.copy()
    hidden.loc["LAB", "60-69"] = True
    text = chart_text.age_bands(type(table)(values=table.values, hidden=hidden, k=K))
    assert "Lab" not in text and "Størst andel 60 år eller eldre har Post: 10,0 % av 50 personer." in text


def test_retirements_per_year_name_the_busiest_year_and_the_total() -> None:
    rows = pd.DataFrame({"profession": ["sykepleier", "sykepleier", "lege"], "year": ["År 1", "År 2", "År 2"],
                         "value": [6.0, 5.0, 7.0]})
    totals = {"Allerede over pensjonsalder": "8", "År 1": "6", "År 2": "12"}
    text = chart_text.retirement_years(rows, totals)
    assert "Allerede over pensjonsalder: 8 personer." in text
    assert "Flest i ett år: år 2 (12 personer)." in text
    assert "I alt 18 personer over 2 år." in text
    assert "Største yrkesgruppe i diagrammet: sykepleier." in text


def test_a_hidden_year_total_is_neither_summed_nor_named_as_a_number() -> None:
    rows = pd.DataFrame({"profession": ["sykepleier"], "year": ["År 2"], "value": [7.0]})
    text = chart_text.retirement_years(rows, {"År 1": "<5", "År 2": "7"})
    assert "I alt" not in text
    assert "Summen for 1 av årene vises som «<5»." in text


def test_fte_per_year_keep_their_decimal() -> None:
    rows = pd.DataFrame({"profession": ["sykepleier"], "year": ["År 1"], "value": [5.5]})
    text = chart_text.retirement_years(rows, {"År 1": "5,5", "År 2": "4,2"}, "fte")
    assert "Flest i ett år: år 1 (5,5 årsverk)." in text
    assert "I alt 9,7 årsverk over 2 år." in text


def test_the_heat_map_names_the_highest_and_lowest_shown_share() -> None:
    shares = pd.DataFrame({"jordmor": [0.4, None], "sykepleier": [0.1, 0.2]}, index=["Føde", "Post"])
    text = pd.DataFrame({"jordmor": ["40 %", "<5"], "sykepleier": ["10 %", "20 %"]}, index=["Føde", "Post"])
    summary = chart_text.share_heatmap(shares, text)
    assert "Høyest er jordmor i Føde: 40 %; lavest sykepleier i Føde: 10 %." in summary
    table = chart_text.heatmap_table(text)
    assert list(table.columns) == ["Enhet", "Yrkesgruppe", "Andel innen 5 år"]
    assert table.values.tolist()[:2] == [["Føde", "jordmor", "40 %"], ["Føde", "sykepleier", "10 %"]]
    assert ["Post", "jordmor", "<5"] in table.values.tolist()


def test_the_turnover_trend_gives_the_latest_rate_and_the_rate_a_year_before() -> None:
    dates = pd.to_datetime(["2022-12-01", "2023-06-01", "2023-12-01"])
    points = pd.DataFrame({"Dato": [*dates, *dates], "Definisjon": ["Turnover"] * 3 + ["KS-turnover"] * 3,
                           "Andel": [0.10, 0.12, 0.129, None, None, 0.11], "Tekst": [""] * 6})
    text = chart_text.turnover_trend(points)
    assert "Turnover: 12,9 % per 01.12.2023 (ett år før: 10,0 %)" in text
    assert "KS-turnover: 11,0 % per 01.12.2023." in text
    table = chart_text.trend_table(points, K)
    assert table.iloc[-1]["KS-turnover"] == "<5"  # a hidden point reads as hidden, not as a gap
    assert table.iloc[0]["12 måneder til og med"] == "01.12.2023"


def test_turnover_per_group_names_the_highest_and_the_lowest_shown_group() -> None:
    bars = pd.DataFrame({"Enhet": ["A", "B", "C", "A", "B", "C"], "Definisjon": ["Turnover"] * 3 + ["KS-turnover"] * 3,
                         "Andel": [0.2, 0.05, 0.0, 0.1, 0.1, 0.0], "Tekst": ["20,0 %", "5,0 %", "<5"] * 2})
    text = chart_text.turnover_groups(bars, "Enhet")
    assert "Høyest turnover: A (20,0 %); lavest: B (5,0 %). 1 gruppe er for liten til å vises." in text


def test_leaving_reasons_name_the_most_common_shown_reason() -> None:
    bars = pd.DataFrame({"Sluttårsak": ["Pensjon", "Egen oppsigelse", "Annet"], "Antall": [12, 30, 0],
                         "Tekst": ["12", "30", "<5"]})
    assert "Vanligste sluttårsak: egen oppsigelse (30 personer)." in chart_text.leaving_reasons(bars)


def test_goal_status_counts_the_goals_and_names_the_most_common_status() -> None:
    counts = pd.DataFrame({"status": ["I stor grad realisert", "I noen grad realisert", "I stor grad realisert"],
                           "level": ["Strategimål", "Resultatmål", "Resultatmål"], "goals": [1, 2, 3]})
    assert "Av 6 mål er flest «i stor grad realisert» (4)." in chart_text.goal_status(counts)
    table = chart_text.goal_status_table(counts).set_index("Status")
    assert table.at["I stor grad realisert", "Resultatmål"] == 3


def test_placements_give_the_newest_semester_with_figures() -> None:
    trend = pd.DataFrame({"semester": ["Vår 2024", "Vår 2024", "Høst 2024"], "figure": ["Etterspurt", "Tilbudt",
                                                                                        "Etterspurt"],
                          "places": [10.0, 8.0, None], "text": ["10", "8", "–"]})
    assert "Siste semester med tall, Vår 2024: etterspurt 10, tilbudt 8." in chart_text.placements(trend)


def test_costs_per_year_name_the_dearest_year_and_the_sum() -> None:
    yearly = pd.DataFrame({"label": ["2024 (ettårsplan)", "År 1", "År 1"], "category": ["Rekruttering"] * 2 + [
        "Utvikling"], "cost": [100_000.0, 50_000.0, 70_000.0], "text": ["", "", ""]})
    text = chart_text.costs_per_year(yearly)
    assert "Dyrest er År 1: 120 000 kr. Til sammen 220 000 kr over 2 år." in text.replace("\xa0", " ")
    assert list(chart_text.costs_table(yearly)["År"]) == ["2024 (ettårsplan)", "År 1"]


def test_one_indicator_across_units_names_the_highest_and_the_lowest_unit() -> None:
    fig = go.Figure(go.Bar(y=["C", "B", "A"], x=[1.0, 2.0, 3.0], text=["1 %", "2 %", "3 %"], orientation="h"))
    assert "Høyest: A (3 %); lavest: C (1 %)." in chart_text.indicator_bars(fig, "Andel 60+")
    assert list(chart_text.indicator_table(fig, "Andel 60+")["Enhet"]) == ["A", "B", "C"]
