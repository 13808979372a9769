"""The first rows of a file with the recognised columns, for the Import page (no fødselsnummer shown)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kompetanse.importer.errors import Preview
from kompetanse.importer.fields import NATIONAL_ID, SPECS
from kompetanse.importer.national_id import national_id_cells
from kompetanse.importer.parse import as_text, is_blank
from kompetanse.importer.read import read_file
from kompetanse.importer.recognise import match_columns, missing_columns

PREVIEW_ROWS = 20


def _shown(column: pd.Series) -> pd.Series:
    """A column's cells as text, a fødselsnummer out of its column blanked (it is never shown)."""
    text = column.map(lambda v: "" if is_blank(v) else as_text(v))
    return text.where(~national_id_cells(column), "")


def preview_file(path: Path, kind: str = "personnel", sheet: str | None = None) -> Preview:
    """The header row, the recognised and unknown columns and the first rows (no fødselsnummer).

    ImportFailed with `sheets` set when several sheets hold a complete header and `sheet` names none.
    """
    path = Path(path)
    spec = SPECS[kind]
    raw = read_file(path, path.name, spec, max_rows=PREVIEW_ROWS, sheet=sheet)
    columns, unknown = match_columns(spec, raw.headers)
    labels = {f.name: f.label for f in spec.fields}
    recognised = {raw.headers[p]: labels.get(n, n) for n, p in columns.items()}
    sample = pd.DataFrame(
        {labels.get(n, n): _shown(raw.data[p]) for n, p in columns.items() if n != NATIONAL_ID}
    ).head(PREVIEW_ROWS)
    return Preview(path.name, raw.header_row, recognised, unknown, missing_columns(spec, columns), sample,
                   sheet=raw.sheet)
