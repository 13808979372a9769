"""Backups: a consistent copy of the database (and its pseudonym key file), and putting one back.

`backup` takes the database the way any writer does (the running app lets go of it within
seconds), checkpoints it so the file holds every committed change, and copies the file while no
one else can write it; the copy is written beside its target and renamed, owner-only (it holds
personal data). The key file `<database>.key`, where the employee-id hash key lives, travels with
it as `<backup>.key`: without it, re-imported people would get new ids.

`restore` replaces every table's rows with the backup's in one transaction on the live file, so a
running app sees the restored data at its next run (a new data generation) instead of a file
swapped under it. A backup of an older schema is migrated (on a temporary copy) first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from kompetanse.storage import store

KEY_SUFFIX = ".key"
# Not restored: the counter the app's caches are keyed by (it only ever goes up), the schema's own
# record, and the audit log (what was done since the backup, the restore included, stays on record).
NOT_RESTORED = {"audit", "data_generation", "schema_version"}


class BackupError(Exception):
    """A backup or restore that cannot be done (message in Norwegian)."""


def key_file(database: Path) -> Path:
    return database.with_name(database.name + KEY_SUFFIX)


def backup(database: Path, out: Path, *, wait_seconds: float = 0.0) -> list[Path]:
    """Copy `database` (and its key file) to `out` (and `out.key`); the files written."""
    database, out = Path(database), Path(out)
    if not database.exists():
        raise BackupError(f"Databasen {database} finnes ikke.")
    if out.resolve() == database.resolve():
        raise BackupError("Sikkerhetskopien kan ikke skrives over selve databasen; velg et annet filnavn.")
    if not out.parent.is_dir():
        raise BackupError(f"Mappen {out.parent} finnes ikke.")
    con = store.connect(database, wait_seconds=wait_seconds, reading=True)
    try:
        if not store.is_read_only(con):
            con.execute("checkpoint")  # every committed change into the file; we hold it, no one writes
        written = [_copy_private(database, out)]
    finally:
        con.close()
    key = key_file(database)
    if key.exists():
        written.append(_copy_private(key, key_file(out)))
    _check_is_backup(out)
    return written


def restore(source: Path, database: Path, *, wait_seconds: float = 0.0) -> int:
    """Put the backup `source` back into `database` in one transaction; the number of tables restored."""
    source, database = Path(source), Path(database)
    version = _check_is_backup(source)
    with tempfile.TemporaryDirectory(prefix="kompetanse-restore-") as folder:
        readable = source
        if version < store.SCHEMA_VERSION:  # carried forward on a copy; the backup itself is never changed
            readable = Path(folder) / "backup.duckdb"
            shutil.copyfile(source, readable)
            store.connect(readable).close()
        con = store.connect(database, wait_seconds=wait_seconds)
        try:
            con.execute("attach $path as restored (read_only)", {"path": str(readable)})
            try:
                tables = _tables(con)
                with store.transaction(con):
                    for table in tables:
                        # Identifiers from the live schema's catalogue (never from input), quoted.
                        name = '"' + table.replace('"', '""') + '"'
                        con.execute(f"delete from main.{name}")
                        con.execute(f"insert into main.{name} by name select * from restored.{name}")
            finally:
                con.execute("detach restored")
        finally:
            con.close()
    key = key_file(source)
    if key.exists():
        _copy_private(key, key_file(database))
    return len(tables)


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'main' and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [name for (name,) in rows if name not in NOT_RESTORED]


def _check_is_backup(path: Path) -> int:
    """The schema version of a Kompetanse database at `path`, or a BackupError saying what it is not."""
    if not path.exists():
        raise BackupError(f"Filen {path} finnes ikke.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(f"{path} er ikke en Kompetanse-database (kan ikke åpnes: {type(exc).__name__}).") from None
    try:
        version = store.schema_version(con)
    finally:
        con.close()
    if version == 0:
        raise BackupError(f"{path} er ikke en Kompetanse-database.")
    if version > store.SCHEMA_VERSION:
        raise BackupError(f"{path} er fra en nyere versjon av Kompetanse (skjema {version}); oppdater programmet.")
    return version


def _copy_private(source: Path, target: Path) -> Path:
    """Copy to a temporary name beside `target`, owner-only, then rename: never a half-written file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        os.chmod(temporary, 0o600)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target
