"""What an import reports: row errors, the refusal, the outcome and the preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kompetanse.storage import history


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
    sheets: dict[str, str] = field(default_factory=dict)  # file -> the sheet read, where it had several
    test_numbers: int = 0  # rows identified by a synthetic test fødselsnummer (Tenor)
    demo_removed: tuple[str, ...] = ()  # what of the demo this import removed (Norwegian names)
    added_to: int | None = None  # the import the rows were added to (`--add-to`)
    added: int = 0  # rows added to that import
    already_there: int = 0  # rows of the file that the import held already (not added twice)

    def summary(self) -> list[str]:
        """The sentences the page and the command line add to "Importert N rader" (Norwegian)."""
        lines = []
        if self.added_to is not None:
            lines.append(
                f"{self.added} rettede rader er lagt til radene i import {self.added_to}; "
                f"import {self.record.import_id} har alle {self.rows} og er nå aktiv (import {self.added_to} er "
                "beholdt uendret i historikken)."
            )
            if self.already_there:
                lines.append(f"{self.already_there} rader fantes allerede i import {self.added_to} og er ikke lagt "
                             "til på nytt.")
        if self.test_numbers:
            lines.append(f"Filen har {self.test_numbers} syntetiske testfødselsnumre (Tenor): dette er testdata, "
                         "ikke ekte personer.")
        if self.demo_removed:
            lines.append("Demodataene er fjernet, så egne data aldri blandes med demoen: "
                         + ", ".join(self.demo_removed) + ".")
        return lines
    files: tuple[FileSummary, ...] = ()


@dataclass(frozen=True)
class Preview:
    file: str
    header_row: int
    recognised: dict[str, str]  # header as written -> the accepted Norwegian name it is read as
    unknown: dict[str, str | None]
    missing: list[str]
    sample: pd.DataFrame  # the first rows as text, headed by the accepted Norwegian names
    sheet: str | None = None  # the sheet read, where the workbook has more than one
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
