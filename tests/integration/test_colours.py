"""One look across app, workbook and deck: the same colour for the same thing (kompetanse.presentation.colours)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kompetanse import export
from kompetanse.figures import ages
from kompetanse.figures.metrics import Scope
from kompetanse.plan import costs
from kompetanse.presentation import colours
from kompetanse.storage import store, units
from tests.fixtures import demo_copy

AS_OF = date(2023, 12, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The ALM pack as workbook and deck, and the app's age pyramid, from one demo database."""
    folder = tmp_path_factory.mktemp("colours")
    con = store.connect(demo_copy(folder / "demo.duckdb"))
    try:
        scope = Scope(as_of=AS_OF, units=units.descendants(units.tree(con), ["ALM"]))
        pyramid = colours.apply(ages.pyramid_figure(ages.pyramid(con, scope, 5)))
        paths = {fmt: export.build(con, fmt, folder / f"pack.{fmt}", unit="ALM", as_of=AS_OF)
                 for fmt in ("xlsx", "pptx")}
    finally:
        con.close()
    return {"pyramid": pyramid, "workbook": load_workbook(paths["xlsx"]), "deck": Presentation(str(paths["pptx"]))}


def _deck_series(deck, title: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Series label -> fill colour ("#rrggbb") of the chart on the slide titled `title`."""
    for slide in deck.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        if title in texts:
            chart = next(s.chart for s in slide.shapes if s.has_chart)
            return {s.name: f"#{s.format.fill.fore_color.rgb}".lower() for s in chart.plots[0].series}
    raise AssertionError(f"no slide titled {title!r}")


def _workbook_series(workbook, sheet: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    chart = workbook[sheet]._charts[0]
    found = {}
    for series in chart.series:
        label = series.tx.strRef.strCache.pt[0].v if series.tx.strRef else series.tx.v
        rgb = series.graphicalProperties.solidFill.srgbClr
        found[label] = f"#{getattr(rgb, 'val', rgb)}".lower()
    return found


def test_the_deck_colours_the_pyramid_as_the_app_does_women_red_and_men_blue(built) -> None:  # type: ignore[no-untyped-def]
    app = {trace.name: trace.marker.color for trace in built["pyramid"].data if trace.type == "bar"}
    deck = _deck_series(built["deck"], "Alderspyramide")
    assert app == {"Kvinner": colours.WOMEN, "Menn": colours.MEN}
    assert deck == app


def test_workbook_deck_and_page_colour_the_cost_categories_alike(built) -> None:  # type: ignore[no-untyped-def]
    labels = list(costs.CATEGORY_LABELS.values())
    page = colours.apply(go.Figure([go.Bar(name=label, y=[1]) for label in labels]))  # as the Tiltak page draws it
    on_page = {trace.name: trace.marker.color for trace in page.data}
    assert _workbook_series(built["workbook"], "Tiltak") == on_page
    assert _deck_series(built["deck"], "Tiltak og kostnader") == on_page
