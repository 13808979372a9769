"""The local user store: users with a role and units, argon2 password hashes, lock-out and session timeout.

Used where no OpenID Connect provider is configured (and, with one, to map a signed-in identity to a
role and units). The app runs open (everyone sees everything) only where the setting `open_access` says
so (the demo); no users and not open: nobody gets in until an administrator is added. Five failed
sign-ins lock a name for five minutes, counted one at a time even when attempts come in parallel; the
lock is stored, so it holds across sessions and processes. A name without a user is locked the same
way and gets the same messages, so the answers never tell whether a user exists; it is kept as a keyed
digest (it may be a password typed into the name field), and only the newest MAX_UNKNOWN_NAMES are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kompetanse.access import access
from kompetanse.storage import settings, store, units

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 8
WRONG_CREDENTIALS = "Feil brukernavn eller passord."
LOCKED = "For mange mislykkede innlogginger. Prøv igjen kl. {time}."
UNAVAILABLE = "Innloggingen kan ikke fullføres akkurat nå. Prøv igjen om litt."
MAX_UNKNOWN_NAMES = 1000
OPEN_SETTING = "open_access"
CLAIM_SETTING = "oidc_identity_claim"
LAST_USER = ("{name} er den siste brukeren: uten brukere slipper ingen inn. Legg til en ny bruker først, "
             "eller bruk --open for å åpne appen for alle (som demoen).")
LAST_ADMIN = ("{name} er den siste administratoren: da kan ingen lese loggen eller styre brukerne. Legg til en ny "
              "administrator først, eller bruk --open for å fjerne likevel.")

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("ingen bruker har dette passordet")
# One failure count changes at a time: DuckDB lets one process write the file, and within it this lock
# makes read-count-write one step (parallel attempts on one name would otherwise each count from the same 0).
_SIGN_IN_LOCK = threading.Lock()
_fallback_name_key = secrets.token_bytes(32)


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
    if is_open(con):
        set_open(con, False)  # with a user, everyone signs in
    return User(name, role, codes)


def is_open(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the app runs open: a setting (the demo's), never the mere absence of users."""
    return settings.get(con, OPEN_SETTING).strip().lower() in ("ja", "true", "1")


def set_open(con: duckdb.DuckDBPyConnection, value: bool) -> None:
    settings.put(con, OPEN_SETTING, "ja" if value else "nei")


def remove(con: duckdb.DuckDBPyConnection, name: str, *, open_if_last: bool = False) -> bool:
    """Remove a user. The last user, or the last admin, only with `open_if_last` (the command's --open); removing
    the last user then opens the app to everyone. Returns whether the app is open now."""
    user = get(con, name)
    if user is None:
        raise UserError(f"ukjent bruker: {name}")
    others = store.fetch_row(
        con.cursor(), "select count(*), count(*) filter (where role = 'admin') from users where name <> $name",
        {"name": name},
    )
    remaining, admins_left = others if others else (0, 0)
    if not open_if_last and not remaining:
        raise UserError(LAST_USER.format(name=name))
    if not open_if_last and user.role == "admin" and not admins_left:
        raise UserError(LAST_ADMIN.format(name=name))
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute("delete from users where name = $name", {"name": name})
        cursor.execute("delete from sessions where user_name = $name", {"name": name})
    if not remaining:
        set_open(con, True)
    return is_open(con)


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


def _name_digest(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A keyed digest of a name without a user (it may be a password typed into the wrong field)."""
    from kompetanse.storage import pseudonym

    try:
        key = hmac.new(pseudonym.id_key(con), b"sign-in names", hashlib.sha256).digest()
    except (store.StoreError, OSError):  # no key to be had: a process key (the lock then holds in this process)
        key = _fallback_name_key
    return "N" + hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, at: datetime | None = None) -> SignIn:
    """Check a name and password; count failures and lock after LOCK_AFTER_FAILURES for LOCK_MINUTES.

    A database problem is an answer (UNAVAILABLE), never an exception for the page to show."""
    at = at or now()
    name = name.strip()
    try:
        return _authenticate(con, name, password, at)
    except duckdb.Error:
        return SignIn(None, UNAVAILABLE)


def _state(cursor: duckdb.DuckDBPyConnection, name: str, digest: str
           ) -> tuple[bool, str | None, int, datetime | None]:
    """(known, password hash, failures, locked until) of a name."""
    row = store.fetch_row(
        cursor, "select password_hash, failed_attempts, locked_until from users where name = $name", {"name": name}
    )
    if row is not None:
        return True, row[0], int(row[1] or 0), row[2]
    row = store.fetch_row(
        cursor, "select failed_attempts, locked_until from sign_in_failures where name = $name", {"name": digest}
    )
    return (False, None, int(row[0] or 0), row[1]) if row else (False, None, 0, None)


def _authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, at: datetime) -> SignIn:
    cursor = con.cursor()
    digest = _name_digest(con, name)
    known, password_hash, _, locked_until = _state(cursor, name, digest)
    if locked_until is not None and at < locked_until:
        return SignIn(None, locked_message(locked_until), locked_until)
    # The slow part (argon2) runs outside the lock; what it found is only acted on under it.
    matches = verify_password(password_hash if known else _DUMMY_HASH, password) and known
    if store.is_read_only(con):  # a read-only copy: sign-in works, the failure count cannot be kept there
        return SignIn(get(con, name)) if matches else SignIn(None, WRONG_CREDENTIALS)
    with _SIGN_IN_LOCK:
        known, _, failures, locked_until = _state(cursor, name, digest)
        if locked_until is not None and at < locked_until:  # locked meanwhile by parallel attempts
            return SignIn(None, locked_message(locked_until), locked_until)
        if locked_until is not None:  # the lock has run out: a fresh count
            failures = 0
        if matches and known:
            with store.transaction(cursor, bump=False):
                cursor.execute(
                    "update users set failed_attempts = 0, locked_until = null where name = $name", {"name": name}
                )
            user = get(con, name)
            return SignIn(user) if user is not None else SignIn(None, WRONG_CREDENTIALS)
        failures += 1
        until = at + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER_FAILURES else None
        with store.transaction(cursor, bump=False):
            if known:
                cursor.execute(
                    "update users set failed_attempts = $n, locked_until = $until where name = $name",
                    {"n": failures, "until": until, "name": name},
                )
            else:
                cursor.execute("delete from sign_in_failures where name = $name", {"name": digest})
                cursor.execute(
                    "insert into sign_in_failures (name, failed_attempts, locked_until, last_failed_at) "
                    "values ($name, $n, $until, $at)", {"name": digest, "n": failures, "until": until, "at": at},
                )
                cursor.execute(
                    "delete from sign_in_failures where name in (select name from sign_in_failures "
                    "order by last_failed_at desc nulls last offset $cap)", {"cap": MAX_UNKNOWN_NAMES},
                )
    if until is not None:
        return SignIn(None, locked_message(until), until)
    return SignIn(None, WRONG_CREDENTIALS)


def identity_of(claims: Mapping[str, object], claim: str = "email") -> str | None:
    """The OpenID Connect identity that must match a user's name: the configured claim (email by default), and
    nothing else. A display name is not an identity: anyone can call an account "kari"."""
    value = claims.get(claim)
    return str(value).strip() if value not in (None, "") and str(value).strip() else None


def identity_claim(con: duckdb.DuckDBPyConnection) -> str:
    return settings.get(con, CLAIM_SETTING).strip() or "email"


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
