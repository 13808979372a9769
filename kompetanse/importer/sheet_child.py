"""The spreadsheet reader's child process: python-calamine under a memory and a CPU limit.

Run as a script by kompetanse/importer/sandbox.py (`python -P sheet_child.py`), never imported by
the app: it needs only the standard library and python_calamine (pandas' odf engine only as the
second reader of an .ods calamine rejects), so it starts in a tenth of a second. Whatever a
workbook makes the reader do (ask for 512 GB, loop, abort in Rust), it happens here, and the
parent turns it into one sentence.

Protocol on stdin/stdout: frames of an 8-byte little-endian length and a pickle.
  parent -> {"path", "head_rows", "memory_bytes", "cpu_seconds"}
  child  -> {"sheets": [{"name", "head", "height", "width"}], "reader"} or {"problem": CODE}
  parent -> {"sheet": INDEX, "nrows": N or None} (or None: done)
  child  -> {"nrows", "columns": [("plain", values) | ("coded", uniques, int32 codes), ...]} or {"problem": CODE}
Text and numbers travel as they are (pickle writes them in C); a column with dates travels as its
distinct values and one int32 per cell: pickling a million date objects one by one costs a second
each way, a few thousand distinct ones nothing.
"""

from __future__ import annotations

import gc
import pickle
import resource
import struct
import sys
from array import array
from typing import Any

from python_calamine import CalamineWorkbook  # loaded while the parent writes the request

_LENGTH = struct.Struct("<Q")


def _receive() -> Any:
    header = sys.stdin.buffer.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(header)
    return pickle.loads(sys.stdin.buffer.read(length))


def _send(message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(_LENGTH.pack(len(data)))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file behind


class _Sheets:
    """The workbook's sheets as grids from A1, by python-calamine or (for .ods) pandas' odf engine."""

    def __init__(self, path: str) -> None:
        self.reader = "calamine"
        self._frames: list[Any] | None = None
        try:
            self._book = CalamineWorkbook.from_path(path)
            self.names = list(self._book.sheet_names)
            self._sheets = [self._book.get_sheet_by_index(i) for i in range(len(self.names))]
        except Exception:
            if not path.lower().endswith(".ods"):
                raise
            self._open_with_odf(path)

    def _open_with_odf(self, path: str) -> None:
        # Gnumeric writes content.xml indented, which calamine rejects; odfpy reads it.
        import pandas as pd

        frames = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=object)
        self.reader = "odf"
        self.names = list(frames)
        self._frames = [f.astype(object).where(f.notna(), None).to_numpy().tolist() for f in frames.values()]

    def grid(self, index: int, nrows: int | None) -> list[list[object]]:
        if self._frames is not None:
            rows = self._frames[index]
            return rows if nrows is None else rows[:nrows]
        sheet = self._sheets[index]
        # skip_empty_area=False: the grid starts at A1, so index + 1 is the Excel row number.
        if nrows is None:
            return sheet.to_python(skip_empty_area=False)
        return sheet.to_python(skip_empty_area=False, nrows=nrows)

    def size(self, index: int) -> tuple[int, int]:
        if self._frames is not None:
            rows = self._frames[index]
            return len(rows), max((len(r) for r in rows), default=0)
        end = self._sheets[index].end  # the last used cell, 0-based; the grid runs from A1 to it
        return (int(end[0]) + 1, int(end[1]) + 1) if end else (0, 0)


_PICKLES_FAST = {str, float, int, bool, type(None)}  # pickled by C code; dates go through __reduce__


def _encode(grid: list[list[object]]) -> dict[str, Any]:
    """Each column as ("plain", values) or, where it holds dates, ("coded", distinct values, int32 codes)."""
    if not grid:
        return {"nrows": 0, "columns": []}
    width = max(map(len, grid))
    if any(len(row) != width for row in grid):
        grid = [list(row) + [None] * (width - len(row)) for row in grid]
    columns: list[tuple] = []
    for column in zip(*grid, strict=True):
        types = set(map(type, column))
        if types <= _PICKLES_FAST:
            columns.append(("plain", column))
            continue
        if bool in types and (int in types or float in types):
            # True == 1 == 1.0 as dict keys: keep the type in the key so a cell is read as written.
            keys = list(zip(map(type, column), column, strict=True))
            index = {key: i for i, key in enumerate(dict.fromkeys(keys))}
            uniques = [value for _, value in index]
            codes = array("i", map(index.__getitem__, keys))
        else:
            index = {value: i for i, value in enumerate(dict.fromkeys(column))}
            uniques = list(index)
            codes = array("i", map(index.__getitem__, column))
        columns.append(("coded", uniques, codes.tobytes()))
    return {"nrows": len(grid), "columns": columns}


def main() -> int:
    request = _receive()
    if request is None:
        return 2
    gc.disable()  # a short life that allocates millions of cells: collections would only cost time
    _limit(int(request["memory_bytes"]), int(request["cpu_seconds"]))
    try:
        book = _Sheets(request["path"])
        heads = []
        for index, name in enumerate(book.names):
            height, width = book.size(index)
            heads.append({"name": name, "head": book.grid(index, request["head_rows"]),
                          "height": height, "width": width})
    except MemoryError:
        _send({"problem": "memory"})
        return 0
    except Exception as exc:
        _send({"problem": "unreadable", "detail": type(exc).__name__})
        return 0
    _send({"sheets": heads, "reader": book.reader})
    choice = _receive()
    if not choice:
        return 0
    try:
        message = _encode(book.grid(int(choice["sheet"]), choice.get("nrows")))
    except MemoryError:
        message = {"problem": "memory"}
    del book
    _send(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
