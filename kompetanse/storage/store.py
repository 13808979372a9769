"""The DuckDB store: where the file is, its schema and migrations, and running queries.

Every figure is read through `run_query`, which loads one named .sql file from queries/
and binds named parameters; nothing here pastes values into SQL.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
import pandas as pd

from kompetanse.figures import rules
from kompetanse.figures.rules import SQL_MACROS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_DB = PROJECT_ROOT / "data" / "kompetanse.duckdb"

IMPORT_KINDS = ("personnel", "competences", "units", "requirements", "measures", "placements", "goals")

# Columns stored beside an import's rows but derived from them by a rule (a macro): history.record_import writes
# them with the rows. employments.profession_group is the profession_group macro's answer (DESIGN.md "Profession
# groups"); when the group table changes, PROFESSION_GROUP_REDERIVE brings every stored employment up to date.
# employments.only_employment: the person has no other row in the import, so a figure needs no dedup for
# them (queries/metrics.sql groups only the others); it never changes, as an import's rows never do. The ids
# compare as text, as they are stored. (Worked out in the insert: at 1 000 000 rows DuckDB's grouping of the
# incoming ids costs 0.15-0.2 s less than pandas' duplicated().)
INCOMING_ROWS = "incoming_rows"  # the name history.record_import gives the rows it inserts
DERIVED_COLUMNS: dict[str, dict[str, str]] = {
    "employments": {
        # Cast as the insert casts them: an all-blank code column arrives from pandas as numbers.
        "profession_group": "profession_group(profession::varchar, profession_code::varchar)",
        "only_employment": f"""employee_id::varchar not in (
            select employee_id::varchar from {INCOMING_ROWS} group by all having count(*) > 1)""",
    },
}


PROFESSION_GROUP_REDERIVE = "update employments set profession_group = profession_group(profession, profession_code)"

# Each migration moves the schema one version up. Never edit a released migration:
# add a new one, so that an existing file is carried forward without losing data.
MIGRATIONS: list[list[str]] = [
    [
        """create table imports (
            import_id integer primary key,
            kind varchar not null,
            file_name varchar not null,
            sha256 varchar not null,
            rows integer not null,
            imported_at timestamp not null,
            snapshot_date date not null,
            active boolean not null default false)""",
        """create table units (
            import_id integer not null,
            unit_code varchar not null,
            unit_name varchar not null,
            parent_code varchar,
            level varchar not null)""",
        """create table employments (
            import_id integer not null,
            employee_id varchar not null,
            unit_code varchar not null,
            profession varchar not null,
            birth_date date not null,
            gender varchar,
            position_pct double not null,
            employment_type varchar,
            start_date date not null,
            end_date date,
            end_reason varchar,
            education_level varchar)""",
        """create table competences (
            import_id integer not null,
            employee_id varchar not null,
            competence varchar not null,
            kind varchar not null,
            acquired_date date,
            expires_date date)""",
        """create table requirements (
            import_id integer not null,
            unit_code varchar not null,
            competence varchar not null,
            min_holders integer not null)""",
        """create table measures (
            import_id integer not null,
            measure_id integer not null,
            unit_code varchar not null,
            main_task varchar not null,
            category varchar not null,
            horizon integer not null,
            need varchar,
            measure varchar,
            schedule varchar,
            hours double default 0,
            participants double default 0,
            sessions double default 0,
            hourly_rate double default 0,
            days double default 0,
            day_rate double default 0,
            course_fee double default 0,
            travel double default 0,
            other_cost double default 0,
            status varchar,
            responsible varchar,
            comment varchar)""",
        "create table settings (key varchar primary key, value varchar not null)",
        """create table retirement_rules (
            profession varchar primary key,
            earliest_age integer not null,
            expected_age integer not null)""",
        "create table upper_age_limits (valid_from date primary key, upper_age integer not null)",
        """create table exit_rates (
            age_from integer primary key,
            age_to integer not null,
            yearly_rate double not null)""",
        # The active import of each kind decides which rows the app sees; an earlier
        # import is re-activated by moving the flag, never by copying data.
        """create view v_employments as
            select e.* exclude (import_id) from employments e
            join imports i on i.import_id = e.import_id and i.active and i.kind = 'personnel'""",
        """create view v_units as
            select u.* exclude (import_id) from units u
            join imports i on i.import_id = u.import_id and i.active and i.kind = 'units'""",
        """create view v_competences as
            select c.* exclude (import_id) from competences c
            join imports i on i.import_id = c.import_id and i.active and i.kind = 'competences'""",
        """create view v_requirements as
            select r.* exclude (import_id) from requirements r
            join imports i on i.import_id = r.import_id and i.active and i.kind = 'requirements'""",
        """create view v_measures as
            select m.* exclude (import_id) from measures m
            join imports i on i.import_id = m.import_id and i.active and i.kind = 'measures'""",
    ],
]

MIGRATIONS.append(
    [
        # Bumped by every write the app's figures depend on: a reader's cache key, so that
        # one page run reads one generation of the data and never a mix.
        "create table data_generation (n bigint not null)",
        "insert into data_generation values (0)",
    ]
)

MIGRATIONS.append(
    [
        # Sign-in (kompetanse/access/users.py): the local user store, used where no OpenID Connect
        # provider is configured. No users: the app runs open (the demo).
        """create table users (
            name varchar primary key,
            role varchar not null,
            units varchar[],
            password_hash varchar,
            failed_attempts integer not null default 0,
            locked_until timestamp,
            created_at timestamp not null)""",
        # Failed sign-ins for names without a user: locked the same way, so the answer never
        # tells whether a user exists.
        """create table sign_in_failures (
            name varchar primary key,
            failed_attempts integer not null default 0,
            locked_until timestamp)""",
        # Who did what, when, in which scope (unit codes, never people): kompetanse/access/audit.py.
        """create table audit (
            "at" timestamp not null,
            actor varchar not null,
            action varchar not null,
            scope varchar,
            detail varchar)""",
    ]
)

MIGRATIONS.append(
    [
        # The plan itself (issue 8). Each measure's funding (source, amounts applied for and granted;
        # null: not given) and the goal it serves (a goal's number, goals.goal_id).
        "alter table measures add column funding_source varchar",
        "alter table measures add column funding_applied double",
        "alter table measures add column funding_granted double",
        "alter table measures add column goal_id varchar",
        # Strategy goals (level 'strategi', four years) and result goals under them ('resultat', two years).
        """create table goals (
            import_id integer not null,
            goal_id varchar not null,
            parent_id varchar,
            level varchar not null,
            title varchar not null,
            period_from integer,
            period_to integer,
            status varchar,
            evaluation varchar,
            responsible varchar,
            comment varchar)""",
        # Practice placements per semester ("Vår 2023"), unit and school type; null: not known.
        """create table placements (
            import_id integer not null,
            semester varchar not null,
            unit_code varchar not null,
            school_type varchar not null,
            asked integer,
            offered integer,
            used integer)""",
        """create view v_goals as
            select g.* exclude (import_id) from goals g
            join imports i on i.import_id = g.import_id and i.active and i.kind = 'goals'""",
        """create view v_placements as
            select p.* exclude (import_id) from placements p
            join imports i on i.import_id = p.import_id and i.active and i.kind = 'placements'""",
        # Closed yearly versions of the plan: written once when a year is closed, never updated.
        """create table plan_versions (
            version_id integer primary key,
            plan_year integer not null unique,
            as_of date not null,
            closed_at timestamp not null,
            closed_by varchar not null)""",
        """create table plan_version_goals (
            version_id integer not null,
            goal_id varchar not null,
            parent_id varchar,
            level varchar not null,
            title varchar not null,
            period_from integer,
            period_to integer,
            status varchar,
            evaluation varchar,
            responsible varchar,
            comment varchar)""",
        """create table plan_version_measures (
            version_id integer not null,
            measure_id integer not null,
            unit_code varchar not null,
            main_task varchar not null,
            category varchar not null,
            horizon integer not null,
            need varchar,
            measure varchar,
            schedule varchar,
            hours double,
            participants double,
            sessions double,
            hourly_rate double,
            days double,
            day_rate double,
            course_fee double,
            travel double,
            other_cost double,
            status varchar,
            responsible varchar,
            comment varchar,
            funding_source varchar,
            funding_applied double,
            funding_granted double,
            goal_id varchar,
            cost double not null)""",
        """create table plan_version_figures (
            version_id integer not null,
            figure varchar not null,
            value double)""",
    ]
)

MIGRATIONS.append(
    [
        # Real exports (issue 11): the occupation code beside the title (STYRK-08 unit group, the first
        # four digits of a-meldingen's yrkeskode), and leave (permisjon) for FTE excluding leave.
        "alter table employments add column profession_code varchar",
        "alter table employments add column leave_pct decimal(6, 2)",
        "alter table employments add column leave_start date",
        "alter table employments add column leave_end date",
    ]
)

MIGRATIONS.append(
    [
        # Column mappings the user saved on the Import page (issue 11): a file's headers -> our fields,
        # offered again for the next file with the same headers. `columns` is JSON {header: field or null}.
        """create table column_mappings (
            name varchar primary key,
            kind varchar not null,
            header_key varchar not null,
            headers varchar not null,
            columns varchar not null,
            saved_at timestamp not null)""",
    ]
)

MIGRATIONS.append(
    [
        # Sign-in that holds (issue 12). Failed sign-ins for unknown names were kept by the name as typed (a
        # password typed into the name field): now a keyed digest of it, with the time, so the table is capped.
        "delete from sign_in_failures",
        "alter table sign_in_failures add column last_failed_at timestamp",
        # Signed-in browsers (a cookie holds the token; only its hash is kept), so that a reload stays signed
        # in while sign-out and the inactivity timeout end it on the server.
        """create table sessions (
            token_hash varchar primary key,
            user_name varchar not null,
            created_at timestamp not null,
            last_seen timestamp not null,
            expires_at timestamp not null)""",
        # The open mode is a setting now, not what "no users" means: a database in use without users ran open
        # and stays so; a new one is closed until a user is added or the demo is loaded.
        """insert into settings select 'open_access', 'ja'
            where not exists (select 1 from users) and exists (select 1 from imports)
              and not exists (select 1 from settings where key = 'open_access')""",
    ]
)

MIGRATIONS.append(
    [
        # Figures that follow the rules (issue 14). Profession groups: an editable table that maps titles
        # and STYRK-08 codes to the groups the rules use; every query reads the group from v_employments.
        """create table profession_groups (
            match_kind varchar not null,
            match_value varchar not null,
            profession_group varchar not null,
            primary key (match_kind, match_value))""",
        *rules.PROFESSION_GROUP_MACROS,
        """create or replace view v_employments as
            select e.* exclude (import_id), profession_group(e.profession, e.profession_code) as profession_group
            from employments e
            join imports i on i.import_id = e.import_id and i.active and i.kind = 'personnel'""",
        # Exact FTE: a percentage stored as a decimal sums to the same figure in any order.
        "alter table employments alter position_pct set data type decimal(6, 2)",
        # Where each exit rate comes from (KS or an assumption); rows as shipped get their source.
        "alter table exit_rates add column source varchar",
        """update exit_rates set source = case when age_from in (55, 65) then 'KS' else 'antakelse' end
            where (age_from, age_to, yearly_rate) in (
                (0, 54, 0.03), (55, 60, 0.05), (61, 64, 0.15), (65, 67, 0.41), (68, 200, 0.60))""",
        # Groups with særaldersgrense 65 that the first defaults lacked (a rule table already filled).
        """insert into retirement_rules
            select g, 62, 65 from (values ('omsorgsarbeider'), ('helsesykepleier')) v(g)
            where exists (select 1 from retirement_rules)
              and not exists (select 1 from retirement_rules r where lower(r.profession) = g)""",
    ]
)

MIGRATIONS.append(
    [
        # What a measure produces (issue 16): persons recruited in a profession group, or persons who gain a
        # competence; how many, in which unit (blank: the measure's own), from which date. Blank: no effect stated.
        "alter table measures add column effect_kind varchar",
        "alter table measures add column effect_target varchar",
        "alter table measures add column effect_count double",
        "alter table measures add column effect_unit varchar",
        "alter table measures add column effect_from date",
        "alter table plan_version_measures add column effect_kind varchar",
        "alter table plan_version_measures add column effect_target varchar",
        "alter table plan_version_measures add column effect_count double",
        "alter table plan_version_measures add column effect_unit varchar",
        "alter table plan_version_measures add column effect_from date",
    ]
)

MIGRATIONS.append(
    [
        # Scale (issue 13): the profession group is stored with each employment instead of derived in the view on
        # every read (the macro's two lookups cost most of a full read at 1 000 000 rows). The profession_group
        # macro stays the one rule: the column is written with it at import (DERIVED_COLUMNS) and re-derived for
        # every import whenever the profession group table changes (replace_rule_rows). only_employment marks
        # the rows whose person has no other row in the import (most of them): they need no person grouping.
        "alter table employments add column profession_group varchar",
        PROFESSION_GROUP_REDERIVE,
        "alter table employments add column only_employment boolean",
        """update employments set only_employment = c.n = 1
            from (select import_id, employee_id, count(*) as n from employments group by all) c
            where c.import_id = employments.import_id and c.employee_id = employments.employee_id""",
        """create or replace view v_employments as
            select e.* exclude (import_id)
            from employments e
            join imports i on i.import_id = e.import_id and i.active and i.kind = 'personnel'""",
    ]
)

SCHEMA_VERSION = len(MIGRATIONS)


# What a failed statement raises (pages catch this without importing the database driver).
DatabaseError = duckdb.Error


class StoreError(Exception):
    """A problem with the database file that the user can act on (message in Norwegian)."""


def default_db_path() -> Path:
    """`$KOMPETANSE_DB`, else data/kompetanse.duckdb in the project."""
    env = os.environ.get("KOMPETANSE_DB")
    return Path(env) if env else DEFAULT_DB


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = fetch_value(
        con, "select count(*) from information_schema.tables where table_name = 'schema_version'"
    )
    if not exists:
        return 0
    return int(fetch_value(con, "select max(version) from schema_version") or 0)


def migrate(con: duckdb.DuckDBPyConnection, db_path: Path | None = None) -> int:
    """Bring the schema to SCHEMA_VERSION; an older non-empty file is backed up first."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"Databasefilen er fra en nyere versjon av Kompetanse (skjema {current}); "
            "oppdater programmet."
        )
    if current == SCHEMA_VERSION:
        return current
    if current > 0 and db_path is not None:
        con.execute("checkpoint")
        backup = db_path.with_name(f"{db_path.name}.v{current}.bak")
        shutil.copyfile(db_path, backup)
        backup.chmod(0o600)  # the backup holds the same personal data as the file
    con.execute("begin transaction")
    try:
        if current == 0:
            con.execute("create table schema_version (version integer, applied_at timestamp)")
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute(
                "insert into schema_version values ($v, $t)",
                {"v": version + 1, "t": datetime.now()},
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return SCHEMA_VERSION


def _install_macros(con: duckdb.DuckDBPyConnection) -> None:
    # Stored in the file (not temp), so every cursor and read-only connection has them;
    # re-created on each read-write open so the file always carries this release's rules.
    for statement in SQL_MACROS:
        con.execute(statement)


def storage_problem(exc: BaseException, path: Path | None = None) -> str | None:
    """A Norwegian sentence for a full disk or a read-only place; None for other errors."""
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno == 28) or "no space left" in text:
        return "Det er ikke mer plass på disken der databasen ligger. Frigjør plass og prøv igjen."
    if "read-only" in text or "read only file system" in text or "permission denied" in text:
        return read_only_message(path or default_db_path())
    return None


