"""What a workbook says about itself, checked before anything reads it.

An .xlsx or .ods is a zip: the central directory gives every part's inflated size without
inflating it, and an .xlsx sheet declares its used range (`<dimension ref="A1:XFD1048576"/>`)
in its first bytes. A sheet over the limits is refused with one sentence before the reader is
started. Pre-1997 Excel (BIFF5 in an OLE container with a "Book" stream, BIFF2-4 bare) is named
as such: python-calamine reads BIFF8 (.xls from Excel 97 on) only.
"""

from __future__ import annotations

import mmap
import re
import zipfile
from pathlib import Path

from kompetanse.importer.errors import FileProblem
from kompetanse.importer.sandbox import ReadLimits
from kompetanse.presentation import formatting

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BIFF2_TO_4_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")  # BOF record ids of BIFF2, 3 and 4
# A compound file's directory entry: the UTF-16 name padded to 64 bytes, then its length in bytes.
_BOOK_ENTRY = "Book\0".encode("utf-16-le")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_HEAD_BYTES = 64 * 1024
OLD_EXCEL = "Filen er i gammelt Excel-format (Excel 95 eller eldre): lagre som .xlsx og importer på nytt."


def column_number(letters: str) -> int:
    """A1-style column letters as a number (A = 1, XFD = 16 384)."""
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def check_workbook(path: Path, limits: ReadLimits) -> None:
    """Raise a FileProblem for an old Excel format or a workbook larger than the limits."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(BIFF2_TO_4_BOF):
        raise FileProblem(OLD_EXCEL)
    if magic == OLE_MAGIC and _is_biff5(path):
        raise FileProblem(OLD_EXCEL)
    if magic.startswith(ZIP_MAGIC):
        _check_zip(path, limits)


def _is_biff5(path: Path) -> bool:
    """An OLE file whose workbook stream is "Book" (Excel 5/95) rather than "Workbook" (97 and later)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = data.find(_BOOK_ENTRY)
        while start >= 0:
            # Directory entries are 128 bytes, aligned after the 512-byte header; the name length follows.
            if (start - 512) % 128 == 0 and data[start + 64 : start + 66] == b"\x0a\x00":
                return True
            start = data.find(_BOOK_ENTRY, start + 1)
    return False


def _check_zip(path: Path, limits: ReadLimits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # the reader says the file is damaged
    with archive:
        parts = archive.infolist()
        inflated = sum(p.file_size for p in parts)
        if inflated > limits.max_uncompressed_mb * 1024 * 1024:
            raise FileProblem(
                f"Regnearket pakker ut til {formatting.number(inflated / 1024 / 1024)} MB "
                f"(grensen er {formatting.number(limits.max_uncompressed_mb)} MB). "
                "Fjern ark og kolonner som ikke trengs, eller lagre det som CSV."
            )
        for part in parts:
            if _SHEET_PART.match(part.filename):
                _check_dimension(archive, part, limits)


def _check_dimension(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: ReadLimits) -> None:
    try:
        with archive.open(part) as stream:
            head = stream.read(_HEAD_BYTES)  # inflates only these bytes
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return
    found = _DIMENSION.search(head)
    if not found:
        return
    first_letters, first_row, last_letters, last_row = (
        g.decode("ascii") if g else None for g in found.groups()
    )
    letters = last_letters or first_letters
    row_text = last_row or first_row
    if not letters or not row_text:
        return
    rows, columns = int(row_text), column_number(letters)
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        raise FileProblem(
            f"Et ark i regnearket er oppgitt å gå til celle {letters}{rows} ({formatting.number(rows)} rader × "
            f"{formatting.number(columns)} kolonner); grensen er {formatting.number(limits.max_rows)} rader, "
            f"{formatting.number(limits.max_columns)} kolonner og {formatting.number(limits.max_cells)} celler. "
            "Slett tomme rader og kolonner under og til høyre for dataene, eller lagre arket som CSV."
        )
