"""Sign-in under pressure (issue 12, item 6): parallel attempts, database errors, unknown names, the last user."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb
import pytest
from argon2 import PasswordHasher

from kompetanse import __main__ as cli
from kompetanse.access import users
from kompetanse.storage import store
from tests.fixtures import demo_copy

PASSWORD = "riktig-passord"
# Cheap argon2 parameters: these tests are about counting, not about the hash (which stays argon2).
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_copy(tmp_path_factory.mktemp("sign-in") / "demo.duckdb")
    con = store.connect(path)
    users.add(con, "kari", "leder", ["MB-L"], PASSWORD)
    users.add(con, "ada", "admin", [], PASSWORD)
    con.execute("update users set password_hash = $h", {"h": CHEAP.hash(PASSWORD)})
    con.close()
    return path


@pytest.fixture(autouse=True)
def cheap_dummy_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_DUMMY_HASH", CHEAP.hash("ingen bruker har dette passordet"))


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kompetanse.duckdb"
    shutil.copyfile(template, path)
    key = template.with_name(template.name + ".key")
    if key.exists():
        shutil.copyfile(key, path.with_name(path.name + ".key"))
    return path


def _in_parallel(con: duckdb.DuckDBPyConnection, name: str, attempts: int) -> list[users.SignIn | Exception]:
    results: list[users.SignIn | Exception] = []
    start = threading.Barrier(attempts)

    def attempt() -> None:
        start.wait()
        try:
            results.append(users.authenticate(con, name, "feil-passord"))
        except Exception as exc:  # what would reach the page
            results.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("name", ["kari", "ingen-slik-bruker"])
def test_forty_parallel_wrong_passwords_lock_the_name(db: Path, name: str) -> None:
    con = store.connect(db)
    try:
        results = _in_parallel(con, name, 40)
        assert not [r for r in results if isinstance(r, Exception)]
        locked = [r for r in results if isinstance(r, users.SignIn) and r.locked_until is not None]
        assert len(locked) >= 30  # the fifth failure locks, the later attempts are told it is locked
        after = users.authenticate(con, name, PASSWORD)
        assert not after.ok and after.message and after.message.startswith("For mange mislykkede innlogginger")
        if name == "kari":
            assert store.fetch_value(con, "select failed_attempts from users where name = 'kari'") == 5
    finally:
        con.close()


def test_a_database_error_during_sign_in_is_a_sentence_not_an_exception(db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    con = store.connect(db)
    try:
        def conflict(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

        monkeypatch.setattr(store, "fetch_row", conflict)
        result = users.authenticate(con, "kari", PASSWORD)
        assert not result.ok and result.message == "Innloggingen kan ikke fullføres akkurat nå. Prøv igjen om litt."
    finally:
        con.close()


def test_an_unknown_name_is_not_stored_in_clear_and_the_table_is_capped(db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(users, "MAX_UNKNOWN_NAMES", 20)
    con = store.connect(db)
    try:
        typed = "Sommer2026!hemmelig"  # a password typed into the name field
        users.authenticate(con, typed, "x")
        stored = [row[0] for row in con.execute("select name from sign_in_failures").fetchall()]
        assert stored and typed not in stored and not any("Sommer" in s for s in stored)
        for number in range(30):
            users.authenticate(con, f"navn-{number}", "x")
        assert store.fetch_value(con, "select count(*) from sign_in_failures") == 20
    finally:
        con.close()


def test_oidc_identity_is_the_configured_claim_never_the_display_name() -> None:
    assert users.identity_of({"name": "kari"}) is None
    assert users.identity_of({"name": "kari", "email": "kari@sykehus.no"}) == "kari@sykehus.no"
    assert users.identity_of({"name": "kari", "preferred_username": "kari@hf.no"}, "preferred_username") == "kari@hf.no"
    assert users.identity_of({"email": ""}) is None


def test_removing_the_last_admin_is_refused_without_open(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["user", "remove", "ada", "--db", str(db)]) == 1
    assert "siste administratoren" in capsys.readouterr().err
    con = store.connect(db)
    assert users.get(con, "ada") is not None
    con.close()


def test_removing_the_last_user_is_refused_without_open_and_opens_only_with_it(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["user", "remove", "kari", "--db", str(db)]) == 0
    assert cli.main(["user", "remove", "ada", "--db", str(db)]) == 1
    assert "siste brukeren" in capsys.readouterr().err
    con = store.connect(db)
    assert users.any_users(con) and not users.is_open(con)
    con.close()
    assert cli.main(["user", "remove", "ada", "--open", "--db", str(db)]) == 0
    assert "åpen for alle" in capsys.readouterr().out
    con = store.connect(db)
    assert not users.any_users(con) and users.is_open(con)
    con.close()


def test_no_users_is_not_open_unless_the_setting_says_so(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "new.duckdb")
    try:
        assert not users.any_users(con) and not users.is_open(con)
        users.set_open(con, True)
        assert users.is_open(con)
        users.add(con, "ada", "admin", [], PASSWORD)
        assert not users.is_open(con)  # with a user, everyone signs in
    finally:
        con.close()
