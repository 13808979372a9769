"""The command line: python -m kompetanse ... (a contract: see DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb

from kompetanse import demo, history, metrics, settings, store

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


def open_store(db: Path | None) -> duckdb.DuckDBPyConnection:
    """Open the database; a missing default database is created from the demo data."""
    path = db or store.default_db_path()
    existed = path.exists()
    con = store.connect(path, wait_seconds=WAIT_FOR_APP_SECONDS)
    if not existed and store.is_empty(con):
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

    con = open_store(args.db)
    try:
        outcome = importer.import_files(
            con, [Path(f) for f in args.files], args.kind, skip_invalid=args.skip_invalid,
            snapshot_date=args.snapshot_date,
        )
    except importer.ImportFailed as failure:
        for error in failure.errors:
            print(str(error), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    if outcome.unchanged:
        print(f"Ingen endring: samme innhold er allerede importert (import {outcome.record.import_id}).")
    else:
        print(f"Importert {outcome.rows} rader som import {outcome.record.import_id} ({args.kind}).")
    if outcome.rejected_file is not None:
        print(f"{outcome.rejected} rader ble avvist og skrevet til {outcome.rejected_file}")
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    con = open_store(args.db)
    try:
        as_of = args.as_of or history.data_date(con) or date.today()
        min_cell = args.min_cell if args.min_cell is not None else settings.min_group_size(con)
        scope = metrics.Scope(as_of=as_of, retirement_age=args.retirement_age)
        result = metrics.report(con, scope, by=args.by, min_cell=min_cell)
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_table(result)
    return EXIT_OK


def _print_table(result: dict) -> None:
    keys = result["by"]
    header = [*keys, "headcount", "fte", "mean_age", "share_60_plus", "retiring_within_5y", "turnover_12m"]
    print("\t".join(header))
    for row in [*result["rows"], {**(result["total"] or {}), **dict.fromkeys(keys, "Totalt")}]:
        print("\t".join("" if row.get(h) is None else str(row.get(h)) for h in header))


def cmd_imports(args: argparse.Namespace) -> int:
    con = open_store(args.db)
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
    print(f"Import {record.import_id} ({record.kind}, {record.file_name}) er nå aktiv.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kompetanse import export  # the writers load only when exporting

    try:
        export.check_writable(args.out)
    except export.ExportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    con = open_store(args.db)
    try:
        out = export.build(con, args.format, args.out, unit=args.unit, as_of=args.as_of)
    except export.ExportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    print(f"Rapporten er lagret: {out}")
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
    p = command("metrics", cmd_metrics, "nøkkeltall")
    p.add_argument("--as-of", type=_date, default=None)
    p.add_argument("--by", type=_by, default="unit")
    p.add_argument("--retirement-age", type=_non_negative, default=None)
    p.add_argument("--min-cell", type=_non_negative, default=None)
    p.add_argument("--json", action="store_true")
    p = command("export", cmd_export, "rapport til ledelsens gjennomgang (Excel eller PowerPoint)")
    p.add_argument("--format", choices=("xlsx", "pptx"), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--unit", default=None, metavar="CODE", help="enhetskode; rapporten tar med alle enheter under")
    p.add_argument("--as-of", type=_date, default=None, help="referansedato ÅÅÅÅ-MM-DD (standard: datadatoen)")
    command("imports", cmd_imports, "importhistorikk")
    p = command("activate", cmd_activate, "gjør en tidligere import aktiv")
    p.add_argument("id", type=int)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except store.StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except (duckdb.Error, OSError) as exc:
        problem = store.storage_problem(exc)
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