def read_only_message(path: Path) -> str:
    return (
        f"Databasen {path} kan ikke skrives: filen eller mappen er skrivebeskyttet. Visning, metrics, "
        "imports, user list og export virker; for å endre noe, bruk en kopi på et sted som kan skrives."
    )


def writable(path: Path) -> bool:
    """Whether this process may write the database file and create files beside it (its .wal)."""
    def may_write(target: Path) -> bool:
        if os.access in os.supports_effective_ids:  # the effective ids: what open() will be checked with
            return os.access(target, os.W_OK, effective_ids=True)
        return os.access(target, os.W_OK)

    folder_ok = may_write(path.parent) if path.parent.exists() else True
    return folder_ok and (not path.exists() or may_write(path))


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    # A cursor of its own: sign-in asks this from many session threads on the app's one connection.
    return bool(fetch_value(
        con.cursor(), "select readonly from duckdb_databases() where database_name = current_database()"
    ))


def writer_waiting_flag(path: Path) -> Path:
    """A file a writer leaves while it waits, so the app lets go of the database (see ui/data.py)."""
    return path.with_name(path.name + ".writer-waiting")


def connect(
    db_path: Path | str | None = None, *, read_only: bool = False, wait_seconds: float = 0.0,
    reading: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open (and create or migrate) the database.

    DuckDB lets one process at a time open a file for writing. With `wait_seconds`, a busy
    file is retried until then (the app lets go of it within seconds when asked).
    `reading`: the caller only reads, so a database on a read-only place (a backup mounted
    read-only, a reporting copy) is opened read-only instead of refused. Otherwise such a place is
    a StoreError naming the file.
    """
    path = Path(db_path) if db_path else default_db_path()
    if not read_only and path.exists() and not writable(path):
        if not reading:
            raise StoreError(read_only_message(path))
        read_only = True
    if read_only and path.exists():
        con = _open_with_retry(path, True, wait_seconds)
        if schema_version(con) != SCHEMA_VERSION:
            con.close()
            raise StoreError(
                f"Databasen {path} er fra en annen versjon av Kompetanse og må oppgraderes, men den "
                "ligger et sted der den ikke kan skrives. Kopier den til et sted som kan skrives."
            )
        return con
    if not read_only:
        owner_only_files()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Kan ikke opprette mappen for databasen ({path.parent}): {exc.strerror}.") from exc
    con = _open_with_retry(path, read_only, wait_seconds)
    if not read_only:
        con = _protect(con, path)
        migrate(con, path)
        _install_macros(con)
        ensure_defaults(con)
    return con


def owner_only_files() -> None:
    """Every file this process creates from now on is its owner's only (0600): the database, its write-ahead
    log and backups, the key file and the exports all carry personal data. (DuckDB creates the .wal itself,
    later, so a chmod after opening would not cover it.)"""
    current = os.umask(0o077)
    os.umask(current | 0o077)


def _protect(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyConnection:
    """An existing file made readable by others is made owner-only; a key still in the file is moved out."""
    from kompetanse.storage import pseudonym  # it builds on this module's StoreError

    for part in (path, path.with_name(path.name + ".wal")):
        pseudonym.make_owner_only(part)
    if pseudonym.key_in_database(con):
        con = pseudonym.move_key_out(con, path)
    return con


def _open_with_retry(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    flag = writer_waiting_flag(path)
    try:
        while True:
            try:
                return duckdb.connect(str(path), read_only=read_only)
            except duckdb.IOException as exc:
                text = str(exc)
                if "lock" not in text.lower():
                    raise StoreError(f"Kan ikke åpne databasen {path}: {text.splitlines()[0]}") from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        "Databasen er i bruk av et annet program (for eksempel en import som kjører). "
                        "Prøv igjen om litt."
                    ) from exc
                if not read_only:
                    with contextlib.suppress(OSError):
                        flag.touch()
                time.sleep(0.2)
    finally:
        if not read_only and flag.exists():
            with contextlib.suppress(OSError):
                flag.unlink()


def ensure_defaults(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the editable rule tables with DESIGN.md's defaults where they are empty."""
    with transaction(con):
        for key, value in rules.DEFAULT_SETTINGS.items():
            con.execute(
                "insert into settings select $k, $v where not exists (select 1 from settings where key = $k)",
                {"k": key, "v": value},
            )
        if not fetch_value(con, "select count(*) from retirement_rules"):
            reset_retirement_rules(con)
        if not fetch_value(con, "select count(*) from upper_age_limits"):
            replace_rule_rows(con, "upper_age_limits", rules.DEFAULT_UPPER_AGE_LIMITS)
        if not fetch_value(con, "select count(*) from exit_rates"):
            replace_rule_rows(con, "exit_rates", rules.DEFAULT_EXIT_RATES)
        if not fetch_value(con, "select count(*) from profession_groups"):
            replace_rule_rows(con, "profession_groups", rules.DEFAULT_PROFESSION_GROUPS)


# The editable rule tables and their insert statements (names from here only, never from input).
RULE_TABLES: dict[str, str] = {
    "retirement_rules": "insert into retirement_rules values (?, ?, ?)",
    "upper_age_limits": "insert into upper_age_limits values (?, ?)",
    "exit_rates": "insert into exit_rates (age_from, age_to, yearly_rate, source) values (?, ?, ?, ?)",
    "profession_groups": "insert into profession_groups values (?, ?, ?)",
}


RULE_TABLE_DELETES: dict[str, str] = {table: "delete from " + table for table in RULE_TABLES}


def replace_rule_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple]) -> None:
    """Replace an editable rule table's rows (call inside a transaction)."""
    con.execute(RULE_TABLE_DELETES[table])
    con.executemany(RULE_TABLES[table], list(rows))
    if table == "profession_groups" and _has_stored_profession_group(con):
        con.execute(PROFESSION_GROUP_REDERIVE)


