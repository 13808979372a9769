"""Reading HR exports into a raw grid: .xlsx/.xls/.ods (python-calamine) and .csv.

A file becomes a `RawTable`: the header row found among the first rows, and the data rows
as a DataFrame with one column per header position (cell values as read: strings from CSV,
native values from spreadsheets), with the row number the user sees in Excel (or the CSV
line number) for each row. Every problem with the file itself is a `FileProblem` carrying
one Norwegian sentence; the importer turns it into an `ImportFailed`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MAX_FILE_BYTES = 200 * 1024 * 1024
HEADER_SCAN_ROWS = 20
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = ".xlsx, .xls, .ods eller .csv"

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "_": " "})


class FileProblem(Exception):
    """The file as a whole cannot be read as a table (message: one Norwegian sentence)."""


def fold(text: str) -> str:
    """Lower case, æ/ø/å and accents folded to ASCII, whitespace trimmed and collapsed."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def header_key(text: str) -> str:
    """The key headers are matched on: folded, and only letters, digits and % kept."""
    return re.sub(r"[^a-z0-9%]+", "", fold(text))


@dataclass
class RawTable:
    header_row: int  # 1-based row (Excel) or line (CSV) of the header
    headers: list[str]  # as written, trimmed ("" for a blank header cell)
    data: pd.DataFrame  # columns 0..n-1 by header position; empty rows already dropped
    row_numbers: np.ndarray  # the user-visible row number of each data row


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def find_header(rows: list[list[object]], score: Callable[[list[str]], int]) -> int | None:
    """Index of the row among the first rows that matches the most known headers (None: none)."""
    best, best_index = 0, None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        points = score([_cell_text(v) for v in row])
        if points > best:
            best, best_index = points, index
    return best_index


def check_file(path: Path) -> str:
    """The kind of reader for the file ("sheet" or "csv"), or a FileProblem."""
    if not path.exists() or not path.is_file():
        raise FileProblem("Filen finnes ikke.")
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES + CSV_SUFFIXES:
        shown = suffix or "uten filendelse"
        raise FileProblem(f"Filtypen {shown} støttes ikke; bruk {SUPPORTED}.")
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("Filen er tom.")
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            f"Filen er for stor ({size / 1024 / 1024:.0f} MB; grensen er 200 MB). "
            "Del den opp eller fjern kolonner som ikke trengs."
        )
    return "sheet" if suffix in SPREADSHEET_SUFFIXES else "csv"


def read_table(path: Path, score: Callable[[list[str]], int], *, max_rows: int | None = None) -> RawTable:
    """Read the first sheet (or the CSV), find the header row and return the rows under it."""
    kind = check_file(path)
    if kind == "sheet":
        return _read_sheet(path, score, max_rows)
    return _read_csv(path, score, max_rows)


# --- spreadsheets ---------------------------------------------------------------------------


def _read_sheet(path: Path, score: Callable[[list[str]], int], max_rows: int | None) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileProblem("Regnearket har ingen ark.")
        sheet = workbook.get_sheet_by_index(0)
        # skip_empty_area=False: the grid starts at A1, so index + 1 is the Excel row number.
        nrows = None if max_rows is None else max_rows + HEADER_SCAN_ROWS + 1
        grid = sheet.to_python(skip_empty_area=False, nrows=nrows) if nrows else sheet.to_python(
            skip_empty_area=False
        )
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(
            f"Filen kan ikke leses som et regneark ({path.suffix.lower()}): den er skadet, passordbeskyttet "
            "eller egentlig en annen filtype."
        ) from exc
    if not grid or not any(_cell_text(v) for row in grid for v in row):
        raise FileProblem("Regnearket er tomt.")
    header_index = find_header(grid, score)
    if header_index is None:
        raise _no_header()
    headers = [_cell_text(v) for v in grid[header_index]]
    body = grid[header_index + 1 :]
    if max_rows is not None:
        body = body[: max_rows * 2]
    data = pd.DataFrame(body, columns=range(len(headers)), dtype=object) if body else _empty(len(headers))
    row_numbers = np.arange(header_index + 2, header_index + 2 + len(data))
    return _finish(header_index + 1, headers, data, row_numbers, max_rows)


def _no_header() -> FileProblem:
    return FileProblem(
        f"Fant ingen overskriftsrad med kjente kolonnenavn i de første {HEADER_SCAN_ROWS} radene; "
        "er dette riktig fil og riktig importtype?"
    )


def _empty(ncols: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype=object) for i in range(ncols)})


def clean_column(column: pd.Series) -> pd.Series:
    """Strings trimmed, blank cells as missing; other cell values (numbers, dates) kept."""
    if pd.api.types.is_string_dtype(column) and column.dtype != object:
        stripped = column.str.strip()
        return stripped.mask(stripped == "")
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=column.index, dtype=object)
    cleaned = []
    for value in np.asarray(uniques, dtype=object):
        if isinstance(value, str):
            value = value.strip()
            cleaned.append(value if value else None)
        elif isinstance(value, float) and value != value:
            cleaned.append(None)
        else:
            cleaned.append(value)
    table = np.array([*cleaned, None], dtype=object)
    return pd.Series(table[codes], index=column.index, dtype=object)


