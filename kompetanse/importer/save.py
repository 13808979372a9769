"""The whole import: read and check every file, then store the rows as one import in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kompetanse.demo import demo
from kompetanse.importer.check import FileResult, convert_file
from kompetanse.importer.errors import FileSummary, ImportFailed, ImportOutcome, RowError
from kompetanse.importer.fields import NATIONAL_ID, SPECS
from kompetanse.importer.national_id import ID_HASH_KEY, hash_key
from kompetanse.importer.read import FileProblem, read_file
from kompetanse.importer.rejected import rejected_rows, write_rejected
from kompetanse.storage import history, store


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    kind: str = "personnel",
    *,
    skip_invalid: bool = False,
    snapshot_date: date | None = None,
    progress: Callable[[float, str], None] | None = None,
    display_names: list[str] | None = None,
    sheets: Mapping[str, str] | None = None,
    add_to: int | None = None,
    mapping: Mapping[str, str | None] | None = None,
) -> ImportOutcome:
    """Import one or more files as one import of `kind`; raises ImportFailed with every problem.

    `sheets`: the sheet to read per file (by display name), where a workbook has several with a header.
    With `add_to`, the rows (typically the corrected rejected-rows file of `--skip-invalid`) are added to
    that import's rows: a new import holding both is stored and made active, and the earlier one stays in
    the history as it was. Rows the import holds already are not added twice.
    Importing one's own personnel into a database that holds the demo removes the demo in the same
    transaction (`ImportOutcome.demo_removed` says what went).
    """
    if kind not in SPECS:
        raise ValueError(f"unknown import kind: {kind}")
    if not paths:
        raise ImportFailed([RowError("", None, None, "Ingen filer å importere.")])
    paths = [Path(p) for p in paths]
    names = list(display_names) if display_names else [p.name for p in paths]
    if len(names) != len(paths):
        raise ValueError("display_names must match paths")
    spec = SPECS[kind]
    if add_to is not None:
        base_kind = history.import_kind(con, add_to)
        if base_kind is None:
            raise ImportFailed([RowError(", ".join(names), None, None, f"Import {add_to} finnes ikke.")])
        if base_kind != kind:
            raise ImportFailed([RowError(", ".join(names), None, None,
                                         f"Import {add_to} er av typen {base_kind}, ikke {kind}.")])
    # Corrections belong to the data date of the import they complete.
    snapshot = snapshot_date or (history.import_snapshot_date(con, add_to) if add_to is not None else None) \
        or date.today()

    def report(fraction: float, text: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), text)

    key, new_key = hash_key(con)
    results: list[FileResult] = []
    file_errors: list[RowError] = []
    for number, (path, name) in enumerate(zip(paths, names, strict=True)):
        report(0.6 * number / len(paths), f"Leser {name}")
        try:
            raw = read_file(path, name, spec, sheet=(sheets or {}).get(name))
            results.append(convert_file(spec, name, raw, snapshot, key, mapping))
        except ImportFailed as failed:
            file_errors.extend(failed.errors)
        except FileProblem as problem:
            file_errors.append(RowError(name, None, None, str(problem)))
        except Exception as exc:
            file_errors.append(RowError(name, None, None, f"Uventet feil ved lesing av filen ({type(exc).__name__})."))
    if file_errors:
        raise ImportFailed(file_errors)

    report(0.65, "Kontrollerer radene")
    errors: list[RowError] = []
    kept: list[pd.DataFrame] = []
    rejected_parts: list[pd.DataFrame] = []
    for result in results:
        problems = result.problems
        row_numbers = result.raw.row_numbers
        if len(problems):
            positions = problems["pos"].to_numpy(dtype=int)
            rows = row_numbers[positions]
            errors.extend(
                RowError(result.name, int(r), c, m)
                for r, c, m in zip(rows, problems["column"], problems["message"], strict=True)
            )
        bad = np.zeros(len(result.frame), dtype=bool)
        if len(problems):
            bad[problems["pos"].to_numpy(dtype=int)] = True
        kept.append(result.frame.loc[~bad])
        if bad.any():
            rejected_parts.append(rejected_rows(result, bad, multiple=len(results) > 1))
    total = sum(len(r.frame) for r in results)
    rejected = total - sum(len(k) for k in kept)
    if errors and (not skip_invalid or rejected == total):
        raise ImportFailed(errors)

    frame = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)
    if kind == "measures":
        first_id = store.next_id(con, "measures", "measure_id")
        frame.insert(0, "measure_id", np.arange(first_id, first_id + len(frame)))
    if kind == "requirements":
        frame["min_holders"] = frame["min_holders"].astype("int64")
    for f in spec.fields:  # whole numbers that may be blank (placements, goal years)
        if f.parse in ("places", "year") and f.name in frame:
            frame[f.name] = pd.array(frame[f.name].tolist(), dtype="Int64")
    if kind == "measures":
        frame["horizon"] = frame["horizon"].astype("int64")
        for f in spec.fields:
            if f.parse == "amount":
                frame[f.name] = frame[f.name].astype(float).fillna(0.0) if f.name in frame else 0.0

    rejected_file = None
    if rejected_parts:
        rejected_file = paths[0].with_name(f"{paths[0].stem}.avviste.csv")
        report(0.75, f"Skriver avviste rader til {rejected_file.name}")
        try:
            write_rejected(rejected_parts, rejected_file)
        except OSError as exc:  # the input's folder is read-only: say which file, not the database
            raise ImportFailed([RowError(names[0], None, None, (
                f"Kan ikke skrive filen med avviste rader ({rejected_file}): {exc.strerror or exc}. "
                "Legg inndatafilen i en mappe som kan skrives, og importer på nytt. Ingenting er endret."
            ))]) from None

    hashes = sorted(file_sha(p) for p in paths)
    sha = hashes[0] if len(hashes) == 1 else hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()
    if mapping:  # the same file read with other columns is other data, not the same import again
        chosen = json.dumps(dict(mapping), sort_keys=True, ensure_ascii=False)
        sha = hashlib.sha256(f"{sha}\n{chosen}".encode()).hexdigest()
    file_name = ", ".join(names)
    added = already_there = 0
    if add_to is not None:
        frame, added, already_there = _added_to(con, add_to, frame, kind)
        sha = hashlib.sha256(f"{history.import_sha(con, add_to)}+{sha}".encode("ascii")).hexdigest()
        file_name = f"import {add_to} + {file_name}"
    removed: list[str] = []

    def remove_demo(con: duckdb.DuckDBPyConnection) -> None:
        removed.extend(demo.remove_demo(con))

    replaces_demo = kind == "personnel" and demo.holds_demo(con)
    report(0.8, "Lagrer i databasen")
    try:
        if new_key and NATIONAL_ID in set().union(*(r.columns for r in results)):
            with store.transaction(con):
                con.execute(
                    "insert into settings select $k, $v where not exists (select 1 from settings where key = $k)",
                    {"k": ID_HASH_KEY, "v": key.decode("ascii")},
                )
        record = history.record_import(
            con, kind, frame, file_name=file_name, sha256=sha, snapshot_date=snapshot,
            also=remove_demo if replaces_demo else None,
        )
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportFailed([RowError(", ".join(names), None, None, f"Kunne ikke lagre importen: {first}")]) from exc
    report(1.0, "Ferdig")
    sheets_read = {r.name: r.raw.sheet for r in results if r.raw.sheet is not None}
    return ImportOutcome(
        record, len(frame), rejected, rejected_file, record.reused, sheets_read,
        test_numbers=sum(r.test_numbers for r in results), demo_removed=tuple(removed), added_to=add_to,
        added=added, already_there=already_there, files=file_summaries(results),
    )


def _added_to(
    con: duckdb.DuckDBPyConnection, import_id: int, frame: pd.DataFrame, kind: str
) -> tuple[pd.DataFrame, int, int]:
    """The rows of `import_id` followed by the new rows it does not hold yet; (rows, added, already there)."""
    _table, columns = history.KIND_TABLES[kind]
    base = history.import_rows(con, import_id)
    incoming = frame.reindex(columns=columns)
    compared = [c for c in columns if c != "measure_id"]  # a measure's id is given on storing
    known = set(_row_keys(base, compared))
    fresh = np.array([key not in known for key in _row_keys(incoming, compared)], dtype=bool)
    new = incoming.loc[fresh]
    combined = pd.concat([base, new], ignore_index=True) if len(base) else new.reset_index(drop=True)
    return combined, len(new), len(incoming) - len(new)


def _row_keys(rows: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    """Each row as comparable text: blanks, dates and numbers written one way whatever their type."""
    def text(value: object) -> str:
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, pd.Timestamp | date):
            return pd.Timestamp(value).date().isoformat()
        if isinstance(value, int | float | np.number) or type(value).__name__ == "Decimal":
            return f"{float(value):.10g}"
        return str(value)

    return [tuple(text(v) for v in row) for row in rows[columns].itertuples(index=False, name=None)]


def file_summaries(results: list[FileResult]) -> tuple[FileSummary, ...]:
    """Per file: the profile recognised and every column not used (nothing is dropped without a word)."""
    return tuple(
        FileSummary(r.name, r.recognition.profile, r.recognition.notices)
        for r in results if r.recognition is not None
    )
