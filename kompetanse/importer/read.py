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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kompetanse.importer import sandbox, workbook
from kompetanse.importer.errors import FileProblem, ImportFailed, RowError
from kompetanse.importer.fields import KindSpec
from kompetanse.importer.recognise import header_score, match_columns, missing_columns

MAX_FILE_BYTES = 200 * 1024 * 1024
HEADER_SCAN_ROWS = 20
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = ".xlsx, .xls, .ods eller .csv"

@dataclass
class RawTable:
    header_row: int  # 1-based row (Excel) or line (CSV) of the header
    headers: list[str]  # as written, trimmed ("" for a blank header cell)
    data: pd.DataFrame  # columns 0..n-1 by header position; empty rows already dropped
    row_numbers: np.ndarray  # the user-visible row number of each data row
    sheet: str | None = None  # the sheet read, where the workbook has more than one


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


def read_table(
    path: Path, score: Callable[[list[str]], int], *, max_rows: int | None = None, sheet: str | None = None,
    qualifies: Callable[[list[str]], bool] | None = None,
) -> RawTable:
    """Read the sheet with the header (or the CSV), find the header row and return the rows under it.

    Every sheet is looked at: `sheet` names the one to read; else the one whose header row
    `qualifies` (all required columns), SheetChoice when several do, else the best-scoring one.
    """
    kind = check_file(path)
    if kind == "sheet":
        return _read_sheet(path, score, max_rows, sheet, qualifies)
    return _read_csv(path, score, max_rows)


# --- spreadsheets ---------------------------------------------------------------------------


def _read_sheet(
    path: Path, score: Callable[[list[str]], int], max_rows: int | None, sheet: str | None,
    qualifies: Callable[[list[str]], bool] | None,
) -> RawTable:
    read_limits = sandbox.limits()
    workbook.check_workbook(path, read_limits)
    with sandbox.SheetReader(path, HEADER_SCAN_ROWS, read_limits) as reader:
        heads = reader.sheets()
        if not heads:
            raise FileProblem("Regnearket har ingen ark.")
        chosen, header_index = choose_sheet(heads, score, qualifies, sheet)
        _check_size(heads[chosen], read_limits)
        nrows = None if max_rows is None else header_index + 1 + max_rows * 2
        columns = reader.grid(chosen, nrows)
    head = heads[chosen].head
    headers = [_cell_text(v) for v in head[header_index]]
    body_rows = max((len(c) for c in columns), default=0) - header_index - 1
    if max_rows is not None:
        body_rows = min(body_rows, max_rows * 2)
    body_rows = max(body_rows, 0)
    data = pd.DataFrame(
        {i: _decode_column(columns[i] if i < len(columns) else None, header_index + 1, body_rows)
         for i in range(len(headers))},
        index=pd.RangeIndex(body_rows),
    ) if headers else _empty(0)
    row_numbers = np.arange(header_index + 2, header_index + 2 + body_rows)
    name = heads[chosen].name if len(heads) > 1 else None
    return _finish(header_index + 1, headers, data, row_numbers, max_rows, cleaned=True, sheet=name)


def choose_sheet(
    heads: list[sandbox.SheetHead], score: Callable[[list[str]], int],
    qualifies: Callable[[list[str]], bool] | None, wanted: str | None,
) -> tuple[int, int]:
    """The sheet to read and its header row: the named one, else the one whose header qualifies."""
    names = [h.name for h in heads]
    if wanted is not None:
        if wanted not in names:
            raise FileProblem(f"Arket «{wanted}» finnes ikke; arkene heter {_names(names)}.")
        index = names.index(wanted)
        header = find_header(heads[index].head, score)
        if header is None:
            raise _no_header(f" på arket «{wanted}»")
        return index, header
    found = [(i, find_header(h.head, score)) for i, h in enumerate(heads)]
    found = [(i, header) for i, header in found if header is not None]
    if not found:
        if not any(_cell_text(v) for h in heads for row in h.head for v in row):
            raise FileProblem("Regnearket er tomt.")
        raise _no_header(f" på noen av arkene ({_names(names)})" if len(heads) > 1 else "")
    if qualifies is not None:
        full = [(i, header) for i, header in found
                if qualifies([_cell_text(v) for v in heads[i].head[header]])]
        if len(full) > 1:
            raise SheetChoice([heads[i].name for i, _ in full])
        if full:
            return full[0]
    return max(found, key=lambda f: score([_cell_text(v) for v in heads[f[0]].head[f[1]]]))


