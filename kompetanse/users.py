"""The local user store: users with a role and units, argon2 password hashes, lock-out and session timeout.

Used where no OpenID Connect provider is configured (and, with one, to map a signed-in identity to a
role and units). No users at all: the app runs open. Five failed sign-ins lock a name for five
minutes; the lock is stored, so it holds across sessions and processes. A name without a user is
locked the same way and gets the same messages, so the answers never tell whether a user exists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kompetanse import access, settings, store, units

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 8
WRONG_CREDENTIALS = "Feil brukernavn eller passord."
LOCKED = "For mange mislykkede innlogginger. Prøv igjen kl. {time}."

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("ingen bruker har dette passordet")


def now() -> datetime:
    """The clock (tests replace it)."""
    return datetime.now()


class UserError(Exception):
    """Invalid user input (message in Norwegian, one line)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    units: tuple[str, ...]
    created_at: datetime | None = None


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `user` on success, else the message to show."""

    user: User | None
    message: str | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return bool(password_hash) and _hasher.verify(password_hash, password)  # type: ignore[arg-type]
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- the store ---------------------------------------------------------------------------------


def any_users(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(store.fetch_value(con.cursor(), "select count(*) from users"))


def get(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    row = store.fetch_row(
        con.cursor(), "select name, role, units, created_at from users where name = $name", {"name": name}
    )
    return None if row is None else User(row[0], row[1], tuple(row[2] or ()), row[3])


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """name, role, units, locked_until, created_at (no hashes)."""
    return store.run_query(con, "users_list")


def display_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The users as the Logg page lists them: Navn, Rolle, Enheter ("alle" for hr and admin), Sperret til,
    Opprettet."""
    frame = list_users(con)
    return pd.DataFrame({
        "Navn": frame["name"],
        "Rolle": [access.ROLE_LABELS.get(r, r) for r in frame["role"]],
        "Enheter": [
            ", ".join(u) if role in access.UNIT_SCOPED_ROLES and u is not None and len(u) else "alle"
            for role, u in zip(frame["role"], frame["units"], strict=True)
        ],
        "Sperret til": frame["locked_until"],
        "Opprettet": frame["created_at"],
    })


def _parse_units(con: duckdb.DuckDBPyConnection, codes: Iterable[str]) -> tuple[str, ...]:
    wanted = [c.strip() for c in codes if c and c.strip()]
    known = set(units.tree(con)["unit_code"])
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise UserError("ukjent enhet: " + ", ".join(unknown))
    return tuple(dict.fromkeys(wanted))


def add(con: duckdb.DuckDBPyConnection, name: str, role: str, unit_codes: Sequence[str], password: str) -> User:
    name = name.strip()
    if not name:
        raise UserError("brukernavnet kan ikke være tomt")
    if role not in access.ROLES:
        raise UserError(f"ukjent rolle: {role} (bruk {', '.join(access.ROLES)})")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"passordet må ha minst {MIN_PASSWORD_LENGTH} tegn")
    codes = _parse_units(con, unit_codes)
    if role in access.UNIT_SCOPED_ROLES and not codes:
        raise UserError(f"rollen {role} trenger minst én enhet (--units)")
    if get(con, name) is not None:
        raise UserError(f"brukeren finnes allerede: {name}")
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute(
            "insert into users (name, role, units, password_hash, failed_attempts, locked_until, created_at) "
            "values ($name, $role, $units, $hash, 0, null, $at)",
            {"name": name, "role": role, "units": list(codes), "hash": hash_password(password), "at": now()},
        )
    return User(name, role, codes)


def remove(con: duckdb.DuckDBPyConnection, name: str) -> None:
    if get(con, name) is None:
        raise UserError(f"ukjent bruker: {name}")
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute("delete from users where name = $name", {"name": name})


def grant(con: duckdb.DuckDBPyConnection, name: str, unit_codes: Sequence[str]) -> User:
    """Give the user these units as well (the ones granted before are kept)."""
    user = get(con, name)
    if user is None:
        raise UserError(f"ukjent bruker: {name}")
    codes = _parse_units(con, unit_codes)
    if not codes:
        raise UserError("oppgi minst én enhet (--units)")
    merged = tuple(dict.fromkeys((*user.units, *codes)))
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute("update users set units = $units where name = $name", {"units": list(merged), "name": name})
    return User(user.name, user.role, merged, user.created_at)


def access_of(con: duckdb.DuckDBPyConnection, user: User) -> access.Access:
    return access.for_user(units.tree(con), user.name, user.role, user.units)


# --- signing in ---------------------------------------------------------------------------------


def _opens_at(moment: datetime) -> str:
    """The lock's end as a clock time, rounded up to the minute (it is open by then)."""
    rounded = moment.replace(second=0, microsecond=0)
    if rounded < moment:
        rounded += timedelta(minutes=1)
    return f"{rounded:%H:%M}"


def locked_message(until: datetime) -> str:
    return LOCKED.format(time=_opens_at(until))


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, at: datetime | None = None) -> SignIn:
    """Check a name and password; count failures and lock after LOCK_AFTER_FAILURES for LOCK_MINUTES."""
    at = at or now()
    name = name.strip()
    cursor = con.cursor()
    row = store.fetch_row(
        cursor, "select password_hash, failed_attempts, locked_until from users where name = $name", {"name": name}
    )
    known = row is not None
    if not known:
        row = store.fetch_row(
            cursor, "select null, failed_attempts, locked_until from sign_in_failures where name = $name",
            {"name": name},
        ) or (None, 0, None)
    password_hash, failures, locked_until = row
    if locked_until is not None and at < locked_until:
        return SignIn(None, locked_message(locked_until), locked_until)
    if locked_until is not None:  # the lock has run out: a fresh count
        failures = 0
    matches = verify_password(password_hash if known else _DUMMY_HASH, password) and known
    if store.is_read_only(con):  # a read-only copy: sign-in works, the failure count cannot be kept there
        return SignIn(get(con, name)) if matches else SignIn(None, WRONG_CREDENTIALS)
    if matches:
        with store.transaction(cursor, bump=False):
            cursor.execute(
                "update users set failed_attempts = 0, locked_until = null where name = $name", {"name": name}
            )
        user = get(con, name)
        assert user is not None
        return SignIn(user)
    failures += 1
    until = at + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER_FAILURES else None
    with store.transaction(cursor, bump=False):
        if known:
            cursor.execute(
                "update users set failed_attempts = $n, locked_until = $until where name = $name",
                {"n": failures, "until": until, "name": name},
            )
        else:
            cursor.execute("delete from sign_in_failures where name = $name", {"name": name})
            cursor.execute(
                "insert into sign_in_failures values ($name, $n, $until)", {"name": name, "n": failures, "until": until}
            )
    if until is not None:
        return SignIn(None, locked_message(until), until)
    return SignIn(None, WRONG_CREDENTIALS)


def session_timeout(con: duckdb.DuckDBPyConnection) -> timedelta:
    """The inactivity after which a signed-in session asks for sign-in again (a setting, default 30 minutes)."""
    try:
        minutes = float(settings.get(con, "session_timeout_minutes"))
    except ValueError:
        minutes = 30.0
    if not math.isfinite(minutes) or minutes <= 0:
        minutes = 30.0
    return timedelta(minutes=minutes)


def expired(last_seen: datetime | None, at: datetime, timeout: timedelta) -> bool:
    """Whether a session last active at `last_seen` has timed out by `at`."""
    return last_seen is not None and at - last_seen > timeout
