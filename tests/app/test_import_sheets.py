"""The Import page with a workbook where two sheets hold the columns: the user picks one."""

from __future__ import annotations

import pytest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from tests.app.helpers import app
from tests.crafted import two_sheets
from tests.fixtures import demo_copy


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = demo_copy(tmp_path / "demo.duckdb")
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


def test_two_sheets_with_the_columns_give_a_choice_and_the_chosen_sheet_is_imported(db, tmp_path):
    upload = two_sheets(tmp_path / "to.xlsx").read_bytes()
    at = app().run()
    at.switch_page("pages/import_data.py").run()
    at.file_uploader[0].set_value(("to.xlsx", upload, "application/octet-stream")).run()
    assert not at.exception
    choice = at.selectbox(key="import_sheet_to.xlsx")
    assert choice.options == ["Lege", "Sykepleie"]
    choice.set_value("Sykepleie").run()
    assert any("på arket «Sykepleie»" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Importer").click().run()
    assert not at.exception
    assert any("Importert 3 rader. to.xlsx ble lest fra arket «Sykepleie»." in s.value for s in at.success)
