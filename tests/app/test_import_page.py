"""The Import page's «Legg til rettede rader» (issue 11, item 9) through AppTest.

AppTest cannot upload a file; the adding itself is the importer's `add_to` (tested end to end on the
command line in tests/integration/test_import_real_exports.py). Here: the section offers the imports
of the chosen kind, the active one first chosen.
"""

from __future__ import annotations

import pytest

from tests.app.helpers import app
from tests.fixtures import demo_copy


@pytest.fixture(autouse=True)
def use_db(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_DB", str(demo_copy(tmp_path / "demo.duckdb")))


def test_the_import_page_offers_to_add_corrected_rows_to_the_active_import():
    at = app()
    at.run()
    at.switch_page("pages/import_data.py").run()
    assert not at.exception
    assert "Legg til rettede rader" in [h.value for h in at.subheader]
    target = next(s for s in at.selectbox if s.label == "Legg til i import")
    assert "demo-personnel" in target.format_func(target.value) and "aktiv" in target.format_func(target.value)
