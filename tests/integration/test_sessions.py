"""The server side of a signed-in browser (issue 12, item 7): the token is signed, expires, is stored only as a
hash, and sign-out or inactivity revoke it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kompetanse.access import sessions
from kompetanse.storage import store

AT = datetime(2025, 3, 3, 9, 0)
TIMEOUT = timedelta(minutes=30)


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    connection = store.connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


def test_a_reload_within_the_timeout_finds_the_user(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    assert sessions.resume(con, value, AT + timedelta(minutes=29), TIMEOUT) == sessions.Resumed("kari")
    # activity moves the timeout on
    assert sessions.resume(con, value, AT + timedelta(minutes=58), TIMEOUT) == sessions.Resumed("kari")


def test_the_database_keeps_only_a_hash_of_the_token(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    token = value.split(".")[0]
    stored = [str(v) for row in con.execute("select * from sessions").fetchall() for v in row]
    assert not any(token in s or value in s for s in stored)


def test_a_forged_or_altered_cookie_finds_nobody(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    token, signature = value.split(".")
    other = "B" if token.endswith("A") else "A"  # an altered last character, never the same one
    for forged in ("kari", "", token, f"{token}.{'0' * 32}", f"{token[:-1]}{other}.{signature}", f"{value}.x"):
        assert sessions.resume(con, forged, AT, TIMEOUT).user is None, forged


def test_inactivity_ends_the_session_for_good(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    assert sessions.resume(con, value, AT + timedelta(minutes=31), TIMEOUT) == sessions.Resumed("kari", True)
    assert sessions.resume(con, value, AT + timedelta(minutes=32), TIMEOUT).user is None


def test_sign_out_revokes_the_token(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    sessions.end(con, value)
    assert sessions.resume(con, value, AT, TIMEOUT).user is None


def test_every_token_expires_however_active(con) -> None:  # type: ignore[no-untyped-def]
    value = sessions.start(con, "kari", AT)
    at = AT
    while at < AT + sessions.MAX_AGE - TIMEOUT:
        at += timedelta(minutes=20)
        assert sessions.resume(con, value, at, TIMEOUT).user == "kari"
    assert sessions.resume(con, value, AT + sessions.MAX_AGE, TIMEOUT).user is None
