"""The command line: python -m kompetanse ... (a contract: see DESIGN.md)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kompetanse.access import access, audit, users
from kompetanse.demo import demo
from kompetanse.figures import metrics, projection, retirement
from kompetanse.storage import history, settings, store, units

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# A running app holds the database only while it reads; a writer waits for it to let go.
WAIT_FOR_APP_SECONDS = 120.0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ugyldig dato «{text}», bruk ÅÅÅÅ-MM-DD") from exc


def _by(text: str) -> str:
    allowed = ("unit", "profession", "unit,profession")
    normalised = ",".join(part.strip() for part in text.split(","))
    if normalised == "profession,unit":
        normalised = "unit,profession"
    if normalised not in allowed:
        raise argparse.ArgumentTypeError(f"--by må være en av {', '.join(allowed)}")
    return normalised


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke et heltall") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("tallet kan ikke være negativt")
    return value


def _years(text: str) -> int:
    value = _non_negative(text)
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError("antall år må være fra 1 til 10")
    return value


def open_store(db: Path | None, *, reading: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a missing default database is created from the demo data.

    `reading`: the command only reads, so a database on a read-only place is opened read-only.
    A new file given with --db stays empty (real data never mixes with the demo): `demo --db PATH`
    builds the demo there on purpose.
    """
    path = db or store.default_db_path()
    existed = path.exists()
    con = store.connect(path, wait_seconds=WAIT_FOR_APP_SECONDS, reading=reading)
    if db is None and not existed and store.is_empty(con):
        demo.load_demo(con)
    return con