def _finish(
    header_row: int, headers: list[str], data: pd.DataFrame, row_numbers: np.ndarray, max_rows: int | None
) -> RawTable:
    data = pd.DataFrame({i: clean_column(data[i]) for i in data.columns}, index=data.index)
    if len(data.columns):
        keep = data.notna().any(axis=1).to_numpy()
        if not keep.all():
            data = data.loc[keep]
            row_numbers = row_numbers[keep]
    data = data.reset_index(drop=True)
    if max_rows is not None:
        data = data.iloc[:max_rows]
        row_numbers = row_numbers[:max_rows]
    if data.empty:
        raise FileProblem("Filen har en overskriftsrad, men ingen rader med data under den.")
    return RawTable(header_row, headers, data, row_numbers)


# --- CSV ------------------------------------------------------------------------------------


def decode_csv(raw: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes of the file and the encoding found: utf-8-sig, utf-8 or cp1252 (Windows-1252)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:], "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:65536]:
        raise FileProblem(
            "Filen ser ikke ut som en CSV-tekstfil (den inneholder binære data eller er UTF-16); "
            "lagre den som «CSV UTF-8» eller som .xlsx."
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace").encode("utf-8"), "cp1252"
    return raw, "utf-8"


def sniff_delimiter(lines: list[str]) -> str:
    """`;` or `,`: the one whose most common count per non-empty line is highest."""
    best, best_count = ";", 0
    for delimiter in (";", ",", "\t"):
        counts = [line.count(delimiter) for line in lines if line.strip()]
        counts = [c for c in counts if c]
        if not counts:
            continue
        common = Counter(counts).most_common(1)[0][0]
        if common > best_count:
            best, best_count = delimiter, common
    return best


def _read_csv(path: Path, score: Callable[[list[str]], int], max_rows: int | None) -> RawTable:
    data, _encoding = decode_csv(path.read_bytes())
    head_text = data[:262144].decode("utf-8", errors="ignore")
    head_lines = head_text.splitlines()[: HEADER_SCAN_ROWS + 10]
    if not any(line.strip() for line in head_lines):
        raise FileProblem("Filen er tom.")
    delimiter = sniff_delimiter(head_lines)
    head_rows = [row for row in csv.reader(head_lines[:HEADER_SCAN_ROWS], delimiter=delimiter)]
    header_index = find_header(head_rows, score)
    if header_index is None:
        raise _no_header()
    headers = [_cell_text(v) for v in head_rows[header_index]]
    # Byte offset of the first line after the header.
    offset = 0
    for _ in range(header_index + 1):
        newline = data.find(b"\n", offset)
        offset = len(data) if newline < 0 else newline + 1
    body = data[offset:]
    if max_rows is not None:
        cut = 0
        for _ in range(max_rows * 2 + 1):
            newline = body.find(b"\n", cut)
            if newline < 0:
                cut = len(body)
                break
            cut = newline + 1
        body = body[:cut]
    first_line = header_index + 2
    frame, row_numbers = _parse_body_arrow(body, len(headers), delimiter, first_line)
    if frame is None:
        frame, row_numbers = _parse_body_python(body, len(headers), delimiter, first_line)
    return _finish(header_index + 1, headers, frame, row_numbers, max_rows)


def _parse_body_arrow(
    body: bytes, ncols: int, delimiter: str, first_line: int
) -> tuple[pd.DataFrame | None, np.ndarray]:
    """Fast path (pyarrow): every value as text. None when the rows are ragged or quoted over lines."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    if not body or body.isspace():  # not body.strip(): that copied the whole file (0.85 s of 5.4 at 1 000 000 rows)
        return _empty(ncols), np.arange(0)
    names = [f"c{i}" for i in range(ncols)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None, np.arange(0)
    # The line number of every non-empty line (pyarrow skips empty ones).
    bytes_ = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(bytes_ == 10)
    if len(body) and body[-1:] != b"\n":
        ends = np.append(ends, len(body))
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    has_cr = np.zeros(len(ends), dtype=bool)
    nonzero = lengths > 0
    has_cr[nonzero] = bytes_[np.minimum(ends[nonzero] - 1, len(bytes_) - 1)] == 13
    empty = (lengths == 0) | ((lengths == 1) & has_cr)
    line_numbers = np.flatnonzero(~empty) + first_line
    if len(line_numbers) != table.num_rows:
        return None, np.arange(0)
    frame = pd.DataFrame({i: table.column(i).to_pandas() for i in range(ncols)})
    return frame, line_numbers


def _parse_body_python(body: bytes, ncols: int, delimiter: str, first_line: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Slow but tolerant path: ragged rows padded, values over several lines kept."""
    reader = csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    previous = 0
    for row in reader:
        start = previous + 1
        previous = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        rows.append((row + [""] * ncols)[:ncols])
        numbers.append(first_line + start - 1)
    if not rows:
        return _empty(ncols), np.arange(0)
    return pd.DataFrame(rows, columns=range(ncols), dtype=object), np.asarray(numbers)
