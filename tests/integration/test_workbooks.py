"""Workbooks as people save them: real .xls and .ods from LibreOffice, Gnumeric and xlwt, the sheet with
the header found and named, a choice where two qualify, and pre-1997 Excel named as such."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kompetanse import importer
from kompetanse.__main__ import main
from kompetanse.figures import metrics
from kompetanse.storage import store
from tests.crafted import two_sheets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = ["personnel-libreoffice.xls", "personnel-libreoffice.ods", "personnel-gnumeric.xls",
        "personnel-gnumeric.ods", "personnel-xlwt.xls"]
AS_OF = metrics.Scope(as_of=date(2023, 12, 1))


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "k.duckdb")
    yield connection
    connection.close()


@pytest.mark.parametrize("name", REAL)
def test_real_xls_and_ods_files_give_the_same_figures(con, name):
    outcome = importer.import_files(con, [FIXTURES / name])
    assert outcome.rows == 8
    total = metrics.compute(con, AS_OF, by=None).loc["total"]
    assert (int(total["headcount"]), round(float(total["fte"]), 2)) == (7, 5.9)


def test_the_sheet_with_the_header_is_used_and_named(con):
    preview = importer.preview_file(FIXTURES / "personnel-xlwt.xls")
    assert preview.sheet == "Ansatte"  # the cover sheet before it has no header
    outcome = importer.import_files(con, [FIXTURES / "personnel-xlwt.xls"])
    assert outcome.sheets == {"personnel-xlwt.xls": "Ansatte"}


def test_an_ods_that_calamine_rejects_is_read_by_the_second_reader():
    from kompetanse.importer import sandbox

    with sandbox.SheetReader(FIXTURES / "personnel-gnumeric.ods", 20) as reader:
        assert [s.name for s in reader.sheets()] == ["Ansatte"]
        assert reader.reader == "odf"


def test_excel_95_is_named_as_an_old_format(con):
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_files(con, [FIXTURES / "excel95.xls"])
    assert "gammelt Excel-format" in failure.value.errors[0].message
    assert "lagre som .xlsx" in failure.value.errors[0].message


def test_a_bare_biff4_file_is_named_as_an_old_format(tmp_path):
    path = tmp_path / "gammel.xls"
    path.write_bytes(b"\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00" + b"\x0a\x00\x00\x00")  # BOF (BIFF4), EOF
    with pytest.raises(importer.ImportFailed, match="gammelt Excel-format"):
        importer.preview_file(path)


def test_two_sheets_with_the_columns_ask_which_one_and_the_chosen_one_is_imported(con, tmp_path):
    path = two_sheets(tmp_path / "to.xlsx")
    with pytest.raises(importer.ImportFailed) as failure:
        importer.preview_file(path)
    assert failure.value.sheets == ["Lege", "Sykepleie"]
    assert "--sheet" in failure.value.errors[0].message
    outcome = importer.import_files(con, [path], sheets={"to.xlsx": "Sykepleie"})
    assert outcome.rows == 3
    assert outcome.sheets == {"to.xlsx": "Sykepleie"}


def test_the_command_line_takes_the_sheet_by_name(tmp_path, capsys):
    path = two_sheets(tmp_path / "to.xlsx")
    db = str(tmp_path / "k.duckdb")
    assert main(["import", str(path), "--db", db]) == 1
    assert "velg hvilket ark" in capsys.readouterr().err
    assert main(["import", str(path), "--sheet", "Lege", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Importert 1 rader" in out and "lest fra arket «Lege»" in out
    assert main(["import", str(path), "--sheet", "Ukjent", "--db", db]) == 1
    assert "Arket «Ukjent» finnes ikke; arkene heter «Lege», «Sykepleie»" in capsys.readouterr().err
