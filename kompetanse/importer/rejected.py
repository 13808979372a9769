"""The rejected-rows file of `--skip-invalid`: the original cells of each bad row, with its row number and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kompetanse.export.safe_cells import csv_cell
from kompetanse.importer.check import FileResult
from kompetanse.importer.fields import NATIONAL_ID
from kompetanse.importer.parse import as_text, is_blank


def rejected_rows(result: FileResult, bad: np.ndarray, *, multiple: bool) -> pd.DataFrame:
    """The original cells of the rejected rows (fødselsnummer blanked), with "Rad" and "Feil"."""
    raw = result.raw
    national = result.columns.get(NATIONAL_ID)
    cells: dict[str, pd.Series] = {}
    for position, header in enumerate(raw.headers):
        if not header or header in cells:
            continue
        column = raw.data[position].loc[bad]
        if position == national:
            cells[header] = pd.Series("", index=column.index, dtype=object)
        else:
            cells[header] = column.map(lambda v: "" if is_blank(v) else as_text(v)).astype(object)
    frame = pd.DataFrame(cells)
    if multiple:
        frame.insert(0, "Fil", result.name)
    positions = np.flatnonzero(bad)
    frame["Rad"] = raw.row_numbers[positions]
    problems = result.problems
    joined = problems.groupby("pos", sort=True).apply(
        lambda g: "; ".join(f"{c}: {m}" for c, m in zip(g["column"], g["message"], strict=True)),
        include_groups=False,
    )
    frame["Feil"] = joined.reindex(positions).to_numpy()
    return frame


def write_rejected(parts: list[pd.DataFrame], path: Path) -> None:
    frame = pd.concat(parts, ignore_index=True).fillna("")
    # The file is opened in a spreadsheet: a cell that could be a formula is neutralised (OWASP, CSV injection).
    frame = frame.map(csv_cell)
    frame.columns = [csv_cell(c) for c in frame.columns]
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
