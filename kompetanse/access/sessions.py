"""Signed-in browsers: a signed, expiring session token that a cookie carries, kept server-side as a hash.

A browser reload (or a new tab) starts a new Streamlit session, which forgets st.session_state; the
cookie brings the token back and `resume` finds the user again. The token is random and carries no
personal data; the table keeps only its SHA-256, so a copy of the database signs nobody in. Sign-out
(`end`) and the inactivity timeout delete the row, so a revoked token is worthless even where the
browser still sends it. Every token also expires MAX_AGE after sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from kompetanse.storage import store

COOKIE = "kompetanse_sesjon"
MAX_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=20)  # last_seen is written at most this often (a write per script run is too many)
_fallback_key = secrets.token_bytes(32)


@dataclass(frozen=True)
class Resumed:
    """What a cookie's token says: the user (None: no valid session), or the user whose session has just ended
    by inactivity (timed_out: say so on the sign-in page)."""

    user: str | None
    timed_out: bool = False


def _signing_key(con: duckdb.DuckDBPyConnection) -> bytes:
    from kompetanse.storage import pseudonym

    try:
        return hmac.new(pseudonym.id_key(con), b"session tokens", hashlib.sha256).digest()
    except (store.StoreError, OSError):  # no key to be had: tokens then hold as long as this process
        return _fallback_key


def _split(con: duckdb.DuckDBPyConnection, value: str | None) -> str | None:
    """The token of a cookie value "token.signature", None where the signature does not hold."""
    if not value or value.count(".") != 1:
        return None
    token, signature = value.split(".")
    expected = hmac.new(_signing_key(con), token.encode("ascii", "replace"), hashlib.sha256).hexdigest()[:32]
    return token if hmac.compare_digest(signature, expected) else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start(con: duckdb.DuckDBPyConnection, user: str, at: datetime) -> str | None:
    """A new session for `user`: the cookie value to hand the browser (None on a read-only copy, which can keep
    no session: the sign-in then lasts as long as the browser tab's session)."""
    if store.is_read_only(con):
        return None
    token = secrets.token_urlsafe(32)
    signature = hmac.new(_signing_key(con), token.encode("ascii"), hashlib.sha256).hexdigest()[:32]
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute(
            "insert into sessions values ($hash, $user, $at, $at, $expires)",
            {"hash": _hash(token), "user": user, "at": at, "expires": at + MAX_AGE},
        )
    try:  # tidy up the expired ones; a parallel sign-in doing the same is as good
        with store.transaction(cursor, bump=False):
            cursor.execute("delete from sessions where expires_at <= $at", {"at": at})
    except duckdb.TransactionException:
        pass
    return f"{token}.{signature}"


def resume(con: duckdb.DuckDBPyConnection, value: str | None, at: datetime, timeout: timedelta) -> Resumed:
    """The user of a cookie's session; a session idle longer than `timeout` is ended (timed_out)."""
    if store.is_read_only(con):
        return Resumed(None)
    token = _split(con, value)
    if token is None:
        return Resumed(None)
    cursor = con.cursor()
    row = store.fetch_row(
        cursor, "select user_name, last_seen, expires_at from sessions where token_hash = $hash", {"hash": _hash(token)}
    )
    if row is None:
        return Resumed(None)
    user, last_seen, expires_at = row
    if at >= expires_at:
        end(con, value)
        return Resumed(None)
    if at - last_seen > timeout:
        end(con, value)
        return Resumed(user, timed_out=True)
    touch(con, value, at, last_seen)
    return Resumed(user)


def touch(con: duckdb.DuckDBPyConnection, value: str | None, at: datetime, last_seen: datetime | None = None) -> None:
    """The session was active at `at` (written when the stored time is TOUCH_EVERY old or older)."""
    if value is None or store.is_read_only(con):
        return
    token = _split(con, value)
    if token is None or (last_seen is not None and at - last_seen < TOUCH_EVERY):
        return
    cursor = con.cursor()
    try:
        with store.transaction(cursor, bump=False):
            cursor.execute(
                "update sessions set last_seen = greatest(last_seen, $at) where token_hash = $hash",
                {"at": at, "hash": _hash(token)},
            )
    except duckdb.TransactionException:  # another tab of the same browser touched it just now: as good
        pass


def end(con: duckdb.DuckDBPyConnection, value: str | None) -> None:
    """Sign-out or timeout: the token is worthless from now on."""
    if value is None or store.is_read_only(con):
        return
    token = _split(con, value)
    if token is None:
        return
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute("delete from sessions where token_hash = $hash", {"hash": _hash(token)})
