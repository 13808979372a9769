"""A database on a read-only place (0444 file in a 0555 folder): reading works, writing names the file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.__main__ import main
from kompetanse.access import access, users
from kompetanse.storage import store
from tests.app.helpers import app, metric_values
from tests.fixtures import demo_copy
from tests.privileges import as_ordinary_user

HEADER = "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato\n"


def read_only(folder: Path) -> None:
    for item in folder.iterdir():
        item.chmod(0o444)
    folder.chmod(0o555)


@pytest.fixture
def ro_db(tmp_path):
    folder = tmp_path / "kopi"
    folder.mkdir()
    path = demo_copy(folder / "kompetanse.duckdb")
    read_only(folder)
    yield path
    folder.chmod(0o755)
    for item in folder.iterdir():
        item.chmod(0o644)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    with as_ordinary_user():
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_reading_commands_work_on_a_read_only_database(ro_db, tmp_path, capsys):
    code, out, err = cli(capsys, "metrics", "--json", "--db", str(ro_db))
    assert code == 0, err
    assert json.loads(out)["total"]["headcount"] == 1196
    code, out, err = cli(capsys, "imports", "--db", str(ro_db))
    assert code == 0, err
    assert out.splitlines()[0].startswith("id\ttype\taktiv")
    code, out, err = cli(capsys, "user", "list", "--db", str(ro_db))
    assert code == 0, err
    code, out, err = cli(capsys, "export", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx"), "--db", str(ro_db))
    assert code == 0, err
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert "ikke ført i loggen" in err
    assert stat.S_IMODE(ro_db.stat().st_mode) == 0o444


def test_a_writing_command_says_the_database_file_cannot_be_written(ro_db, tmp_path, capsys):
    source = tmp_path / "ny.csv"
    source.write_text(HEADER + "1;NY;sykepleier;15.06.1980;K;100;01.01.2015\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", str(source), "--db", str(ro_db))
    assert code == 1
    assert f"Databasen {ro_db} kan ikke skrives" in err
    assert "Traceback" not in err


def test_skip_invalid_with_the_input_in_a_read_only_folder_names_the_rejected_rows_file(tmp_path, capsys):
    db = demo_copy(tmp_path / "k.duckdb")
    folder = tmp_path / "inn"
    folder.mkdir()
    (folder / "ny.csv").write_text(
        HEADER + "1;NY;sykepleier;15.06.1980;K;100;01.01.2015\n2;NY;sykepleier;31.02.1980;K;100;01.01.2015\n",
        encoding="utf-8",
    )
    read_only(folder)
    try:
        code, _, err = cli(capsys, "import", str(folder / "ny.csv"), "--skip-invalid", "--db", str(db))
    finally:
        folder.chmod(0o755)
    assert code == 1
    assert str(folder / "ny.avviste.csv") in err
    assert "Databasen" not in err


def test_every_page_shows_a_read_only_database(ro_db, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_DB", str(ro_db))
    pages = [f"{stem}.py" for stem in access.OPEN.pages()]
    with as_ordinary_user():
        at = app().run()
        assert not at.exception
        assert metric_values(at)["Ansatte"] == "1 196"
        for page in pages:
            at.switch_page(f"pages/{page}").run()
            assert not at.exception, page
            assert not [e.value for e in at.error if "uventet feil" in e.value], page
    assert os.listdir(ro_db.parent) == [ro_db.name]


def test_signing_in_and_viewing_work_on_a_read_only_copy_with_users(tmp_path, monkeypatch):
    folder = tmp_path / "kopi"
    folder.mkdir()
    path = demo_copy(folder / "kompetanse.duckdb")
    con = store.connect(path)
    users.add(con, "hanne", "hr", [], "riktig-passord")
    con.close()
    read_only(folder)
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    try:
        with as_ordinary_user():
            at = app().run()
            at.text_input(key="sign_in_name").input("hanne")
            at.text_input(key="sign_in_password").input("riktig-passord")
            next(b for b in at.button if b.label == "Logg inn").click().run()
            assert not at.exception
            assert metric_values(at)["Ansatte"] == "1 196"
            at.switch_page("pages/import_data.py").run()
            assert not at.exception
    finally:
        folder.chmod(0o755)
