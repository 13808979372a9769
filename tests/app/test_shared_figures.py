"""Figures shared by every session (store.shared, data.derived): built once, the same for all, never changed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.figures import ages
from kompetanse.storage import store
from tests.app.helpers import open_tab
from tests.fixtures import demo_copy
from ui import data

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("shared") / "demo.duckdb")


def _alder(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("KOMPETANSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/alder.py").run()
    open_tab(at, "a_tab", "Per enhet")
    assert not at.exception
    return at


def _bands_shown(at: AppTest) -> pd.DataFrame:
    table = next(d for d in at.dataframe if "Totalt" in d.value.columns)
    return dataframe_util.convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)


def test_two_sessions_on_the_same_data_get_the_chart_built_once_and_the_same_table(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    original = ages.bands_figure

    def counting(bands: ages.BandsTable, columns: int = 3):  # type: ignore[no-untyped-def]
        built.append(bands)
        return original(bands, columns)

    monkeypatch.setattr(ages, "bands_figure", counting)
    first = _alder(demo_db, monkeypatch)
    second = _alder(demo_db, monkeypatch)
    assert len(built) == 1
    assert len(first.get("plotly_chart")) == len(second.get("plotly_chart")) == 1
    pd.testing.assert_frame_equal(_bands_shown(first), _bands_shown(second))
    assert _bands_shown(first).set_index("Enhet").loc["Totalt", "Totalt"].replace("\xa0", " ") == "1 196"


def test_a_run_that_changes_a_shared_figure_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.CHECK_SHARED_VARIABLE, "1")
    results = data.SharedResults()
    frame = results.get("figures", lambda: pd.DataFrame({"headcount": [94]}))
    results.check_unchanged()
    assert results.changed == []
    frame.loc[0, "headcount"] = 95  # what a page must never do: every session would see it
    results.get("figures", lambda: pd.DataFrame())
    results.check_unchanged()
    assert results.changed == ["figures"]


def test_the_same_key_is_built_once_and_the_oldest_entry_goes_first() -> None:
    results = data.SharedResults(max_entries=2)
    builds: list[str] = []
    for key in ["a", "b", "a", "c", "b"]:
        results.get(key, lambda key=key: builds.append(key) or key)
    assert builds == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came, "a" had just been used


def test_outside_the_app_a_shared_figure_is_computed_on_every_call(demo_db: Path) -> None:
    calls: list[int] = []

    @store.shared
    def headcount(db: store.Db, unit: str) -> int:
        calls.append(1)
        return int(store.run_query(db, "data_date").shape[0])

    con = store.connect(demo_db, reading=True)
    try:
        headcount(store.QueryRunner(con), "ALM")
        headcount(store.QueryRunner(con), "ALM")
        headcount(con, "ALM")
    finally:
        con.close()
    assert len(calls) == 3


def test_drawings_are_keyed_by_the_values_of_formats_and_the_identity_of_figures() -> None:
    same_formats = data._source_key({"Ansatte": str}) == data._source_key({"Ansatte": str})
    frame = pd.DataFrame({"a": [1]})
    assert same_formats
    assert data._source_key(frame) != data._source_key(frame.copy())
    assert data._source_key(frame) == data._source_key(frame)


def test_a_signed_in_users_access_is_keyed_by_its_value_and_a_table_by_its_identity() -> None:
    from kompetanse.access.access import Access
    from kompetanse.figures.suppression import Suppressed

    leader = Access(user="leder1", role="leder", allowed_units=("MB-L",))
    same_leader_next_run = Access(user="leder1", role="leder", allowed_units=("MB-L",))
    assert data._source_key(leader) == data._source_key(same_leader_next_run)
    assert data._source_key(leader) != data._source_key(Access(user="leder2", role="leder", allowed_units=("MM",)))
    table = Suppressed(values=pd.DataFrame({"a": [1]}), hidden=pd.DataFrame({"a": [False]}), k=5)
    copy = Suppressed(values=table.values.copy(), hidden=table.hidden.copy(), k=5)
    assert data._source_key(table) != data._source_key(copy)
