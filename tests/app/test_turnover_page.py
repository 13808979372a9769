"""The Turnover page as a user sees it: key figures, trend chart, tables, after changing the sidebar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.demo import demo
from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.presentation import formatting
from kompetanse.storage import store
from tests.app.helpers import app as new_app
from tests.app.helpers import metric_values as shown_metrics
from tests.app.helpers import plain as text

HO = ("BOA", "HJT", "HO", "SYK-A", "SYK-B")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Iterator[tuple[Path, dict[date, pd.Series]]]:
    """The demo database the app opens, and the expected totals for HO computed on it beforehand."""
    path = tmp_path_factory.mktemp("turnover") / "demo.duckdb"
    con = store.connect(path)
    demo.load_demo(con)
    expected = {
        day: metrics.compute(con, Scope(as_of=day, units=HO), by=None).loc["total"]
        for day in (date(2023, 12, 1), date(2021, 12, 1))
    }
    con.close()
    yield path, expected


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_DB", str(demo_db[0]))
    at = new_app().run()
    at.switch_page("pages/turnover.py").run()
    assert not at.exception
    return at


@pytest.fixture
def reference(demo_db) -> dict[date, pd.Series]:
    return demo_db[1]


def test_turnover_page_for_the_municipal_sector(app, reference):
    at = app
    assert at.title[0].value == "Turnover"
    at.multiselect(key="f_units").select("HO").run()
    assert not at.exception
    shown = shown_metrics(at)
    assert shown["Med pensjon"] == "12,9 %"
    assert shown["Sluttet siste 12 mnd"] == "116"
    assert shown["Ansatte nå"] == "902"
    expected = reference[date(2023, 12, 1)]
    assert shown["Uten pensjon"] == text(formatting.percent(expected["turnover_12m_excl_retirement"]))
    assert shown["Andel av kohorten som har sluttet"] == text(formatting.percent(expected["turnover_ks"]))
    # The trend, the two group charts and the reasons chart.
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    # The profession table shows the Larvik figures.
    tables = [t.value for t in at.dataframe]
    professions = next(t for t in tables if "Yrkesgruppe" in t.columns).set_index("Yrkesgruppe")
    assert professions.loc["assistent", "Turnover"] == pytest.approx(0.209, abs=0.0005)
    assert professions.loc["helsefagarbeider", "Turnover"] == pytest.approx(0.099, abs=0.0005)
    reasons = next(t for t in tables if "Sluttårsak" in t.columns).set_index("Sluttårsak")
    assert reasons.loc["Totalt", "Sluttet"] == 116


def test_changing_the_date_changes_the_figures(app, reference):
    at = app
    at.multiselect(key="f_units").select("HO").run()
    at.date_input(key="f_date").set_value(date(2021, 12, 1)).run()
    assert not at.exception
    expected = reference[date(2021, 12, 1)]
    shown = shown_metrics(at)
    assert shown["Med pensjon"] == text(formatting.percent(expected["turnover_12m"]))
    assert shown["Sluttet siste 12 mnd"] == text(formatting.number(expected["leavers_12m"]))
    assert shown["Med pensjon"] != "12,9 %"
    assert len(at.get("plotly_chart")) == 4


def test_a_small_unit_shows_hidden_figures_and_says_why(app):
    at = app
    at.multiselect(key="f_units").select("BB-N").run()
    assert not at.exception
    shown = shown_metrics(at)
    assert shown["Med pensjon"] == "<5"
    captions = " ".join(c.value for c in at.caption)
    assert "færre enn 5" in captions


def test_an_empty_selection_says_so_in_words(app):
    at = app
    at.multiselect(key="f_units").select("HO").run()
    at.multiselect(key="f_professions").select("bioingeniør").run()  # no bioingeniør in the municipality
    assert not at.exception
    assert any("Ingen ansatte" in i.value for i in at.info)
    assert not at.get("plotly_chart")
