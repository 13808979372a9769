"""The importer end to end over a corpus of messy files built in tmp_path.

Every failure is checked against a dump of the whole database before and after: an
import is all or nothing. Fødselsnumre are synthetic (valid check digits computed here).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetanse import importer
from kompetanse.importer import ImportFailed, RowError, check
from kompetanse.importer import read as fileformats
from kompetanse.storage import store

SNAPSHOT = date(2023, 12, 1)
PERSONNEL_HEADERS = [
    "Ansattnr", "Enhet", "Yrkesgruppe", "Fødselsdato", "Kjønn", "Stillingsprosent",
    "Ansettelsesform", "Startdato", "Sluttdato", "Sluttårsak", "Utdanningsnivå",
]
GOOD_ROWS = [
    ["1001", "Lab Ærø", "bioingeniør", "17.05.1980", "K", "80,5", "Fast", "01.02.2010", "", "", "Høyskole"],
    ["1002", "Søvik Å", "sykepleier", "1975-03-01", "Mann", "100", "vikar", "2015-08-15", "31.10.2023", "Pensjon",
     ""],
    ["1003", "MB-L", "lege", "2.3.1990", "kvinne", "0,5", "midlertidig", "1.9.2020", "", "", "Universitet"],
]


# --- helpers ----------------------------------------------------------------------------------


def make_fnr(born: date, start: int = 100) -> str:
    """A synthetic fødselsnummer with valid control digits (mod 11), individual number from `start`."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(start, 1000):
        if born.year >= 2000 and individual < 500:
            continue
        base = born.strftime("%d%m%y") + f"{individual:03d}"
        k1 = (11 - sum(w * int(d) for w, d in zip(w1, base, strict=False))) % 11
        if k1 == 10:
            continue
        k2 = (11 - sum(w * int(d) for w, d in zip(w2, base + str(k1), strict=False))) % 11
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"
    raise AssertionError("no individual number")


