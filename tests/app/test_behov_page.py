"""The Behov og dekning page on the demo: the gap year by year without and with the plan's measures."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import plain

TIMEOUT = 60


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("behov") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMPETANSE_DB", str(path))
        yield path


def _page(units: list[str]) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT).run()
    at.switch_page("pages/behov.py").run()
    at.multiselect(key="f_units").set_value(units).run()
    assert not at.exception
    return at


def _table(at: AppTest, column: str):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with {column}")


def test_the_alm_page_shows_what_the_plan_closes_in_five_years(db_file):
    at = _page(["ALM"])
    captions = [plain(c.value) for c in at.caption]
    assert any(c.startswith("Om 5 år mangler") and "planens tiltak dekker" in c for c in captions)
    competence = _table(at, "Kostnad per lukket gap").set_index(["Enhet", "Kompetanse"])
    row = competence.loc[("Medisinsk biokjemi Namsos", "ISO 15189 internrevisor")]
    assert (row["Krav"], row["Gap uten tiltak"], row["Gap med tiltak"]) == (1, 1, 0)
    assert row["Planlagt kostnad"] == 20_000
    assert row["Kostnad per lukket gap"] == 20_000
    assert any(c.startswith("Om 5 år mangler") and "mot dagens bemanning" in c for c in captions)
    assert at.table[0].value.shape[0] == 6  # «Vis tallene» under the chart: today and five years
    staffing = _table(at, "Rekruttert av planen")
    assert staffing.loc["bioingeniør", "Rekruttert av planen"] == 4


def test_a_unit_whose_measures_state_no_effect_says_so(db_file):
    at = _page(["Stab"])
    assert any("Ingen tiltak i utvalget oppgir effekt" in i.value for i in at.info)
