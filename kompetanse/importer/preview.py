"""The first rows of a file with the recognised columns, for the Import page (no fødselsnummer shown)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kompetanse.importer.errors import Preview, PreviewColumn
from kompetanse.importer.fields import NATIONAL_ID, SPECS
from kompetanse.importer.national_id import national_id_cells
from kompetanse.importer.parse import as_text, is_blank
from kompetanse.importer.read import RawTable, read_file
from kompetanse.importer.recognise import missing_columns, recognise

PREVIEW_ROWS = 20


def _shown(column: pd.Series) -> pd.Series:
    """A column's cells as text, a fødselsnummer out of its column blanked (it is never shown)."""
    text = column.map(lambda v: "" if is_blank(v) else as_text(v))
    return text.where(~national_id_cells(column), "")


_LIKE_NATIONAL_ID = re.compile(r"\d{6}\s?\d{4,5}")


def _first_value(column: pd.Series) -> str:
    """The column's first value, blank where it looks like a fødselsnummer (whatever the column is called)."""
    values = column.dropna()
    text = as_text(values.iloc[0]) if len(values) else ""
    return "" if _LIKE_NATIONAL_ID.fullmatch(text) else text


def read_preview(path: Path, kind: str = "personnel", sheet: str | None = None) -> RawTable:
    """The header and the first PREVIEW_ROWS rows of the file (read once; preview it with several mappings).

    ImportFailed with `sheets` set when several sheets hold a complete header and `sheet` names none.
    """
    path = Path(path)
    return read_file(path, path.name, SPECS[kind], max_rows=PREVIEW_ROWS, sheet=sheet)


def preview_file(
    path: Path, kind: str = "personnel", mapping: Mapping[str, str | None] | None = None, sheet: str | None = None
) -> Preview:
    """The header row, what each column is read as (with `mapping` applied) and the first rows."""
    return preview_of(read_preview(path, kind, sheet), Path(path).name, kind, mapping)


def preview_of(raw: RawTable, name: str, kind: str, mapping: Mapping[str, str | None] | None = None) -> Preview:
    """The preview of rows already read (see read_preview)."""
    spec = SPECS[kind]
    found = recognise(spec, raw.headers, raw.data, mapping)
    columns = found.positions
    labels = {f.name: f.label for f in spec.fields}
    recognised = {raw.headers[p]: labels.get(n, n) for n, p in columns.items()}
    sample = pd.DataFrame(
        {labels.get(n, n): _shown(raw.data[p]) for n, p in columns.items() if n != NATIONAL_ID}
    ).head(PREVIEW_ROWS)
    national = columns.get(NATIONAL_ID)
    views = tuple(
        PreviewColumn(c.header, c.field, c.how, c.note,
                      "" if c.position == national or c.field == NATIONAL_ID else _first_value(raw.data[c.position]))
        for c in found.columns
    )
    return Preview(
        name, raw.header_row, recognised, found.unknown, missing_columns(spec, columns), sample, sheet=raw.sheet,
        profile=found.profile, columns=views, competing=found.competing, notices=found.notices,
    )
