"""Files made to take a reader down: each gets one sentence, the database is unchanged, the process lives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetanse import importer
from kompetanse.importer import sandbox, workbook
from kompetanse.storage import store
from tests import crafted
from tests.app.helpers import plain

ROW = "{i};NY;sykepleier;15.06.1980;K;100;01.01.2015;{note}\n"
HEADER = "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato;Merknad\n"


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    # The child's limits, small so the crafted files fail fast (the defaults are GBs and minutes).
    monkeypatch.setenv("KOMPETANSE_READ_MEMORY_MB", "400")
    monkeypatch.setenv("KOMPETANSE_READ_SECONDS", "20")


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "k.duckdb")
    yield connection
    connection.close()


def imports(con) -> int:
    return int(store.fetch_value(con, "select count(*) from imports"))


def refusal(con, path: Path) -> str:
    """The one sentence the import gives, after checking it changed nothing."""
    before = imports(con)
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_files(con, [path])
    assert imports(con) == before
    assert len(failure.value.errors) == 1
    message = failure.value.errors[0].message
    assert "Traceback" not in message
    return message


def test_a_sheet_declared_to_reach_xfd1048576_is_refused_before_it_is_read(con, tmp_path):
    path = crafted.sparse_xlsx(tmp_path / "sparse.xlsx", declare=True)
    assert path.stat().st_size < 2000
    message = plain(refusal(con, path))
    assert "XFD1048576" in message
    assert "1 048 576 rader × 16 384 kolonner" in message


def test_a_sparse_sheet_that_makes_the_reader_abort_gives_a_sentence_and_this_process_goes_on(con, tmp_path):
    # No declared dimension: python-calamine asks for 512 GB and aborts, in the child.
    path = crafted.sparse_xlsx(tmp_path / "sparse.xlsx", declare=False)
    assert "mer minne enn grensen" in refusal(con, path)
    with pytest.raises(importer.ImportFailed, match="mer minne"):
        importer.preview_file(path)
    good = crafted.xlsx(tmp_path / "god.xlsx", {"Ark1": crafted.sheet_xml(crafted.personnel_rows(4))})
    assert importer.import_files(con, [good]).rows == 4


def test_a_workbook_that_inflates_past_the_limit_is_refused_without_inflating_it(con, tmp_path, monkeypatch):
    path = crafted.dense_xlsx(tmp_path / "dense.xlsx", inflated_mb=3)
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("KOMPETANSE_READ_MAX_UNCOMPRESSED_MB", "2")
    assert plain(refusal(con, path)).startswith("Regnearket pakker ut til 3 MB (grensen er 2 MB)")


def test_a_sheet_over_the_row_limit_is_refused_with_the_limit(con, tmp_path, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_READ_MAX_ROWS", "5")
    path = crafted.xlsx(tmp_path / "lang.xlsx", {"Ark1": crafted.sheet_xml(crafted.personnel_rows(8))})
    assert "grensen (5 rader" in refusal(con, path)


def test_a_reader_that_hangs_is_stopped_at_the_time_limit(con, tmp_path, monkeypatch):
    hanging = tmp_path / "hang.py"
    hanging.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(sandbox, "CHILD", hanging)
    monkeypatch.setenv("KOMPETANSE_READ_SECONDS", "1")
    path = crafted.xlsx(tmp_path / "god.xlsx", {"Ark1": crafted.sheet_xml(crafted.personnel_rows(2))})
    assert "tok mer enn 1 sekunder" in refusal(con, path)


def test_the_spreadsheet_reader_gives_the_same_rows_as_the_file_holds(con, tmp_path):
    path = crafted.xlsx(tmp_path / "god.xlsx", {"Ark1": crafted.sheet_xml(crafted.personnel_rows(30))})
    preview = importer.preview_file(path)
    assert preview.header_row == 1
    assert list(preview.sample["Ansattnr"][:2]) == ["1000", "1001"]
    outcome = importer.import_files(con, [path])
    assert outcome.rows == 30


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), min_size=1, max_size=3),
    declare=st.booleans(),
)
def test_fuzz_sparse_workbooks_give_a_preview_or_one_sentence(tmp_path_factory, cells, declare):
    folder = tmp_path_factory.mktemp("sparse")
    rows: dict[int, dict[int, object]] = {1: dict(enumerate(crafted.PERSONNEL_HEADER, start=1))}
    for row, column in cells:
        rows.setdefault(row + 1, {})[column] = "x"
    last_row = max(rows)
    last_column = max(max(c) for c in rows.values())
    dimension = f"A1:{crafted.column_letters(last_column)}{last_row}" if declare else None
    path = crafted.xlsx(folder / "f.xlsx", {"Ark1": crafted.sheet_xml(rows, dimension)})
    try:
        preview = importer.preview_file(path)
        assert preview.header_row == 1
    except importer.ImportFailed as failure:
        assert len(failure.errors) == 1
        assert failure.errors[0].message.endswith(".")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(min_size=1, max_size=2000),
    prefix=st.sampled_from([b"", workbook.ZIP_MAGIC, workbook.OLE_MAGIC]),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods"]),
)
def test_fuzz_random_bytes_as_a_workbook_give_one_sentence(tmp_path_factory, content, prefix, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"f{suffix}"
    path.write_bytes(prefix + content)
    with pytest.raises(importer.ImportFailed) as failure:
        importer.preview_file(path)
    assert len(failure.value.errors) == 1


# --- long CSV cells ----------------------------------------------------------------------------


def test_a_csv_cell_over_131072_characters_in_the_first_lines_is_read(con, tmp_path):
    path = tmp_path / "lang.csv"
    path.write_text(HEADER + ROW.format(i=1, note="x" * 200_000) + "".join(ROW.format(i=i, note="") for i in
                                                                            range(2, 30)), encoding="utf-8")
    assert importer.import_files(con, [path]).rows == 29


def test_a_quoted_multi_line_cell_over_131072_characters_is_read(con, tmp_path):
    path = tmp_path / "lang.csv"
    long_cell = '"' + ("y" * 100_000 + "\n") * 2 + '"'
    body = "".join(ROW.format(i=i, note="") for i in range(1, 40)) + ROW.format(i=40, note=long_cell)
    path.write_text(HEADER + body, encoding="utf-8")
    assert importer.import_files(con, [path]).rows == 40
