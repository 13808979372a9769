"""What an import reports: row errors, the refusal, the outcome and the preview."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kompetanse import history


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
    """The import was refused; `errors` holds every problem found (nothing was written)."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} feil i importen")

    def __str__(self) -> str:
        shown = [str(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            shown.append(f"... og {len(self.errors) - 50} feil til")
        return "\n".join(shown)


@dataclass(frozen=True)
class FileSummary:
    """What the import made of one file: the system it was recognised as and every column it did not use."""

    file: str
    profile: str | None  # "SAP HCM"; None for our own template's headers
    notices: tuple[str, ...]  # one Norwegian sentence per column not used


@dataclass(frozen=True)
class ImportOutcome:
    record: history.ImportRecord
    rows: int
    rejected: int
    rejected_file: Path | None
    unchanged: bool
    files: tuple[FileSummary, ...] = ()


@dataclass(frozen=True)
class Preview:
    file: str
    header_row: int
    recognised: dict[str, str]  # header as written -> the accepted Norwegian name it is read as
    unknown: dict[str, str | None]
    missing: list[str]
    sample: pd.DataFrame  # the first rows as text, headed by the accepted Norwegian names
    profile: str | None = None  # the system the headers were recognised as
    columns: tuple[PreviewColumn, ...] = ()  # every column of the file, in the file's order
    competing: tuple[str, ...] = ()  # fields two columns claim (the import is refused until one is chosen)
    notices: tuple[str, ...] = ()  # one sentence per column not used


@dataclass(frozen=True)
class PreviewColumn:
    header: str  # as written
    field: str | None  # our name; None: not used
    how: str | None  # "mapping", "name", "profile", "content"; None when not used
    note: str | None  # why not used
    example: str  # the first value (blank for a fødselsnummer)
