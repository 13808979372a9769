"""Formula injection: a text from the data (a unit name, a measure, a comment) is never a formula in a file we write.

A spreadsheet calculates a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage
return, what follows), so `=HYPERLINK(...)` in a unit name would become a link to an attacker, and
`=cmd|' /C calc'!A0` a command. The rule is OWASP's "CSV Injection" advice:
- Excel workbooks (ours through openpyxl, the deck's chart workbooks through XlsxWriter): such a
  text is stored as a text cell with Excel's quote prefix (shown as typed, never calculated);
- CSV files (no cell types): such a text gets a leading single quote, and `|` is escaped.
Numbers stay numbers everywhere.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any

from openpyxl import Workbook
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from xlsxwriter import Workbook as XlsxWriterWorkbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# CSV readers also start dynamic data exchange with `|` and some expand `%...%`.
CSV_PREFIXES = (*FORMULA_PREFIXES, "|", "%")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9][0-9 .,]*")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet calculates: a leading `'` (and `|` escaped) where it could be a formula."""
    if not isinstance(value, str) or not value.startswith(CSV_PREFIXES) or value == "-":
        return value
    if _PLAIN_NUMBER.fullmatch(value):  # "-12,5" is a number, not a formula
        return value
    return "'" + value.replace("|", "\\|")


def as_text_cells(workbook: Workbook) -> None:
    """Every text cell of the workbook that a spreadsheet could calculate becomes plain text (call before save).

    openpyxl stores a string starting with `=` as a formula; the ones we write are all data, never formulas.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


class _TextCategoryWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's embedded workbook, with XlsxWriter told that a string is a string.

    python-pptx writes category labels and series names with XlsxWriter's `worksheet.write`, which
    turns a string starting with `=` into a formula unless the workbook says `strings_to_formulas: False`.
    """

    @contextmanager
    def _open_worksheet(self, xlsx_file):  # type: ignore[no-untyped-def]
        workbook = XlsxWriterWorkbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class TextCategoryChartData(CategoryChartData):
    """CategoryChartData whose embedded workbook never holds a formula (use instead of CategoryChartData)."""

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        writer = self.__dict__.get("_text_writer")
        if writer is None:
            writer = self.__dict__["_text_writer"] = _TextCategoryWorkbookWriter(self)
        return writer
