"""AppTest: the Sammenlign enheter page on the demo (unit ALM)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.demo import demo
from kompetanse.storage import settings, store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sammenlign") / "demo.duckdb"
    con = store.connect(path)
    demo.load_demo(con)
    settings.put(con, "min_group_size", "5")
    con.close()
    return path


def _shown(element) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The table as the user sees it (the Styler's display text)."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(element.proto.arrow_data.styler.display_values)


def _page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("KOMPETANSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/sammenlign.py").run()
    at.multiselect(key="f_units").select("ALM").run()
    assert not at.exception
    return at


def test_indicators_table_and_chart(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch)
    table = _shown(at.dataframe[0]).set_index("Enhet")
    assert list(table.columns) == ["Ansatte", "Gjennomsnittsalder", "Andel 60+", "Turnover 12 mnd"]
    # Ranked by headcount: MB-L 32 first; the total of ALM counts 94 persons.
    assert table.index[0] == "Medisinsk biokjemi Levanger"
    assert table.loc["Medisinsk biokjemi Levanger", "Ansatte"] == "32"
    assert table.loc["Utvalget totalt", "Ansatte"] == "94"
    assert table.loc["Blodbank Namsos", "Ansatte"] == "<5"  # 4 persons
    assert table.loc["Blodbank Levanger", "Ansatte"] == ":"  # 7, hidden so that 94 - the rest is not 4
    for value in table.drop(columns=["Gjennomsnittsalder", "Andel 60+", "Turnover 12 mnd"]).to_numpy().ravel():
        assert value not in {"1", "2", "3", "4"}

    at.multiselect(key="cmp_indicators").unselect("Ansatte").unselect("Turnover 12 mnd").select("Årsverk").run()
    assert not at.exception
    table = _shown(at.dataframe[0]).set_index("Enhet")
    assert list(table.columns) == ["Gjennomsnittsalder", "Andel 60+", "Årsverk"]
    # Blodbank Levanger (49,4 on average) has its 7 persons hidden to protect Blodbank Namsos, and with
    # them its mean age (":"): the oldest shown is the staff's 46,7
    assert table.index[0] == "Avdelingsleder med stab"
    assert table.loc["Blodbank Levanger", "Gjennomsnittsalder"] == ":"
    assert table.loc["Medisinsk biokjemi Levanger", "Årsverk"] == "27,4"
    assert table.loc["Utvalget totalt", "Andel 60+"] == "7,4 %"

    chart = at.get("plotly_chart")[0]
    assert "Andel 60+" in chart.proto.spec
    at.selectbox(key="cmp_chart").select("Gjennomsnittsalder").run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Utvalget totalt: 44,1" in spec
    captions = " ".join(c.value for c in at.caption)
    assert "Ikke med i diagrammet" in captions and "Blodbank Namsos" in captions


def test_no_indicator_says_so(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch)
    for label in list(at.multiselect(key="cmp_indicators").value):
        at.multiselect(key="cmp_indicators").unselect(label)
    at.run()
    assert not at.exception
    assert any("Velg minst én indikator" in i.value for i in at.info)