def dump(con) -> dict[str, pd.DataFrame]:
    """Every table, sorted, so two dumps compare equal exactly when the data is the same."""
    tables = con.execute(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    out = {}
    for (name,) in tables:
        frame = con.execute(f'select * from "{name}"').df()
        if len(frame.columns):
            frame = frame.sort_values(list(frame.columns), na_position="first", kind="stable")
        out[name] = frame.reset_index(drop=True)
    return out


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def write_csv(path: Path, rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8",
              headers: list[str] = PERSONNEL_HEADERS, title: str | None = None) -> Path:
    lines = ([title, ""] if title else []) + [sep.join(headers)] + [sep.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, headers: list[str] = PERSONNEL_HEADERS,
               top: list[list[object]] = (), trailing_blank: int = 0) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in top:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    for _ in range(trailing_blank):
        sheet.append([" ", None])  # a cell with only a space: a blank row to the user
    workbook.save(path)
    return path


def write_ods(path: Path, rows: list[list[object]], headers: list[str] = PERSONNEL_HEADERS) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (no ODS writer is installed)."""

    def cell(value: object) -> str:
        if isinstance(value, date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value:%d.%m.%Y}</text:p></table:table-cell>")
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        if value in ("", None):
            return "<table:table-cell/>"
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
                "</table:table-cell>")

    body = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in [headers, *rows])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Ark1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def employments(con) -> pd.DataFrame:
    return con.execute("select * from v_employments order by employee_id, start_date").df()


def import_failed(con, paths, **kwargs) -> list[RowError]:
    before = dump(con)
    with pytest.raises(ImportFailed) as failure:
        importer.import_files(con, paths, snapshot_date=SNAPSHOT, **kwargs)
    assert_same(before, dump(con))
    assert failure.value.errors
    return failure.value.errors


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


# --- formats and encodings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(";", "utf-8"), (",", "utf-8"), (";", "utf-8-sig"), (",", "utf-8-sig"), (";", "cp1252"), (",", "cp1252")],
)
def test_csv_every_delimiter_and_encoding(con, tmp_path, sep, encoding):
    rows = [[c.replace(",", ".") if sep == "," else c for c in r] for r in GOOD_ROWS]
    path = write_csv(tmp_path / "ansatte.csv", rows, sep=sep, encoding=encoding, title="Personalliste pr. 1.12.2023")
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.rows == 3 and outcome.rejected == 0 and not outcome.unchanged
    data = employments(con)
    assert data["unit_code"].tolist() == ["Lab Ærø", "Søvik Å", "MB-L"]
    assert data["profession"].tolist() == ["bioingeniør", "sykepleier", "lege"]
    assert data["position_pct"].tolist() == pytest.approx([80.5, 100.0, 50.0])
    assert data["birth_date"].dt.date.tolist() == [date(1980, 5, 17), date(1975, 3, 1), date(1990, 3, 2)]
    assert data["gender"].tolist() == ["K", "M", "K"]
    assert data["employment_type"].tolist() == ["fast", "vikar", "midlertidig"]
    assert data["end_reason"].tolist()[1] == "pensjon"
    assert pd.isna(data["end_date"].iloc[0]) and data["end_date"].iloc[1].date() == date(2023, 10, 31)
    assert data["education_level"].tolist()[0] == "Høyskole"


def test_csv_errors_name_the_line_number(con, tmp_path):
    bad = [*GOOD_ROWS[0][:3], "31.02.1980", *GOOD_ROWS[0][4:]]
    path = write_csv(tmp_path / "a.csv", [GOOD_ROWS[1], bad], title="Tittel")
    # line 1 title, 2 blank, 3 header, 4 first row, 5 the bad one
    assert import_failed(con, [path]) == [RowError("a.csv", 5, "Fødselsdato", "datoen finnes ikke: 31.02.1980")]


def test_csv_with_blank_lines_and_ragged_rows_keeps_line_numbers(con, tmp_path):
    lines = [";".join(PERSONNEL_HEADERS), ";".join(GOOD_ROWS[0]), "", ";".join(GOOD_ROWS[1][:9]),
             ";".join([*GOOD_ROWS[2][:5], "abc", *GOOD_ROWS[2][6:]]), "", ""]
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert import_failed(con, [path]) == [RowError("b.csv", 5, "Stillingsprosent", "ugyldig stillingsprosent: abc")]


def test_xlsx_title_rows_blank_rows_trailing_blanks_real_dates_and_serials(con, tmp_path):
    rows = [
        ["1001", "Lab Ærø", "bioingeniør", datetime(1980, 5, 17), "K", 0.8, "Fast", datetime(2010, 2, 1), None, None,
         None],
        [1002, "MB-N", "sykepleier", 27454, "M", 100, "Vikar", "45261", None, None, None],  # serials
        ["1003", "  MB-L  ", " lege ", "02.03.1990", "Kvinne", "80,5", "fast", "2020-09-01", None, None, None],
    ]
    path = write_xlsx(tmp_path / "ansatte.xlsx", rows, top=[["Personalliste"], [None], ["Uttrekk 01.12.2023"]],
                      trailing_blank=5)
    preview = importer.preview_file(path)
    assert preview.header_row == 4
    assert preview.missing == [] and preview.unknown == {}
    assert preview.recognised["Fødselsdato"] == "Fødselsdato"
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.rows == 3
    data = employments(con)
    assert data["employee_id"].tolist() == ["1001", "1002", "1003"]
    assert data["unit_code"].tolist() == ["Lab Ærø", "MB-N", "MB-L"]
    assert data["profession"].tolist()[2] == "lege"
    assert data["birth_date"].dt.date.tolist() == [date(1980, 5, 17), date(1975, 3, 1), date(1990, 3, 2)]
    assert data["start_date"].dt.date.tolist() == [date(2010, 2, 1), date(2023, 12, 1), date(2020, 9, 1)]
    assert data["position_pct"].tolist() == pytest.approx([80.0, 100.0, 80.5])


def test_xlsx_errors_name_the_excel_row(con, tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], [*GOOD_ROWS[2][:5], 250, *GOOD_ROWS[2][6:]]]
    path = write_xlsx(tmp_path / "a.xlsx", rows, top=[["Tittel"], []])
    # row 1 title, 2 blank, 3 header, 4-6 data
    assert import_failed(con, [path]) == [RowError("a.xlsx", 6, "Stillingsprosent", "stillingsprosent over 200: 250")]


def test_ods(con, tmp_path):
    rows = [["1001", "Lab Ærø", "bioingeniør", date(1980, 5, 17), "K", 80, "Fast", date(2010, 2, 1), "", "", ""],
            ["1002", "MB-N", "sykepleier", "01.03.1975", "M", 0.5, "vikar", "45261", "", "", ""]]
    path = write_ods(tmp_path / "ansatte.ods", rows)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.rows == 2
    data = employments(con)
    assert data["birth_date"].dt.date.tolist() == [date(1980, 5, 17), date(1975, 3, 1)]
    assert data["position_pct"].tolist() == pytest.approx([80.0, 50.0])
    assert data["unit_code"].tolist() == ["Lab Ærø", "MB-N"]


def test_headers_match_case_and_accent_insensitively(con, tmp_path):
    headers = ["ANSATTNUMMER", "avdeling", "STILLINGSKATEGORI", "fodselsdato", "KJONN", "stilling %",
               "ansettelsesform", "TILTREDELSE", "fratredelse", "SLUTTARSAK", "utdanning"]
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS, headers=headers)
    assert importer.import_files(con, [path], snapshot_date=SNAPSHOT).rows == 3


def test_preview_reports_unknown_headers_with_the_closest_name(tmp_path):
    headers = [*PERSONNEL_HEADERS[:3], "Fødselsdto", *PERSONNEL_HEADERS[4:], "Favorittfarge"]
    path = write_csv(tmp_path / "a.csv", [[*r, "blå"] for r in GOOD_ROWS], headers=headers)
    preview = importer.preview_file(path)
    assert preview.unknown == {"Fødselsdto": "Fødselsdato", "Favorittfarge": None}
    assert preview.missing == ["Fødselsdato eller Fødselsnummer"]
    assert list(preview.sample.columns)[:3] == ["Ansattnr", "Enhet", "Yrkesgruppe"]
    assert len(preview.sample) == 3


def test_unknown_header_alone_is_not_an_error(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [[*r, "blå"] for r in GOOD_ROWS], headers=[*PERSONNEL_HEADERS, "Farge"])
    assert importer.import_files(con, [path], snapshot_date=SNAPSHOT).rows == 3


def test_missing_required_column(con, tmp_path):
    headers = [h for h in PERSONNEL_HEADERS if h != "Enhet"]
    rows = [[v for h, v in zip(PERSONNEL_HEADERS, r, strict=True) if h != "Enhet"] for r in GOOD_ROWS]
    path = write_csv(tmp_path / "a.csv", rows, headers=headers)
    assert import_failed(con, [path]) == [RowError("a.csv", None, None, "Mangler kolonnen «Enhet».")]


# --- validation rules ---------------------------------------------------------------------------

# (column, bad value, expected message); the bad row is the second data row, Excel row 3.
RULES = [
    ("Fødselsdato", "31.02.1980", "datoen finnes ikke: 31.02.1980"),
    ("Fødselsdato", "sist tirsdag", "ugyldig dato: sist tirsdag (bruk dd.mm.åååå)"),
    ("Fødselsdato", "01.01.2030", "fødselsdatoen er etter datadatoen 01.12.2023"),
    ("Fødselsdato", "02.12.2010", "alderen er under 13 år på datadatoen 01.12.2023"),
    ("Fødselsdato", "30.11.1922", "alderen er over 100 år på datadatoen 01.12.2023"),
    ("Fødselsdato", "", "mangler fødselsdato"),
    ("Sluttdato", "01.01.2000", "sluttdato 01.01.2000 er før startdato 15.08.2015"),
    ("Startdato", "", "mangler startdato"),
    ("Stillingsprosent", "-1", "stillingsprosent kan ikke være negativ: -1"),
    ("Stillingsprosent", "201", "stillingsprosent over 200: 201"),
    ("Stillingsprosent", "mye", "ugyldig stillingsprosent: mye"),
    ("Enhet", "", "mangler enhet"),
    ("Ansattnr", "", "mangler ansattnummer"),
    ("Yrkesgruppe", "", "mangler yrkesgruppe"),
    ("Sluttårsak", "Sparken", "ukjent sluttårsak: Sparken (gyldige: Pensjon, Egen oppsigelse, Intern overgang, Annet)"),
    ("Ansettelsesform", "innleid", "ukjent ansettelsesform: innleid (gyldige: Fast, Midlertidig, Vikar, "
     "Tilkallingsvikar/ekstrahjelp, Engasjement, Lærling)"),
    ("Kjønn", "X", "ukjent kjønn: X (gyldige: K, M, Kvinne, Mann)"),
]


@pytest.mark.parametrize(("column", "value", "message"), RULES, ids=[f"{c}={v}" for c, v, _ in RULES])
def test_each_rule_rejects_the_row_and_leaves_the_database_as_before(con, tmp_path, column, value, message):
    importer.import_files(con, [write_csv(tmp_path / "first.csv", GOOD_ROWS[:1])], snapshot_date=SNAPSHOT)
    bad = list(GOOD_ROWS[1])
    bad[PERSONNEL_HEADERS.index(column)] = value
    path = write_xlsx(tmp_path / "a.xlsx", [GOOD_ROWS[0], bad, GOOD_ROWS[2]])
    assert import_failed(con, [path]) == [RowError("a.xlsx", 3, column, message)]


def test_every_bad_row_is_listed(con, tmp_path):
    rows = [GOOD_ROWS[0]]
    for n in range(5):
        row = list(GOOD_ROWS[1])
        row[0] = f"20{n}"
        row[PERSONNEL_HEADERS.index("Startdato")] = f"3{n}.02.2020"
        rows.append(row)
    rows[3][PERSONNEL_HEADERS.index("Kjønn")] = "?"
    errors = import_failed(con, [write_xlsx(tmp_path / "a.xlsx", rows)])
    assert [(e.row, e.column) for e in errors] == [
        (3, "Startdato"), (4, "Startdato"), (5, "Kjønn"), (5, "Startdato"), (6, "Startdato"), (7, "Startdato"),
    ]
    assert errors[0].message == "datoen finnes ikke: 30.02.2020"
    assert str(errors[0]) == "a.xlsx:3: Startdato: datoen finnes ikke: 30.02.2020"


# --- files that are not tables -----------------------------------------------------------------


def _not_tables(tmp_path: Path) -> list[tuple[Path, str]]:
    empty = tmp_path / "tom.xlsx"
    empty.write_bytes(b"")
    garbage = tmp_path / "rot.csv"
    garbage.write_bytes(bytes(range(256)) * 40)
    pdf = tmp_path / "rapport.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    header_only = write_xlsx(tmp_path / "bare_overskrift.xlsx", [], trailing_blank=3)
    header_only_csv = write_csv(tmp_path / "bare_overskrift.csv", [])
    wrong_type = tmp_path / "notat.pdf"
    wrong_type.write_bytes(b"%PDF-1.4")
    words = tmp_path / "brev.csv"
    words.write_text("Hei,\nher er tallene du ba om.\nHilsen HR\n", encoding="utf-8")
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n  \n", encoding="utf-8")
    return [
        (empty, "Filen er tom."),
        (garbage, "Filen ser ikke ut som en CSV-tekstfil"),
        (pdf, "Filen kan ikke leses som et regneark (.xlsx)"),
        (header_only, "Filen har en overskriftsrad, men ingen rader med data under den."),
        (header_only_csv, "Filen har en overskriftsrad, men ingen rader med data under den."),
        (wrong_type, "Filtypen .pdf støttes ikke; bruk .xlsx, .xls, .ods eller .csv."),
        (words, "Fant ingen overskriftsrad med kjente kolonnenavn"),
        (blank, "Filen er tom."),
        (tmp_path / "finnes_ikke.csv", "Filen finnes ikke."),
    ]


def test_files_that_are_not_tables_get_one_clear_sentence(con, tmp_path):
    for path, sentence in _not_tables(tmp_path):
        errors = import_failed(con, [path])
        assert len(errors) == 1, path
        assert errors[0].file == path.name and errors[0].row is None
        assert errors[0].message.startswith(sentence), (path, errors[0].message)
        with pytest.raises(ImportFailed):
            importer.preview_file(path)


def test_a_file_over_200_mb_is_refused(con, tmp_path, monkeypatch):
    monkeypatch.setattr(fileformats, "MAX_FILE_BYTES", 100)
    path = write_csv(tmp_path / "stor.csv", GOOD_ROWS)
    errors = import_failed(con, [path])
    assert errors[0].message.startswith("Filen er for stor")


def test_an_unexpected_parse_exception_becomes_import_failed(con, tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "parse_dates", explode)
    errors = import_failed(con, [write_csv(tmp_path / "a.csv", GOOD_ROWS)])
    assert errors == [RowError("a.csv", None, None, "Uventet feil ved lesing av filen (RuntimeError).")]


# --- fødselsnummer ---------------------------------------------------------------------------------


def _fnr_rows() -> tuple[list[str], list[list[str]], list[str]]:
    numbers = [make_fnr(date(1980, 5, 17)), make_fnr(date(1975, 3, 1), 200), make_fnr(date(2001, 9, 3))]
    d_number = str(int(numbers[0][0]) + 4) + numbers[0][1:9]  # a D-nummer: first digit + 4
    headers = ["Fødselsnummer", "Enhet", "Yrkesgruppe", "Stillingsprosent", "Startdato"]
    rows = [[numbers[0], "A", "lege", "100", "01.01.2010"],
            [numbers[1], "A", "sykepleier", "80", "01.01.2011"],
            [numbers[2], "B", "lege", "50", "01.01.2022"]]
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(w * int(c) for w, c in zip(w1, d_number, strict=False))) % 11
    if k1 < 10:
        k2 = (11 - sum(w * int(c) for w, c in zip(w2, d_number + str(k1), strict=False))) % 11
        if k2 < 10:
            numbers.append(d_number + f"{k1}{k2}")
            rows.append([numbers[-1], "B", "lege", "100", "01.01.2023"])
    return headers, rows, numbers


def test_fodselsnummer_gives_birth_date_gender_and_hashed_id_and_is_not_stored(tmp_path):
    headers, rows, numbers = _fnr_rows()
    db = tmp_path / "t.duckdb"
    con = store.connect(db)
    path = write_csv(tmp_path / "fnr.csv", rows, headers=headers)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.rows == len(rows)
    data = con.execute("select * from v_employments order by start_date").df()
    assert len(rows) == 4  # three fødselsnumre and a D-nummer
    assert data["birth_date"].dt.date.tolist() == [date(1980, 5, 17), date(1975, 3, 1), date(2001, 9, 3),
                                                   date(1980, 5, 17)]
    assert data["gender"].notna().all() and set(data["gender"]) <= {"K", "M"}
    assert all(re.fullmatch(r"H[0-9a-f]{16}", e) for e in data["employee_id"])
    assert data["employee_id"].nunique() == len(rows)
    key = (db.with_name(db.name + ".key")).read_text().strip()  # beside the database, never in it (issue 12)
    assert len(key) == 64
    assert store.fetch_value(con, "select count(*) from settings where key = 'id_hash_key'") == 0
    # the same number in a later import gives the same id (the key is kept)
    again = write_csv(tmp_path / "fnr2.csv", rows[:1], headers=headers)
    importer.import_files(con, [again], snapshot_date=SNAPSHOT)
    assert employments(con)["employee_id"].tolist() == [data["employee_id"].iloc[0]]
    con.close()
    content = db.read_bytes() + (db.with_name(db.name + ".wal").read_bytes() if db.with_name(db.name + ".wal").exists()
                                 else b"")
    for number in numbers:
        assert number.encode() not in content
        assert number[:6].encode() + number[6:].encode() not in content


def test_invalid_fodselsnummer_is_reported_without_the_number(con, tmp_path):
    headers, rows, numbers = _fnr_rows()
    wrong = numbers[1][:-1] + str((int(numbers[1][-1]) + 1) % 10)
    rows[1][0] = wrong
    rows[2][3] = "abc"
    path = write_csv(tmp_path / "fnr.csv", rows, headers=headers)
    errors = import_failed(con, [path])
    assert errors[0] == RowError("fnr.csv", 3, "Fødselsnummer", "ugyldig fødselsnummer")
    text = "\n".join(str(e) for e in errors)
    for number in [*numbers, wrong]:
        assert number not in text
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT, skip_invalid=True)
    assert outcome.rejected == 2 and outcome.rows == len(rows) - 2
    rejected = outcome.rejected_file.read_text(encoding="utf-8-sig")
    for number in [*numbers, wrong]:
        assert number not in rejected
    frame = pd.read_csv(outcome.rejected_file, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert frame["Fødselsnummer"].tolist() == ["", ""]
    assert frame["Rad"].tolist() == ["3", "4"]


def test_fodselsnummer_as_excel_number_keeps_leading_zero(con, tmp_path):
    number = make_fnr(date(1985, 1, 5))
    assert number.startswith("0")
    path = write_xlsx(tmp_path / "a.xlsx", [[int(number), "A", "lege", 1, "01.01.2010"]],
                      headers=["Fnr", "Enhet", "Yrkesgruppe", "Stilling %", "Tiltredelse"])
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert employments(con)["birth_date"].dt.date.tolist() == [date(1985, 1, 5)]


def test_fodselsnummer_beside_employee_number_keeps_the_number_and_the_given_gender(con, tmp_path):
    number = make_fnr(date(1980, 5, 17))
    headers = ["Ansattnr", "Fnr", "Kjønn", "Enhet", "Yrkesgruppe", "Stilling %", "Tiltredelse"]
    path = write_csv(tmp_path / "a.csv", [["77", number, "", "A", "lege", "100", "01.01.2010"],
                                          ["78", make_fnr(date(1981, 1, 1)), "K", "A", "lege", "100", "01.01.2010"]],
                     headers=headers)
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = employments(con)
    assert data["employee_id"].tolist() == ["77", "78"]
    assert data["gender"].iloc[1] == "K" and data["gender"].iloc[0] in {"K", "M"}


# --- skip_invalid, several files, re-import ---------------------------------------------------------


def test_skip_invalid_imports_the_rest_and_writes_the_rejected_rows(con, tmp_path):
    bad1 = [*GOOD_ROWS[1][:3], "31.02.1980", *GOOD_ROWS[1][4:]]
    bad2 = [*GOOD_ROWS[2][:5], "-5", *GOOD_ROWS[2][6:8], "01.01.2000", *GOOD_ROWS[2][9:]]
    path = write_xlsx(tmp_path / "ansatte.xlsx", [GOOD_ROWS[0], bad1, bad2], top=[["Tittel"]])
    progress: list[tuple[float, str]] = []
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT, skip_invalid=True,
                                    progress=lambda f, t: progress.append((f, t)))
    assert (outcome.rows, outcome.rejected) == (1, 2)
    assert outcome.rejected_file == tmp_path / "ansatte.avviste.csv"
    assert employments(con)["employee_id"].tolist() == ["1001"]
    raw = outcome.rejected_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(outcome.rejected_file, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == [*PERSONNEL_HEADERS, "Rad", "Feil"]
    assert frame["Rad"].tolist() == ["4", "5"]
    assert frame["Fødselsdato"].tolist()[0] == "31.02.1980"
    assert frame["Feil"].tolist() == [
        "Fødselsdato: datoen finnes ikke: 31.02.1980",
        "Stillingsprosent: stillingsprosent kan ikke være negativ: -5; "
        "Sluttdato: sluttdato 01.01.2000 er før startdato 01.09.2020",
    ]
    assert progress[-1] == (1.0, "Ferdig")
    assert all(0 <= f <= 1 for f, _ in progress)
    assert [f for f, _ in progress] == sorted(f for f, _ in progress)


def test_skip_invalid_with_every_row_invalid_still_fails(con, tmp_path):
    rows = [[*r[:5], "mye", *r[6:]] for r in GOOD_ROWS]
    errors = import_failed(con, [write_csv(tmp_path / "a.csv", rows)], skip_invalid=True)
    assert len(errors) == 3


def test_several_files_are_one_import(con, tmp_path):
    first = write_csv(tmp_path / "del1.csv", GOOD_ROWS[:2])
    second = write_xlsx(tmp_path / "del2.xlsx", GOOD_ROWS[2:])
    outcome = importer.import_files(con, [first, second], snapshot_date=SNAPSHOT)
    assert outcome.rows == 3
    imports = con.execute("select * from imports").df()
    assert len(imports) == 1 and imports["rows"].iloc[0] == 3
    assert imports["file_name"].iloc[0] == "del1.csv, del2.xlsx"
    assert len(employments(con)) == 3
    # the same files in the other order are the same import
    before = dump(con)
    assert importer.import_files(con, [second, first], snapshot_date=SNAPSHOT).unchanged
    assert_same(before, dump(con))


def test_errors_in_several_files_name_each_file_with_display_names(con, tmp_path):
    first = write_csv(tmp_path / "tmp1.csv", [[*GOOD_ROWS[0][:5], "x", *GOOD_ROWS[0][6:]]])
    second = write_csv(tmp_path / "tmp2.csv", [[*GOOD_ROWS[1][:1], "", *GOOD_ROWS[1][2:]]])
    errors = import_failed(con, [first, second], display_names=["Januar.csv", "Februar.csv"])
    assert errors == [RowError("Januar.csv", 2, "Stillingsprosent", "ugyldig stillingsprosent: x"),
                      RowError("Februar.csv", 2, "Enhet", "mangler enhet")]


def test_reimport_is_a_no_op(con, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", GOOD_ROWS)
    assert not importer.import_files(con, [path], snapshot_date=SNAPSHOT).unchanged
    before = dump(con)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.unchanged and outcome.rows == 3
    assert_same(before, dump(con))


def test_a_new_personnel_import_replaces_the_active_one(con, tmp_path):
    importer.import_files(con, [write_csv(tmp_path / "a.csv", GOOD_ROWS)], snapshot_date=SNAPSHOT)
    importer.import_files(con, [write_csv(tmp_path / "b.csv", GOOD_ROWS[:1])], snapshot_date=SNAPSHOT)
    assert employments(con)["employee_id"].tolist() == ["1001"]


# --- other kinds -------------------------------------------------------------------------------------


def test_units(con, tmp_path):
    path = write_csv(tmp_path / "enheter.csv", [["ALM", "Avdeling for laboratoriemedisin", "", "avdeling"],
                                                ["MB-L", "Medisinsk biokjemi, Lørenskog", "ALM", "seksjon"]],
                     headers=["Enhetskode", "Enhetsnavn", "Overordnet enhet", "Nivå"])
    assert importer.import_files(con, [path], "units", snapshot_date=SNAPSHOT).rows == 2
    units = con.execute("select * from v_units order by unit_code").df()
    assert units["unit_name"].tolist()[1] == "Medisinsk biokjemi, Lørenskog"
    assert pd.isna(units["parent_code"].iloc[0])


def test_competences(con, tmp_path):
    headers = ["Ansattnr", "Kompetanse", "Kompetansetype", "Dato oppnådd", "Gyldig til"]
    rows = [["1001", "Flebotomi", "Kurs", "01.02.2020", ""], ["1002", "Akuttsykepleie", "videreutdanning",
                                                                "2019-06-01", "2018-01-01"],
            ["1003", "HLR", "øvelse", "", ""]]
    errors = import_failed(con, [write_csv(tmp_path / "k.csv", rows, headers=headers)], kind="competences")
    assert errors == [
        RowError("k.csv", 3, "Gyldig til", "utløpsdatoen er før datoen kompetansen ble oppnådd"),
        RowError("k.csv", 4, "Kompetansetype",
                 "ukjent kompetansetype: øvelse (gyldige: utdanning, videreutdanning, sertifisering, kurs)"),
    ]
    rows[1][4], rows[2][2] = "", "sertifisering"
    path = write_csv(tmp_path / "k2.csv", rows, headers=headers)
    assert importer.import_files(con, [path], "competences", snapshot_date=SNAPSHOT).rows == 3
    data = con.execute("select * from v_competences order by employee_id").df()
    assert data["kind"].tolist() == ["kurs", "videreutdanning", "sertifisering"]


def test_requirements(con, tmp_path):
    headers = ["Enhet", "Kompetanse", "Min. antall"]
    bad = [["MB-L", "Flebotomi", "2"], ["MB-L", "HLR", "1,5"], ["MB-N", "HLR", "-1"]]
    errors = import_failed(con, [write_csv(tmp_path / "r.csv", bad, headers=headers)], kind="requirements")
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "Min. antall", "minimum må være et helt tall, 0 eller mer: 1,5"),
        (4, "Min. antall", "minimum må være et helt tall, 0 eller mer: -1"),
    ]
    good = [["MB-L", "Flebotomi", "2"], ["MB-N", "HLR", "0"]]
    importer.import_files(con, [write_csv(tmp_path / "r2.csv", good, headers=headers)], "requirements",
                          snapshot_date=SNAPSHOT)
    assert con.execute("select min_holders from v_requirements order by unit_code").fetchall() == [(2,), (0,)]


MEASURE_HEADERS = ["Enhet", "Hovedoppgave", "Kategori", "Horisont", "Behov", "Tiltak", "Framdrift", "Timer",
                   "Deltakere", "Antall ganger", "Timepris", "Dager", "Dagsats", "Kursavgift", "Reise",
                   "Andre kostnader", "Status", "Ansvarlig", "Kommentar"]


def test_measures(con, tmp_path):
    rows = [
        ["MB-L", "Pasientbehandling", "Utvikling", "1 år", "Opplæring", "Internundervisning", "Ukentlig", "1", "15",
         "40", "450", "", "", "", "", "", "Planlagt", "Seksjonsleder", ""],
        ["MB-L", "Utdanning av helsepersonell", "Rekruttering", "5", "Spesialister", "Utdanningsstillinger", "",
         "", "", "", "", "50", "3 600", "", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "tiltak.csv", rows, headers=MEASURE_HEADERS)
    importer.import_files(con, [path], "measures", snapshot_date=SNAPSHOT)
    data = con.execute(
        "select measure_id, main_task, category, horizon, training_cost(hourly_rate, participants, hours, "
        "sessions, day_rate, days, course_fee, travel, other_cost) as cost from v_measures order by measure_id"
    ).fetchall()
    assert data == [(1, "pasientbehandling", "utvikling", 1, 270000.0),
                    (2, "utdanning_helsepersonell", "rekruttering", 5, 180000.0)]
    # a second measures import continues the numbering
    rows[0][5] = "Annen undervisning"
    importer.import_files(con, [write_csv(tmp_path / "t2.csv", rows, headers=MEASURE_HEADERS)], "measures",
                          snapshot_date=SNAPSHOT)
    assert [r[0] for r in con.execute("select measure_id from v_measures order by 1").fetchall()] == [3, 4]


def test_measures_validation(con, tmp_path):
    row = ["MB-L", "Pasientbehandling", "Utvikling", "1", "", "", "", "1", "15", "40", "450", "", "", "", "", "",
           "", "", ""]
    bad = [list(row) for _ in range(5)]
    bad[0][1] = "Administrasjon"
    bad[1][2] = "Drift"
    bad[2][3] = "3 år"
    bad[3][10] = "-450"
    bad[4][14] = "mye"
    errors = import_failed(con, [write_csv(tmp_path / "t.csv", bad, headers=MEASURE_HEADERS)], kind="measures")
    assert [(e.row, e.column) for e in errors] == [
        (2, "Hovedoppgave"), (3, "Kategori"), (4, "Horisont"), (5, "Timepris"), (6, "Reise")]
    assert errors[2].message == "ukjent horisont: 3 år (gyldige: 1 år, 5 år)"
    assert errors[3].message == "timepris kan ikke være negativ: -450"
    assert errors[4].message == "ugyldig tall for reise: mye"


# --- properties -----------------------------------------------------------------------------------------

_units = st.sampled_from(["Lab Ærø", "MB-L", "Søvik", "BB-N"])
_day = st.dates(min_value=date(1930, 1, 1), max_value=date(2009, 12, 1))
_start = st.dates(min_value=date(1990, 1, 1), max_value=date(2023, 12, 1))
_valid_row = st.tuples(
    st.integers(1, 10**6), _units, st.sampled_from(["lege", "sykepleier"]), _day, st.sampled_from(["K", "M", ""]),
    st.sampled_from(["100", "80,5", "0,5", "20"]), st.sampled_from(["fast", "Vikar", ""]), _start,
    st.sampled_from(["", "Pensjon", "Egen oppsigelse"]),
)


def _csv_rows(rows) -> list[list[str]]:
    out = []
    for emp, unit, prof, born, gender, pct, kind, start, reason in rows:
        end = "" if not reason else f"{start:%d.%m.%Y}"
        out.append([str(emp), unit, prof, f"{born:%d.%m.%Y}", gender, pct, kind, f"{start:%Y-%m-%d}", end, reason, ""])
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_valid_row, min_size=1, max_size=30), sep=st.sampled_from([";", ","]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_property_importing_twice_changes_nothing(rows, sep, encoding):
    with tempfile.TemporaryDirectory() as folder:
        con = store.connect(Path(folder) / "p.duckdb")
        data = [[v.replace(",", ".") if sep == "," else v for v in r] for r in _csv_rows(rows)]
        path = write_csv(Path(folder) / "p.csv", data, sep=sep, encoding=encoding)
        first = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
        assert first.rows == len(rows)
        before = dump(con)
        assert importer.import_files(con, [path], snapshot_date=SNAPSHOT).unchanged
        assert_same(before, dump(con))
        con.close()


_breakers = st.sampled_from([
    (3, "31.02.1999"), (3, "01.01.2020"), (5, "-3"), (5, "300"), (5, "ti"), (1, ""), (9, "Sparken"), (4, "Q"),
    (7, "i går"), (0, ""),
])


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(_valid_row, min_size=1, max_size=20), breaks=st.lists(st.tuples(st.integers(0, 19), _breakers),
                                                                            min_size=1, max_size=5))
def test_property_a_file_with_bad_rows_never_changes_the_database(rows, breaks):
    with tempfile.TemporaryDirectory() as folder:
        con = store.connect(Path(folder) / "p.duckdb")
        importer.import_files(con, [write_csv(Path(folder) / "ok.csv", _csv_rows(rows[:1]))], snapshot_date=SNAPSHOT)
        data = _csv_rows(rows)
        bad_rows = set()
        for index, (column, value) in breaks:
            data[index % len(data)][column] = value
            bad_rows.add(index % len(data) + 2)
        before = dump(con)
        with pytest.raises(ImportFailed) as failure:
            importer.import_files(con, [write_xlsx(Path(folder) / "bad.xlsx", data)], snapshot_date=SNAPSHOT)
        assert_same(before, dump(con))
        assert {e.row for e in failure.value.errors} == bad_rows
        con.close()
