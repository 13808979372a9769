"""Column mappings: which column of a file is which field, chosen once by the user and remembered.

A mapping is {header as written: our field name, or None for «ignorer»}. It is saved under a name the
user gives, with the file's headers, and offered again for the next file whose headers are the same
(compared as the importer compares headers: case, accents and spacing do not matter). On the command
line `--mapping NAME` uses a saved one and `--mapping FILE.json` one written by hand, where a field may be
given as our name ("start_date"), its Norwegian name ("Startdato") or any accepted header, and
"ignorer" (or null) leaves the column out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from kompetanse.importer.errors import Preview
from kompetanse.importer.fields import SPECS
from kompetanse.importer.recognise import lookup_key
from kompetanse.storage import store
from kompetanse.text import header_key

IGNORE = "ignorer"
MAX_NAME = 80

Columns = dict[str, str | None]


class MappingError(Exception):
    """A mapping that cannot be used (message: one Norwegian sentence)."""


@dataclass(frozen=True)
class SavedMapping:
    name: str
    kind: str
    headers: tuple[str, ...]
    columns: Columns
    saved_at: datetime


def headers_key(headers: list[str] | tuple[str, ...]) -> str:
    """The file's headers as compared: folded, sorted, blanks left out."""
    return "|".join(sorted({lookup_key(h) for h in headers if h and lookup_key(h)}))


def field_name(kind: str, text: str | None) -> str | None:
    """Our field name for our name, a field's Norwegian name or an accepted header; None for «ignorer»."""
    if text is None or not str(text).strip() or header_key(str(text)) == header_key(IGNORE):
        return None
    spec = SPECS[kind]
    wanted = header_key(str(text))
    for f in spec.fields:
        if wanted == header_key(f.name) or any(wanted == header_key(a) for a in f.aliases):
            return f.name
    shown = ", ".join(f.label for f in spec.fields)
    raise MappingError(f"ukjent felt «{text}» i kolonneoppsettet (gyldige: {shown}, eller «{IGNORE}»)")


def _frame_rows(con: duckdb.DuckDBPyConnection) -> list[SavedMapping]:
    frame = store.run_query(con, "column_mappings")
    return [
        SavedMapping(row.name, row.kind, tuple(json.loads(row.headers)), json.loads(row.columns),
                     row.saved_at.to_pydatetime() if hasattr(row.saved_at, "to_pydatetime") else row.saved_at)
        for row in frame.itertuples()
    ]


def saved(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> list[SavedMapping]:
    """The saved mappings, newest first (of one kind, or all)."""
    return [m for m in _frame_rows(con) if kind is None or m.kind == kind]


def get(con: duckdb.DuckDBPyConnection, name: str) -> SavedMapping | None:
    return next((m for m in _frame_rows(con) if m.name == name), None)


def matching(con: duckdb.DuckDBPyConnection, kind: str, headers: list[str]) -> SavedMapping | None:
    """The newest saved mapping made for a file with these headers, or None."""
    key = headers_key(headers)
    return next((m for m in saved(con, kind) if headers_key(m.headers) == key), None)


def save(
    con: duckdb.DuckDBPyConnection, name: str, kind: str, headers: list[str], columns: Mapping[str, str | None]
) -> SavedMapping:
    """Save (or replace) the mapping `name` for a file with these headers."""
    name = name.strip()
    if not name:
        raise MappingError("gi kolonneoppsettet et navn")
    if len(name) > MAX_NAME:
        raise MappingError(f"navnet på kolonneoppsettet kan ha høyst {MAX_NAME} tegn")
    checked = {str(h): field_name(kind, v) for h, v in columns.items()}
    at = datetime.now().replace(microsecond=0)
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):  # no figure depends on a mapping
        cursor.execute("delete from column_mappings where name = $name", {"name": name})
        cursor.execute(
            "insert into column_mappings (name, kind, header_key, headers, columns, saved_at) "
            "values ($name, $kind, $key, $headers, $columns, $at)",
            {"name": name, "kind": kind, "key": headers_key(headers), "headers": json.dumps(list(headers)),
             "columns": json.dumps(checked, ensure_ascii=False), "at": at},
        )
    return SavedMapping(name, kind, tuple(headers), checked, at)


def read_file(path: Path, kind: str) -> Columns:
    """A mapping written by hand: a JSON object {"header in the file": "field" or "ignorer" or null}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError:
        raise MappingError(f"kolonneoppsettet {Path(path).name} kan ikke leses") from None
    except ValueError as exc:
        raise MappingError(f"kolonneoppsettet {Path(path).name} er ikke gyldig JSON (linje {exc.lineno})"
                           if isinstance(exc, json.JSONDecodeError) else str(exc)) from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]  # the shape `mappings --json` would write
    if not isinstance(data, dict) or not all(isinstance(v, str | None) for v in data.values()):
        raise MappingError(f"kolonneoppsettet {Path(path).name} må være et JSON-objekt "
                           '{"Kolonne i filen": "felt" eller "ignorer"}')
    return {str(h): field_name(kind, v) for h, v in data.items()}


def resolve(con: duckdb.DuckDBPyConnection, text: str, kind: str) -> tuple[str, Columns]:
    """`--mapping NAME|FILE.json`: (the name to show, the mapping)."""
    path = Path(text)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise MappingError(f"finner ikke filen {text}")
        return path.name, read_file(path, kind)
    found = get(con, text)
    if found is None:
        names = ", ".join(m.name for m in saved(con)) or "ingen er lagret ennå"
        raise MappingError(f"ukjent kolonneoppsett «{text}» (lagrede: {names})")
    if found.kind != kind:
        raise MappingError(f"kolonneoppsettet «{text}» er for {found.kind}, ikke {kind}")
    return found.name, dict(found.columns)


# --- the Import page's column table ------------------------------------------------------------

HOW_SHOWN = {  # how a column came to be what it is, in the page's words
    "mapping": "valgt i kolonneoppsettet",
    "name": "kjent kolonnenavn",
    "profile": "kjent fra {profile}",
    "content": "avgjort av innholdet",
}
COLUMN, EXAMPLE, USED_AS, NOTE = "Kolonne i filen", "Eksempel", "Brukes som", "Merknad"


def choice_labels(kind: str) -> dict[str, str | None]:
    """What the user chooses from: each field's Norwegian name -> our name, and «ignorer» -> None."""
    return {**{f.label: f.name for f in SPECS[kind].fields}, IGNORE: None}


def column_rows(preview: Preview, kind: str) -> list[dict[str, str]]:
    """One row per column of the file: its header, an example value, what it is read as, and why."""
    labels = {f.name: f.label for f in SPECS[kind].fields}
    rows = []
    for c in preview.columns:
        if c.field is not None:
            note = HOW_SHOWN.get(c.how or "", "").format(profile=preview.profile or "systemet")
        else:
            note = (c.note or "").removeprefix(f"kolonnen «{c.header}» ")
            note = note[:1].upper() + note[1:]
        rows.append({COLUMN: c.header, EXAMPLE: c.example, USED_AS: labels.get(c.field or "", IGNORE), NOTE: note})
    return rows


def chosen_columns(rows: list[dict[str, object]], kind: str) -> Columns:
    """The table as the user left it: header -> our name (None for «ignorer»)."""
    labels = choice_labels(kind)
    return {str(r[COLUMN]): labels.get(str(r[USED_AS] or IGNORE)) for r in rows}


def changed_columns(before: Columns, after: Columns) -> Columns:
    """The columns the user changed (the rest stay as recognised, hints and content decisions included)."""
    return {h: v for h, v in after.items() if before.get(h, "") != v}
