"""Backup and restore: a copy taken while the app holds the file, and putting it back gives the same figures."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from kompetanse.__main__ import main
from kompetanse.storage import store
from tests.fixtures import demo_copy

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = "select count(distinct employee_id) from v_employments"
HEADER = "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato\n"


def metrics(db: Path, capsys) -> dict:
    """The figures as `metrics --json` gives them, to 9 decimals.

    (The last digits of a sum of doubles such as fte vary between two runs on the same file: DuckDB
    adds in the order its threads finish. Far below what anyone sees, and not what a restore changes.)
    """
    assert main(["metrics", "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out, parse_float=lambda text: round(float(text), 9))


def test_restore_gives_the_figures_as_at_the_backup(tmp_path, capsys):
    db = demo_copy(tmp_path / "k.duckdb")
    key = db.with_name(db.name + ".key")
    key.write_bytes(b"hemmelig-noekkel")
    key.chmod(0o600)
    at_backup = metrics(db, capsys)
    out = tmp_path / "kopi" / "natt.duckdb"
    out.parent.mkdir()
    assert main(["backup", "--out", str(out), "--db", str(db)]) == 0
    assert "Sikkerhetskopien er lagret" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.with_name("natt.duckdb.key").read_bytes() == b"hemmelig-noekkel"

    later = tmp_path / "ny.csv"
    later.write_text(HEADER + "".join(f"{i};NY;sykepleier;15.06.1980;K;100;01.01.2015\n" for i in range(1, 41)),
                     encoding="utf-8")
    assert main(["import", str(later), "--db", str(db), "--snapshot-date", "2023-12-01"]) == 0
    capsys.readouterr()
    key.write_bytes(b"en-annen")
    assert metrics(db, capsys)["total"]["headcount"] == 40

    assert main(["restore", str(out), "--db", str(db)]) == 0
    assert "er gjenopprettet" in capsys.readouterr().out
    assert metrics(db, capsys) == at_backup
    assert key.read_bytes() == b"hemmelig-noekkel"
    con = store.connect(db)
    try:  # the audit log keeps what happened since the backup, and the restore itself
        actions = [a for (a,) in con.execute("select action from audit order by \"at\"").fetchall()]
    finally:
        con.close()
    changes = [a for a in actions if a != "nøkkeltall"]  # metrics is audited too (issue 12)
    assert changes[-3:] == ["sikkerhetskopi", "import", "gjenoppretting"]


def test_a_backup_is_taken_while_the_app_holds_the_database(tmp_path):
    db = demo_copy(tmp_path / "k.duckdb")
    from ui import data

    shared = data.SharedConnection(str(db))
    con = shared.acquire()  # the app is reading
    people = store.fetch_value(con, PEOPLE)
    shared.release()
    out = tmp_path / "natt.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "kompetanse", "backup", "--out", str(out), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    copy = store.connect(out, read_only=True)
    try:
        assert store.fetch_value(copy, PEOPLE) == people > 1000
    finally:
        copy.close()
    con = shared.acquire()  # the app carries on
    try:
        assert store.fetch_value(con, "select count(*) from imports") >= 1
    finally:
        shared.release()
        shared.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, capsys):
    db = demo_copy(tmp_path / "k.duckdb")
    bogus = tmp_path / "ikke.duckdb"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    assert main(["restore", str(bogus), "--db", str(db)]) == 1
    assert "er ikke en Kompetanse-database" in capsys.readouterr().err
