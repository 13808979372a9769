"""One look: the colour map every chart takes its colours from (kompetanse.presentation.colours)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from kompetanse.plan import costs
from kompetanse.presentation import colours


def test_every_chart_colour_stands_out_against_white_by_at_least_3_to_1() -> None:
    # WCAG 2.1, 1.4.11: graphical objects need 3:1 against what is next to them (the white plot).
    for value in {*colours.PALETTE, *colours.NAMED.values(), colours.SINGLE, colours.REFERENCE_LINE}:
        assert colours.contrast(value, "#ffffff") >= 3.0, value


def test_contrast_is_the_wcag_ratio() -> None:
    assert colours.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colours.contrast("#828180", "#ffffff") == pytest.approx(3.88, abs=0.01)  # the old caption grey


def test_women_are_red_and_men_blue_whatever_the_order_or_the_spelling() -> None:
    assert colours.series_colours(["Menn", "Kvinner"]) == [colours.MEN, colours.WOMEN]
    assert colours.colour("kvinner") == colours.WOMEN == "#c0392b"
    assert colours.colour(" MENN ") == colours.MEN == "#2e6da4"


def test_each_measure_category_has_one_colour_in_either_wording() -> None:
    for code, label in costs.CATEGORY_LABELS.items():
        assert colours.colour(code) == colours.colour(label)
    assert colours.colour("rekruttering") != colours.colour("utvikling")


def test_a_profession_group_keeps_its_colour_wherever_it_comes_in_the_legend() -> None:
    assert colours.series_colours(["sykepleier", "jordmor"])[1] == colours.series_colours(["jordmor"])[0]


def test_unnamed_series_take_the_palette_without_repeating_a_fixed_colour_of_the_same_chart() -> None:
    shown = colours.series_colours(["sykepleier", "Ukjent gruppe A", "Ukjent gruppe B"])
    assert shown[0] == colours.colour("sykepleier")
    assert len(set(shown)) == 3


def test_a_plotly_figure_gets_the_colours_of_its_series_names() -> None:
    fig = go.Figure([go.Bar(name="Menn", y=[1]), go.Bar(name="Kvinner", y=[2]), go.Scatter(name="Trend", y=[1, 2]),
                     go.Scatter(y=[0], mode="text", text=["<5"], showlegend=False)])
    colours.apply(fig)
    assert [fig.data[0].marker.color, fig.data[1].marker.color] == [colours.MEN, colours.WOMEN]
    assert fig.data[2].line.color not in (colours.MEN, colours.WOMEN)  # the palette, but not a colour in use
    assert fig.data[3].marker.color is None  # a "<k" label layer is left alone


def test_hex_digits_are_what_openpyxl_and_python_pptx_write() -> None:
    assert colours.hex_digits("#c0392b") == "C0392B"
