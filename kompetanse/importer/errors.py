"""What an import reports: row errors, the refusal, the outcome and the preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kompetanse import history


class FileProblem(Exception):
    """The file as a whole cannot be read as a table (message: one Norwegian sentence)."""


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportFailed(Exception):
    """The import was refused; `errors` holds every problem found (nothing was written).

    `sheets`: the sheets the user must choose between, where a workbook has several with a header.
    """

    def __init__(self, errors: list[RowError], sheets: list[str] | None = None):
        self.errors = list(errors)
        self.sheets = list(sheets or [])
        super().__init__(f"{len(self.errors)} feil i importen")

    def __str__(self) -> str:
        shown = [str(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            shown.append(f"... og {len(self.errors) - 50} feil til")
        return "\n".join(shown)


@dataclass(frozen=True)
class ImportOutcome:
    record: history.ImportRecord
    rows: int
    rejected: int
    rejected_file: Path | None
    unchanged: bool
    sheets: dict[str, str] = field(default_factory=dict)  # file -> the sheet read, where it had several


@dataclass(frozen=True)
class Preview:
    file: str
    header_row: int
    recognised: dict[str, str]  # header as written -> the accepted Norwegian name it is read as
    unknown: dict[str, str | None]
    missing: list[str]
    sample: pd.DataFrame  # the first rows as text, headed by the accepted Norwegian names
    sheet: str | None = None  # the sheet read, where the workbook has more than one
