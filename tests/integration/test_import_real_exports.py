"""Issue 11 items 4, 6, 7, 9, 10 and issue 12's fødselsnummer in the wrong column, end to end.

Every fødselsnummer here is synthetic (valid check digits computed by make_fnr) or a published
example number (see tests/unit/test_national_id.py for the sources).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kompetanse import importer
from kompetanse.demo import demo
from kompetanse.figures import metrics
from kompetanse.importer import ImportFailed
from kompetanse.storage import store
from tests.fixtures import demo_copy
from tests.integration.test_importer import dump, make_fnr, write_csv, write_xlsx

SNAPSHOT = date(2023, 12, 1)
ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["Ansattnr", "Enhet", "Yrkesgruppe", "Fødselsdato", "Stillingsprosent", "Startdato"]


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


def rows_of(con) -> pd.DataFrame:
    return con.execute("select * from v_employments order by employee_id").df()


def errors_of(con, path: Path, **kwargs) -> list[importer.RowError]:
    before = dump(con)
    with pytest.raises(ImportFailed) as failure:
        importer.import_files(con, [path], snapshot_date=SNAPSHOT, **kwargs)
    after = dump(con)
    assert before.keys() == after.keys() and all(before[k].equals(after[k]) for k in before)
    return failure.value.errors


def database_text(path: Path) -> bytes:
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --- 4. occupation codes -------------------------------------------------------------------------------


def test_a_7_digit_yrkeskode_and_a_4_digit_styrk_code_become_the_unit_group_with_its_name(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["1", "A", "2223101", "01.01.1980", "100", "01.01.2010"],
        ["2", "A", "2221", "01.01.1981", "100", "01.01.2010"],
        ["3", "A", "Intensivsykepleier", "01.01.1982", "100", "01.01.2010"],
    ], headers=HEADERS)
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = rows_of(con)
    assert [None if pd.isna(c) else c for c in data["profession_code"]] == ["2223", "2221", None]
    assert data["profession"].tolist() == ["Sykepleiere", "Spesialsykepleiere", "Intensivsykepleier"]


def test_a_code_column_beside_the_title_keeps_both(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["1", "A", "Intensivsykepleier", "2221101", "01.01.1980", "100", "01.01.2010"],
        ["2", "A", "", "5321", "01.01.1981", "100", "01.01.2010"],
    ], headers=["Ansattnr", "Enhet", "Stillingstittel", "Yrkeskode", "Fødselsdato", "Stillingsprosent", "Startdato"])
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = rows_of(con)
    assert data["profession"].tolist() == ["Intensivsykepleier", "Helsefagarbeidere"]
    assert data["profession_code"].tolist() == ["2221", "5321"]


def test_an_unknown_occupation_code_is_a_row_error(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["1", "A", "9999999", "01.01.1980", "100", "01.01.2010"]], headers=HEADERS)
    (error,) = errors_of(con, path)
    assert (error.row, error.column) == (2, "Yrkesgruppe")
    assert error.message.startswith("ukjent yrkeskode: 9999999")


# --- 6. leave -----------------------------------------------------------------------------------------


def test_leave_is_imported_and_fte_excluding_leave_subtracts_the_leave_in_force(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["1", "A", "lege", "01.01.1980", "100", "01.01.2010", "50", "01.06.2023", "31.05.2024"],
        ["2", "A", "lege", "01.01.1981", "80", "01.01.2010", "100", "01.01.2022", "31.12.2022"],  # over on d
        ["3", "A", "lege", "01.01.1982", "80", "01.01.2010", "", "", ""],
        ["4", "A", "lege", "01.01.1983", "60", "01.01.2010", "25", "", ""],  # no dates: in force
    ], headers=[*HEADERS, "Permisjonsprosent", "Permisjon fra", "Permisjon til"])
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = rows_of(con)
    assert [None if pd.isna(v) else float(v) for v in data["leave_pct"]] == [50.0, 100.0, None, 25.0]
    assert data["leave_start"].iloc[0].date() == date(2023, 6, 1)
    report = metrics.report(con, metrics.Scope(as_of=SNAPSHOT), by="unit", min_cell=0)
    total = report["total"]
    assert total["fte"] == pytest.approx(3.2)
    assert total["fte_excluding_leave"] == pytest.approx(3.2 - 0.5 - 0.15)


def test_leave_over_100_or_ending_before_it_starts_is_a_row_error(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["1", "A", "lege", "01.01.1980", "100", "01.01.2010", "150", "", ""],
        ["2", "A", "lege", "01.01.1980", "100", "01.01.2010", "50", "01.06.2023", "01.01.2023"],
    ], headers=[*HEADERS, "Permisjonsprosent", "Permisjon fra", "Permisjon til"])
    messages = [(e.row, e.column, e.message) for e in errors_of(con, path)]
    assert messages == [(2, "Permisjonsprosent", "permisjonsprosent over 100: 150"),
                        (3, "Permisjon til", "permisjonen slutter før den begynner")]


# --- 7. fødselsnummer as exports hold them --------------------------------------------------------------

FNR_HEADERS = ["Fødselsnummer", "Enhet", "Yrkesgruppe", "Stillingsprosent", "Startdato"]


def test_a_ten_digit_number_is_padded_tenor_numbers_are_named_and_2032_numbers_give_no_gender(con, tmp_path):
    zero = make_fnr(date(1985, 1, 5))
    assert zero.startswith("0")
    path = write_csv(tmp_path / "a.csv", [
        [zero[1:], "A", "lege", "100", "01.01.2010"],  # Excel dropped the leading zero
        ["10915596784", "A", "lege", "100", "01.01.2010"],  # Tenor: month + 80
        ["30108299939", "A", "lege", "100", "01.01.2010"],  # the 2032 scheme
    ], headers=FNR_HEADERS)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert outcome.rows == 3 and outcome.test_numbers == 1
    assert any("1 syntetiske testfødselsnumre (Tenor)" in line for line in outcome.summary())
    data = con.execute("select birth_date, gender from v_employments order by birth_date").df()
    assert data["birth_date"].dt.date.tolist() == [date(1955, 11, 10), date(1982, 10, 30), date(1985, 1, 5)]
    assert data["gender"].iloc[0] == "M" and pd.isna(data["gender"].iloc[1])


def test_an_fh_number_asks_for_the_birth_date_and_is_accepted_with_one(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["88888888831", "A", "lege", "", "100", "01.01.2010"]],
                     headers=["Fødselsnummer", "Enhet", "Yrkesgruppe", "Fødselsdato", "Stillingsprosent", "Startdato"])
    (error,) = errors_of(con, path)
    assert error.column == "Fødselsnummer" and "fyll inn Fødselsdato" in error.message
    assert "88888888831" not in str(error)
    path = write_csv(tmp_path / "b.csv", [["88888888831", "A", "lege", "01.02.1970", "100", "01.01.2010"]],
                     headers=["Fødselsnummer", "Enhet", "Yrkesgruppe", "Fødselsdato", "Stillingsprosent", "Startdato"])
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = rows_of(con)
    assert data["birth_date"].dt.date.tolist() == [date(1970, 2, 1)] and pd.isna(data["gender"].iloc[0])


def test_a_birth_date_that_contradicts_the_number_is_a_row_error_that_echoes_neither(con, tmp_path):
    number = make_fnr(date(1980, 5, 17))
    path = write_csv(tmp_path / "a.csv", [
        [number, "A", "lege", "18.05.1980", "100", "01.01.2010"],
        [make_fnr(date(1981, 5, 17)), "A", "lege", "17.05.1981", "100", "01.01.2010"],
    ], headers=["Fødselsnummer", "Enhet", "Yrkesgruppe", "Fødselsdato", "Stillingsprosent", "Startdato"])
    (error,) = errors_of(con, path)
    assert (error.row, error.column) == (2, "Fødselsdato")
    assert error.message == "fødselsdatoen stemmer ikke med fødselsnummeret"


# --- issue 12: a fødselsnummer in the wrong column ------------------------------------------------------


def test_a_fodselsnummer_in_ansattnr_or_fodselsdato_is_refused_never_echoed_never_stored(tmp_path):
    db = tmp_path / "t.duckdb"
    con = store.connect(db)
    in_id, in_birth, as_number = make_fnr(date(1980, 5, 17)), make_fnr(date(1975, 3, 1)), make_fnr(date(1985, 1, 5))
    path = write_xlsx(tmp_path / "a.xlsx", [
        [in_id, "A", "lege", "01.01.1980", 100, "01.01.2010"],
        ["2", "A", "lege", in_birth, 100, "01.01.2010"],
        [int(as_number), "A", "lege", "01.01.1980", 100, "01.01.2010"],  # a number cell: the leading zero lost
        ["4", "A", "lege", "01.01.1980", 100, "01.01.2010"],
    ], headers=HEADERS)
    errors = errors_of(con, path)
    assert [(e.row, e.column) for e in errors] == [(2, "Ansattnr"), (3, "Fødselsdato"), (4, "Ansattnr")]
    assert all("ser ut som et fødselsnummer" in e.message for e in errors)
    con.close()
    # The command line, which also writes the audit log: no number in its output, the log or the database.
    cli = [subprocess.run([sys.executable, "-m", "kompetanse", "import", str(path), "--db", str(db), *extra,
                           "--snapshot-date", "2023-12-01"], cwd=ROOT, capture_output=True, text=True, check=False)
           for extra in ([], ["--skip-invalid"])]
    assert [c.returncode for c in cli] == [1, 0]
    assert "Importert 1 rader" in cli[1].stdout
    written = (tmp_path / "a.avviste.csv").read_text(encoding="utf-8-sig")
    con = store.connect(db)
    logged = con.execute("select string_agg(detail, ' ') from audit").fetchone()[0] or ""
    assert "avvist" in logged
    con.close()
    for number in (in_id, in_birth, as_number, as_number[1:]):
        for text in ("\n".join(str(e) for e in errors), written, logged, *(c.stdout + c.stderr for c in cli)):
            assert number not in text
        assert number.encode() not in database_text(db)


# --- 9. corrections go back where they came from --------------------------------------------------------


def _hundred_rows() -> list[list[str]]:
    return [[str(1000 + i), "A" if i % 2 else "B", "sykepleier", f"{1 + i % 28:02d}.03.19{60 + i % 40}", "100",
             "01.01.2015"] for i in range(100)]


def test_a_hundred_rows_three_bad_fixed_and_added_give_a_hundred_active_rows(tmp_path):
    db = tmp_path / "t.duckdb"
    rows = _hundred_rows()
    rows[10][4], rows[50][3], rows[90][5] = "abc", "31.02.1980", ""
    path = write_csv(tmp_path / "eksport.csv", rows, headers=HEADERS)
    result = subprocess.run(
        [sys.executable, "-m", "kompetanse", "import", str(path), "--db", str(db), "--skip-invalid",
         "--snapshot-date", "2023-12-01"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    first = int(result.stdout.split("som import ")[1].split()[0])
    rejected = tmp_path / "eksport.avviste.csv"
    fixed = pd.read_csv(rejected, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert fixed["Rad"].tolist() == ["12", "52", "92"]
    fixed.loc[0, "Stillingsprosent"], fixed.loc[1, "Fødselsdato"], fixed.loc[2, "Startdato"] = "80", "28.02.1980", \
        "01.01.2016"
    fixed.to_csv(rejected, sep=";", index=False, encoding="utf-8-sig")
    added = subprocess.run(
        [sys.executable, "-m", "kompetanse", "import", str(rejected), "--db", str(db), "--add-to", str(first),
         "--snapshot-date", "2023-12-01"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert added.returncode == 0, added.stderr
    assert "3 rettede rader er lagt til radene i import" in added.stdout
    assert "«Rad»" not in added.stderr and "«Feil»" not in added.stderr
    data = json.loads(subprocess.run(
        [sys.executable, "-m", "kompetanse", "metrics", "--db", str(db), "--min-cell", "0", "--json",
         "--as-of", "2023-12-01"], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert data["total"]["headcount"] == 100
    assert data["total"]["fte"] == pytest.approx(99.8)
    con = store.connect(db)
    history = con.execute("select import_id, rows, active from imports order by import_id").fetchall()
    con.close()
    assert history == [(first, 97, False), (first + 1, 100, True)]  # the first import stays as it was


def test_adding_the_same_corrections_twice_adds_nothing_twice(con, tmp_path):
    rows = _hundred_rows()[:5]
    rows[2][4] = "abc"
    outcome = importer.import_files(con, [write_csv(tmp_path / "e.csv", rows, headers=HEADERS)],
                                    snapshot_date=SNAPSHOT, skip_invalid=True)
    rows[2][4] = "100"
    fixed = write_csv(tmp_path / "rettet.csv", [rows[2]], headers=HEADERS)
    once = importer.import_files(con, [fixed], snapshot_date=SNAPSHOT, add_to=outcome.record.import_id)
    assert (once.rows, once.added) == (5, 1)
    twice = importer.import_files(con, [fixed], snapshot_date=SNAPSHOT, add_to=once.record.import_id)
    assert (twice.rows, twice.added, twice.already_there) == (5, 0, 1)
    assert len(rows_of(con)) == 5


def test_a_row_whose_only_identity_was_the_fodselsnummer_is_matched_again_by_its_pseudonym(con, tmp_path):
    numbers = [make_fnr(date(1980, 5, 17)), make_fnr(date(1975, 3, 1)), make_fnr(date(1990, 9, 3))]
    path = write_csv(tmp_path / "e.csv", [
        [numbers[0], "A", "lege", "100", "01.01.2010"],
        [numbers[1], "A", "lege", "abc", "01.01.2010"],
        [numbers[2], "A", "lege", "100", "01.01.2010"],
    ], headers=FNR_HEADERS)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT, skip_invalid=True)
    text = outcome.rejected_file.read_text(encoding="utf-8-sig")
    assert numbers[1] not in text
    fixed = pd.read_csv(outcome.rejected_file, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert fixed["Fødselsnummer"].tolist() == [""] and fixed["Fødselsdato"].tolist() == ["01.03.1975"]
    fixed.loc[0, "Stillingsprosent"] = "80"
    fixed.to_csv(outcome.rejected_file, sep=";", index=False, encoding="utf-8-sig")
    added = importer.import_files(con, [outcome.rejected_file], snapshot_date=SNAPSHOT,
                                  add_to=outcome.record.import_id)
    assert added.rows == 3
    data = rows_of(con)
    assert data["employee_id"].nunique() == 3
    # The corrected row is the same person as the number names: importing the number alone gives its id.
    alone = write_csv(tmp_path / "n.csv", [[numbers[1], "A", "lege", "80", "01.01.2010"]], headers=FNR_HEADERS)
    importer.import_files(con, [alone], snapshot_date=SNAPSHOT)
    assert rows_of(con)["employee_id"].iloc[0] in set(data["employee_id"])
    assert data.loc[data["position_pct"] == 80, "birth_date"].dt.date.tolist() == [date(1975, 3, 1)]


# --- 10. real data never mixes with the demo ------------------------------------------------------------


def test_importing_own_personnel_into_the_demo_removes_every_demo_row_and_says_so(tmp_path):
    db = demo_copy(tmp_path / "demo.duckdb")
    con = store.connect(db)
    assert demo.holds_demo(con)
    path = write_csv(tmp_path / "egne.csv", _hundred_rows()[:3], headers=HEADERS)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    assert "Demodataene er fjernet" in " ".join(outcome.summary())
    assert not demo.holds_demo(con)
    for table in ("units", "competences", "requirements", "measures", "goals", "placements", "plan_versions",
                  "plan_version_goals", "plan_version_measures", "plan_version_figures"):
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
    assert con.execute("select count(*) from employments").fetchone()[0] == 3
    assert con.execute("select count(*), bool_and(active) from imports").fetchone() == (1, True)
    con.close()


def test_a_failed_own_import_leaves_the_demo_as_it_was(tmp_path):
    con = store.connect(demo_copy(tmp_path / "demo.duckdb"))
    rows = _hundred_rows()[:3]
    rows[0][4] = "abc"
    errors_of(con, write_csv(tmp_path / "egne.csv", rows, headers=HEADERS))
    assert demo.holds_demo(con)
    con.close()


def test_a_new_db_on_the_command_line_holds_nothing_from_the_demo(tmp_path):
    db = tmp_path / "ny.duckdb"
    result = subprocess.run([sys.executable, "-m", "kompetanse", "imports", "--db", str(db)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == ["id\ttype\taktiv\trader\tdatadato\timportert\tfil"]


UNIT_HEADERS = ["Enhetskode", "Navn", "Overordnet", "Nivå"]


def test_a_units_file_with_a_duplicate_code_a_cycle_or_an_unknown_parent_is_refused_with_row_numbers(con, tmp_path):
    path = write_csv(tmp_path / "enheter.csv", [
        ["ORG", "Foretaket", "", "foretak"],
        ["K1", "Klinikk", "ORG", "klinikk"],
        ["K1", "Klinikk igjen", "ORG", "klinikk"],
        ["X", "X", "Y", "avdeling"],
        ["Y", "Y", "X", "avdeling"],
        ["Z", "Z", "UKJENT", "avdeling"],
    ], headers=UNIT_HEADERS)
    errors = [(e.row, e.column, e.message) for e in errors_of(con, path, kind="units")]
    assert errors == [
        (3, "Enhetskode", "samme enhetskode står også på rad 4"),
        (4, "Enhetskode", "samme enhetskode står også på rad 3"),
        (5, "Overordnet", "enheten ligger under seg selv (en sirkel i overordnet enhet)"),
        (6, "Overordnet", "enheten ligger under seg selv (en sirkel i overordnet enhet)"),
        (7, "Overordnet", "overordnet enhet UKJENT finnes ikke i filen"),
    ]


def test_the_preview_never_shows_a_fodselsnummer_in_another_column(tmp_path):
    number = make_fnr(date(1980, 5, 17))
    path = write_csv(tmp_path / "a.csv", [[number, "A", "lege", "01.01.1980", "100", "01.01.2010"],
                                          ["7", "A", "lege", "01.01.1980", "100", "01.01.2010"]], headers=HEADERS)
    sample = importer.preview_file(path).sample
    assert sample["Ansattnr"].tolist() == ["", "7"]


def test_where_the_file_has_an_id_column_the_pseudonym_fills_its_blank_cell(con, tmp_path):
    number = make_fnr(date(1975, 3, 1))
    headers = ["Ansattnr", *FNR_HEADERS]
    path = write_csv(tmp_path / "e.csv", [["7", make_fnr(date(1980, 1, 2)), "A", "lege", "100", "01.01.2010"],
                                          ["", number, "A", "lege", "abc", "01.01.2010"]], headers=headers)
    outcome = importer.import_files(con, [path], snapshot_date=SNAPSHOT, skip_invalid=True)
    fixed = pd.read_csv(outcome.rejected_file, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert fixed["Ansattnr"].str.fullmatch(r"H[0-9a-f]{16}").all() and "Ansattreferanse" not in fixed
    fixed.loc[0, "Stillingsprosent"] = "80"
    fixed.to_csv(outcome.rejected_file, sep=";", index=False, encoding="utf-8-sig")
    added = importer.import_files(con, [outcome.rejected_file], add_to=outcome.record.import_id)
    assert (added.rows, added.added) == (2, 1)


def test_a_mistyped_fodselsnummer_in_another_column_is_not_echoed_either(con, tmp_path):
    mistyped = make_fnr(date(1980, 5, 17))[:-1] + "0"
    mistyped = mistyped if not importer.national_id.is_national_id(mistyped) else mistyped[:-1] + "1"
    path = write_csv(tmp_path / "a.csv", [["1", "A", "lege", mistyped, "100", "01.01.2010"]], headers=HEADERS)
    (error,) = errors_of(con, path)
    assert error.column == "Fødselsdato" and mistyped not in str(error)
    assert error.message == "ugyldig fødselsdato (et tall med 10-11 sifre vises ikke i feilmeldingen)"


def test_a_file_with_only_a_code_column_gets_the_styrk_names_as_professions(con, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["1", "A", "2223101", "01.01.1980", "100", "01.01.2010"]],
                     headers=["Ansattnr", "Enhet", "Yrkeskode", "Fødselsdato", "Stillingsprosent", "Startdato"])
    importer.import_files(con, [path], snapshot_date=SNAPSHOT)
    data = rows_of(con)
    assert (data["profession"].iloc[0], data["profession_code"].iloc[0]) == ("Sykepleiere", "2223")
