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

from kompetanse import history, store
from kompetanse.importer.check import FileResult, convert_file
from kompetanse.importer.errors import FileSummary, ImportFailed, ImportOutcome, RowError
from kompetanse.importer.fields import NATIONAL_ID, SPECS
from kompetanse.importer.national_id import ID_HASH_KEY, hash_key
from kompetanse.importer.read import FileProblem, read_file
from kompetanse.importer.rejected import rejected_rows, write_rejected


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
    mapping: Mapping[str, str | None] | None = None,
) -> ImportOutcome:
    """Import one or more files as one import of `kind`; raises ImportFailed with every problem."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind: {kind}")
    if not paths:
        raise ImportFailed([RowError("", None, None, "Ingen filer å importere.")])
    paths = [Path(p) for p in paths]
    names = list(display_names) if display_names else [p.name for p in paths]
    if len(names) != len(paths):
        raise ValueError("display_names must match paths")
    snapshot = snapshot_date or date.today()
    spec = SPECS[kind]

    def report(fraction: float, text: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), text)

    key, new_key = hash_key(con)
    results: list[FileResult] = []
    file_errors: list[RowError] = []
    for number, (path, name) in enumerate(zip(paths, names, strict=True)):
        report(0.6 * number / len(paths), f"Leser {name}")
        try:
            raw = read_file(path, name, spec)
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
        write_rejected(rejected_parts, rejected_file)

    hashes = sorted(file_sha(p) for p in paths)
    sha = hashes[0] if len(hashes) == 1 else hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()
    if mapping:  # the same file read with other columns is other data, not the same import again
        chosen = json.dumps(dict(mapping), sort_keys=True, ensure_ascii=False)
        sha = hashlib.sha256(f"{sha}\n{chosen}".encode()).hexdigest()
    report(0.8, "Lagrer i databasen")
    try:
        if new_key and NATIONAL_ID in set().union(*(r.columns for r in results)):
            with store.transaction(con):
                con.execute(
                    "insert into settings select $k, $v where not exists (select 1 from settings where key = $k)",
                    {"k": ID_HASH_KEY, "v": key.decode("ascii")},
                )
        record = history.record_import(
            con, kind, frame, file_name=", ".join(names), sha256=sha, snapshot_date=snapshot
        )
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportFailed([RowError(", ".join(names), None, None, f"Kunne ikke lagre importen: {first}")]) from exc
    report(1.0, "Ferdig")
    return ImportOutcome(record, len(frame), rejected, rejected_file, record.reused, file_summaries(results))


def file_summaries(results: list[FileResult]) -> tuple[FileSummary, ...]:
    """Per file: the profile recognised and every column not used (nothing is dropped without a word)."""
    return tuple(
        FileSummary(r.name, r.recognition.profile, r.recognition.notices)
        for r in results if r.recognition is not None
    )
