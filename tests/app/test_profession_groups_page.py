"""Titles without a profession group on the Import page, assigned there, and the group table on Pensjon."""

from __future__ import annotations

import pytest

from tests.app.helpers import app, open_tab
from tests.fixtures import demo_copy


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = demo_copy(tmp_path / "demo.duckdb")
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


def test_unmapped_titles_are_listed_on_the_import_page_and_assigning_one_moves_it_to_its_group(db):
    at = app().run()
    at.switch_page("pages/import_data.py").run()
    assert not at.exception
    editor = next(d for d in at.dataframe if "profession_group" in d.value.columns)
    assert list(editor.value["profession"]) == ["IKT-koordinator", "kvalitetsrådgiver", "spesialrådgiver"]

    from kompetanse.figures import professions
    from ui import data

    assigned = editor.value.assign(profession_group=["merkantil", "", ""])
    assert professions.assign_titles(data.connection(), assigned) == []
    data.data_changed()
    at.run()
    editor = next(d for d in at.dataframe if "profession_group" in d.value.columns)
    assert list(editor.value["profession"]) == ["kvalitetsrådgiver", "spesialrådgiver"]
    assert professions.group_of(data.connection(), "IKT-koordinator") == "merkantil"

    at.switch_page("pages/pensjon.py").run()
    open_tab(at, "p_tab", "Regler og utgangsrater")
    assert not at.exception
    groups = next(d for d in at.dataframe if "match_kind" in d.value.columns).value
    assert {"Intensivsykepleier".lower(), "ikt-koordinator"} <= {v.lower() for v in groups["match_value"]}
