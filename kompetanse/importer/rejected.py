"""The rejected-rows file of `--skip-invalid`: the original cells of each bad row, with its row number and errors.

The file imports again, into the same import (`import FILE --add-to ID`): its "Fil", "Rad" and "Feil"
columns are recognised and ignored, and where the fødselsnummer was the identity (it is blanked here,
as everywhere), the row keeps the keyed pseudonym the import stores (REFERENCE_HEADER) and, where the
file had none, the birth date and gender the number gave, so that the corrected row is the same person.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kompetanse.export.safe_cells import csv_cell
from kompetanse.importer.check import FileResult
from kompetanse.importer.fields import NATIONAL_ID, REFERENCE_HEADER
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
            text = column.map(lambda v: "" if is_blank(v) else as_text(v)).astype(object)
            hidden = result.hidden_cells.get(position)
            cells[header] = text if hidden is None else text.where(~hidden[bad], "")  # a number out of place
    if national is not None:
        cells.update(_identity(result, bad, set(cells)))
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


def _identity(result: FileResult, bad: np.ndarray, present: set[str]) -> dict[str, pd.Series]:
    """What the blanked fødselsnummer gave each row: its pseudonym, and the birth date and gender if not in the file."""
    frame = result.frame.loc[bad]
    out: dict[str, pd.Series] = {}
    given_id = result.columns.get("employee_id")
    if "employee_id" in frame:
        from_number = frame["employee_id"].astype(object)
        if given_id is not None:  # the file's own id column: the pseudonym goes into its blank cells
            blank = result.raw.data[given_id].loc[bad].isna().to_numpy()
            header = result.raw.headers[given_id]
            own = result.raw.data[given_id].loc[bad].map(lambda v: "" if is_blank(v) else as_text(v))
            hidden = result.hidden_cells.get(given_id)
            own = own if hidden is None else own.where(~hidden[bad], "")
            out[header] = own.where(~blank, from_number.fillna("")).astype(object)
        elif from_number.notna().any():
            out[REFERENCE_HEADER] = from_number.fillna("").astype(object)
    if "birth_date" in frame and "birth_date" not in result.columns:
        out["Fødselsdato"] = frame["birth_date"].dt.strftime("%d.%m.%Y").fillna("").astype(object)
    if "gender" in frame and "gender" not in result.columns:
        out["Kjønn"] = frame["gender"].fillna("").astype(object)
    own_id = result.raw.headers[given_id] if given_id is not None else None
    return {k: v for k, v in out.items() if k not in present or k == own_id}


def write_rejected(parts: list[pd.DataFrame], path: Path) -> None:
    frame = pd.concat(parts, ignore_index=True).fillna("")
    # The file is opened in a spreadsheet: a cell that could be a formula is neutralised (OWASP, CSV injection).
    frame = frame.map(csv_cell)
    frame.columns = [csv_cell(c) for c in frame.columns]
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
