"""The store: created on first use, versioned, migrated with a backup, clear messages."""

from __future__ import annotations

import duckdb
import pytest

from kompetanse.storage import store


def test_created_on_first_use_with_schema_version(tmp_path):
    con = store.connect(tmp_path / "new.duckdb")
    assert store.schema_version(con) == store.SCHEMA_VERSION
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"units", "employments", "competences", "requirements", "measures", "settings", "retirement_rules",
            "imports", "schema_version"} <= tables
    assert store.fetch_value(con, "select value from settings where key = 'min_group_size'") == "5"


def test_reopen_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "k.duckdb"
    con = store.connect(path)
    con.execute("update settings set value = '7' where key = 'min_group_size'")
    con.close()
    con = store.connect(path)
    assert store.fetch_value(con, "select value from settings where key = 'min_group_size'") == "7"
    assert store.fetch_value(con, "select count(*) from schema_version") == store.SCHEMA_VERSION
    assert not list(tmp_path.glob("*.bak"))


def test_older_schema_is_migrated_after_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    store.connect(path).close()
    extra = ["create table future_table (x integer)"]
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, extra])
    monkeypatch.setattr(store, "SCHEMA_VERSION", len(store.MIGRATIONS))
    con = store.connect(path)
    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert (tmp_path / f"old.duckdb.v{store.SCHEMA_VERSION - 1}.bak").exists()


def test_newer_schema_is_refused_with_a_message(tmp_path, monkeypatch):
    path = tmp_path / "new.duckdb"
    con = store.connect(path)
    con.execute("insert into schema_version values (99, now())")
    con.close()
    with pytest.raises(store.StoreError, match="nyere versjon"):
        store.connect(path)


def test_locked_file_gives_a_norwegian_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    store.connect(path).close()
    holder = duckdb.connect(str(path))  # noqa: F841 - holds the write lock
    import subprocess
    import sys

    code = (
        "from kompetanse.storage import store\n"
        f"try:\n    store.connect({str(path)!r})\nexcept store.StoreError as e:\n    print('ERR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=store.PROJECT_ROOT)
    assert "ERR" in out.stdout
    assert "Traceback" not in out.stderr
