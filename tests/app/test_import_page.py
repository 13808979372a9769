"""The Import page (issue 11, items 9 and 10) through AppTest: the summary of an import into the demo,
and «Legg til rettede rader» adding the corrected rows to the import they came from."""

from __future__ import annotations

import pytest

from kompetanse.storage import store
from tests.app.helpers import app
from tests.fixtures import demo_copy

HEADER = "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Stillingsprosent;Startdato"
EXPORT = (HEADER + "\n1;A;lege;01.01.1980;100;01.01.2010\n2;A;lege;01.01.1981;abc;01.01.2010\n"
          "3;A;lege;01.01.1982;100;01.01.2010\n").encode()
CORRECTED = (HEADER + ";Rad;Feil\n2;A;lege;01.01.1981;80;01.01.2010;3;Stillingsprosent: ugyldig\n").encode()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = demo_copy(tmp_path / "demo.duckdb")
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


def test_an_import_into_the_demo_says_the_demo_went_and_the_corrected_rows_join_their_import(db):
    at = app()
    at.run()
    at.switch_page("pages/import_data.py").run()
    at.file_uploader[0].set_value(("eksport.csv", EXPORT, "text/csv")).run()
    next(c for c in at.checkbox if c.label.startswith("Importer gyldige rader")).check().run()
    next(b for b in at.button if b.label == "Importer").click().run()
    assert not at.exception
    assert any("Importert 2 rader" in s.value for s in at.success)
    assert any("Demodataene er fjernet" in i.value for i in at.info)

    target = next(s for s in at.selectbox if s.label == "Legg til i import")
    assert "eksport.csv" in target.format_func(target.value) and "aktiv" in target.format_func(target.value)
    at.file_uploader[1].set_value(("eksport.avviste.csv", CORRECTED, "text/csv")).run()
    at.button(key="corrections_add").click().run()
    assert not at.exception
    assert any("har nå 3 rader" in s.value for s in at.success)
    assert any("1 rettede rader er lagt til" in i.value for i in at.info)
    con = store.connect(db)
    try:
        assert con.execute("select count(*) from v_employments").fetchone()[0] == 3
    finally:
        con.close()
