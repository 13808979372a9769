"""A run stopped before the sidebar (a busy database during an import) leaves the user's choice as it was."""

from __future__ import annotations

from datetime import date

import pytest

from kompetanse.storage import store, units
from tests.app.helpers import app
from tests.fixtures import demo_copy

DATA_DATE = date(2023, 12, 1)  # the demo's data date, the default reference date


@pytest.fixture(autouse=True)
def use_db(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_DB", str(demo_copy(tmp_path / "demo.duckdb")))


def test_the_reference_date_stays_the_data_date_after_a_run_on_a_busy_database(monkeypatch):
    at = app()
    at.run()
    assert at.date_input(key="f_date").value == DATA_DATE
    real_tree = units.tree

    def busy(*_args: object, **_kwargs: object) -> None:
        raise store.StoreError("Databasen er i bruk av et annet program (for eksempel en import som kjører).")

    monkeypatch.setattr(units, "tree", busy)
    at.run()
    assert any("i bruk" in error.value for error in at.error)
    monkeypatch.setattr(units, "tree", real_tree)
    at.run()

    assert not at.exception
    assert at.date_input(key="f_date").value == DATA_DATE  # not today
    assert "per 01.12.2023" in at.caption[0].value