def _has_stored_profession_group(con: duckdb.DuckDBPyConnection) -> bool:
    # False only for a schema from before the column (a test that stops short of the newest migration).
    return bool(fetch_value(con, "select count(*) from duckdb_columns() where table_name = 'employments' "
                                 "and column_name = 'profession_group' and database_name = current_database()"))


def save_rule_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple]) -> None:
    """Replace an editable rule table's rows in one transaction of its own."""
    if table not in RULE_TABLES:
        raise ValueError(f"not an editable rule table: {table}")
    cursor = con.cursor()
    with transaction(cursor):
        replace_rule_rows(cursor, table, rows)


def reset_retirement_rules(con: duckdb.DuckDBPyConnection) -> None:
    replace_rule_rows(con, "retirement_rules", rules.DEFAULT_RETIREMENT_RULES)


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return not fetch_value(con, "select count(*) from imports")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write, all or nothing; readers see a new data generation once it commits.

    `bump=False` for writes no figure depends on (sign-ins, the audit log): cached figures stay.
    """
    con.execute("begin transaction")
    try:
        yield con
        if bump:
            bump_generation(con)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def bump_generation(con: duckdb.DuckDBPyConnection) -> None:
    """Call inside a write's transaction: readers see a new generation of the data."""
    con.execute("update data_generation set n = n + 1")