def cmd_demo(args: argparse.Namespace) -> int:
    path = args.db or store.default_db_path()
    for leftover in (path, path.with_name(path.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
    con = store.connect(path, wait_seconds=WAIT_FOR_APP_SECONDS)
    demo.load_demo(con)
    con.close()
    print(f"Demodatabasen er bygget: {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from kompetanse import importer  # heavy readers load only when importing
    from kompetanse.importer import mapping as mappings

    con = open_store(args.db)
    try:
        paths = [Path(f) for f in args.files]
        columns, shown = None, None
        if args.mapping:
            shown, columns = mappings.resolve(con, args.mapping, args.kind)
            _warn_unmatched_mapping(shown, columns, [Path(f) for f in args.files], args.kind)
        if args.save_mapping:
            seen = _file_columns(paths[0], args.kind, columns)
            if seen is not None:  # what each column was read as, the given mapping applied
                mappings.save(con, args.save_mapping, args.kind, list(seen), seen)
                print(f"Kolonneoppsettet «{args.save_mapping}» er lagret.")
        elif columns is None:
            _hint_saved_mapping(con, paths[0], args.kind)
        outcome = importer.import_files(
            con, paths, args.kind, skip_invalid=args.skip_invalid, snapshot_date=args.snapshot_date,
            sheets={p.name: args.sheet for p in paths} if args.sheet else None, add_to=args.add_to, mapping=columns,
        )
    except mappings.MappingError as problem:
        print(f"--mapping: {problem}", file=sys.stderr)
        return EXIT_INVALID
    except importer.ImportFailed as failure:
        for error in failure.errors:
            print(str(error), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    for summary in outcome.files:  # the system recognised on stdout; every column not used on stderr
        if summary.profile:
            print(f"{summary.file}: gjenkjent som {summary.profile}")
        for notice in summary.notices:
            print(f"{summary.file}: {notice}", file=sys.stderr)
    if shown:
        print(f"Kolonneoppsett: {shown}")
    detail = f"{args.kind}: import {outcome.record.import_id}, {outcome.rows} rader"
    detail += ", uendret" if outcome.unchanged else ""
    detail += f", {outcome.rejected} avvist" if outcome.rejected_file is not None else ""
    detail += f", lagt til import {outcome.added_to}" if outcome.added_to is not None else ""
    detail += ", demodata fjernet" if outcome.demo_removed else ""
    _audit(args.db, cli_actor(), audit.IMPORT, None, detail)
    if outcome.unchanged:
        print(f"Ingen endring: samme innhold er allerede importert (import {outcome.record.import_id}).")
    else:
        print(f"Importert {outcome.rows} rader som import {outcome.record.import_id} ({args.kind}).")
    for file_name, sheet in outcome.sheets.items():
        print(f"{file_name}: lest fra arket «{sheet}»")
    for line in outcome.summary():
        print(line)
    if outcome.rejected_file is not None:
        print(f"{outcome.rejected} rader ble avvist og skrevet til {outcome.rejected_file}")
    return EXIT_OK


def _file_columns(path: Path, kind: str, columns: dict[str, str | None] | None) -> dict[str, str | None] | None:
    """Each header of the file -> the field it is read as (None when the file cannot be read: the import says why)."""
    from kompetanse import importer

    try:
        return {c.header: c.field for c in importer.preview_file(path, kind, columns).columns}
    except importer.ImportFailed:
        return None


def _warn_unmatched_mapping(shown: str, columns: dict[str, str | None], paths: list[Path], kind: str) -> None:
    """A mapping that names none of a file's columns is most likely the wrong one: say so."""
    from kompetanse.importer import mapping as mappings

    wanted = set(mappings.headers_key(list(columns)).split("|"))
    for path in paths:
        seen = _file_columns(path, kind, None)
        if seen is not None and not wanted & set(mappings.headers_key(list(seen)).split("|")):
            print(f"{path.name}: kolonneoppsettet «{shown}» nevner ingen av filens kolonner", file=sys.stderr)


def _hint_saved_mapping(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> None:
    from kompetanse.importer import mapping as mappings

    if not mappings.saved(con, kind):  # nothing to offer: the file is not read twice
        return
    seen = _file_columns(path, kind, None)
    found = mappings.matching(con, kind, list(seen)) if seen else None
    if found is not None:
        print(f"{path.name}: kolonneoppsettet «{found.name}» er lagret for filer med disse kolonnene; "
              f"bruk --mapping \"{found.name}\"", file=sys.stderr)


def cmd_mappings(args: argparse.Namespace) -> int:
    from kompetanse.importer import mapping as mappings

    con = open_store(args.db)
    try:
        if args.name:
            found = mappings.get(con, args.name)
            if found is None:
                print(f"ukjent kolonneoppsett «{args.name}»", file=sys.stderr)
                return EXIT_INVALID
            print(json.dumps(found.columns, ensure_ascii=False, indent=2))  # usable as --mapping FILE.json
            return EXIT_OK
        saved = mappings.saved(con)
    finally:
        con.close()
    if not saved:
        print("Ingen lagrede kolonneoppsett. Lagre ett på importsiden eller med import --save-mapping NAVN.")
        return EXIT_OK
    print("navn\ttype\tkolonner\tlagret")
    for m in saved:
        used = sum(1 for v in m.columns.values() if v is not None)
        print(f"{m.name}\t{m.kind}\t{used} av {len(m.headers)}\t{m.saved_at:%Y-%m-%d %H:%M}")
    return EXIT_OK


def _audit(db: Path | None, actor: str, action: str, scope: tuple[str, ...] | None, detail: str) -> None:
    con = open_store(db, reading=True)  # on a read-only copy, audit.record logs to the server log instead
    try:
        audit.record(con, actor, action, scope, detail)
    finally:
        con.close()


def cli_actor(as_user: str | None = None) -> str:
    """Who the audit log names for a command: the operating-system account that ran it, and the --as-user it
    acted as ("kommandolinje (ola) som kari")."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "ukjent konto"
    actor = f"{access.CLI_ACTOR} ({account})"
    return f"{actor} som {as_user}" if as_user else actor


def _access_of(con: duckdb.DuckDBPyConnection, name: str | None) -> access.Access:
    """The access of --as-user NAME (everything without it); an unknown user raises UserError."""
    if name is None:
        return access.OPEN
    user = users.get(con, name)
    if user is None:
        raise users.UserError(f"ukjent bruker: {name}")
    return users.access_of(con, user)


def cmd_metrics(args: argparse.Namespace) -> int:
    con = open_store(args.db, reading=True)
    try:
        viewer = _access_of(con, args.as_user)
        as_of = args.as_of or history.data_date(con) or date.today()
        app_k = settings.min_group_size(con)
        if args.as_user is not None and args.min_cell is not None and args.min_cell < app_k:
            # A user sees the app's k; raw figures are for the command line's own account only.
            print(f"--min-cell {args.min_cell} kan ikke brukes med --as-user: brukeren ser tallene med "
                  f"minste gruppestørrelse {app_k}, som i appen. Ta bort --min-cell eller bruk minst {app_k}.",
                  file=sys.stderr)
            return EXIT_USAGE
        min_cell = args.min_cell if args.min_cell is not None else app_k
        tree = units.tree(con)
        for problem in units.stored_problems(con):
            print(f"Merk: {problem}", file=sys.stderr)
        allowed = access.scope_units(tree, [], viewer)
        if args.retirement_age is not None:
            upper_age = retirement.highest_upper_age(retirement.upper_age_limits(con), as_of)
            if problem := retirement.fixed_age_error(args.retirement_age, upper_age):
                print(f"--retirement-age: {problem}", file=sys.stderr)
                return EXIT_USAGE
        scope = metrics.Scope(as_of=as_of, units=allowed, retirement_age=args.retirement_age)
        result = metrics.report(con, scope, by=args.by, min_cell=min_cell)
    finally:
        con.close()
    _audit(args.db, cli_actor(args.as_user), audit.METRICS, allowed,
           f"per {as_of:%Y-%m-%d}, etter {args.by}, minste gruppe {min_cell}, {'JSON' if args.json else 'tabell'}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_table(result)
    return EXIT_OK


def cmd_gap(args: argparse.Namespace) -> int:
    from kompetanse.export import pack
    from kompetanse.figures import gap

    con = open_store(args.db, reading=True)
    try:
        viewer = _access_of(con, args.as_user)
        app_k = settings.min_group_size(con)
        if args.as_user is not None and args.min_cell is not None and args.min_cell < app_k:
            print(f"--min-cell {args.min_cell} kan ikke brukes med --as-user: brukeren ser tallene med "
                  f"minste gruppestørrelse {app_k}, som i appen.", file=sys.stderr)
            return EXIT_USAGE
        try:
            scope, _label, _data_date = pack.scope_for(con, args.unit, args.as_of, viewer.allowed_units)
        except pack.ExportError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_INVALID
        min_cell = app_k if args.min_cell is None else args.min_cell
        scenario = projection.Scenario(growth=args.growth / 100)
        result = gap.report_json(gap.compute(con, scope, scenario, years=args.years), min_cell, args.unit)
    finally:
        con.close()
    _audit(args.db, cli_actor(args.as_user), audit.GAP, scope.units,
           f"enhet {args.unit or 'alle'}, per {scope.as_of:%Y-%m-%d}, {args.years} år, minste gruppe {min_cell}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("år\tkompetansegap uten tiltak\tmed tiltak\tbemanningsgap uten tiltak\tmed tiltak")
        for row in result["totals"]:
            print("\t".join("" if v is None else str(v) for v in row.values()))
    return EXIT_OK


def _print_table(result: dict) -> None:
    keys = result["by"]
    header = [*keys, "headcount", "fte", "mean_age", "share_60_plus", "retiring_within_5y", "turnover_12m"]
    print("\t".join(header))
    for row in [*result["rows"], {**(result["total"] or {}), **dict.fromkeys(keys, "Totalt")}]:
        print("\t".join("" if row.get(h) is None else str(row.get(h)) for h in header))


def cmd_imports(args: argparse.Namespace) -> int:
    con = open_store(args.db, reading=True)
    try:
        frame = history.list_imports(con)
    finally:
        con.close()
    print("id\ttype\taktiv\trader\tdatadato\timportert\tfil")
    for row in frame.itertuples():
        print(
            f"{row.import_id}\t{row.kind}\t{'ja' if row.active else 'nei'}\t{row.rows}\t"
            f"{row.snapshot_date:%Y-%m-%d}\t{row.imported_at:%Y-%m-%d %H:%M}\t{row.file_name}"
        )
    return EXIT_OK


def cmd_activate(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        record = history.activate(con, args.id)
    except LookupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    _audit(args.db, cli_actor(), audit.ACTIVATE, None, f"{record.kind}: import {record.import_id}")
    print(f"Import {record.import_id} ({record.kind}, {record.file_name}) er nå aktiv.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kompetanse import export  # the writers load only when exporting

    try:
        export.check_writable(args.out)
    except export.ExportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    con = open_store(args.db, reading=True)
    try:
        viewer = _access_of(con, args.as_user)
        out = export.build(
            con, args.format, args.out, unit=args.unit, as_of=args.as_of, allowed=viewer.allowed_units
        )
        scope = access.scope_units(units.tree(con), [args.unit] if args.unit else [], viewer)
        if store.is_read_only(con):  # a read-only copy: the export is made, but cannot be logged there
            print("Merk: databasen er skrivebeskyttet, så eksporten er ikke ført i loggen.", file=sys.stderr)
        audit.record(con, cli_actor(args.as_user), audit.EXPORT, scope,
                     f"{args.format}, enhet {args.unit or 'alle'}, per {args.as_of or 'datadato'}")
    except export.ExportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    print(f"Rapporten er lagret: {out}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from kompetanse.storage import backup

    database = args.db or store.default_db_path()
    try:
        written = backup.backup(database, args.out, wait_seconds=WAIT_FOR_APP_SECONDS)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    if store.writable(database):
        _audit(args.db, access.CLI_ACTOR, audit.BACKUP, None, f"til {args.out.name}")
    print(f"Sikkerhetskopien er lagret: {', '.join(str(p) for p in written)}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from kompetanse.storage import backup

    database = args.db or store.default_db_path()
    try:
        tables = backup.restore(args.file, database, wait_seconds=WAIT_FOR_APP_SECONDS)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    _audit(args.db, access.CLI_ACTOR, audit.RESTORE, None, f"fra {args.file.name}")
    print(f"Databasen {database} er gjenopprettet fra {args.file} ({tables} tabeller).")
    return EXIT_OK


def _codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def cmd_user_add(args: argparse.Namespace) -> int:
    if not args.password_stdin:
        print("passordet leses fra standard inn: bruk --password-stdin", file=sys.stderr)
        return EXIT_USAGE
    password = sys.stdin.readline().rstrip("\r\n")
    con = open_store(args.db)
    try:
        user = users.add(con, args.name, args.role, _codes(args.units), password)
        scope = user.units if user.role in access.UNIT_SCOPED_ROLES else None
        audit.record(con, cli_actor(), audit.USER_ADD, scope, f"{user.name}: rolle {user.role}")
    finally:
        con.close()
    where = ", ".join(user.units) if user.units else "alle enheter"
    print(f"Brukeren {user.name} er lagt til ({user.role}; {where}).")
    return EXIT_OK


def cmd_user_remove(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        now_open = users.remove(con, args.name, open_if_last=args.open)
        audit.record(con, cli_actor(), audit.USER_REMOVE, (), args.name + (", appen er åpen for alle" if now_open
                                                                             else ""))
    finally:
        con.close()
    print(f"Brukeren {args.name} er fjernet.")
    if now_open:
        print("Det er ingen brukere igjen: appen er åpen for alle (som demoen) til en bruker legges til.")
    return EXIT_OK


def cmd_user_grant(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        user = users.grant(con, args.name, _codes(args.units))
        audit.record(con, cli_actor(), audit.USER_GRANT, user.units, f"{user.name}: {args.units}")
    finally:
        con.close()
    print(f"Brukeren {user.name} har nå enhetene {', '.join(user.units)}.")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    con = open_store(args.db, reading=True)
    try:
        frame = users.list_users(con)
        audit.record(con, cli_actor(), audit.USER_LIST, None, f"{len(frame)} brukere")
    finally:
        con.close()
    print("navn\trolle\tenheter\tsperret til")
    for row in frame.itertuples():
        codes = ",".join(row.units) if row.units is not None and len(row.units) else "alle"
        locked = "" if pd.isna(row.locked_until) else f"{row.locked_until:%Y-%m-%d %H:%M}"
        print(f"{row.name}\t{row.role}\t{codes}\t{locked}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kompetanse", description="Kompetanse: strategisk kompetanseplan")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", type=Path, default=None, help="databasefil (standard: $KOMPETANSE_DB eller data/)")
        p.set_defaults(handler=handler)
        return p

    command("demo", cmd_demo, "bygg demodatabasen på nytt")
    p = command("import", cmd_import, "importer filer")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=store.IMPORT_KINDS, default="personnel")
    p.add_argument("--skip-invalid", action="store_true", help="importer gyldige rader, skriv avviste til fil")
    p.add_argument("--snapshot-date", type=_date, default=None, help="datoen dataene gjelder (standard: i dag)")
    p.add_argument("--sheet", default=None, metavar="NAME", help="arket som skal leses, der flere ark har kolonnene")
    p.add_argument("--add-to", type=int, default=None, metavar="ID",
                   help="legg radene (de rettede avviste radene) til en tidligere import")
    p.add_argument("--mapping", default=None, metavar="NAME|FILE.json",
                   help="kolonneoppsett: et lagret (se «mappings») eller en JSON-fil {\"Kolonne\": \"felt\"}")
    p.add_argument("--save-mapping", default=None, metavar="NAME", help="lagre kolonneoppsettet under dette navnet")
    p = command("mappings", cmd_mappings, "lagrede kolonneoppsett for import")
    p.add_argument("name", nargs="?", default=None, metavar="NAME", help="vis dette oppsettet som JSON")
    p = command("metrics", cmd_metrics, "nøkkeltall")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--by", type=_by, default="unit")
    p.add_argument("--retirement-age", type=_non_negative, default=None)
    p.add_argument("--min-cell", type=_non_negative, default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-user", default=None, metavar="NAME", help="vis bare det brukeren har tilgang til")
    p = command("gap", cmd_gap, "dekker planen behovet? gap år for år uten og med tiltakene")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--unit", default=None, metavar="CODE", help="enhetskode; tar med alle enheter under")
    p.add_argument("--years", type=_years, default=5, help="antall år fram (1-10, standard 5)")
    p.add_argument("--growth", type=float, default=0.0, metavar="PROSENT", help="vekst i bemanningen per år")
    p.add_argument("--min-cell", type=_non_negative, default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-user", default=None, metavar="NAME", help="vis bare det brukeren har tilgang til")
    p = command("export", cmd_export, "rapport til ledelsens gjennomgang (Excel eller PowerPoint)")
    p.add_argument("--format", choices=("xlsx", "pptx"), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--unit", default=None, metavar="CODE", help="enhetskode; rapporten tar med alle enheter under")
    p.add_argument("--as-of", type=_date, default=None, help="referansedato ÅÅÅÅ-MM-DD (standard: datadatoen)")
    p.add_argument("--as-user", default=None, metavar="NAME", help="bare det brukeren har tilgang til")
    command("imports", cmd_imports, "importhistorikk")
    p = command("backup", cmd_backup, "sikkerhetskopi av databasen (og nøkkelfilen), også mens appen kjører")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p = command("restore", cmd_restore, "gjenopprett databasen fra en sikkerhetskopi")
    p.add_argument("file", type=Path, metavar="FILE")
    p = command("activate", cmd_activate, "gjør en tidligere import aktiv")
    p.add_argument("id", type=int)

    user_parser = sub.add_parser("user", help="brukere og tilgang")
    user_sub = user_parser.add_subparsers(dest="user_command", required=True)

    def user_command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = user_sub.add_parser(name, help=help_text)
        p.add_argument("--db", type=Path, default=None, help="databasefil (standard: $KOMPETANSE_DB eller data/)")
        p.set_defaults(handler=handler)
        return p

    p = user_command("add", cmd_user_add, "legg til en bruker (passordet leses fra standard inn)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", choices=access.ROLES, required=True)
    p.add_argument("--units", default=None, metavar="CODE,...", help="enhetskoder (leder og klinikkledelse)")
    p.add_argument("--password-stdin", action="store_true", help="les passordet fra standard inn")
    p = user_command("remove", cmd_user_remove, "fjern en bruker")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--open", action="store_true",
                   help="fjern også den siste brukeren eller administratoren (uten brukere er appen åpen for alle)")
    user_command("list", cmd_user_list, "vis brukerne")
    p = user_command("grant", cmd_user_grant, "gi en bruker tilgang til flere enheter")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--units", required=True, metavar="CODE,...")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (store.StoreError, users.UserError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except (duckdb.Error, OSError) as exc:
        problem = store.storage_problem(exc, getattr(args, "db", None))
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