def _names(names: list[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


class SheetChoice(FileProblem):
    """More than one sheet holds a complete header: the user says which (`sheets` lists them)."""

    def __init__(self, sheets: list[str]) -> None:
        self.sheets = sheets
        super().__init__(
            f"Flere ark har gjenkjente kolonner ({_names(sheets)}); velg hvilket ark som skal importeres"
            " (på kommandolinjen: --sheet NAVN)."
        )


def _check_size(head: sandbox.SheetHead, read_limits: sandbox.ReadLimits) -> None:
    rows, columns = head.height, head.width
    if rows > read_limits.max_rows or columns > read_limits.max_columns or rows * columns > read_limits.max_cells:
        raise FileProblem(
            f"Arket «{head.name}» går til rad {rows} og kolonne {columns}, mer enn grensen "
            f"({read_limits.max_rows} rader, {read_limits.max_columns} kolonner, {read_limits.max_cells} celler). "
            "Slett tomme rader og kolonner under og til høyre for dataene, eller lagre arket som CSV."
        )


def _decode_column(column: sandbox.Column | None, start: int, length: int) -> pd.Series:
    """Rows start..start+length of a column from the reader, cleaned as clean_column does."""
    if column is None:  # a header cell beyond the grid's last column
        return pd.Series([None] * length, dtype=object)
    if column.values is not None:
        values = column.values[start : start + length]
        if len(values) < length:
            values = np.concatenate([values, np.full(length - len(values), None, dtype=object)])
        return clean_column(pd.Series(values, dtype=object))
    codes = column.codes[start : start + length]
    cleaned = np.array([*(_clean_value(v) for v in column.uniques), None], dtype=object)
    if len(codes) < length:  # a short column: blank below
        codes = np.concatenate([codes, np.full(length - len(codes), len(cleaned) - 1, dtype=np.int32)])
    return pd.Series(cleaned[codes], dtype=object)


def _clean_value(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value if value else None
    if isinstance(value, float) and value != value:
        return None
    return value


def _no_header(where: str = "") -> FileProblem:
    return FileProblem(
        f"Fant ingen overskriftsrad med kjente kolonnenavn i de første {HEADER_SCAN_ROWS} radene{where}; "
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
    cleaned = [_clean_value(value) for value in np.asarray(uniques, dtype=object)]
    table = np.array([*cleaned, None], dtype=object)
    return pd.Series(table[codes], index=column.index, dtype=object)


def _finish(
    header_row: int, headers: list[str], data: pd.DataFrame, row_numbers: np.ndarray, max_rows: int | None,
    *, cleaned: bool = False, sheet: str | None = None,
) -> RawTable:
    if not cleaned:
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
    return RawTable(header_row, headers, data, row_numbers, sheet)


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
    # The csv module stops at 131 072 characters a cell; any cell the file size limit lets in is read.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
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
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            rows.append((row + [""] * ncols)[:ncols])
            numbers.append(first_line + start - 1)
    except csv.Error as exc:
        raise FileProblem(
            f"Linje {first_line + previous} kan ikke leses som CSV ({exc}); sjekk anførselstegnene der."
        ) from None
    if not rows:
        return _empty(ncols), np.arange(0)
    return pd.DataFrame(rows, columns=range(ncols), dtype=object), np.asarray(numbers)


def read_file(
    path: Path, name: str, spec: KindSpec, max_rows: int | None = None, sheet: str | None = None
) -> RawTable:
    """The file as a raw grid, its header row found by the kind's headers; ImportFailed with one sentence."""

    def complete(headers: list[str]) -> bool:
        return not missing_columns(spec, match_columns(spec, headers)[0])

    try:
        return read_table(path, header_score(spec), max_rows=max_rows, sheet=sheet, qualifies=complete)
    except SheetChoice as choice:
        raise ImportFailed([RowError(name, None, None, str(choice))], sheets=choice.sheets) from None
    except FileProblem as problem:
        raise ImportFailed([RowError(name, None, None, str(problem))]) from None
    except Exception as exc:
        raise ImportFailed([RowError(name, None, None, f"Filen kunne ikke leses ({type(exc).__name__}).")]) from None