def generation(con: duckdb.DuckDBPyConnection) -> int:
    return int(fetch_value(con, "select n from data_generation") or 0)


def query_text(name: str) -> str:
    """The SQL of queries/NAME.sql."""
    path = QUERIES_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def fetch_row(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> tuple | None:
    """The first row of a statement (the result is read to the end, as DuckDB requires)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0] if rows else None


def fetch_value(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    row = fetch_row(con, sql, params)
    return row[0] if row else None


Result = TypeVar("Result")
Arguments = ParamSpec("Arguments")


class QueryRunner:
    """Runs SQL on a connection; the app swaps in a subclass that caches results."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        return run_sql(self.con, sql, params)

    def shared(self, key: Hashable, build: Callable[[], Result]) -> Result:
        """build()'s result; the app's runner keeps it for every session while the data stays the same."""
        del key
        return build()


def shared(function: Callable[Arguments, Result]) -> Callable[Arguments, Result]:
    """For a figure computed from the data and hashable arguments only, function(db, *args): the app computes
    it once per data generation and arguments, and every session gets the same object. So the caller never
    changes what it returns (the figure functions build new frames from it)."""

    @functools.wraps(function)
    def once(*args: Arguments.args, **kwargs: Arguments.kwargs) -> Result:
        db = args[0]
        if not isinstance(db, QueryRunner):
            return function(*args, **kwargs)
        key = (function.__module__, function.__qualname__, _hashable(args[1:]), _hashable(kwargs))
        return db.shared(key, lambda: function(*args, **kwargs))

    return once


def shared_frame(function: Callable[Arguments, pd.DataFrame]) -> Callable[Arguments, pd.DataFrame]:
    """As `shared`, for a frame that callers may change: each gets its own copy."""
    once = shared(function)

    @functools.wraps(function)
    def copied(*args: Arguments.args, **kwargs: Arguments.kwargs) -> pd.DataFrame:
        return once(*args, **kwargs).copy()

    return copied


def _hashable(value: Any) -> Hashable:
    """A cache key part for an argument: mappings (unit names) and lists by their content."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_hashable(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value


Db = duckdb.DuckDBPyConnection | QueryRunner


def connection_of(db: Db) -> duckdb.DuckDBPyConnection:
    return db.con if isinstance(db, QueryRunner) else db


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one SQL text on a fresh cursor (safe across Streamlit's session threads)."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or {}).df()
    finally:
        cursor.close()


def run_query(db: Db, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run queries/NAME.sql with named parameters (through the app's cache when `db` is a runner)."""
    if isinstance(db, QueryRunner):
        return db.run(query_text(name), params or {})
    return run_sql(db, query_text(name), params)


def next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    allowed = {("imports", "import_id"), ("measures", "measure_id")}
    if (table, column) not in allowed:
        raise ValueError(f"no id sequence for {table}.{column}")
    return int(fetch_value(con, f"select coalesce(max({column}), 0) + 1 from {table}"))  # names allow-listed above
