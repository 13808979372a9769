"""The key of the employee-id pseudonyms (a keyed hash of the fødselsnummer), kept outside the database file.

With the database file alone nobody can work a fødselsnummer back from its pseudonym: the birth date
and gender are in the file, so about 500 candidate numbers per person remain, and only the key tells
which one hashes to the stored id. The key is therefore either
- the deployment's secret `KOMPETANSE_ID_KEY` (an environment variable; Streamlit also sets it from a
  root-level `KOMPETANSE_ID_KEY = "..."` in .streamlit/secrets.toml), or
- a key file beside the database, `<database file>.key`, readable by its owner only (0600), created
  on first use. It must be backed up with the database (README), or the pseudonyms change.
A missing key where the database already holds pseudonyms is refused instead of silently starting new ones.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

import duckdb

from kompetanse.storage.store import StoreError

ENV_KEY = "KOMPETANSE_ID_KEY"
KEY_SUFFIX = ".key"
LEGACY_SETTING = "id_hash_key"  # where releases before issue 12 kept the key, in the database itself
OWNER_ONLY = 0o600
_process_keys: dict[str, bytes] = {}  # an in-memory database's key: it lives as long as the database


class PseudonymKeyError(StoreError):
    """The key is missing, unreadable or not the one the pseudonyms were made with (message in Norwegian)."""


def key_file(db_path: Path) -> Path:
    """data/kompetanse.duckdb -> data/kompetanse.duckdb.key"""
    return db_path.with_name(db_path.name + KEY_SUFFIX)


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file of the connection's database (None: in memory)."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(row[0]) if row and row[0] else None


def make_owner_only(path: Path) -> None:
    """chmod 0600 where the file is readable by others (a file made before this release, or a copy)."""
    with contextlib.suppress(FileNotFoundError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(OWNER_ONLY)


def _read_key_file(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PseudonymKeyError(f"Kan ikke lese nøkkelfilen {path}: {exc}.") from exc
    make_owner_only(path)
    if not text:
        raise PseudonymKeyError(f"Nøkkelfilen {path} er tom.")
    return text.encode("ascii")


def write_key_file(path: Path, key: bytes) -> None:
    """Create the key file owner-only (0600) from the start; never overwrite one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.decode("ascii") + "\n")


def _configured_key(db_path: Path | None) -> bytes | None:
    secret = os.environ.get(ENV_KEY, "").strip()
    if secret:
        return secret.encode("utf-8")
    if db_path is None:
        return None
    return _read_key_file(key_file(db_path))


def _setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("select value from settings where key = $k", {"k": key}).fetchone()
    return str(row[0]) if row and row[0] else None


def _has_pseudonyms(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from employments where regexp_full_match(employee_id, 'H[0-9a-f]{16}')"
    ).fetchone()
    return bool(row and row[0])


def id_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The key of the employee-id hash: the deployment's secret or the key file (created on first use)."""
    cursor = con.cursor()
    db_path = database_path(cursor)
    key = _configured_key(db_path)
    if key is not None:
        return key
    if db_path is None:
        return _process_keys.setdefault(str(id(con)), secrets.token_hex(32).encode("ascii"))
    if _has_pseudonyms(cursor):
        raise PseudonymKeyError(
            f"Nøkkelen til ansatt-ID-ene mangler ({key_file(db_path)}). Legg tilbake nøkkelfilen fra "
            f"sikkerhetskopien, eller sett {ENV_KEY}: uten den får de samme personene nye ID-er."
        )
    key = secrets.token_hex(32).encode("ascii")
    write_key_file(key_file(db_path), key)
    return key


def key_in_database(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file still holds the key (a database from before issue 12)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'settings'"
    ).fetchone()
    return bool(exists and exists[0]) and _setting(con, LEGACY_SETTING) is not None


def move_key_out(con: duckdb.DuckDBPyConnection, db_path: Path) -> duckdb.DuckDBPyConnection:
    """Move the key from the database into the key file (the pseudonyms stay the same), then rewrite the file
    so that the deleted key is not left in its free blocks. Returns a connection to the rewritten file."""
    legacy = _setting(con, LEGACY_SETTING)
    assert legacy is not None
    key = legacy.encode("ascii")
    configured = _configured_key(db_path)
    if configured is None:
        write_key_file(key_file(db_path), key)
    elif configured != key:
        raise PseudonymKeyError(
            f"Databasen har en annen nøkkel enn {ENV_KEY} eller nøkkelfilen {key_file(db_path)}; "
            "flytt den bort eller fjern den som ikke hører til databasen."
        )
    con.execute("delete from settings where key = $k", {"k": LEGACY_SETTING})
    con.execute("checkpoint")
    con.close()
    # DuckDB does not wipe freed blocks: copy the database into a fresh file and put that in its place.
    fresh = db_path.with_name(db_path.name + ".rewrite")
    fresh.unlink(missing_ok=True)
    fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)
    copier = duckdb.connect()
    try:
        copier.execute("attach $path as old_file (read_only)", {"path": str(db_path)})
        copier.execute("attach $path as new_file", {"path": str(fresh)})
        copier.execute("copy from database old_file to new_file")
    finally:
        copier.close()
    make_owner_only(fresh)
    os.replace(fresh, db_path)
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    return duckdb.connect(str(db_path))
