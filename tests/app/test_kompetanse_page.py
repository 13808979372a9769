"""The Kompetanse page on the demo: coverage, BB-N's single-person dependency, expiring certificates."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 60


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("kompetanse") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMPETANSE_DB", str(path))
        yield path


def _page(units: list[str] | None = None, day: date | None = None) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT).run()
    at.switch_page("pages/kompetanse.py").run()
    if units is not None:
        at.multiselect(key="f_units").set_value(units).run()
    if day is not None:
        at.date_input(key="f_date").set_value(day).run()
    assert not at.exception
    return at


def _table(at: AppTest, first_column: str, second_column: str):
    for frame in at.dataframe:
        value = frame.value
        if first_column in value.columns and second_column in value.columns:
            return value
    raise AssertionError(f"no table with {first_column} and {second_column}")


def test_bb_n_single_person_dependency(db_file):
    at = _page()
    deps = _table(at, "Innehaver (ansattnr.)", "Kompetanse")
    bb_n = deps[deps["Enhet"] == "Blodbank Namsos (BB-N)"]
    assert list(bb_n["Kompetanse"]) == ["Videreutdanning immunhematologi"]
    assert len(bb_n["Innehaver (ansattnr.)"].iloc[0]) > 0
    titles = [s.value for s in at.subheader]
    assert "Enpersonsavhengigheter" in titles and "Utdanningsnivå per enhet" in titles


def test_bb_n_coverage_and_expiry_on_the_date_and_the_day_after(db_file):
    at = _page(units=["BB-N"])
    matrix = at.dataframe[0].value
    # Four blood-bank certificates in BB-N: one expired the day before, one expires on 01.12.2023.
    assert matrix.loc["Blodbank Namsos (BB-N)", "Blodbank sertifisering"] == "3 / 3"
    assert matrix.loc["Blodbank Namsos (BB-N)", "Videreutdanning immunhematologi"] == "1 / 1"
    assert [m.value for m in at.metric] == ["2", "0", "0"]
    expiring = _table(at, "Utløper", "Status")
    assert set(expiring["Enhet"]) == {"Blodbank Namsos (BB-N)"}
    assert list(expiring["Utløper"]) == ["30.11.2023", "01.12.2023", "20.01.2024"]
    assert list(expiring["Status"]) == ["utløpt for 1 dag siden", "gyldig t.o.m. i dag", "utløper om 50 dager"]

    at.date_input(key="f_date").set_value(date(2023, 12, 2)).run()
    matrix = at.dataframe[0].value
    assert matrix.loc["Blodbank Namsos (BB-N)", "Blodbank sertifisering"] == "2 / 3 (mangler 1)"
    assert [m.value for m in at.metric] == ["2", "1", "1"]
    # BB-N has four people: the education table shows no figure for it ("<5" behind a hidden value).
    education = _table(at, "Bachelor", "Ansatte")
    assert list(education.index) == ["Blodbank Namsos (BB-N)", "Totalt"]
    assert not (education.fillna(-1) > 0).any().any()
