"""AppTest: the Alder page on the demo, unit ALM, with k=5 and k=0."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.storage import settings, store
from tests.app.helpers import open_tab
from tests.fixtures import demo_copy

APP = str(Path(__file__).resolve().parents[2] / "app.py")

ALM_ROWS = {  # the ALM plan's unit charts on 01.12.2023: <20 ... 70+
    "Avdelingsleder med stab": [0, 2, 2, 4, 9, 0, 0],
    "Medisinsk biokjemi Levanger": [0, 4, 13, 5, 8, 2, 0],
    "Medisinsk biokjemi Namsos": [0, 1, 9, 6, 4, 4, 0],
    "Blodbank Levanger": [0, 0, 2, 1, 3, 1, 0],
    "Blodbank Namsos": [0, 0, 1, 0, 3, 0, 0],
    "Medisinsk mikrobiologi": [0, 0, 7, 2, 4, 0, 0],
}
BANDS = ["<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_copy(tmp_path_factory.mktemp("alder") / "demo.duckdb")
    return path


def _shown(element) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The table as the user sees it (the Styler's display text)."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(element.proto.arrow_data.styler.display_values)


def _run(db: Path, k: int, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    con = store.connect(db)
    settings.put(con, "min_group_size", str(k))
    con.close()
    monkeypatch.setenv("KOMPETANSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/alder.py").run()
    at.multiselect(key="f_units").select("ALM").run()
    assert not at.exception
    return at


def _bands_table(at: AppTest) -> pd.DataFrame:
    table = next(d for d in at.dataframe if d.key == "alder_tabell" or "Totalt" in d.value.columns)
    return _shown(table).set_index("Enhet")


def test_exact_bands_with_k0(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_tab(_run(demo_db, 0, monkeypatch), "a_tab", "Per enhet")
    shown = _bands_table(at)
    for unit, counts in ALM_ROWS.items():
        assert list(shown.loc[unit, BANDS]) == [str(c) for c in counts]
        assert shown.loc[unit, "Totalt"] == str(sum(counts))
    # The total row counts persons once: 94, not the column sum 97.
    assert list(shown.loc["Totalt", BANDS]) == ["0", "7", "32", "18", "30", "7", "0"]
    assert shown.loc["Totalt", "Totalt"] == "94"
    captions = " ".join(c.value for c in at.caption)
    assert "bare én gang i totalraden" in captions
    assert len(at.get("plotly_chart")) == 1  # the small multiples; the pyramid is in its own tab


def test_small_cells_hidden_with_default_k(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_tab(_run(demo_db, 5, monkeypatch), "a_tab", "Per enhet")
    shown = _bands_table(at)
    # MB-L: 0, 4, 13, 5, 8, 2, 0 -> the 4 and the 2 are hidden.
    assert list(shown.loc["Medisinsk biokjemi Levanger", BANDS]) == ["0", "<5", "13", "5", "8", "<5", "0"]
    assert shown.loc["Medisinsk biokjemi Levanger", "Totalt"] == "32"
    # BB-N has 4 persons: a small group shows nothing.
    assert set(shown.loc["Blodbank Namsos"].drop("Enhet", errors="ignore")) == {"<5"}
    # No count 1..4 is visible anywhere in the table.
    for value in shown.to_numpy().ravel():
        assert value not in {"1", "2", "3", "4"}
    assert list(shown.loc["Totalt", BANDS]) == ["0", "7", "32", "18", "30", "7", "0"]
    captions = " ".join(c.value for c in at.caption)
    assert "færre enn 5 personer" in captions
    # Per profession group: bioingeniør 72 persons, mean age shown; the two IKT-koordinatorer (a title no
    # group covers: its own group) are hidden.
    open_tab(at, "a_tab", "Per yrkesgruppe")
    professions = _shown(next(d for d in at.dataframe if "Yrkesgruppe" in d.value.columns)).set_index("Yrkesgruppe")
    assert professions.loc["bioingeniør", "Ansatte"] == "72"
    assert professions.loc["bioingeniør", "Andel 60 år +"] == "9,7 %"
    assert professions.loc["IKT-koordinator", "Gjennomsnittsalder"] == "<5"
    assert professions.loc["Totalt", "Gjennomsnittsalder"] == "44,1"


def test_the_page_opens_on_the_pyramid_and_draws_another_tab_only_when_it_is_chosen(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _run(demo_db, 5, monkeypatch)
    assert [t.label for t in at.tabs] == ["Alderspyramide", "Per enhet", "Per yrkesgruppe"]
    assert [s.value for s in at.subheader] == ["Alderspyramide"]
    assert len(at.get("plotly_chart")) == 1
    assert not at.dataframe  # the unit and profession tables are not built until their tab is chosen
    open_tab(at, "a_tab", "Per yrkesgruppe")
    assert [s.value for s in at.subheader] == ["Alder per yrkesgruppe"]
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 1


def test_empty_selection_says_so(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(demo_db, 5, monkeypatch)
    at.multiselect(key="f_professions").select("jordmor").run()  # no midwives in the laboratory
    assert not at.exception
    assert any("Ingen ansatte" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
