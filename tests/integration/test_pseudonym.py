"""Pseudonyms that cannot be reversed from the database file (issue 12, item 1).

The attack: the file holds each person's birth date and the keyed hash of the fødselsnummer. For each birth date
there are only a few hundred valid numbers; whoever has the key hashes them all and finds the person's. So the
key must not be in the file. Fødselsnumre here are synthetic (valid control digits computed here).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kompetanse import importer
from kompetanse.storage import pseudonym, store
from tests.integration.test_importer import make_fnr

W1, W2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
BIRTHS = [date(1961, 2, 3), date(1967, 8, 30), date(1970, 1, 1), date(1974, 11, 12), date(1980, 5, 17),
          date(1983, 6, 6), date(1988, 12, 24), date(1990, 3, 15), date(1995, 7, 7), date(1999, 9, 9),
          date(2001, 9, 3), date(2003, 4, 28)]


def candidates(born: date) -> list[str]:
    """Every valid fødselsnummer (and D-nummer) for a birth date: what an attacker tries."""
    found = []
    for day in (born.day, born.day + 40):  # a D-nummer adds 40 to the day
        for individual in range(1000):
            base = f"{day:02d}" + born.strftime("%m%y") + f"{individual:03d}"
            k1 = (11 - sum(w * int(d) for w, d in zip(W1, base, strict=True))) % 11
            if k1 == 10:
                continue
            k2 = (11 - sum(w * int(d) for w, d in zip(W2, base + str(k1), strict=True))) % 11
            if k2 == 10:
                continue
            found.append(f"{base}{k1}{k2}")
    return found


def _strings_of(con: duckdb.DuckDBPyConnection) -> set[bytes]:
    """Every text value of every table (DuckDB compresses strings, so the raw bytes are not enough)."""
    found: set[bytes] = set()
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_name in (select table_name from information_schema.tables "
        "where table_type = 'BASE TABLE')"
    ).fetchall()
    for table, column in columns:
        values = con.execute(f'select distinct "{column}" from "{table}"').fetchall()  # names from the catalog
        found |= {str(v).encode() for (v,) in values if v is not None and len(str(v)) >= 16}
    return found


def attack(files: list[Path]) -> list[str]:
    """The numbers worked back from the files alone: birth dates and ids read with DuckDB; as keys, every text
    in the database and every long hex run in the raw bytes (of the file and its write-ahead log)."""
    content = b"".join(f.read_bytes() for f in files if f.exists())
    copy = files[0].with_name("attacker.duckdb")
    copy.write_bytes(files[0].read_bytes())
    con = duckdb.connect(str(copy), read_only=True)
    people = con.execute("select employee_id, birth_date from employments").fetchall()
    keys = _strings_of(con) | set(re.findall(rb"[0-9a-fA-F]{32,128}", content))
    con.close()
    copy.unlink()
    recovered = []
    for employee_id, born in people:
        tries = [n.encode() for n in candidates(born)]
        for key in keys:
            found = [n for n in tries if "H" + hmac.new(key, n, hashlib.sha256).hexdigest()[:16] == employee_id]
            if found:
                recovered.append(found[0].decode())
                break
    return recovered


def _import(db: Path, tmp_path: Path) -> list[str]:
    numbers = [make_fnr(born, 100 + 37 * i) for i, born in enumerate(BIRTHS)]
    rows = [f"{n};A;sykepleier;100;01.01.2015" for n in numbers]
    source = tmp_path / "personal.csv"
    source.write_text("Fødselsnummer;Enhet;Yrkesgruppe;Stillingsprosent;Startdato\n" + "\n".join(rows) + "\n",
                      encoding="utf-8")
    con = store.connect(db)
    importer.import_files(con, [source], snapshot_date=date(2023, 12, 1))
    con.close()
    return numbers


@pytest.fixture(autouse=True)
def no_deployment_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pseudonym.ENV_KEY, raising=False)


def test_the_attack_works_when_the_key_is_known(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    numbers = _import(db, tmp_path)
    key_file = pseudonym.key_file(db)
    stolen = tmp_path / "stolen.bin"
    stolen.write_bytes(key_file.read_bytes().strip())
    assert sorted(attack([db, stolen])) == sorted(numbers)  # so a pass below is not the attack failing


def test_the_database_file_alone_gives_back_no_fodselsnummer(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    _import(db, tmp_path)
    assert attack([db, db.with_name(db.name + ".wal")]) == []


def test_the_database_and_its_key_file_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    _import(db, tmp_path)
    key_file = pseudonym.key_file(db)
    assert key_file == tmp_path / "kompetanse.duckdb.key"
    for path in (db, key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_same_number_gets_the_same_id_in_a_later_import(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    _import(db, tmp_path)
    ids = _ids(db)
    _import(db, tmp_path)
    assert _ids(db) == ids


def _ids(db: Path) -> list[tuple[str]]:
    con = store.connect(db)
    try:
        return con.execute("select employee_id from v_employments order by 1").fetchall()
    finally:
        con.close()


def test_a_deployment_secret_is_used_instead_of_a_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pseudonym.ENV_KEY, "en-hemmelighet-fra-driftsmiljoet-0123456789")
    db = tmp_path / "kompetanse.duckdb"
    _import(db, tmp_path)
    assert not pseudonym.key_file(db).exists()
    assert attack([db]) == []


def test_a_missing_key_file_is_refused_rather_than_new_ids(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    _import(db, tmp_path)
    pseudonym.key_file(db).unlink()
    with pytest.raises(store.StoreError, match="Nøkkelen til ansatt-ID-ene mangler"):
        _import(db, tmp_path)


def _old_database(db: Path, tmp_path: Path) -> tuple[list[str], list[tuple[str]]]:
    """A database as releases before issue 12 left it: the key in settings, the file readable by all."""
    numbers = _import(db, tmp_path)
    key = pseudonym.key_file(db).read_text().strip()
    pseudonym.key_file(db).unlink()
    con = duckdb.connect(str(db))
    con.execute("insert into settings values ('id_hash_key', $v)", {"v": key})
    ids = con.execute("select employee_id from v_employments order by 1").fetchall()
    con.execute("update schema_version set version = version")
    con.close()
    db.chmod(0o644)
    return numbers, ids


def test_an_old_database_is_migrated_key_out_ids_kept(tmp_path: Path) -> None:
    db = tmp_path / "kompetanse.duckdb"
    numbers, ids = _old_database(db, tmp_path)
    assert sorted(attack([db])) == sorted(numbers)  # the defect: the old file gives every number back
    con = store.connect(db)
    assert con.execute("select employee_id from v_employments order by 1").fetchall() == ids
    assert store.fetch_value(con, "select count(*) from settings where key = 'id_hash_key'") == 0
    con.close()
    assert pseudonym.key_file(db).exists()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(pseudonym.key_file(db).stat().st_mode) == 0o600
    assert attack([db, db.with_name(db.name + ".wal")]) == []
    # a later import of the same people gives them the same ids
    _import(db, tmp_path)
    con = store.connect(db)
    assert con.execute("select employee_id from v_employments order by 1").fetchall() == ids
    con.close()


def test_a_migration_backup_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "kompetanse.duckdb"
    with monkeypatch.context() as older:  # a database of the release before the newest migration
        older.setattr(store, "MIGRATIONS", store.MIGRATIONS[:-1])
        older.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION - 1)
        store.connect(db).close()
    _import(db, tmp_path)  # the newest release opens it: a backup first, then the migration
    backups = list(tmp_path.glob("*.bak"))
    assert backups and all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in backups)
