"""AppTest: every chart on every page has a text alternative (a sentence on what it shows and its main
finding) and its numbers as a table, either beside it or in «Vis tallene»."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.presentation import chart_text
from tests.app.helpers import APP, open_tab, plain
from tests.fixtures import demo_copy

ALTERNATIVE = re.compile(r"^(Alderspyramiden|Diagrammet|Søylediagrammet|Varmekartet|Linjediagrammet) viser")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("chart-text") / "demo.duckdb")


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, unit: str | None = None) -> AppTest:
    monkeypatch.setenv("KOMPETANSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(f"pages/{page}.py").run()
    if unit:
        at.multiselect(key="f_units").select(unit).run()
    assert not at.exception
    return at


def _alternatives(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption if ALTERNATIVE.match(c.value)]


def _numbers(at: AppTest) -> list:  # type: ignore[no-untyped-def]
    """The «Vis tallene» expanders."""
    return [e for e in at.expander if e.label == "Vis tallene"]


def test_the_age_pyramid_says_its_largest_band_and_share_60_plus_and_shows_its_numbers(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, "alder", unit="ALM")
    alternatives = _alternatives(at)
    assert len(alternatives) == len(at.get("plotly_chart")) == 1
    # ALM on 01.12.2023: 0, 7, 32, 18, 30, 7, 0 persons per band (the ALM plan), 94 in all.
    assert "Flest ansatte er 30-39 år (32); 7,4 % er 60 år eller eldre." in alternatives[0]
    numbers = _numbers(at)
    assert len(numbers) == 1
    table = numbers[0].get("table")[0].value
    assert "Personer" in table.columns and len(table) == 8  # seven bands and the total
    open_tab(at, "a_tab", "Per enhet")
    alternatives = _alternatives(at)
    assert len(alternatives) == len(at.get("plotly_chart")) == 1
    assert alternatives[0].startswith("Diagrammet viser antall personer per aldersgruppe i hver av de 6 enhetene.")
    assert not _numbers(at)  # the age bands have their table beside the chart


def test_every_pension_chart_has_its_sentence_and_the_heat_map_its_numbers(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, "pensjon")
    alternatives = [*_alternatives(at), *_alternatives(open_tab(at, "p_tab", "Rekrutteringsbehov"))]
    heat_map_tab = open_tab(at, "p_tab", "Andel per enhet")
    alternatives.insert(1, *_alternatives(heat_map_tab))
    assert len(alternatives) == 3 and len(at.get("plotly_chart")) == 1  # one chart per tab, each with its words
    assert alternatives[0].startswith(chart_text.RETIREMENT_YEARS)
    assert re.search(r"Flest i ett år: år \d+( og år \d+)* \(\d+ personer\)\. I alt \d+ personer over 10 år\.",
                     alternatives[0])
    assert alternatives[1].startswith("Varmekartet viser") and "Høyest er " in alternatives[1]
    assert alternatives[2].startswith(chart_text.NEED_YEARS)
    heat_map = _numbers(heat_map_tab)[0].get("table")[0].value
    assert "Enhet" in heat_map.columns and any(str(v).endswith("%") for v in heat_map.to_numpy().ravel())


def test_every_turnover_chart_says_its_finding(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch, "turnover")
    alternatives = _alternatives(at)
    assert len(alternatives) == len(at.get("plotly_chart")) == 4  # trend, per unit, per profession, reasons
    assert re.search(r"Turnover: \d+,\d % per 01\.12\.2023 \(ett år før: \d+,\d %\)", alternatives[0])
    assert "per enhet. Høyest turnover: " in alternatives[1]
    assert "per yrkesgruppe. Høyest turnover: " in alternatives[2]
    assert re.search(r"Vanligste sluttårsak: [a-zø ]+ \(\d+ personer\)\.", alternatives[3])
    trend = _numbers(at)[0].get("table")[0].value
    assert trend.columns[0] == "12 måneder til og med" and trend.iloc[0, 0] == "01.12.2023"


@pytest.mark.parametrize(("page", "finding"), [
    ("maal", r"Av \d+ mål er flest «[a-zø ]+» \(\d+\)\."),
    ("praksis", r"Siste semester med tall, (Vår|Høst) \d{4}: etterspurt \d+"),
    ("tiltak", r"Dyrest er .+: [\d ]+ kr\. Til sammen [\d ]+ kr over \d+ år\."),
    ("sammenlign", r"Høyest: .+ \(.+\); lavest: .+ \(.+\)\."),
])
def test_the_plan_and_comparison_charts_say_their_finding(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, finding: str
) -> None:
    at = _page(demo_db, monkeypatch, page)
    alternatives = _alternatives(at)
    assert len(alternatives) == len(at.get("plotly_chart")) == 1
    assert re.search(finding, alternatives[0]), alternatives[0]
